// The flags of each command, one set per command, built from the shared ones in flags.ts. The
// commands declare them; the option builders (command-options.ts) and the tests read them too.

import {Args, Flags} from '@oclif/core'
import {REPORT_FORMATS} from '../render/report-formats.js'
import {EVENT_FORMATS} from '../render/event-formats.js'
import {
  colorFlags,
  csvFlags,
  debugFlags,
  filterFlags,
  followFlags,
  groupFlags,
  reportOutputFlags,
  robustFlags,
  selectionFlags,
  standardFlags,
  stateFlags,
  windowFlags,
} from './flags.js'
import {promFlags} from './prom.js'

export const REPORT_FLAGS = {
  ...standardFlags,
  ...selectionFlags,
  ...groupFlags,
  ...filterFlags,
  ...windowFlags,
  ...stateFlags,
  ...followFlags,
  ...colorFlags,
  ...csvFlags,
  ...robustFlags,
  'max-groups': Flags.integer({
    description: 'keep at most this many groups per table, counting the rest in a last (other) row [default: 2000000]',
    min: 1,
    helpValue: 'N',
  }),
  label: Flags.string({
    description: 'name the host these logs come from (shown in reports; merge groups by it)',
    helpValue: 'NAME',
  }),
  ...reportOutputFlags,
  interval: Flags.string({
    description: 'with --follow: print a fresh report this often (30s, 5m, 1h)',
    default: '60s',
    helpValue: 'SPAN',
  }),
  format: Flags.string({description: 'output format', options: [...REPORT_FORMATS], default: 'summary'}),
  json: Flags.boolean({description: 'same as --format json'}),
  ...promFlags,
}

export const EVENTS_FLAGS = {
  ...standardFlags,
  ...selectionFlags,
  ...filterFlags,
  ...windowFlags,
  ...stateFlags,
  ...followFlags,
  ...colorFlags,
  ...csvFlags,
  ...robustFlags,
  format: Flags.string({description: 'output format', options: [...EVENT_FORMATS], default: 'table'}),
}

const range = (what: string): string =>
  `${what} fall outside this range: a count (100), a Monitoring Plugins range (10:, ~:10, 10:20, @10:20), ` +
  'or a rate (5/m, 200/h)'

export const CHECK_FLAGS = {
  ...standardFlags,
  ...windowFlags,
  since: Flags.string({
    description: 'start of the window checked (same forms as report --since; with --state, of the first run)',
    default: '1h',
    helpValue: 'WHEN',
  }),
  ...stateFlags,
  warning: Flags.string({
    char: 'w',
    aliases: ['warn'],
    description: range('WARNING when the RCPT deferrals in the window'),
    helpValue: 'RANGE',
  }),
  critical: Flags.string({
    char: 'c',
    aliases: ['crit'],
    description: range('CRITICAL when the RCPT deferrals in the window'),
    helpValue: 'RANGE',
  }),
  'warning-recipient': Flags.string({
    aliases: ['warn-recipient'],
    description: range("WARNING when the most deferred recipient's deferrals"),
    helpValue: 'RANGE',
  }),
  'critical-recipient': Flags.string({
    aliases: ['crit-recipient'],
    description: range("CRITICAL when the most deferred recipient's deferrals"),
    helpValue: 'RANGE',
  }),
  'expect-activity': Flags.boolean({description: 'UNKNOWN when the logs have no line at all in the window'}),
  'quota-socket': Flags.string({
    description:
      "also ask Dovecot's quota-status on this unix socket what the RCPT ACL asks it; " +
      'no answer, or one the ACL cannot read, is CRITICAL',
    helpValue: 'PATH',
  }),
  'probe-recipient': Flags.string({
    description: 'with --quota-socket: the recipient to ask about [default: postmaster]',
    helpValue: 'ADDRESS',
  }),
  'probe-timeout': Flags.string({
    description: "with --quota-socket: how long to wait for the answer, as the ACL's readsocket does",
    default: '5s',
    helpValue: 'SPAN',
  }),
  json: Flags.boolean({description: 'print the verdict as JSON instead of the status line'}),
  ...debugFlags,
  ...promFlags,
}

export const MERGE_FLAGS = {
  ...standardFlags,
  by: Flags.string({
    char: 'b',
    description:
      'group keys of the merged table, comma separated, any the reports have, and label ' +
      "(the host a report came from) [default: the reports' own]",
    helpValue: 'KEYS',
  }),
  format: Flags.string({description: 'output format', options: [...REPORT_FORMATS], default: 'summary'}),
  json: Flags.boolean({description: 'same as --format json'}),
  top: Flags.integer({
    char: 'n',
    description: 'rows per table (summary default 10; CSV/JSON default all)',
    min: 1,
    helpValue: 'N',
  }),
  ...reportOutputFlags,
  ...colorFlags,
  utc: Flags.boolean({description: 'show times in UTC'}),
  tz: Flags.string({description: 'show times in this IANA zone', helpValue: 'ZONE'}),
  ...debugFlags,
}

/** Where the exporter listens unless told: loopback, and a port outside the Prometheus wiki's full 9100-9999 block. */
export const DEFAULT_LISTEN = '127.0.0.1:10139'

export const EXPORTER_FLAGS = {
  ...standardFlags,
  listen: Flags.string({
    char: 'l',
    description: 'serve /metrics on this address and port (ADDR:PORT, [IPv6]:PORT, or :PORT for every interface)',
    default: DEFAULT_LISTEN,
    helpValue: 'ADDR:PORT',
  }),
  since: Flags.string({
    description:
      'first count what the log already holds from this time on (same forms as report --since); ' +
      'without it, counting starts at the end of the log',
    helpValue: 'WHEN',
  }),
  'max-reasons': Flags.integer({
    description: 'distinct reasons with a series of their own; later ones count as reason="other"',
    default: 50,
    min: 0,
    helpValue: 'N',
  }),
  recipients: Flags.integer({
    description:
      'also count events per recipient, for the first N recipients seen (the rest as recipient="other") [default: 0, off]',
    min: 0,
    helpValue: 'N',
  }),
  utc: windowFlags.utc,
  tz: windowFlags.tz,
  now: windowFlags.now,
  ...debugFlags,
}

export const MERGE_ARGS = {
  report: Args.string({description: 'a JSON report (report --format json)', required: true}),
}
