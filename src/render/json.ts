// JSON report: { window, input, totals, groups } as the contract gives it, plus by and kinds.

import {type GroupRow, SERIES_STEP} from '../aggregate/aggregator.js'
import {EVENT_KINDS} from '../types.js'
import type {Report} from '../aggregate/report.js'
import type {GroupKey} from '../aggregate/keys.js'
import type {FileAccount, InputAccount, QuotaLinks} from '../types.js'
import {isoTime} from '../time/format.js'
import type {Writer} from './writer.js'

export function groupObject(by: readonly GroupKey[], row: GroupRow): Record<string, string | number> {
  const o: Record<string, string | number> = {}
  by.forEach((k, i) => (o[k] = row.keys[i]!))
  o.count = row.count
  o.first = isoTime(row.first, row.firstTz)
  o.last = isoTime(row.last, row.lastTz)
  return o
}

/** Lines per kind in the order of the kinds, whatever order the lines came in. */
function kindsInOrder(byKind: Record<string, number>): Record<string, number> {
  const known = EVENT_KINDS.filter((k) => k in byKind)
  return Object.fromEntries(
    [...known, ...Object.keys(byKind).filter((k) => !known.includes(k as never))].map((k) => [k, byKind[k]!]),
  )
}

function fileObject(f: FileAccount, tz: (t: number) => number): Record<string, unknown> {
  const {firstTime, lastTime, ...rest} = f
  return {
    ...rest,
    byKind: kindsInOrder(f.byKind),
    first: Number.isFinite(firstTime) ? isoTime(firstTime, tz(firstTime)) : null,
    last: Number.isFinite(lastTime) ? isoTime(lastTime, tz(lastTime)) : null,
  }
}

export function inputObject(input: InputAccount, tz: (t: number) => number): Record<string, unknown> {
  const {files, samples, quota: _links, ...totals} = input
  return {
    files: files.map((f) => fileObject(f, tz)),
    ...totals,
    byKind: kindsInOrder(totals.byKind),
    samples: samples.map((s) => ({at: `${s.file}:${s.line}`, file: s.file, line: s.line, text: s.text})),
  }
}

const hasLinks = (q: QuotaLinks | undefined): q is QuotaLinks =>
  q !== undefined && q.failures.length + q.followUps.length + (q.counted?.length ?? 0) > 0

export function reportObject(r: Report, tz: (t: number) => number): Record<string, unknown> {
  const at = (i: {time: number; tz: number} | null): string | null => (i === null ? null : isoTime(i.time, i.tz))
  return {
    ...(r.label !== null ? {label: r.label} : {}),
    window: {since: at(r.window.since), until: at(r.window.until), first: at(r.window.first), last: at(r.window.last)},
    input: inputObject(r.input, tz),
    kinds: r.kinds,
    totals: r.totals,
    by: r.main.by,
    ...(r.main.folded > 0 ? {folded: r.main.folded} : {}),
    groups: r.main.rows.map((row) => groupObject(r.main.by, row)),
    // What merge needs to draw any format from several reports: the summary's tables (with
    // --label) and the events per five minutes and kind.
    ...(r.label !== null && r.tables.length > 0
      ? {tables: Object.fromEntries(r.tables.map((t) => [t.by.join(','), t.rows.map((row) => groupObject(t.by, row))]))}
      : {}),
    series: {step: SERIES_STEP, kinds: EVENT_KINDS, buckets: r.buckets},
    // And, for parts of one host's log, the quota failures each part saw and the follow-up lines it could not settle.
    ...(r.label !== null && hasLinks(r.input.quota) ? {quota: r.input.quota} : {}),
  }
}

export function renderJson(r: Report, out: Writer, tz: (t: number) => number): void {
  out.write(JSON.stringify(reportObject(r, tz), null, 2) + '\n')
}

export function renderNdjson(r: Report, out: Writer): void {
  for (const row of r.main.rows) out.write(JSON.stringify(groupObject(r.main.by, row)) + '\n')
}
