#!/usr/bin/perl
# Reads a Nagios status line on stdin and checks its perfdata with Monitoring::Plugin (Debian's
# libmonitoring-plugin-perl): every item parses, with the label and value it was written with, and
# every threshold is a valid range. Prints one line per item; exits 1 on the first problem.
use strict;
use warnings;
use Monitoring::Plugin::Performance use_die => 1;
use Monitoring::Plugin::Range;

my $line = <STDIN>;
chomp $line;
my (undef, $perf) = split /\|\s*/, $line, 2;
die "no perfdata in: $line\n" unless defined $perf;
my @items = split / /, $perf;
my @parsed = Monitoring::Plugin::Performance->parse_perfstring($perf);
die sprintf("parsed %d of %d items\n", scalar @parsed, scalar @items) unless @parsed == @items;
for my $i (0 .. $#items) {
  my ($label, $rest) = split /=/, $items[$i], 2;
  my ($value, $warn, $crit, $min) = split /;/, $rest, -1;
  my $p = $parsed[$i];
  die "item $i: label $label parsed as " . $p->label . "\n" unless $p->label eq $label;
  die "item $i: value $value parsed as " . $p->value . "\n" unless $p->value == $value;
  for my $range (grep { defined && length } $warn, $crit) {
    die "item $i: $range is not a range\n" unless defined Monitoring::Plugin::Range->parse_range_string($range);
  }
  die "item $i: min $min\n" unless defined $min && $min =~ /^-?[\d.]+$/;
  printf "%s=%s warn=%s crit=%s\n", $label, $value, $warn // '', $crit // '';
}
