// The aggregation sink: counts events per kind and per group of any --by keys, with first and
// last seen. Several tables fill in one pass (the summary wants recipients, hosts and reasons at
// once). Keys are computed once per event and stored joined, so a group costs one Map entry.
//
// A table holds at most --max-groups groups. Past that it keeps the heaviest, by Space-Saving
// (Metwally, Agrawal, El Abbadi 2005): a new key takes the place of the group with the smallest
// count, and inherits that count as its error, since up to that many of its events may have gone
// uncounted under other keys before. What a row shows is exact all the same: the events counted
// under its key since it was kept (a lower bound of its true count, the true count when its error
// is 0), with first and last from then on; the rest, the evicted groups' events included, is in
// `(other)`. So the rows still add up to the events, and a row's true count is between its count
// and its count plus its error. A key not shown had at most `errorBound` events (the smallest
// counter: no more than events / --max-groups in one pass). Under the limit nothing of this
// happens: no error, no `(other)`, no heap, every count exact.

import {EVENT_KINDS, type EventKind, type EximEvent} from '../types.js'
import {type GroupKey, KEY_READERS} from './keys.js'
import {ownString} from './own-string.js'

const KIND_INDEX = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<EventKind, number>

export interface Group {
  count: number
  first: number
  firstTz: number
  last: number
  lastTz: number
}

export interface GroupRow extends Group {
  keys: string[]
  /**
   * How many more events than `count` the group may have had: counted in `(other)` before its
   * key was kept (--max-groups). 0 or absent: `count` is exact.
   */
  error?: number
  /** Set on the `(other)` row: what --max-groups left out, not a group of its own. */
  other?: true
}

export interface GroupTable {
  by: GroupKey[]
  rows: GroupRow[]
  /** Distinct groups before any --top cut. */
  groups: number
  /** Events in the last row, `(other)`: of groups not kept, or before their group was kept (--max-groups). */
  folded: number
  /** The --max-groups the table was kept to. */
  limit: number
  /** The most events a group not shown may have had (0 when nothing was folded). */
  errorBound: number
}

/** The key value of the row that takes what --max-groups leaves out. */
export const OTHER = '(other)'
/** The default --max-groups: large; a cap on memory, not a view. */
export const DEFAULT_MAX_GROUPS = 2_000_000

/** A group no event went into yet. */
const NO_GROUP: Readonly<Group> = {count: 0, first: NaN, firstTz: 0, last: NaN, lastTz: 0}

/**
 * A group as it crosses from one thread to another: joined key, count, first, its offset, last,
 * its offset, and the error of the count (0: exact). The count includes the error: the group's
 * own events, counted since its key was kept, are `count - error`.
 */
export type GroupEntry = [string, number, number, number, number, number, number?]

/** An aggregator's state, to be absorbed by another (threads reading parts of one input). */
export interface AggregateDump {
  totals: [EventKind, number][]
  /** Each table's groups, in the order the tables were asked for. */
  tables: GroupEntry[][]
  /** Each table's `(other)` group, when it folded any. */
  others: (Group | null)[]
  /** Each table's bound on the events of a group it does not hold (0: it folded none). */
  bounds?: number[]
  series: [number, number[]][]
}

/**
 * A table to fill: its keys, or its keys and the one kind it counts (the recipients of dropped
 * mail: a table of few groups that most events need not even look at).
 */
export type TableSpec = GroupKey[] | {by: GroupKey[]; kind: EventKind}

const specBy = (s: TableSpec): GroupKey[] => (Array.isArray(s) ? s : s.by)
const specKind = (s: TableSpec): EventKind | null => (Array.isArray(s) ? null : s.kind)

/** Events are also counted per five minutes and kind, for charts; coarser steps are sums of these. */
export const SERIES_STEP = 5 * 60_000

/** The start of the series bucket `time` falls in. */
export const seriesBucket = (time: number): number => time - (((time % SERIES_STEP) + SERIES_STEP) % SERIES_STEP)

// Joins key values; NUL sorts first, so comparing joined keys compares the key lists in order.
// A value holding a NUL itself (a log line an unclean shutdown left it in) has it escaped, and the
// escape character too, so that no value can split into two or two groups merge.
const SEP = '\u0000'
const ESC = '\u0001'
const NEEDS_ESCAPE = /[\u0000\u0001]/g
const ESCAPED = /\u0001([01])/g

/** A value as it goes into a joined key. */
function keyPart(v: string): string {
  if (v.indexOf(SEP) === -1 && v.indexOf(ESC) === -1) return v
  return v.replace(NEEDS_ESCAPE, (c) => (c === SEP ? ESC + '0' : ESC + '1'))
}

/** A value as it was, from its part of a joined key. */
function valueOf(part: string): string {
  return part.indexOf(ESC) === -1 ? part : part.replace(ESCAPED, (_, d: string) => (d === '0' ? SEP : ESC))
}

/**
 * One table's groups, in columns: a Map from joined key to a slot, and typed arrays per field.
 * A million groups then cost a key string and a Map entry each, not an object with boxed numbers.
 */
class TableState {
  readonly index = new Map<string, number>()
  keys: string[] = []
  count = new Float64Array(256)
  first = new Float64Array(256)
  last = new Float64Array(256)
  firstTz = new Int16Array(256)
  lastTz = new Int16Array(256)
  /** Per slot, how much of its count may be other keys' events; null while every count is exact. */
  err: Float64Array<ArrayBuffer> | null = null
  other: Group | null = null
  /**
   * The most events a key not held may have in `(other)` besides what the smallest counter says:
   * from dumps absorbed and events folded without eviction. 0 in a table filled from one stream.
   */
  floor = 0
  /**
   * Slots as a min-heap by count, and each slot's place in it: made at the first eviction (a
   * table that is full stays full), so that a table under the limit pays nothing for them.
   */
  heap: Int32Array | null = null
  place: Int32Array | null = null
  /** The current event's key values, one per key, joined into its group's key (reused: no array per event). */
  readonly parts: string[]
  constructor(
    readonly by: GroupKey[],
    /** Positions of this table's keys in the aggregator's list of distinct keys. */
    readonly slots: number[],
    /** The one kind counted here, or null for all. */
    readonly kind: EventKind | null,
    /** --max-groups. */
    readonly limit: number,
  ) {
    this.parts = slots.map(() => '')
  }

  get size(): number {
    return this.keys.length
  }

  /** A new group's slot; the key must be a string of its own (see ownString). */
  open(key: string): number {
    const i = this.keys.length
    if (i === this.count.length) this.grow()
    this.keys.push(key)
    this.index.set(key, i)
    this.first[i] = Infinity
    this.last[i] = -Infinity
    return i
  }

  add(i: number, n: number, first: number, firstTz: number, last: number, lastTz: number): void {
    this.count[i]! += n
    if (first < this.first[i]!) {
      this.first[i] = first
      this.firstTz[i] = firstTz
    }
    if (last > this.last[i]!) {
      this.last[i] = last
      this.lastTz[i] = lastTz
    }
  }

  /**
   * Counts `n` events seen from `first` to `last` under `key`, `e` of them possibly other keys'
   * (a count from a dump, with its error), in the key's group: one opened for it (its key made by
   * `own`) while the table has fewer than --max-groups, else the one with the smallest count,
   * which it takes over. Or, with `evict` false, in `(other)` when the key has no group. Returns
   * the group's slot, or -1 for `(other)`.
   */
  tally(
    key: string,
    own: (key: string) => string,
    n: number,
    e: number,
    first: number,
    firstTz: number,
    last: number,
    lastTz: number,
    evict = true,
  ): number {
    let i = this.index.get(key)
    if (i === undefined) {
      if (this.size < this.limit) {
        i = this.open(own(key))
        // A key new to a table that absorbed or folded may have had events in (other) already.
        if (this.floor > 0) this.raise(i, this.floor)
      } else if (evict) i = this.takeSmallest(own(key))
      else {
        this.addOther(n - e, first, firstTz, last, lastTz)
        this.floor += n
        return -1
      }
    }
    this.add(i, n, first, firstTz, last, lastTz)
    if (e > 0) this.errors()[i]! += e
    if (this.heap !== null) this.sink(this.place![i]!)
    return i
  }

  addOther(n: number, first: number, firstTz: number, last: number, lastTz: number): void {
    if (n <= 0) return
    if (this.other === null) this.other = {count: n, first, firstTz, last, lastTz}
    else count(this.other, n, first, firstTz, last, lastTz)
  }

  /** Slot `i`'s own events: its count less its error. */
  exact(i: number): number {
    return this.err === null ? this.count[i]! : this.count[i]! - this.err[i]!
  }

  /** The most events a key the table does not hold may have had, all in `(other)`. */
  absentBound(): number {
    return Math.max(this.floor, this.heap === null ? 0 : this.count[this.heap[0]!]!)
  }

  /** Adds `by` events that may be other keys' to slot `i`'s count and error. */
  raise(i: number, by: number): void {
    this.count[i]! += by
    this.errors()[i]! += by
  }

  errors(): Float64Array<ArrayBuffer> {
    return (this.err ??= new Float64Array(this.count.length))
  }

  /**
   * The group of least count leaves for `(other)`; `key` takes its slot, with that count as both
   * its count and its error so far, and no times yet.
   */
  private takeSmallest(key: string): number {
    if (this.heap === null) this.makeHeap()
    const i = this.heap![0]!
    const base = Math.max(this.count[i]!, this.floor)
    this.addOther(this.exact(i), this.first[i]!, this.firstTz[i]!, this.last[i]!, this.lastTz[i]!)
    this.index.delete(this.keys[i]!)
    this.keys[i] = key
    this.index.set(key, i)
    this.count[i] = base
    this.errors()[i] = base
    // Its times are its own from now on, not those of the group it replaces.
    this.first[i] = Infinity
    this.last[i] = -Infinity
    return i
  }

  /** (Re)builds the heap over every slot. */
  makeHeap(): void {
    const n = this.size
    this.heap = new Int32Array(n)
    this.place = new Int32Array(this.count.length)
    for (let i = 0; i < n; i++) this.heap[i] = this.place[i] = i
    for (let p = (n >> 1) - 1; p >= 0; p--) this.sink(p)
  }

  /** Moves the slot at heap position `p` down while a child has a smaller count. */
  private sink(p: number): void {
    const heap = this.heap!
    const place = this.place!
    const count = this.count
    const n = heap.length
    const slot = heap[p]!
    const c = count[slot]!
    for (;;) {
      let child = 2 * p + 1
      if (child >= n) break
      if (child + 1 < n && count[heap[child + 1]!]! < count[heap[child]!]!) child++
      if (count[heap[child]!]! >= c) break
      heap[p] = heap[child]!
      place[heap[p]!] = p
      p = child
    }
    heap[p] = slot
    place[slot] = p
  }

  private grow(): void {
    const n = this.count.length * 2
    const f64 = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n)
      b.set(a)
      return b
    }
    const i16 = (a: Int16Array<ArrayBuffer>): Int16Array<ArrayBuffer> => {
      const b = new Int16Array(n)
      b.set(a)
      return b
    }
    this.count = f64(this.count)
    this.first = f64(this.first)
    this.last = f64(this.last)
    this.firstTz = i16(this.firstTz)
    this.lastTz = i16(this.lastTz)
    if (this.err !== null) this.err = f64(this.err)
  }
}

export class Aggregator {
  /** One per table asked for, in order; `states` holds each distinct one once. */
  private readonly tables: TableState[]
  private readonly states: TableState[]
  private readonly readers: ((ev: EximEvent) => string)[]
  // Key values of the current event, one per distinct key: computed once, shared by the tables.
  private readonly values: string[]
  readonly totals = new Map<EventKind, number>()
  /** Five-minute bucket (start, epoch ms) -> events per kind, in EVENT_KINDS order. */
  readonly series = new Map<number, number[]>()
  // Logs are in time order: the bucket of the last event is nearly always the next one's too.
  private bucketStart = NaN
  private bucketCounts: number[] = []

  constructor(
    tableKeys: TableSpec[],
    maxGroups = DEFAULT_MAX_GROUPS,
    /**
     * Tables asked for twice with the same keys share their groups, as events fill them alike.
     * Not when they are filled from different dumps (merge: the --by groups, cut to --top, and
     * a summary table of the same key).
     */
    shareSameKeys = true,
  ) {
    const keys = [...new Set(tableKeys.flatMap(specBy))]
    this.readers = keys.map((k) => KEY_READERS[k])
    this.values = keys.map(() => '')
    const shared = new Map<string, TableState>()
    this.tables = tableKeys.map((spec, i) => {
      const by = specBy(spec)
      const kind = specKind(spec)
      const id = shareSameKeys ? `${by.join()}/${kind ?? ''}` : String(i)
      let t = shared.get(id)
      if (t === undefined)
        shared.set(
          id,
          (t = new TableState(
            by,
            by.map((k) => keys.indexOf(k)),
            kind,
            maxGroups,
          )),
        )
      return t
    })
    this.states = [...shared.values()]
  }

  /**
   * Counts `ev`. With `evict` false, an event whose group is not held when the table is full goes
   * to `(other)` without taking another group's place, so that groupOf() said where it would go.
   */
  add(ev: EximEvent, evict = true): void {
    this.totals.set(ev.kind, (this.totals.get(ev.kind) ?? 0) + 1)
    if (Number.isFinite(ev.time)) this.seriesAt(ev.time)[KIND_INDEX[ev.kind]]!++
    const values = this.values
    for (let i = 0; i < this.readers.length; i++) values[i] = keyPart(this.readers[i]!(ev))
    for (const t of this.states) {
      if (t.kind !== null && t.kind !== ev.kind) continue
      const slots = t.slots
      if (slots.length === 1) {
        // A copy for a new group: a key cut from the log line would keep the whole line alive.
        t.tally(values[slots[0]!]!, ownString, 1, 0, ev.time, ev.tz, ev.time, ev.tz, evict)
        continue
      }
      // Array#join copies the values into one flat string of its own: it holds no log line, and
      // is hashed as it is (a key joined with + would be flattened for the lookup, then copied
      // again for a new group).
      const parts = t.parts
      for (let i = 0; i < slots.length; i++) parts[i] = values[slots[i]!]!
      t.tally(parts.join(SEP), sameString, 1, 0, ev.time, ev.tz, ev.time, ev.tz, evict)
    }
  }

  private seriesAt(time: number): number[] {
    if (time >= this.bucketStart && time < this.bucketStart + SERIES_STEP) return this.bucketCounts
    const bucket = seriesBucket(time)
    let counts = this.series.get(bucket)
    if (counts === undefined) this.series.set(bucket, (counts = EVENT_KINDS.map(() => 0)))
    this.bucketStart = bucket
    this.bucketCounts = counts
    return counts
  }

  dump(): AggregateDump {
    return {
      totals: [...this.totals],
      tables: this.tables.map((t) =>
        t.keys.map((k, i): GroupEntry => {
          const e = t.err?.[i] ?? 0
          const entry: GroupEntry = [k, t.count[i]!, t.first[i]!, t.firstTz[i]!, t.last[i]!, t.lastTz[i]!]
          if (e > 0) entry.push(e)
          return entry
        }),
      ),
      others: this.tables.map((t) => t.other),
      bounds: this.tables.map((t) => t.absentBound()),
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
      // A table shared by two that were asked for takes its groups once.
      if (this.tables.indexOf(t) !== i) return
      absorbTable(
        t,
        entries.length,
        (g) => entries[g]!,
        () => ({other: d.others?.[i] ?? null, bound: d.bounds?.[i] ?? 0}),
      )
    })
  }

  /**
   * Adds `n` groups to table `index`, group `i` as `group(i)` gives it (null: none; the entry may
   * be reused for the next), then what `rest` says, as absorb() adds a dump's table.
   */
  absorbEach(index: number, n: number, group: (i: number) => GroupEntry | null, rest: () => TableRest): void {
    absorbTable(this.tables[index]!, n, group, rest)
  }

  /**
   * The group `ev` would be counted in, in table `index`, as it is now: its own (count 0 when it
   * has none yet), or the `(other)` group once the table is full.
   */
  groupOf(index: number, ev: EximEvent): GroupRow {
    const t = this.tables[index]!
    const keys = t.slots.map((s) => this.readers[s]!(ev))
    const i = t.index.get(joinKey(keys))
    if (i !== undefined)
      return {
        keys,
        count: t.exact(i),
        first: t.first[i]!,
        firstTz: t.firstTz[i]!,
        last: t.last[i]!,
        lastTz: t.lastTz[i]!,
      }
    if (t.size < t.limit) return {keys, ...NO_GROUP}
    return {keys: t.by.map(() => OTHER), ...(t.other ?? NO_GROUP)}
  }

  /** One table's groups, as result() gives them. */
  tableResult(index: number, top?: number): GroupTable {
    return this.result([...Array<number>(index).fill(0), top])[index]!
  }

  /**
   * Each table's groups, sorted by count descending, then keys ascending; cut to `top` rows if
   * given. With a list, one cap per table (undefined: all rows), and tables past its end are left
   * out: no rows, not sorted.
   */
  result(top?: number | (number | undefined)[]): GroupTable[] {
    return this.tables.map((t, ti) => {
      const cap = Array.isArray(top) ? (ti < top.length ? top[ti] : 0) : top
      const shape = {by: t.by, groups: t.size, folded: t.other?.count ?? 0, limit: t.limit, errorBound: 0}
      if (t.other !== null) shape.errorBound = t.absentBound()
      if (cap === 0) return {...shape, rows: []}
      // A plain array: V8 sorts it with a comparator several times faster than a typed array.
      let order: number[] = new Array(t.size)
      for (let i = 0; i < order.length; i++) order[i] = i
      const {keys} = t
      // Sorted by what the rows show: each group's own events.
      let count = t.count
      if (t.err !== null) {
        count = new Float64Array(t.size)
        for (let i = 0; i < count.length; i++) count[i] = t.exact(i)
      }
      // A group a merged report held with none of its own events left in it (they were another
      // report's to count) is no row.
      if (t.floor > 0) {
        const c = count
        order = order.filter((i) => c[i]! > 0)
        shape.groups = order.length
      }
      order.sort((a, b) => count[b]! - count[a]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0))
      const n = cap === undefined ? order.length : Math.min(cap, order.length)
      // Rows are views on the table's columns: a report of a million groups holds no million objects of numbers.
      const rows: GroupRow[] = new Array(n)
      for (let r = 0; r < n; r++) rows[r] = new RowView(t, order[r]!)
      // What --max-groups left out comes last, whatever its count.
      if (t.other !== null) rows.push({keys: t.by.map(() => OTHER), ...t.other, other: true})
      return {...shape, rows}
    })
  }
}

/** A group row read from a table's columns when asked for. */
class RowView implements GroupRow {
  constructor(
    private readonly t: TableState,
    private readonly i: number,
  ) {}
  get keys(): string[] {
    return splitKey(this.t.keys[this.i]!)
  }
  get count(): number {
    return this.t.exact(this.i)
  }
  get error(): number {
    return this.t.err?.[this.i] ?? 0
  }
  get first(): number {
    return this.t.first[this.i]!
  }
  get firstTz(): number {
    return this.t.firstTz[this.i]!
  }
  get last(): number {
    return this.t.last[this.i]!
  }
  get lastTz(): number {
    return this.t.lastTz[this.i]!
  }
}

/**
 * Adds a dump's groups of one table to `t`. Summaries of parts merge as Space-Saving's do (Agarwal
 * et al. 2012): counts and errors add up, a key the dump does not hold may have had up to the
 * dump's `bound` events in its `(other)` (counted as error, so its own count stays exact), and
 * when they will not all fit the heaviest go first. Nothing is evicted, and nothing changes, when
 * all the groups fit.
 */
function absorbTable(t: TableState, n: number, group: (i: number) => GroupEntry | null, rest: () => TableRest): void {
  // Which slots the dump holds: the others get its bound.
  const held = new Uint8Array(Math.min(t.size + n, t.limit))
  const tally = (entry: GroupEntry): void => {
    const [key, count, first, firstTz, last, lastTz, e = 0] = entry
    // Keys that crossed from another thread are strings of their own already.
    const i = t.tally(key, (k) => k, count, e, first, firstTz, last, lastTz)
    if (i >= 0) held[i] = 1
  }
  if (t.size + n > t.limit) {
    const entries: GroupEntry[] = []
    for (let i = 0; i < n; i++) {
      const entry = group(i)
      if (entry !== null) entries.push([...entry])
    }
    entries.sort((a, b) => b[1] - a[1]).forEach(tally)
  } else
    for (let i = 0; i < n; i++) {
      const entry = group(i)
      if (entry !== null) tally(entry)
    }
  const {other, bound} = rest()
  if (bound > 0) {
    for (let i = 0; i < t.size; i++) if (held[i] === 0) t.raise(i, bound)
    t.floor += bound
    if (t.heap !== null) t.makeHeap()
  }
  if (other) t.addOther(other.count, other.first, other.firstTz, other.last, other.lastTz)
}

/** What a dump says of a table besides its groups: its `(other)` group, and the bound on a group it does not hold. */
export interface TableRest {
  other: Group | null
  bound: number
}

/** A group's key values joined into its key, as a dump carries it. */
export function joinKey(values: string[]): string {
  return values.length === 1 ? keyPart(values[0]!) : values.map(keyPart).join(SEP)
}

const sameString = (s: string): string => s

/** A joined key's values: by hand, as String#split costs several times more on a report's worth of rows. */
function splitKey(key: string): string[] {
  const values: string[] = []
  let from = 0
  for (let at = key.indexOf(SEP); at !== -1; at = key.indexOf(SEP, from)) {
    values.push(valueOf(key.slice(from, at)))
    from = at + 1
  }
  values.push(valueOf(key.slice(from)))
  return values
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
