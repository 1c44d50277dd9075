// Flags shared by the commands, defined once.

import {Flags} from '@oclif/core'
import {GROUP_KEYS} from '../aggregate/keys.js'
import {EVENT_KINDS} from '../types.js'

export const windowFlags = {
  since: Flags.string({description: 'count events at or after this time: ISO date/date-time, today, yesterday, or 90m, 2h, 7d back', helpValue: 'WHEN'}),
  until: Flags.string({description: 'count events before this time (same forms as --since)', helpValue: 'WHEN'}),
  utc: Flags.boolean({description: 'log times without an offset are UTC'}),
  tz: Flags.string({description: 'log times without an offset are in this IANA zone (default: the system zone)', helpValue: 'ZONE'}),
  now: Flags.string({hidden: true, description: 'the current time (for reproducible relative windows)'}),
}

export const selectionFlags = {
  kind: Flags.string({
    char: 'k',
    description: `event kinds, comma separated, or all: ${EVENT_KINDS.join(', ')} [default: rcpt-defer,discard-misconfig]`,
    helpValue: 'KINDS',
  }),
}

export const groupFlags = {
  by: Flags.string({
    char: 'b',
    description: `group keys, comma separated: ${GROUP_KEYS.join(', ')} [default: recipient,host]`,
    helpValue: 'KEYS',
  }),
  top: Flags.integer({char: 'n', description: 'rows per table (summary default 10; CSV/JSON default all)', min: 1, helpValue: 'N'}),
}
