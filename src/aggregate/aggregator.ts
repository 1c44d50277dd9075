// The aggregation sink: counts events per kind and per group of any --by keys, with first and
// last seen. Several tables fill in one pass (the summary wants recipients, hosts and reasons at
// once). Keys are computed once per event and stored joined, so a group costs one Map entry.

import {EVENT_KINDS, type EventKind, type EximEvent} from '../types.js'

const KIND_INDEX = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<EventKind, number>
import {type GroupKey, KEY_READERS} from './keys.js'

export interface Group {
  count: number
  first: number
  firstTz: number
  last: number
  lastTz: number
}

export interface GroupRow extends Group {
  keys: string[]
}

export interface GroupTable {
  by: GroupKey[]
  rows: GroupRow[]
  /** Distinct groups before any --top cut. */
  groups: number
}

/** A group as it crosses from one thread to another: joined key, count, first, its offset, last, its offset. */
export type GroupEntry = [string, number, number, number, number, number]

/** An aggregator's state, to be absorbed by another (threads reading parts of one input). */
export interface AggregateDump {
  totals: [EventKind, number][]
  tables: GroupEntry[][]
  series: [number, number[]][]
}

/** Events are also counted per five minutes and kind, for charts; coarser steps are sums of these. */
export const SERIES_STEP = 5 * 60_000

// Joins key values; NUL sorts first, so comparing joined keys compares the key lists in order.
const SEP = '\u0000'

class TableState {
  readonly map = new Map<string, Group>()
  constructor(
    readonly by: GroupKey[],
    /** Positions of this table's keys in the aggregator's list of distinct keys. */
    readonly slots: number[],
  ) {}
}

export class Aggregator {
  private readonly tables: TableState[]
  private readonly readers: ((ev: EximEvent) => string)[]
  // Key values of the current event, one per distinct key: computed once, shared by the tables.
  private readonly values: string[]
  readonly totals = new Map<EventKind, number>()
  /** Five-minute bucket (start, epoch ms) -> events per kind, in EVENT_KINDS order. */
  readonly series = new Map<number, number[]>()

  constructor(tableKeys: GroupKey[][]) {
    const keys = [...new Set(tableKeys.flat())]
    this.readers = keys.map((k) => KEY_READERS[k])
    this.values = keys.map(() => '')
    this.tables = tableKeys.map((by) => new TableState(by, by.map((k) => keys.indexOf(k))))
  }

  add(ev: EximEvent): void {
    this.totals.set(ev.kind, (this.totals.get(ev.kind) ?? 0) + 1)
    if (Number.isFinite(ev.time)) {
      const bucket = ev.time - (((ev.time % SERIES_STEP) + SERIES_STEP) % SERIES_STEP)
      let counts = this.series.get(bucket)
      if (counts === undefined) this.series.set(bucket, (counts = EVENT_KINDS.map(() => 0)))
      counts[KIND_INDEX[ev.kind]]!++
    }
    const values = this.values
    for (let i = 0; i < this.readers.length; i++) values[i] = this.readers[i]!(ev)
    for (const t of this.tables) {
      const slots = t.slots
      let key = values[slots[0]!]!
      for (let i = 1; i < slots.length; i++) key += SEP + values[slots[i]!]!
      const g = t.map.get(key)
      if (g === undefined) {
        // A joined key is a new string (V8 flattens it when hashing); a single value may be a
        // slice of the whole log line, which a kept key would keep alive.
        t.map.set(ownString(key), {count: 1, first: ev.time, firstTz: ev.tz, last: ev.time, lastTz: ev.tz})
      } else {
        g.count++
        if (ev.time < g.first) {
          g.first = ev.time
          g.firstTz = ev.tz
        }
        if (ev.time > g.last) {
          g.last = ev.time
          g.lastTz = ev.tz
        }
      }
    }
  }

  dump(): AggregateDump {
    return {
      totals: [...this.totals],
      tables: this.tables.map((t) => [...t.map].map(([k, g]): GroupEntry => [k, g.count, g.first, g.firstTz, g.last, g.lastTz])),
      series: [...this.series],
    }
  }

  /** Adds another aggregator's counts (same tables) to this one's. */
  absorb(d: AggregateDump): void {
    for (const [k, n] of d.totals) this.totals.set(k, (this.totals.get(k) ?? 0) + n)
    for (const [bucket, counts] of d.series) {
      const mine = this.series.get(bucket)
      if (mine === undefined) this.series.set(bucket, [...counts])
      else counts.forEach((n, i) => (mine[i]! += n))
    }
    d.tables.forEach((entries, i) => {
      const map = this.tables[i]!.map
      for (const [key, count, first, firstTz, last, lastTz] of entries) {
        const g = map.get(key)
        if (g === undefined) map.set(key, {count, first, firstTz, last, lastTz})
        else {
          g.count += count
          if (first < g.first) {
            g.first = first
            g.firstTz = firstTz
          }
          if (last > g.last) {
            g.last = last
            g.lastTz = lastTz
          }
        }
      }
    })
  }

  /** Each table's groups, sorted by count descending, then keys ascending; cut to `top` rows if given. */
  result(top?: number): GroupTable[] {
    return this.tables.map((t) => {
      const entries = [...t.map.entries()]
      entries.sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      const cut = top === undefined ? entries : entries.slice(0, top)
      return {by: t.by, groups: entries.length, rows: cut.map(([k, g]) => ({keys: k.split(SEP), ...g}))}
    })
  }
}

/**
 * A copy of `s` that does not share memory with the line it was cut from: V8 keeps a sliced
 * string's whole parent alive, and group keys live as long as the report.
 */
function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8')
}
