// The merge service: JSON reports from several hosts -> one report, as if their logs had been
// read together. Groups are summed (first is the earliest, last the latest), totals and line
// accounting added, events over time summed; `label` (the host a report came from, --label) can
// be grouped by. No oclif here.

import {readFile} from 'node:fs/promises'
import {
  type AggregateDump,
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
import {checkReportValues} from './report-check.js'
import {totalAccount} from '../input/account.js'
import {EVENT_KINDS, type EventKind} from '../kinds.js'
import {firstFailures, type GroupWithout, linksFromWire, type QuotaLinks, settleAcrossParts} from '../quota-links.js'
import type {JsonReport} from '../render/json-schema.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import type {FileAccount, UnparsedSample} from '../types.js'

/** Merge groups by the report keys, and by `label`. */
export type MergeKey = GroupKey | 'label'
export const MERGE_KEYS: readonly MergeKey[] = [...GROUP_KEYS, 'label']

/** A report as read, with its quota links in memory (null when it has none). */
interface Part {
  path: string
  r: JsonReport
  links: QuotaLinks | null
}

/** An ISO time with offset, as the reports write it, back to an instant and its offset. */
export function parseIso(iso: string): {time: number; tz: number} {
  const time = Date.parse(iso)
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso)
  const tz = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]))
  return {time, tz}
}

/**
 * A report's groups, totals and series without the quota failures it counted, plus those of them
 * it is the part to count, as one dump: what the report adds to the merge. Only groups the report
 * shows are touched (--top may have cut others).
 */
function partDump(
  {r, links}: Part,
  label: string,
  by: MergeKey[],
  withTables: boolean,
  counts: (key: string) => boolean,
): AggregateDump {
  const without = new Map<string, GroupWithout>()
  for (const w of links?.without ?? []) without.set(JSON.stringify([w.table, w.keys]), w)
  const own: GroupKey[][] = [r.by, ...(withTables ? SUMMARY_TABLES : [])]
  const merged: MergeKey[][] = [by, ...(withTables ? SUMMARY_TABLES : [])]
  // A group's key in the merge, from its values in the report's own key order.
  const mergedKey = (t: number, values: (k: GroupKey) => string): string =>
    joinKey(merged[t]!.map((k) => (k === 'label' ? label : values(k))))
  const lists = [r.groups, ...(withTables ? SUMMARY_TABLES.map((keys) => r.tables![keys.join(',')]!) : [])]
  const shown = lists.map(() => new Set<string>())
  // What --max-groups left out of each table: its (other) row, and the bound on a group not shown.
  const others: (Group | null)[] = lists.map(() => null)
  const folds = lists.map(() => false)
  const bounds = lists.map((_, t) => (t === 0 ? r.maxGroups?.errorBound : undefined) ?? 0)
  const tables = lists.map((list, t) => {
    const out: GroupEntry[] = []
    for (const g of list) {
      const ownValues = own[t]!.map((k) => String(g[k] ?? ''))
      const w = without.get(JSON.stringify([t, ownValues]))
      const f = w === undefined ? parseIso(g.first) : {time: w.first!, tz: w.firstTz}
      const l = w === undefined ? parseIso(g.last) : {time: w.last!, tz: w.lastTz}
      const n = w === undefined ? g.count : w.count
      if (g.maxGroups !== undefined) {
        folds[t] = true
        bounds[t] = g.maxGroups.errorBound
        if (n > 0) others[t] = {count: n, first: f.time, firstTz: f.tz, last: l.time, lastTz: l.tz}
        continue
      }
      shown[t]!.add(joinKey(ownValues))
      if (n === 0) continue
      // The count the merge holds includes the error, as a dump's does.
      const e = g.error ?? 0
      out.push([mergedKey(t, (k) => String(g[k] ?? '')), n + e, f.time, f.tz, l.time, l.tz, e])
    }
    return out
  })
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
        if (t >= tables.length) return
        if (shown[t]!.has(joinKey(values)))
          tables[t]!.push([mergedKey(t, (k) => values[own[t]!.indexOf(k)] ?? ''), 1, c.time, c.tz, c.time, c.tz])
        else if (folds[t] && values.every((v) => v === OTHER)) {
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
  return {totals: [...totals], tables, others, bounds, series: [...series]}
}

async function load(path: string): Promise<Part> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw inputError(path, err)
  }
  let r: JsonReport
  try {
    r = JSON.parse(text) as JsonReport
  } catch (err) {
    throw new EximRejectsError('INPUT', `${path}: not JSON (${(err as Error).message})`)
  }
  const notReport = new EximRejectsError(
    'INPUT',
    `${path}: not an exim-rejects JSON report (made with report --format json)`,
  )
  const shaped =
    r &&
    Array.isArray(r.by) &&
    Array.isArray(r.groups) &&
    typeof r.totals === 'object' &&
    r.input &&
    Array.isArray(r.input.files) &&
    r.window
  if (!shaped) throw notReport
  checkReportValues(path, r)
  const links = linksFromWire(r.quota, r.input.files.length, 1 + SUMMARY_TABLES.length)
  if (links === null) throw notReport
  return {path, r, links: r.quota === undefined ? null : links}
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
  const kinds = (r: JsonReport): string => [...r.kinds].sort().join(',')
  const window = (r: JsonReport): string => `${r.window.since ?? 'the start'} .. ${r.window.until ?? 'the end'}`
  const other = parts.find(({r}) => kinds(r) !== kinds(first.r))
  if (other !== undefined)
    warn(
      `${first.path} counts ${kinds(first.r)}, ${other.path} counts ${kinds(other.r)}: ` +
        'the merged counts of a kind come only from the reports that counted it',
    )
  const span = (r: JsonReport): number[] =>
    [r.window.since, r.window.until].map((t) => (t === null ? NaN : Date.parse(t)))
  const differs = parts.find(({r}) => span(r).some((t, i) => !Object.is(t, span(first.r)[i])))
  if (differs !== undefined)
    warn(
      `${first.path} covers ${window(first.r)}, ${differs.path} covers ${window(differs.r)}: ` +
        'the merged counts mix those windows',
    )
}

export async function mergeReports(opts: MergeOptions): Promise<{report: Report; clock: ZoneClock}> {
  const parts: Part[] = []
  for (const path of opts.files) parts.push(await load(path))
  const by = opts.by ?? parts[0]!.r.by
  checkKeys(parts, by, opts.by !== undefined)
  warnOfDifferences(parts, opts.onWarning)
  // The summary's tables, when every report carries them (made with --label).
  const withTables = parts.every(
    ({r}) => r.tables !== undefined && SUMMARY_TABLES.every(([k]) => Array.isArray(r.tables![k!])),
  )
  const tableKeys = [by as GroupKey[], ...(withTables ? SUMMARY_TABLES : [])]
  // The aggregator only joins and sums here; `label` is just another column to it. Each table is
  // filled from its own part of the reports, even when two have the same keys.
  const agg = new Aggregator(tableKeys, Math.min(DEFAULT_MAX_GROUPS, ...parts.map(({r}) => limitOf(r))), false)
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
    agg.absorb(partDump(part, label, by, withTables, (key) => firsts.get(key)?.part === i))
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
  const report = buildReport(agg, totalAccount(files, samples), window, shape, quota, droppedOf(parts))
  return {report, clock}
}

/** The --max-groups a report says it was kept to, when it left groups out (else no limit). */
function limitOf(r: JsonReport): number {
  let limit = r.maxGroups?.limit ?? Infinity
  for (const list of [r.groups, ...Object.values(r.tables ?? {})])
    for (const g of list) if (g.maxGroups !== undefined) limit = Math.min(limit, g.maxGroups.limit)
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
