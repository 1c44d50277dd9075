// The aggregation sink: counts events per kind and per group of any --by keys, with first and
// last seen. Several tables fill in one pass (the summary wants recipients, hosts and reasons at
// once). Keys are computed once per event and stored joined, so a group costs one Map entry.

import type {EventKind, EximEvent} from '../types.js'
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

// Joins key values; NUL sorts first, so comparing joined keys compares the key lists in order.
const SEP = '\u0000'

class TableState {
  readonly map = new Map<string, Group>()
  constructor(readonly by: GroupKey[]) {}
}

export class Aggregator {
  private readonly tables: TableState[]
  private readonly keys: GroupKey[]
  readonly totals = new Map<EventKind, number>()
  first: Group | null = null

  constructor(tableKeys: GroupKey[][]) {
    this.tables = tableKeys.map((by) => new TableState(by))
    this.keys = [...new Set(tableKeys.flat())]
  }

  add(ev: EximEvent): void {
    this.totals.set(ev.kind, (this.totals.get(ev.kind) ?? 0) + 1)
    const values: Partial<Record<GroupKey, string>> = {}
    for (const k of this.keys) values[k] = KEY_READERS[k](ev)
    for (const t of this.tables) {
      let key = values[t.by[0]!]!
      for (let i = 1; i < t.by.length; i++) key += SEP + values[t.by[i]!]!
      const g = t.map.get(key)
      if (g === undefined) {
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
