// The merge service: JSON reports from several hosts -> one report, as if their logs had been
// read together. Groups are summed (first is the earliest, last the latest), totals and line
// accounting added, events over time summed; `label` (the host a report came from, --label) can
// be grouped by. No oclif here.

import {readFile} from 'node:fs/promises'
import {
  Aggregator,
  DEFAULT_MAX_GROUPS,
  type Group,
  type GroupEntry,
  type GroupRow,
  joinKey,
  OTHER,
  seriesBucket,
} from '../aggregate/aggregator.js'
import {GROUP_KEYS, type GroupKey} from '../aggregate/keys.js'
import {buildReport, type Instant, type Report, SUMMARY_TABLES} from '../aggregate/report-model.js'
import {EximRejectsError, inputError, usageError} from '../errors.js'
import {checkGroup, checkReportValues} from './report-check.js'
import {isList, notJson as jsonError, parseReport, type ReadReport} from './report-reader.js'
import {totalAccount} from '../input/account.js'
import {EVENT_KINDS, type EventKind} from '../kinds.js'
import {firstFailures, type GroupWithout, linksFromWire, type QuotaLinks, settleAcrossParts} from '../quota-links.js'
import {isoOffset} from '../time/iso.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import type {FileAccount, UnparsedSample} from '../types.js'

/** Merge groups by the report keys, and by `label`. */
export type MergeKey = GroupKey | 'label'
export const MERGE_KEYS: readonly MergeKey[] = [...GROUP_KEYS, 'label']

/**
 * A report as read, with its quota links in memory (null when it has none). Its groups go into
 * the merge as it is read, and are then let go: what is kept of it is small.
 */
interface Part {
  path: string
  r: ReadReport
  links: QuotaLinks | null
  /** Per table, the groups its counted quota failures went into that it shows (merged keys: see `quotaKey`). */
  shown: Set<string>[]
  /** Per table, whether it had an `(other)` row. */
  folds: boolean[]
  /** The report as read, until its groups are. */
  bytes: Buffer | null
}

/** An ISO time with offset, as the reports write it, back to an instant and its offset. */
export function parseIso(iso: string): {time: number; tz: number} {
  return {time: Date.parse(iso), tz: isoOffset(iso)}
}

/** How a group of table `t` is named in a part's quota links, from its values. */
const linkKey = (t: number, values: string[]): string => `${t}:${joinKey(values)}`

/** What the merge is made of, the same for every part. */
interface MergeShape {
  by: MergeKey[]
  /** Tables to take from each report: the --by table, and the summary's when all carry them. */
  tables: number
}

/**
 * Adds a report's groups to the merge, without the quota failures it counted (those are added
 * once all reports are read and it is known which report counts each), one table at a time.
 * Notes in the part the groups its counted failures are in, and whether a table had `(other)`.
 */
function absorbGroups(agg: Aggregator, part: Part, label: string, shape: MergeShape): void {
  const {r, links} = part
  const without = new Map<string, GroupWithout>()
  for (const w of links?.without ?? []) without.set(linkKey(w.table, w.keys), w)
  const wanted = new Set<string>()
  for (const c of links?.counted ?? []) c.groups.forEach((values, t) => wanted.add(linkKey(t, values)))
  const own: GroupKey[][] = [r.by, ...SUMMARY_TABLES]
  const lists = [r.groups, ...SUMMARY_TABLES.map((keys) => r.tables?.[keys.join(',')] ?? [])]
  for (let t = 0; t < shape.tables; t++) {
    const merged: MergeKey[] = t === 0 ? shape.by : SUMMARY_TABLES[t - 1]!
    const keys = own[t]!
    // Where each merged key's value is among the report's own, -1 for the label.
    const from = merged.map((k) => (k === 'label' ? -1 : keys.indexOf(k)))
    const values: string[] = new Array(keys.length)
    const mergedValues: string[] = new Array(merged.length)
    let other: Group | null = null
    const list = lists[t]!
    // What the report left out of the table: said at the top and on its (other) row, the last.
    const last = list.length > 0 ? list.at(list.length - 1) : undefined
    let bound = last?.maxGroups?.errorBound ?? (t === 0 ? r.maxGroups?.errorBound : undefined) ?? 0
    // Groups shown that held only the failures counted later are added empty when the report
    // left groups out: it held them all the same, and they get no bound for it.
    const keepEmpty = bound > 0
    part.shown.push(new Set())
    part.folds.push(false)
    const name = t === 0 ? 'groups' : `tables.${keys.join(',')}`
    const entry: GroupEntry = ['', 0, 0, 0, 0, 0, 0]
    const group = (row: number): GroupEntry | null => {
      const g = list.at(row)!
      const [gFirst, gLast] = checkGroup(part.path, name, row, g, t === 0 ? keys : null)
      for (let i = 0; i < keys.length; i++) values[i] = String(g[keys[i]!] ?? '')
      const id = without.size > 0 || wanted.size > 0 ? linkKey(t, values) : ''
      const w = without.size > 0 ? without.get(id) : undefined
      const n = w === undefined ? g.count : w.count
      const first = w === undefined ? gFirst : w.first!
      const firstTz = w === undefined ? isoOffset(g.first) : w.firstTz
      const last = w === undefined ? gLast : w.last!
      const lastTz = w === undefined ? isoOffset(g.last) : w.lastTz
      if (g.maxGroups !== undefined) {
        part.folds[t] = true
        bound = g.maxGroups.errorBound
        if (n > 0) other = {count: n, first, firstTz, last, lastTz}
        return null
      }
      if (wanted.size > 0 && wanted.has(id)) part.shown[t]!.add(id)
      if (n === 0 && !(keepEmpty && part.shown[t]!.has(id))) return null
      for (let i = 0; i < from.length; i++) mergedValues[i] = from[i] === -1 ? label : values[from[i]!]!
      // The count the merge holds includes the error, as a dump's does.
      const e = g.error ?? 0
      entry[0] = joinKey(mergedValues)
      entry[1] = n + e
      ;[entry[2], entry[3], entry[4], entry[5]] = n > 0 ? [first, firstTz, last, lastTz] : [Infinity, 0, -Infinity, 0]
      entry[6] = e
      return entry
    }
    agg.absorbEach(t, list.length, group, () => ({other, bound}))
  }
}

/**
 * A report's totals and series without the quota failures it counted, and those of them it is
 * the part to count, in the groups it showed them in (--top may have cut others).
 */
function absorbRest(
  agg: Aggregator,
  {r, links, shown, folds}: Part,
  label: string,
  shape: MergeShape,
  counts: (key: string) => boolean,
): void {
  const own: GroupKey[][] = [r.by, ...SUMMARY_TABLES]
  const merged: MergeKey[][] = [shape.by, ...SUMMARY_TABLES]
  const tables: GroupEntry[][] = Array.from({length: shape.tables}, () => [])
  const others: (Group | null)[] = tables.map(() => null)
  const totals = new Map(Object.entries(r.totals) as [EventKind, number][])
  const series = new Map(
    (r.series?.buckets ?? []).map(([t, counts]): [number, number[]] => [
      t,
      EVENT_KINDS.map((k) => counts[r.series.kinds.indexOf(k)] ?? 0),
    ]),
  )
  const QUOTA = EVENT_KINDS.indexOf('delivery-quota')
  for (const c of links?.counted ?? []) {
    if (counts(c.key)) {
      c.groups.forEach((values, t) => {
        if (t >= shape.tables) return
        if (shown[t]!.has(linkKey(t, values))) {
          const key = joinKey(merged[t]!.map((k) => (k === 'label' ? label : (values[own[t]!.indexOf(k)] ?? ''))))
          tables[t]!.push([key, 1, c.time, c.tz, c.time, c.tz])
        } else if (folds[t] && values.every((v) => v === OTHER)) {
          const o = others[t]
          if (o === null) others[t] = {count: 1, first: c.time, firstTz: c.tz, last: c.time, lastTz: c.tz}
          else {
            o.count++
            if (c.time < o.first) [o.first, o.firstTz] = [c.time, c.tz]
            if (c.time > o.last) [o.last, o.lastTz] = [c.time, c.tz]
          }
        }
      })
      continue
    }
    totals.set('delivery-quota', (totals.get('delivery-quota') ?? 0) - 1)
    const bucket = seriesBucket(c.time)
    const b = series.get(bucket)
    if (b === undefined) continue
    b[QUOTA]!--
    // A bucket is there because an event fell in it.
    if (b.every((n) => n === 0)) series.delete(bucket)
  }
  agg.absorb({totals: [...totals], tables, others, series: [...series]})
}

const notJson = (path: string, err: Error): EximRejectsError =>
  new EximRejectsError('INPUT', `${path}: not JSON (${err.message})`)

async function load(path: string): Promise<Part> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    throw inputError(path, err)
  }
  let r: ReadReport
  try {
    r = parseReport(bytes) as ReadReport
  } catch (err) {
    throw notJson(path, err as Error)
  }
  const notReport = new EximRejectsError(
    'INPUT',
    `${path}: not an exim-rejects JSON report (made with report --format json)`,
  )
  const shaped =
    r &&
    Array.isArray(r.by) &&
    isList(r.groups) &&
    typeof r.totals === 'object' &&
    r.input &&
    Array.isArray(r.input.files) &&
    r.window
  if (!shaped) throw notReport
  checkReportValues(path, r)
  const links = linksFromWire(r.quota, r.input.files.length, 1 + SUMMARY_TABLES.length)
  if (links === null) throw notReport
  return {path, r, links: r.quota === undefined ? null : links, shown: [], folds: [], bytes}
}

export interface MergeOptions {
  files: string[]
  /** Keys of the merged table; default: the reports' own (which must then agree). */
  by?: MergeKey[]
  zone: ZoneSpec
  top?: number
  summaryTop?: number
  /** Told when the reports differ in ways that make the sums mix things (kinds, windows). */
  onWarning?: (message: string) => void
}

function checkKeys(parts: Part[], by: MergeKey[], given: boolean): void {
  for (const {path, r} of parts) {
    const own = r.by.join(',')
    if (!given && own !== by.join(',')) {
      const why = `${path} is by ${own}, the first by ${by.join(',')}`
      const expected = `reports grouped alike, or --by with keys they all have (${why})`
      throw usageError('--by', expected, own)
    }
    const missing = by.filter((k) => k !== 'label' && !r.by.includes(k as GroupKey))
    if (missing.length > 0) throw usageError('--by', `keys every report has (${path} has ${own})`, by.join(','))
  }
}

/**
 * Reports that counted different kinds, or over different windows, still add up, but the sums mix
 * them: said, not refused (a fleet's reports made from one cron line agree).
 */
function warnOfDifferences(parts: Part[], warn: ((message: string) => void) | undefined): void {
  if (warn === undefined || parts.length < 2) return
  const first = parts[0]!
  const kinds = (r: ReadReport): string => [...r.kinds].sort().join(',')
  const window = (r: ReadReport): string => `${r.window.since ?? 'the start'} .. ${r.window.until ?? 'the end'}`
  const other = parts.find(({r}) => kinds(r) !== kinds(first.r))
  if (other !== undefined)
    warn(
      `${first.path} counts ${kinds(first.r)}, ${other.path} counts ${kinds(other.r)}: ` +
        'the merged counts of a kind come only from the reports that counted it',
    )
  const span = (r: ReadReport): number[] =>
    [r.window.since, r.window.until].map((t) => (t === null ? NaN : Date.parse(t)))
  const differs = parts.find(({r}) => span(r).some((t, i) => !Object.is(t, span(first.r)[i])))
  if (differs !== undefined)
    warn(
      `${first.path} covers ${window(first.r)}, ${differs.path} covers ${window(differs.r)}: ` +
        'the merged counts mix those windows',
    )
}

export async function mergeReports(opts: MergeOptions): Promise<{report: Report; clock: ZoneClock}> {
  // One report in memory at a time: each is read, checked, and its groups added to the merge
  // before the next is read; of it, only what is small is kept.
  const parts: Part[] = []
  let agg: Aggregator | undefined
  let merge: MergeShape | undefined
  for (const path of opts.files) {
    const part = await load(path)
    const {r} = part
    if (merge === undefined) merge = {by: opts.by ?? r.by, tables: 1 + SUMMARY_TABLES.length}
    checkKeys([part], merge.by, opts.by !== undefined)
    // The summary's tables, when every report carries them (made with --label).
    if (!(r.tables !== undefined && SUMMARY_TABLES.every(([k]) => isList(r.tables![k!])))) merge.tables = 1
    // The aggregator only joins and sums here; `label` is just another column to it. Each table is
    // filled from its own part of the reports, even when two have the same keys. It keeps as many
    // groups as the first report says it kept (--max-groups), when it says.
    try {
      agg ??= new Aggregator(
        [merge.by as GroupKey[], ...SUMMARY_TABLES],
        Math.min(DEFAULT_MAX_GROUPS, limitOf(r)),
        false,
      )
      absorbGroups(agg, part, r.label ?? path, merge)
    } catch (err) {
      // A group that is not JSON, found when it was first parsed.
      if (err instanceof SyntaxError) throw notJson(path, jsonError(part.bytes!))
      throw err
    }
    r.groups = []
    delete r.tables
    part.bytes = null
    parts.push(part)
  }
  const by = merge!.by
  const withTables = merge!.tables > 1
  const tableKeys = [by as GroupKey[], ...(withTables ? SUMMARY_TABLES : [])]
  warnOfDifferences(parts, opts.onWarning)
  const kinds: EventKind[] = EVENT_KINDS.filter((k) => parts.some(({r}) => r.kinds?.includes(k)))
  const files: FileAccount[] = []
  const samples: UnparsedSample[] = []
  let since: string | null | undefined
  let until: string | null | undefined
  let first = Infinity
  let last = -Infinity
  // Parts in time order, whatever order they were given in: by their first line, then (a part
  // that starts in the same second as the next ends in it too) by their last.
  const span = (t: string | null): number => (t ? parseIso(t).time : Infinity)
  const order = parts.map(({r}, i) => [i, span(r.window.first), span(r.window.last)] as const)
  const rank = new Map(order.sort((a, b) => a[1] - b[1] || a[2] - b[2] || a[0] - b[0]).map(([i], n) => [i, n]))
  const firsts = firstFailures(
    parts.map((p) => p.links),
    rank,
  )
  parts.forEach((part, i) => {
    const {path, r} = part
    const label = r.label ?? path
    absorbRest(agg!, part, label, merge!, (key) => firsts.get(key)?.part === i)
    for (const f of r.input.files) {
      const {first: ff, last: fl, ...rest} = f
      const firstTime = ff ? parseIso(ff).time : NaN
      const lastTime = fl ? parseIso(fl).time : NaN
      files.push({...rest, path: `${label}:${f.path}`, firstTime, lastTime})
    }
    for (const s of r.input.samples)
      if (samples.length < 5) samples.push({file: `${label}:${s.file}`, line: s.line, text: s.text})
    since = since === undefined ? r.window.since : since === r.window.since ? since : null
    until = until === undefined ? r.window.until : until === r.window.until ? until : null
    if (r.window.first) first = Math.min(first, parseIso(r.window.first).time)
    if (r.window.last) last = Math.max(last, parseIso(r.window.last).time)
  })
  const clock = new ZoneClock(opts.zone)
  const at = (t: number): Instant | null => (Number.isFinite(t) ? {time: t, tz: clock.offsetOfInstant(t)} : null)
  const window = {
    since: since ? at(parseIso(since).time) : null,
    until: until ? at(parseIso(until).time) : null,
    first: at(first),
    last: at(last),
  }
  const labels = [...new Set(parts.map(({r, path}) => r.label ?? path))]
  const byPart = parts.map(({r, links}) => ({links, files: r.input.files.length}))
  const quota = settleAcrossParts(byPart, firsts, rank, files)
  const shape = {
    kinds,
    top: opts.top,
    summaryTop: opts.summaryTop,
    summaryTables: tableKeys.length - 1,
    label: labels.join(', '),
    tz: (t: number) => clock.offsetOfInstant(t),
  }
  const report = buildReport(agg!, totalAccount(files, samples), window, shape, quota, droppedOf(parts))
  return {report, clock}
}

/** The --max-groups a report says it was kept to, when it left groups out (else no limit). */
function limitOf(r: ReadReport): number {
  let limit = r.maxGroups?.limit ?? Infinity
  // A table's (other) row is its last.
  for (const list of [r.groups, ...Object.values(r.tables ?? {})]) {
    const g = list.length > 0 ? list.at(list.length - 1) : undefined
    // Checked when the group is read; a limit that is no count is no limit meanwhile.
    const said = g?.maxGroups?.limit
    if (typeof said === 'number' && said >= 1) limit = Math.min(limit, said)
  }
  return limit
}

/** Every recipient whose mail was dropped, over all reports; null when a report that had some does not list them. */
function droppedOf(parts: Part[]): GroupRow[] | null {
  const rows = new Map<string, GroupRow>()
  for (const {r} of parts) {
    if (r.dropped === undefined) {
      if ((r.totals['discard-misconfig'] ?? 0) > 0) return null
      continue
    }
    for (const g of r.dropped) {
      const recipient = String(g.recipient ?? '')
      const f = parseIso(g.first)
      const l = parseIso(g.last)
      const had = rows.get(recipient)
      if (had === undefined) {
        rows.set(recipient, {
          keys: [recipient],
          count: g.count,
          first: f.time,
          firstTz: f.tz,
          last: l.time,
          lastTz: l.tz,
        })
        continue
      }
      had.count += g.count
      if (f.time < had.first) [had.first, had.firstTz] = [f.time, f.tz]
      if (l.time > had.last) [had.last, had.lastTz] = [l.time, l.tz]
    }
  }
  // As the report's tables are sorted: most first, then by key.
  return [...rows.values()].sort(
    (a, b) => b.count - a.count || (a.keys[0]! < b.keys[0]! ? -1 : a.keys[0]! > b.keys[0]! ? 1 : 0),
  )
}
