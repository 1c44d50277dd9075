// Flags shared by the commands, defined once.

import {Args, Flags} from '@oclif/core'
import {GROUP_KEYS} from '../aggregate/keys.js'
import {DEFAULT_KINDS, EVENT_KINDS} from '../kinds.js'

/** -h and -V on every command, as Nagios plugins and GNU tools have them. */
export const standardFlags = {
  help: Flags.help({char: 'h', description: 'show this help'}),
  version: Flags.version({char: 'V', description: 'show the version'}),
}

export const windowFlags = {
  since: Flags.string({
    description: 'count events at or after this time: ISO date/date-time, today, yesterday, or 90m, 2h, 7d back',
    helpValue: 'WHEN',
  }),
  until: Flags.string({description: 'count events before this time (same forms as --since)', helpValue: 'WHEN'}),
  utc: Flags.boolean({description: 'log times without an offset are UTC'}),
  tz: Flags.string({
    description: 'log times without an offset are in this IANA zone (default: the system zone)',
    helpValue: 'ZONE',
  }),
  now: Flags.string({hidden: true, description: 'the current time (for reproducible relative windows)'}),
}

export const stateFlags = {
  state: Flags.string({
    description:
      'read only what the logs got since the last run with this file, across logrotate, and remember ' +
      'where this run stopped (the first run reads --since, or everything)',
    helpValue: 'FILE',
  }),
}

export const selectionFlags = {
  kind: Flags.string({
    char: 'k',
    description:
      `event kinds, comma separated, or all: ${EVENT_KINDS.join(', ')} ` + `[default: ${DEFAULT_KINDS.join(',')}]`,
    helpValue: 'KINDS',
  }),
}

export const groupFlags = {
  by: Flags.string({
    char: 'b',
    description: `group keys, comma separated: ${GROUP_KEYS.join(', ')} [default: recipient,host]`,
    helpValue: 'KEYS',
  }),
  top: Flags.integer({
    char: 'n',
    description: 'rows per table (summary default 10; CSV/JSON default all)',
    min: 1,
    helpValue: 'N',
  }),
}

const glob = (what: string) =>
  Flags.string({
    description: `only events whose ${what} matches this case-insensitive glob (repeat for any of several)`,
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'GLOB',
  })

export const filterFlags = {
  recipient: glob('recipient'),
  sender: glob('sender'),
  host: glob('sending host name or HELO'),
  domain: glob('recipient domain'),
  ip: Flags.string({
    description: 'only events from this address or CIDR block, IPv4 or IPv6 (repeat for any of several)',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'CIDR',
  }),
  reason: Flags.string({
    description:
      'only events whose message contains this text (case-insensitive) or matches /regex/ (repeat for any of several)',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'TEXT',
  }),
}

export const followFlags = {
  // -f and -F, as tail has them: this follows the log by name, across logrotate, as tail -F does.
  follow: Flags.boolean({
    char: 'f',
    charAliases: ['F'],
    description: 'keep reading the log as it grows, across logrotate (like tail -f/-F); Ctrl-C to stop',
  }),
}

export const colorFlags = {
  color: Flags.string({
    description: 'colour the output: auto (on a terminal, unless NO_COLOR is set), always, never',
    options: ['auto', 'always', 'never'],
    default: 'auto',
  }),
}

export const debugFlags = {
  debug: Flags.boolean({description: 'show the stack trace of a failure (also DEBUG=exim-rejects)'}),
}

export const robustFlags = {
  'keep-going': Flags.boolean({
    description: 'when an input cannot be read, say so and count the others (exit status 2)',
  }),
  ...debugFlags,
}

/** Where a report goes, and how its histogram is drawn (report and merge). */
export const reportOutputFlags = {
  output: Flags.string({
    char: 'o',
    description: 'write the report to this file instead of standard output',
    helpValue: 'FILE',
  }),
  ascii: Flags.boolean({
    description: "draw the summary's histogram with ASCII characters (the default where the locale is not UTF-8)",
  }),
}

export const csvFlags = {
  'csv-raw': Flags.boolean({
    description: 'CSV cells exactly as logged: no quote before a leading = + - @ (spreadsheet formula guard)',
  }),
}

/** The PATH argument of the commands that read logs (more may follow: they are not strict). */
export const pathArgs = {
  path: Args.string({
    description: 'log file, directory of Exim logs, or - for standard input (more may follow)',
    required: false,
  }),
}
