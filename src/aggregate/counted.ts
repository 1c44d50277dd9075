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
export function countHeldQuota(agg: Aggregator, held: EximEvent[], tables: number): Required<Pick<QuotaLinks, 'counted' | 'without'>> {
  const counted: NonNullable<QuotaLinks['counted']> = held.map((ev) => [`${ev.msgid}|${ev.recipient}`, ev.time, ev.tz, agg.valuesOf(ev) as Record<string, string>])
  const without: NonNullable<QuotaLinks['without']> = []
  for (let t = 0; t < tables; t++) {
    const seen = new Set<string>()
    for (const ev of held) {
      const g = agg.groupOf(t, ev)
      const key = joinKey(g.keys)
      if (seen.has(key)) continue
      seen.add(key)
      const some = g.count > 0
      without.push([t, g.keys, g.count, some ? g.first : null, g.firstTz, some ? g.last : null, g.lastTz])
    }
  }
  for (const ev of held) agg.add(ev)
  return {counted, without}
}
