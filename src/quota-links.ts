// Quota failures across the parts of one host's log. A delivery that failed for quota is one event
// per message and recipient, its first failure; later attempts, the bounce and skipped retries are
// lines of that event wherever they fall. When a log is read in parts (ranges read by threads, or
// JSON reports merged), each part tells what only the whole can settle: the failures it saw, the
// follow-up lines it could not place, and (JSON made for merge) the failures it counted and the
// groups they went into. Named shapes in memory; tuples on the wire, which keeps a report small.

import type {EximEvent, FileAccount} from './types.js'

/** A message and recipient that failed for quota, and when it first did (epoch ms). */
export interface QuotaFailure {
  key: string
  time: number
}

/** A delivery line that completes a quota event only if its failure was seen before it. */
export interface FollowUp {
  /** Index of the input file the line is in. */
  file: number
  key: string
  time: number
}

/** A failure a report counted as an event, and the group it went into in each of its tables. */
export interface CountedFailure {
  key: string
  time: number
  tz: number
  /** Key values per table: the --by table first, then the summary's. */
  groups: string[][]
}

/** A group that counted failures went into, as it would be without them. */
export interface GroupWithout {
  /** 0 for the --by table, then the summary's. */
  table: number
  keys: string[]
  count: number
  /** null when no event is left in the group. */
  first: number | null
  firstTz: number
  last: number | null
  lastTz: number
}

export interface QuotaLinks {
  failures: QuotaFailure[]
  followUps: FollowUp[]
  counted: CountedFailure[]
  without: GroupWithout[]
}

export const emptyLinks = (): QuotaLinks => ({failures: [], followUps: [], counted: [], without: []})

/** What identifies a quota event: the message and the mailbox (caselessly, as Exim compares addresses). */
export const quotaKey = (msgid: string, recipient: string): string => `${msgid}|${recipient.toLowerCase()}`

/** A follow-up line whose failure turned out to be known: a line of that event, no longer other. */
export function settleFollowUp(acct: Pick<FileAccount, 'other' | 'events' | 'byKind'>): void {
  acct.other--
  acct.events++
  acct.byKind['delivery-quota'] = (acct.byKind['delivery-quota'] ?? 0) + 1
}

/** A group as the aggregator holds it. */
export interface GroupState {
  keys: string[]
  count: number
  first: number
  firstTz: number
  last: number
  lastTz: number
}

/** What counting held failures needs of an aggregator. */
export interface GroupCounter {
  /** The group `ev` would go into in table `table` now (count 0 when it has none yet). */
  groupOf(table: number, ev: EximEvent): GroupState
  /** Counts `ev`; with `evict` false, in `(other)` when its group is not held and the table is full. */
  add(ev: EximEvent, evict?: boolean): void
}

/**
 * Counts `held` (quota failures kept out of `agg` so far) into the first `tables` tables of `agg`,
 * noting in `links` how to take each back out: the groups as they were before the first of them.
 */
export function countHeld(agg: GroupCounter, held: EximEvent[], tables: number, links: QuotaLinks): void {
  const touched = new Set<string>()
  for (const ev of held) {
    const groups: string[][] = []
    for (let table = 0; table < tables; table++) {
      const g = agg.groupOf(table, ev)
      groups.push(g.keys)
      const id = JSON.stringify([table, g.keys])
      if (touched.has(id)) continue
      touched.add(id)
      const some = g.count > 0
      links.without.push({
        table,
        keys: g.keys,
        count: g.count,
        first: some ? g.first : null,
        firstTz: g.firstTz,
        last: some ? g.last : null,
        lastTz: g.lastTz,
      })
    }
    links.counted.push({key: quotaKey(ev.msgid, ev.recipient), time: ev.time, tz: ev.tz, groups})
    // Counted one by one: the next may find the table full, and go to (other). Never in place of
    // another group (--max-groups): that group's row, as noted above, would then be gone.
    agg.add(ev, false)
  }
}

/** The first failure of a message and recipient over all parts: when, and the part that counts it. */
export interface FirstFailure {
  time: number
  part: number
}

/**
 * The first failure of each key, as its time and the part that saw it first (earlier, or at the
 * same time in a part that starts before: `rank` orders the parts in time).
 */
export function firstFailures(parts: (QuotaLinks | null)[], rank: Map<number, number>): Map<string, FirstFailure> {
  const best = new Map<string, FirstFailure>()
  parts.forEach((links, part) => {
    for (const {key, time} of links?.failures ?? []) {
      const b = best.get(key)
      if (b === undefined || time < b.time || (time === b.time && rank.get(part)! < rank.get(b.part)!)) {
        best.set(key, {time, part})
      }
    }
  })
  return best
}

/**
 * Settles the follow-up lines a part could not: one whose failure another part saw first counts
 * for it, as it would in the whole log. `files` are the merged file accounts (each part's files in
 * order, `parts[i].files` of them); returns the links that are left for a later merge.
 */
export function settleAcrossParts(
  parts: {links: QuotaLinks | null; files: number}[],
  firsts: Map<string, FirstFailure>,
  rank: Map<number, number>,
  files: FileAccount[],
): QuotaLinks {
  const left = emptyLinks()
  for (const [key, {time}] of firsts) left.failures.push({key, time})
  let base = 0
  parts.forEach(({links, files: n}, part) => {
    for (const f of links?.followUps ?? []) {
      // The part saw no failure before this line (else it had settled it): another part did if
      // the first failure is there, earlier, or at the same time in a part that starts before.
      const first = firsts.get(f.key)
      const settled =
        first !== undefined &&
        first.part !== part &&
        (first.time < f.time || (first.time === f.time && rank.get(first.part)! < rank.get(part)!))
      const acct = files[base + f.file]
      if (settled && acct !== undefined) settleFollowUp(acct)
      else left.followUps.push({...f, file: base + f.file})
    }
    base += n
  })
  return left
}

/** The links as JSON carries them: tuples. */
export interface QuotaLinksWire {
  failures: [key: string, time: number][]
  followUps: [file: number, key: string, time: number][]
  counted?: [key: string, time: number, tz: number, groups: string[][]][]
  without?: [
    table: number,
    keys: string[],
    count: number,
    first: number | null,
    firstTz: number,
    last: number | null,
    lastTz: number,
  ][]
}

/** The links for JSON; undefined when there are none. */
export function linksToWire(l: QuotaLinks | null): QuotaLinksWire | undefined {
  if (l === null || l.failures.length + l.followUps.length + l.counted.length === 0) return undefined
  const wire: QuotaLinksWire = {
    failures: l.failures.map((f) => [f.key, f.time]),
    followUps: l.followUps.map((f) => [f.file, f.key, f.time]),
  }
  if (l.counted.length > 0) {
    wire.counted = l.counted.map((c) => [c.key, c.time, c.tz, c.groups])
    wire.without = l.without.map((w) => [w.table, w.keys, w.count, w.first, w.firstTz, w.last, w.lastTz])
  }
  return wire
}

// Instants a Date can hold; offsets of at most a day, in minutes.
const isTime = (t: unknown): t is number => typeof t === 'number' && Math.abs(t) <= 8.64e15
const isOffset = (n: unknown): n is number => Number.isInteger(n) && Math.abs(n as number) <= 1440
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')
const isIndex = (n: unknown, below: number): n is number =>
  Number.isInteger(n) && (n as number) >= 0 && (n as number) < below

/**
 * The links of a JSON report, checked as report writes them: `files` is how many input files the
 * report lists, `tables` how many tables its counted failures may name. null when malformed.
 */
export function linksFromWire(value: unknown, files: number, tables: number): QuotaLinks | null {
  if (value === undefined) return emptyLinks()
  if (value === null || typeof value !== 'object') return null
  const {failures, followUps, counted = [], without = []} = value as Record<string, unknown>
  if (!Array.isArray(failures) || !Array.isArray(followUps) || !Array.isArray(counted) || !Array.isArray(without)) {
    return null
  }
  const links = emptyLinks()
  for (const f of failures) {
    if (!Array.isArray(f) || typeof f[0] !== 'string' || !isTime(f[1])) return null
    links.failures.push({key: f[0], time: f[1]})
  }
  for (const f of followUps) {
    if (!Array.isArray(f) || !isIndex(f[0], files) || typeof f[1] !== 'string' || !isTime(f[2])) return null
    links.followUps.push({file: f[0], key: f[1], time: f[2]})
  }
  // Every counted failure is one of the report's failures, with the group it went into in each table.
  const failed = new Set(links.failures.map((f) => f.key))
  for (const c of counted) {
    if (!Array.isArray(c) || !failed.has(c[0]) || !isTime(c[1]) || !isOffset(c[2])) return null
    if (!Array.isArray(c[3]) || c[3].length > tables || !c[3].every(isStrings)) return null
    links.counted.push({key: c[0], time: c[1], tz: c[2], groups: c[3]})
  }
  for (const w of without) {
    if (!Array.isArray(w) || !isIndex(w[0], tables) || !isStrings(w[1]) || !Number.isInteger(w[2]) || w[2] < 0)
      return null
    if (!isOffset(w[4]) || !isOffset(w[6]) || (w[2] > 0 && (!isTime(w[3]) || !isTime(w[5])))) return null
    const some = w[2] > 0
    links.without.push({
      table: w[0],
      keys: w[1],
      count: w[2],
      first: some ? w[3] : null,
      firstTz: w[4],
      last: some ? w[5] : null,
      lastTz: w[6],
    })
  }
  return links
}
