// The report's side of reading one range of a large log: the range's events go through the
// report's filter into an aggregator, its own (in a worker thread, whose counts are handed back as
// a dump) or the report's (in the main thread, which needs no dump).

import {type AggregateDump, Aggregator, type TableSpec} from '../aggregate/aggregator.js'
import {buildPredicate, type FilterOptions} from '../filter/predicate.js'
import type {EventKind} from '../kinds.js'
import {type RangeJob, type RangePart, readRange} from '../read/range.js'

/** What a report counts: the filter (kinds as a list: it crosses a thread boundary) and the tables. */
export interface RangeCounting {
  filter: Omit<FilterOptions, 'kinds'> & {kinds: EventKind[]}
  tables: TableSpec[]
  maxGroups?: number
}

export interface CountedRange {
  part: RangePart
  /** The counts, when the range was counted into an aggregator of its own (else null). */
  dump: AggregateDump | null
}

export async function countRange(job: RangeJob, c: RangeCounting, into?: Aggregator): Promise<CountedRange> {
  const agg = into ?? new Aggregator(c.tables, c.maxGroups)
  const keep = buildPredicate({...c.filter, kinds: new Set(c.filter.kinds)})
  const part = await readRange(job, {
    event(ev) {
      if (keep(ev)) agg.add(ev)
    },
  })
  return {part, dump: into === undefined ? agg.dump() : null}
}
