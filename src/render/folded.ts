// What a table's (other) row holds, in words, for the formats that have no column for it
// (summary, page): JSON gives the same as `maxGroups` and each row's `error`.

import type {GroupTable} from '../aggregate/aggregator.js'
import {thousands} from './text.js'

const events = (n: number): string => `${thousands(n)} event${n === 1 ? '' : 's'}`

/** The note under a table that kept --max-groups groups; null when it kept them all. */
export function foldedNote(t: GroupTable): string | null {
  if (t.folded === 0) return null
  const short = t.rows.reduce((m, r) => Math.max(m, r.error ?? 0), 0)
  return (
    `(other): ${events(t.folded)} of groups past --max-groups ${thousands(t.limit)}, ` +
    `none of them over ${events(t.errorBound)}` +
    (short > 0 ? `; counts run from when a group was kept, at most ${events(short)} short` : '')
  )
}
