// The merge service: JSON reports from several hosts -> one report, as if their logs had been
// read together. Groups are summed (first is the earliest, last the latest), totals and line
// accounting added, events over time summed; `label` (the host a report came from, --label) can
// be grouped by. No oclif here.

import {readFile} from 'node:fs/promises'
import {
  type AggregateDump,
  Aggregator,
  DEFAULT_MAX_GROUPS,
  type GroupEntry,
  joinKey,
  seriesBucket,
} from './aggregate/aggregator.js'
import {GROUP_KEYS, type GroupKey} from './aggregate/keys.js'
import {buildReport, type Instant, type Report, SUMMARY_TABLES} from './aggregate/report.js'
import {EximRejectsError, inputError, usageError} from './errors.js'
import {totalAccount} from './input/account.js'
import {ZoneClock, type ZoneSpec} from './time/zone.js'
import {EVENT_KINDS, type EventKind, type FileAccount, type QuotaLinks, type UnparsedSample} from './types.js'

/** Merge groups by the report keys, and by `label`. */
export type MergeKey = GroupKey | 'label'
export const MERGE_KEYS: readonly MergeKey[] = [...GROUP_KEYS, 'label']

interface JsonGroup {
  [key: string]: string | number
  count: number
  first: string
  last: string
}

interface JsonReport {
  label?: string
  window: {since: string | null; until: string | null; first: string | null; last: string | null}
  input: {
    files: (FileAccount & {first: string | null; last: string | null})[]
    samples: {file: string; line: number; text: string}[]
  }
  kinds: EventKind[]
  totals: Record<string, number>
  by: GroupKey[]
  groups: JsonGroup[]
  tables?: Record<string, JsonGroup[]>
  series?: {step: number; kinds: EventKind[]; buckets: [number, number[]][]}
  quota?: QuotaLinks
}

/** An ISO time with offset, as the reports write it, back to an instant and its offset. */
export function parseIso(iso: string): {time: number; tz: number} {
  const time = Date.parse(iso)
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso)
  const tz = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]))
  return {time, tz}
}

/**
 * Settles, across reports of parts of a log, the follow-up lines a part could not: one whose
 * failure another part saw first counts for it, as it would in the whole log. Adjusts the merged
 * file accounts (`files`: the reports' files, in order) and returns the links that remain.
 * `firsts` is firstFailures' answer for the same parts. Keys
 * are message id + recipient, which do not repeat across hosts (Exim's ids carry time and pid).
 */
function settleQuota(
  parts: {links?: QuotaLinks; files: number}[],
  firsts: Map<string, [number, number]>,
  rank: Map<number, number>,
  files: FileAccount[],
): QuotaLinks {
  const left: QuotaLinks = {failures: [...firsts].map(([key, [time]]) => [key, time]), followUps: []}
  let base = 0
  parts.forEach(({links, files: n}, i) => {
    for (const [file, key, time] of links?.followUps ?? []) {
      // The part saw no failure before this line (else it had settled it): another part did if
      // the first failure is there, earlier, or at the same time in a part that starts before.
      const f = firsts.get(key)
      const settled =
        f !== undefined && f[1] !== i && (f[0] < time || (f[0] === time && rank.get(f[1])! < rank.get(i)!))
      const a = files[base + file]
      if (settled && a !== undefined) {
        a.other--
        a.events++
        a.byKind['delivery-quota'] = (a.byKind['delivery-quota'] ?? 0) + 1
      } else left.followUps.push([base + file, key, time])
    }
    base += n
  })
  return left
}

/**
 * The first failure of each message id + recipient, as its time and the part that counts it: the
 * one that saw it first (earlier, or at the same time in a part that starts before).
 */
function firstFailures(parts: {links?: QuotaLinks}[], rank: Map<number, number>): Map<string, [number, number]> {
  const best = new Map<string, [number, number]>()
  parts.forEach(({links}, i) => {
    for (const [key, time] of links?.failures ?? []) {
      const b = best.get(key)
      if (b === undefined || time < b[0] || (time === b[0] && rank.get(i)! < rank.get(b[1])!)) best.set(key, [time, i])
    }
  })
  return best
}

type Without = NonNullable<QuotaLinks['without']>[number]

/**
 * A report's groups, totals and series without the quota failures it counted, plus those of them
 * it is the part to count, as one dump: what the report adds to the merge. Only groups the report
 * shows are touched (--top may have cut others).
 */
function partDump(
  r: JsonReport,
  label: string,
  by: MergeKey[],
  withTables: boolean,
  counts: (key: string) => boolean,
): AggregateDump {
  const without = new Map<string, Without>()
  for (const w of r.quota?.without ?? []) without.set(`${w[0]}\u0000${joinKey(w[1])}`, w)
  const own: GroupKey[][] = [r.by, ...(withTables ? SUMMARY_TABLES : [])]
  const merged: MergeKey[][] = [by, ...(withTables ? SUMMARY_TABLES : [])]
  // A group's key in the merge, from its values in the report's own key order.
  const mergedKey = (t: number, values: (k: GroupKey) => string): string =>
    joinKey(merged[t]!.map((k) => (k === 'label' ? label : values(k))))
  const lists = [r.groups, ...(withTables ? SUMMARY_TABLES.map((keys) => r.tables![keys.join(',')]!) : [])]
  const shown = lists.map(() => new Set<string>())
  const tables = lists.map((list, t) => {
    const out: GroupEntry[] = []
    for (const g of list) {
      const ownKey = joinKey(own[t]!.map((k) => String(g[k] ?? '')))
      shown[t]!.add(ownKey)
      const key = mergedKey(t, (k) => String(g[k] ?? ''))
      const w = without.get(`${t}\u0000${ownKey}`)
      if (w === undefined) {
        const f = parseIso(g.first)
        const l = parseIso(g.last)
        out.push([key, g.count, f.time, f.tz, l.time, l.tz])
      } else if (w[2] > 0) out.push([key, w[2], w[3]!, w[4], w[5]!, w[6]])
    }
    return out
  })
  const totals = new Map(Object.entries(r.totals) as [EventKind, number][])
  const series = new Map(
    (r.series?.buckets ?? []).map(([t, counts]): [number, number[]] => [
      t,
      EVENT_KINDS.map((k) => counts[r.series!.kinds.indexOf(k)] ?? 0),
    ]),
  )
  const QUOTA = EVENT_KINDS.indexOf('delivery-quota')
  for (const [key, time, tz, rows] of r.quota?.counted ?? []) {
    if (counts(key)) {
      rows.forEach((values, t) => {
        if (t < tables.length && shown[t]!.has(joinKey(values)))
          tables[t]!.push([mergedKey(t, (k) => values[own[t]!.indexOf(k)] ?? ''), 1, time, tz, time, tz])
      })
      continue
    }
    totals.set('delivery-quota', (totals.get('delivery-quota') ?? 0) - 1)
    const bucket = seriesBucket(time)
    const b = series.get(bucket)
    if (b === undefined) continue
    b[QUOTA]!--
    // A bucket is there because an event fell in it.
    if (b.every((n) => n === 0)) series.delete(bucket)
  }
  return {totals: [...totals], tables, others: [], series: [...series]}
}

/** Quota links, when a report has them, as report writes them. */
function linksOk(j: JsonReport): boolean {
  const q = j.quota as unknown
  if (q === undefined) return true
  if (q === null || typeof q !== 'object') return false
  const {failures, followUps, counted = [], without = []} = q as Record<string, unknown>
  // Instants a Date can hold; offsets of at most a day, in minutes.
  const time = (t: unknown) => typeof t === 'number' && Math.abs(t) <= 8.64e15
  const offset = (n: unknown) => Number.isInteger(n) && Math.abs(n as number) <= 1440
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string')
  const tables = 1 + SUMMARY_TABLES.length
  if (!Array.isArray(failures) || !failures.every((f) => Array.isArray(f) && typeof f[0] === 'string' && time(f[1])))
    return false
  const failed = new Set(failures.map((f: unknown[]) => f[0]))
  // A group as it would be without the counted failures: table, keys, count, then first and last (null for none left).
  const group = (w: unknown[]) =>
    Number.isInteger(w[0]) &&
    (w[0] as number) >= 0 &&
    (w[0] as number) < tables &&
    strings(w[1]) &&
    Number.isInteger(w[2]) &&
    (w[2] as number) >= 0 &&
    offset(w[4]) &&
    offset(w[6]) &&
    ((w[2] as number) === 0 || (time(w[3]) && time(w[5])))
  return (
    Array.isArray(followUps) &&
    followUps.every(
      (f) =>
        Array.isArray(f) &&
        Number.isInteger(f[0]) &&
        f[0] >= 0 &&
        f[0] < j.input.files.length &&
        typeof f[1] === 'string' &&
        time(f[2]),
    ) &&
    // Every counted failure is one of the report's failures, with the group it went into in each table.
    Array.isArray(counted) &&
    counted.every(
      (c) =>
        Array.isArray(c) &&
        failed.has(c[0]) &&
        time(c[1]) &&
        offset(c[2]) &&
        Array.isArray(c[3]) &&
        c[3].length <= tables &&
        c[3].every(strings),
    ) &&
    Array.isArray(without) &&
    without.every((w) => Array.isArray(w) && group(w))
  )
}

async function load(path: string): Promise<JsonReport> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw inputError(path, err)
  }
  let j: JsonReport
  try {
    j = JSON.parse(text) as JsonReport
  } catch (err) {
    throw new EximRejectsError('INPUT', `${path}: not JSON (${(err as Error).message})`)
  }
  if (
    !j ||
    !Array.isArray(j.by) ||
    !Array.isArray(j.groups) ||
    typeof j.totals !== 'object' ||
    !j.input ||
    !Array.isArray(j.input.files) ||
    !j.window ||
    !linksOk(j)
  ) {
    throw new EximRejectsError('INPUT', `${path}: not an exim-rejects JSON report (made with report --format json)`)
  }
  return j
}

export interface MergeOptions {
  files: string[]
  /** Keys of the merged table; default: the reports' own (which must then agree). */
  by?: MergeKey[]
  zone: ZoneSpec
  top?: number
  summaryTop?: number
}

export async function mergeReports(opts: MergeOptions): Promise<{report: Report; clock: ZoneClock}> {
  const reports: {path: string; r: JsonReport}[] = []
  for (const path of opts.files) reports.push({path, r: await load(path)})
  const by = opts.by ?? reports[0]!.r.by
  for (const {path, r} of reports) {
    const missing = by.filter((k) => k !== 'label' && !r.by.includes(k as GroupKey))
    if (opts.by === undefined && r.by.join(',') !== by.join(',')) {
      throw usageError(
        '--by',
        `reports grouped alike, or --by with keys they all have (${path} is by ${r.by.join(',')}, the first by ${by.join(',')})`,
        r.by.join(','),
      )
    }
    if (missing.length > 0)
      throw usageError('--by', `keys every report has (${path} has ${r.by.join(',')})`, by.join(','))
  }
  // The summary's tables, when every report carries them (made with --label).
  const withTables = reports.every(
    ({r}) => r.tables !== undefined && SUMMARY_TABLES.every(([k]) => Array.isArray(r.tables![k!])),
  )
  const tableKeys = [by as GroupKey[], ...(withTables ? SUMMARY_TABLES : [])]
  // The aggregator only joins and sums here; `label` is just another column to it. Each table is
  // filled from its own part of the reports, even when two have the same keys.
  const agg = new Aggregator(tableKeys, DEFAULT_MAX_GROUPS, false)
  const kinds: EventKind[] = EVENT_KINDS.filter((k) => reports.some(({r}) => r.kinds?.includes(k)))
  const files: FileAccount[] = []
  const samples: UnparsedSample[] = []
  let since: string | null | undefined
  let until: string | null | undefined
  let first = Infinity
  let last = -Infinity
  // Parts in time order, whatever order they were given in: by their first line, then (a part
  // that starts in the same second as the next ends in it too) by their last.
  const span = (t: string | null): number => (t ? parseIso(t).time : Infinity)
  const order = reports.map(({r}, i) => [i, span(r.window.first), span(r.window.last)] as const)
  const rank = new Map(order.sort((a, b) => a[1] - b[1] || a[2] - b[2] || a[0] - b[0]).map(([i], n) => [i, n]))
  const firsts = firstFailures(
    reports.map(({r}) => ({links: r.quota})),
    rank,
  )
  reports.forEach(({path, r}, i) => {
    const label = r.label ?? path
    agg.absorb(partDump(r, label, by, withTables, (key) => firsts.get(key)?.[1] === i))
    for (const f of r.input.files) {
      const {first: ff, last: fl, ...rest} = f
      const a = {
        ...rest,
        path: `${label}:${f.path}`,
        firstTime: ff ? parseIso(ff).time : NaN,
        lastTime: fl ? parseIso(fl).time : NaN,
      }
      files.push(a)
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
  const labels = [...new Set(reports.map(({r, path}) => r.label ?? path))]
  const quota = settleQuota(
    reports.map(({r}) => ({links: r.quota, files: r.input.files.length})),
    firsts,
    rank,
    files,
  )
  const report = buildReport(agg, {...totalAccount(files, samples), quota}, window, {
    kinds,
    top: opts.top,
    summaryTop: opts.summaryTop,
    summaryTables: tableKeys.length - 1,
    label: labels.join(', '),
    tz: (t) => clock.offsetOfInstant(t),
  })
  return {report, clock}
}
