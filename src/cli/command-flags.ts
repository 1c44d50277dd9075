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
  windowFlags,
} from './flags.js'
import {promFlags} from './prom.js'

export const REPORT_FLAGS = {
  ...selectionFlags,
  ...groupFlags,
  ...filterFlags,
  ...windowFlags,
  ...followFlags,
  ...csvFlags,
  ...robustFlags,
  'max-groups': Flags.integer({
    description: 'keep at most this many groups per table, counting the rest in an (other) row [default: 2000000]',
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
  format: Flags.string({char: 'f', description: 'output format', options: [...REPORT_FORMATS], default: 'summary'}),
  json: Flags.boolean({description: 'same as --format json'}),
  ...promFlags,
}

export const EVENTS_FLAGS = {
  ...selectionFlags,
  ...filterFlags,
  ...windowFlags,
  ...followFlags,
  ...colorFlags,
  ...csvFlags,
  ...robustFlags,
  format: Flags.string({char: 'f', description: 'output format', options: [...EVENT_FORMATS], default: 'table'}),
}

export const CHECK_FLAGS = {
  ...windowFlags,
  since: Flags.string({
    description: 'start of the window checked (same forms as report --since)',
    default: '1h',
    helpValue: 'WHEN',
  }),
  warn: Flags.string({
    description: 'WARNING above this many RCPT deferrals in the window, or a rate: 20, 5/m, 100/h',
    helpValue: 'N',
  }),
  crit: Flags.string({description: 'CRITICAL above this many RCPT deferrals (or rate)', helpValue: 'N'}),
  'warn-recipient': Flags.string({
    description: 'WARNING when one recipient is deferred more than this (or rate)',
    helpValue: 'N',
  }),
  'crit-recipient': Flags.string({
    description: 'CRITICAL when one recipient is deferred more than this (or rate)',
    helpValue: 'N',
  }),
  'expect-activity': Flags.boolean({description: 'UNKNOWN when the logs have no line at all in the window'}),
  json: Flags.boolean({description: 'print the verdict as JSON instead of the status line'}),
  ...debugFlags,
  ...promFlags,
}

export const MERGE_FLAGS = {
  by: Flags.string({
    char: 'b',
    description:
      'group keys of the merged table, comma separated, any the reports have, and label ' +
      "(the host a report came from) [default: the reports' own]",
    helpValue: 'KEYS',
  }),
  format: Flags.string({char: 'f', description: 'output format', options: [...REPORT_FORMATS], default: 'summary'}),
  json: Flags.boolean({description: 'same as --format json'}),
  top: Flags.integer({
    char: 'n',
    description: 'rows per table (summary default 10; CSV/JSON default all)',
    min: 1,
    helpValue: 'N',
  }),
  ...reportOutputFlags,
  utc: Flags.boolean({description: 'show times in UTC'}),
  tz: Flags.string({description: 'show times in this IANA zone', helpValue: 'ZONE'}),
  ...debugFlags,
}

export const MERGE_ARGS = {
  report: Args.string({description: 'a JSON report (report --format json)', required: true}),
}
