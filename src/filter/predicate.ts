// Options -> one predicate over events. Filters combine with AND.

import type {EventKind, EximEvent} from '../types.js'

export interface FilterOptions {
  kinds: ReadonlySet<EventKind>
  /** Epoch ms, inclusive; undefined for no bound. */
  since?: number
  /** Epoch ms, exclusive. */
  until?: number
}

export type EventPredicate = (ev: EximEvent) => boolean

export function buildPredicate(f: FilterOptions): EventPredicate {
  const tests: EventPredicate[] = [(ev) => f.kinds.has(ev.kind)]
  if (f.since !== undefined) {
    const since = f.since
    tests.push((ev) => ev.time >= since)
  }
  if (f.until !== undefined) {
    const until = f.until
    tests.push((ev) => ev.time < until)
  }
  return (ev) => {
    for (const t of tests) if (!t(ev)) return false
    return true
  }
}
