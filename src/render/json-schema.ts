// The JSON report as it is written (report --format json) and read back (merge): one typed shape
// for both. Times are ISO 8601 with the offset they were logged in; a group's keys are properties
// named after the --by keys.

import type {GroupKey} from '../aggregate/keys.js'
import type {EventKind} from '../kinds.js'
import type {QuotaLinksWire} from '../quota-links.js'
import type {FileAccount} from '../types.js'

/** What --max-groups left out of a table: said at the table and on its `(other)` row. */
export interface JsonMaxGroups {
  /** The --max-groups the table was kept to. */
  limit: number
  /** The most events a group not shown may have had (all of them in `(other)`). */
  errorBound: number
}

export interface JsonGroup {
  [key: string]: string | number | JsonMaxGroups | undefined
  count: number
  /** How many more events the group may have had, in `(other)` (--max-groups); absent: `count` is exact. */
  error?: number
  first: string
  last: string
  /** On the `(other)` row only, which it tells from a group whose keys are spelled `(other)`. */
  maxGroups?: JsonMaxGroups
}

/** A file's accounting, with its first and last line's times in ISO form. */
export type JsonFile = Omit<FileAccount, 'firstTime' | 'lastTime'> & {first: string | null; last: string | null}

export interface JsonSample {
  /** `file:line`, as the summary shows it. */
  at: string
  file: string
  line: number
  text: string
}

export interface JsonInput {
  files: JsonFile[]
  lines: number
  bytes: number
  /** Bytes the time window let the reader pass over (a seek, or files left out); absent in older reports. */
  bytesSkipped?: number
  events: number
  duplicates: number
  other: number
  unparsed: number
  oversized: number
  invalidUtf8: number
  byKind: Record<string, number>
  samples: JsonSample[]
}

export interface JsonWindow {
  since: string | null
  until: string | null
  /** First and last timestamped line read. */
  first: string | null
  last: string | null
}

/** Five-minute buckets (start, epoch ms) of events per kind, in `kinds` order. */
export interface JsonSeries {
  step: number
  kinds: readonly EventKind[]
  buckets: [number, number[]][]
}

export interface JsonReport {
  /** The host the logs came from (--label). */
  label?: string
  window: JsonWindow
  input: JsonInput
  kinds: EventKind[]
  totals: Record<string, number>
  by: GroupKey[]
  /** Events past --max-groups, counted in the last group. */
  folded?: number
  /** With `folded`: the limit, and the most events a group not shown may have had. */
  maxGroups?: JsonMaxGroups
  groups: JsonGroup[]
  /** The summary's tables by their keys (`recipient`, `host`, `reason`), with --label. */
  tables?: Record<string, JsonGroup[]>
  /** Every recipient whose mail was answered 250 and dropped (discard-misconfig), when there is any. */
  dropped?: JsonGroup[]
  series: JsonSeries
  /** What parts of one host's log need from each other (with --label). */
  quota?: QuotaLinksWire
}
