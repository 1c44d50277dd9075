// For a JSON report of one part of a host's log: the quota failures it counted, and the groups
// they went into as those would be without them. A message that failed for quota in two parts
// is one event in the whole log, the first failure: with these, merge takes the later part's
// event back and keeps every count, first and last as the whole log has them.

import type {EximEvent, QuotaLinks} from '../types.js'
import {type Aggregator, joinKey} from './aggregator.js'

/**
 * Counts `held` (quota failures kept out of `agg` so far) into `agg`, and returns how to take
 * them back out of its first `tables` tables.
 */
export function countHeldQuota(
  agg: Aggregator,
  held: EximEvent[],
  tables: number,
): Required<Pick<QuotaLinks, 'counted' | 'without'>> {
  const counted: NonNullable<QuotaLinks['counted']> = []
  const without: NonNullable<QuotaLinks['without']> = []
  const touched = new Set<string>()
  for (const ev of held) {
    const rows: string[][] = []
    for (let t = 0; t < tables; t++) {
      const g = agg.groupOf(t, ev)
      rows.push(g.keys)
      // A group is told as it was before the first of the held failures went into it.
      const id = `${t}|${joinKey(g.keys)}`
      if (touched.has(id)) continue
      touched.add(id)
      const some = g.count > 0
      without.push([t, g.keys, g.count, some ? g.first : null, g.firstTz, some ? g.last : null, g.lastTz])
    }
    counted.push([`${ev.msgid}|${ev.recipient}`, ev.time, ev.tz, rows])
    // Counted one by one: the next may find the table full, and go to (other).
    agg.add(ev)
  }
  return {counted, without}
}
