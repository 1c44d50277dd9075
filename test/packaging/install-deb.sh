#!/usr/bin/env bash
# The Debian package as an admin meets it: built, checked by lintian, installed with apt-get
# (so that its Depends resolve as on a real server), then used by an unprivileged user of group
# adm, from another directory, on logs that are root:adm 0640 as Exim's are. Needs root and apt.
#
#   test/packaging/install-deb.sh [DEB]    (default: builds one with npm run deb)
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() {
  echo "install-deb: $*" >&2
  exit 1
}

deb=${1:-}
if [ -z "$deb" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  deb=$(npm run --silent deb -- "$out" | tail -n 1)
fi
[ -f "$deb" ] || fail "no package at $deb"

# lintian: no errors or warnings (its default fails on errors only).
lintian --fail-on error,warning "$deb" 2> >(grep -v 'running with root privileges' >&2)

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$(realpath "$deb")" > /dev/null
command -v exim-rejects > /dev/null || fail "exim-rejects is not on PATH after install"
[ "$(command -v exim-rejects)" = /usr/bin/exim-rejects ] || fail "exim-rejects is not /usr/bin/exim-rejects"

# Logs as Debian's Exim leaves them, read by a user of group adm, from a directory of its own.
logs=$(mktemp -d /tmp/exim-logs.XXXXXX)
home=$(mktemp -d /tmp/exim-user.XXXXXX)
# Whatever the user still runs when this ends (a failed step) is stopped with it.
trap 'pkill -KILL -u erci 2> /dev/null || true; rm -rf "$logs" "$home" ${out:+"$out"}' EXIT
cp samples/* "$logs/"
chown -R root:adm "$logs"
chmod 0750 "$logs"
chmod 0640 "$logs"/*
id erci > /dev/null 2>&1 || useradd --system --no-create-home --groups adm --shell /usr/sbin/nologin erci
chown erci "$home"
as_user() { (cd "$home" && runuser -u erci -- "$@"); }

report=$(as_user exim-rejects report "$logs")
grep -q '^  lines     82 = ' <<< "$report" || fail "report on the samples: $report"
grep -q '3 RCPTs for 2 recipients answered 250 and silently dropped' <<< "$report" || fail "report: $report"
set +e
check=$(as_user exim-rejects check --since 30d --now 2026-11-25T00:00:00Z "$logs")
status=$?
set -e
[ $status -eq 2 ] || fail "check exited $status: $check"
grep -q '^EXIM-REJECTS CRITICAL - 3 RCPTs for 2 recipients' <<< "$check" || fail "check: $check"
# The postinst made a code cache for the Node installed, and a run of the user uses it.
cache=$(as_user env DEBUG=exim-rejects exim-rejects --version 2>&1 > /dev/null)
grep -qx 'exim-rejects: code cache /var/cache/exim-rejects/cli.v8cache: used' <<< "$cache" || fail "code cache: $cache"
version=$(as_user exim-rejects --version)
grep -q "^exim-rejects/$(node -p 'require("./package.json").version') " <<< "$version" ||
  fail "--version"

# The manual renders, without warnings, and names every command.
manual=$(MANWIDTH=80 man --warnings exim-rejects 2> "$home/man-warnings")
for c in report events check merge exporter; do grep -q "^   $c" <<< "$manual" || fail "man page has no $c section"; done
[ ! -s "$home/man-warnings" ] || fail "man warns: $(cat "$home/man-warnings")"

# bash completion offers the commands, and a command's flags and values.
complete_words() {
  bash -c 'source /usr/share/bash-completion/completions/exim-rejects
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _exim_rejects 2> /dev/null
    printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}
# Offers are captured first: grep -q stops reading at its match, and with pipefail the writer's
# SIGPIPE would fail the check.
offered=$(complete_words exim-rejects '')
for c in report events check merge exporter help version; do
  grep -qx "$c" <<< "$offered" || fail "completion does not offer $c"
done
offered=$(complete_words exim-rejects report --form)
grep -qx -- --format <<< "$offered" || fail "completion does not offer --format"
offered=$(complete_words exim-rejects events --format '')
grep -qx raw <<< "$offered" || fail "completion does not offer the event formats"
[ -f /usr/share/zsh/vendor-completions/_exim-rejects ] || fail "no zsh completion"
if command -v zsh > /dev/null; then zsh -n /usr/share/zsh/vendor-completions/_exim-rejects; fi

# The shipped systemd units load (their ExecStart is the installed tool).
if command -v systemd-analyze > /dev/null; then
  for unit in /usr/share/doc/exim-rejects/examples/systemd/*.service; do
    systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
  done
fi

# The exporter, run as its unit runs it (a user of group adm), serves the counters of the current
# main log; SIGTERM ends it with exit 0.
as_user exim-rejects exporter --listen 127.0.0.1:0 --since 2000-01-01 "$logs" 2> "$home/exporter.err" &
runner=$!
for _ in $(seq 600); do grep -q 'serving http' "$home/exporter.err" && break; sleep 0.1; done
url=$(grep -o 'http://[^,]*' "$home/exporter.err") || fail "exporter did not start: $(cat "$home/exporter.err")"
metrics=$(node -e 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))' "$url")
pkill -TERM -u erci -f ' exporter --listen 127.0.0.1:0 ' || fail "no exporter process to stop"
wait "$runner" || fail "exporter exited $? on SIGTERM"
grep -q '^exim_rejects_events_total{kind="discard-misconfig",code="250"} 2$' <<< "$metrics" ||
  fail "exporter: $(grep '^exim_rejects_events' <<< "$metrics")"

# A change of the nodejs package (its /usr/bin/node) makes the cache again.
rm /var/cache/exim-rejects/cli.v8cache
dpkg-trigger --no-await /usr/bin/node
dpkg --triggers-only -a > /dev/null
[ -s /var/cache/exim-rejects/cli.v8cache ] || fail "the trigger on /usr/bin/node did not make the code cache again"

# Removing the package removes the cache its postinst made.
apt-get remove -y -qq exim-rejects > /dev/null
[ ! -e /var/cache/exim-rejects ] || fail "/var/cache/exim-rejects is left after removal"

echo "install-deb: $(basename "$deb"): lintian clean, installed, report/check/exporter/man/completion work for a user of group adm, with the code cache its postinst made; the systemd units load"
