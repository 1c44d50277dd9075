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
  /** Events folded into the last row, `(other)`, once the table held --max-groups groups. */
  folded: number
}

/** The key value of the row that takes what --max-groups leaves out. */
export const OTHER = '(other)'
/** The default --max-groups: large; a cap on memory, not a view. */
export const DEFAULT_MAX_GROUPS = 2_000_000

/** A group as it crosses from one thread to another: joined key, count, first, its offset, last, its offset. */
export type GroupEntry = [string, number, number, number, number, number]

/** An aggregator's state, to be absorbed by another (threads reading parts of one input). */
export interface AggregateDump {
  totals: [EventKind, number][]
  tables: GroupEntry[][]
  /** Each table's `(other)` group, when it folded any. */
  others: (Group | null)[]
  series: [number, number[]][]
}

/** Events are also counted per five minutes and kind, for charts; coarser steps are sums of these. */
export const SERIES_STEP = 5 * 60_000

// Joins key values; NUL sorts first, so comparing joined keys compares the key lists in order.
const SEP = '\u0000'

class TableState {
  readonly map = new Map<string, Group>()
  other: Group | null = null
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

  constructor(
    tableKeys: GroupKey[][],
    private readonly maxGroups = DEFAULT_MAX_GROUPS,
  ) {
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
      if (g !== undefined) count(g, 1, ev.time, ev.tz, ev.time, ev.tz)
      else if (t.map.size < this.maxGroups) {
        // A copy: a key cut from the log line (or joined from such cuts) would keep the whole line alive.
        t.map.set(ownString(key), {count: 1, first: ev.time, firstTz: ev.tz, last: ev.time, lastTz: ev.tz})
      } else if (t.other === null) t.other = {count: 1, first: ev.time, firstTz: ev.tz, last: ev.time, lastTz: ev.tz}
      else count(t.other, 1, ev.time, ev.tz, ev.time, ev.tz)
    }
  }

  dump(): AggregateDump {
    return {
      totals: [...this.totals],
      tables: this.tables.map((t) => [...t.map].map(([k, g]): GroupEntry => [k, g.count, g.first, g.firstTz, g.last, g.lastTz])),
      others: this.tables.map((t) => t.other),
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
      const t = this.tables[i]!
      for (const [key, n, first, firstTz, last, lastTz] of entries) {
        const g = t.map.get(key)
        if (g !== undefined) count(g, n, first, firstTz, last, lastTz)
        else if (t.map.size < this.maxGroups) t.map.set(key, {count: n, first, firstTz, last, lastTz})
        else if (t.other === null) t.other = {count: n, first, firstTz, last, lastTz}
        else count(t.other, n, first, firstTz, last, lastTz)
      }
      const o = d.others?.[i]
      if (o) {
        if (t.other === null) t.other = {...o}
        else count(t.other, o.count, o.first, o.firstTz, o.last, o.lastTz)
      }
    })
  }

  /** Each table's groups, sorted by count descending, then keys ascending; cut to `top` rows if given. */
  result(top?: number): GroupTable[] {
    return this.tables.map((t) => {
      const entries = [...t.map.entries()]
      entries.sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      const cut = top === undefined ? entries : entries.slice(0, top)
      const rows = cut.map(([k, g]) => ({keys: k.split(SEP), ...g}))
      // What --max-groups left out comes last, whatever its count.
      if (t.other !== null) rows.push({keys: t.by.map(() => OTHER), ...t.other})
      return {by: t.by, groups: entries.length, rows, folded: t.other?.count ?? 0}
    })
  }
}

function count(g: Group, n: number, first: number, firstTz: number, last: number, lastTz: number): void {
  g.count += n
  if (first < g.first) {
    g.first = first
    g.firstTz = firstTz
  }
  if (last > g.last) {
    g.last = last
    g.lastTz = lastTz
  }
}

/**
 * A copy of `s` that does not share memory with the line it was cut from: V8 keeps a sliced
 * string's whole parent alive, and group keys live as long as the report.
 */
function ownString(s: string): string {
  // Prepending a space makes a new string; slicing it back flattens that into one fresh copy.
  return s.length < 13 ? s : (' ' + s).slice(1)
}
