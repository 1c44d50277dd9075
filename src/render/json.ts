// JSON report: { window, input, totals, groups } as the contract gives it, plus by and kinds, and
// what merge needs: the summary's tables, the series, and the quota links (with --label).

import {type GroupRow, SERIES_STEP} from '../aggregate/aggregator.js'
import type {GroupKey} from '../aggregate/keys.js'
import type {Report} from '../aggregate/report-model.js'
import {EVENT_KINDS} from '../kinds.js'
import {linksToWire} from '../quota-links.js'
import {isoTime} from '../time/format.js'
import type {FileAccount, InputAccount} from '../types.js'
import type {DrawContext, Tz} from './context.js'
import type {JsonFile, JsonGroup, JsonInput, JsonReport} from './json-schema.js'
import type {Writer} from './writer.js'

export function groupObject(by: readonly GroupKey[], row: GroupRow): JsonGroup {
  const o: Record<string, string | number> = {}
  by.forEach((k, i) => (o[k] = row.keys[i]!))
  o.count = row.count
  o.first = isoTime(row.first, row.firstTz)
  o.last = isoTime(row.last, row.lastTz)
  return o as JsonGroup
}

/** Lines per kind in the order of the kinds, whatever order the lines came in. */
function kindsInOrder(byKind: Record<string, number>): Record<string, number> {
  const known = EVENT_KINDS.filter((k) => k in byKind)
  const rest = Object.keys(byKind).filter((k) => !known.includes(k as never))
  return Object.fromEntries([...known, ...rest].map((k) => [k, byKind[k]!]))
}

const isoOrNull = (t: number, tz: Tz): string | null => (Number.isFinite(t) ? isoTime(t, tz(t)) : null)

function fileObject(f: FileAccount, tz: Tz): JsonFile {
  // Fields in the order the account got them (compressedBytes, skipped, error come last).
  const {firstTime, lastTime, ...rest} = f
  return {...rest, byKind: kindsInOrder(f.byKind), first: isoOrNull(firstTime, tz), last: isoOrNull(lastTime, tz)}
}

export function inputObject(input: InputAccount, tz: Tz): JsonInput {
  return {
    files: input.files.map((f) => fileObject(f, tz)),
    lines: input.lines,
    bytes: input.bytes,
    bytesSkipped: input.bytesSkipped,
    events: input.events,
    duplicates: input.duplicates,
    other: input.other,
    unparsed: input.unparsed,
    oversized: input.oversized,
    invalidUtf8: input.invalidUtf8,
    byKind: kindsInOrder(input.byKind),
    samples: input.samples.map((s) => ({at: `${s.file}:${s.line}`, file: s.file, line: s.line, text: s.text})),
  }
}

export function reportObject(r: Report, tz: Tz): JsonReport {
  const at = (i: {time: number; tz: number} | null): string | null => (i === null ? null : isoTime(i.time, i.tz))
  const labelled = r.label !== null
  const quota = labelled ? linksToWire(r.quota) : undefined
  return {
    ...(labelled ? {label: r.label!} : {}),
    window: {since: at(r.window.since), until: at(r.window.until), first: at(r.window.first), last: at(r.window.last)},
    input: inputObject(r.input, tz),
    kinds: r.kinds,
    totals: r.totals,
    by: r.main.by,
    ...(r.main.folded > 0 ? {folded: r.main.folded} : {}),
    groups: r.main.rows.map((row) => groupObject(r.main.by, row)),
    // What merge needs to draw any format from several reports: the summary's tables (with
    // --label) and the events per five minutes and kind.
    ...(labelled && r.tables.length > 0
      ? {tables: Object.fromEntries(r.tables.map((t) => [t.by.join(','), t.rows.map((row) => groupObject(t.by, row))]))}
      : {}),
    ...(r.dropped !== null && r.dropped.length > 0
      ? {dropped: r.dropped.map((row) => groupObject(['recipient'], row))}
      : {}),
    series: {step: SERIES_STEP, kinds: EVENT_KINDS, buckets: r.buckets},
    // And, for parts of one host's log, the quota failures each part saw and the follow-up lines it could not settle.
    ...(quota !== undefined ? {quota} : {}),
  }
}

export function renderJson(r: Report, out: Writer, c: DrawContext): void {
  out.write(JSON.stringify(reportObject(r, c.tz), null, 2) + '\n')
}

export function renderNdjson(r: Report, out: Writer): void {
  for (const row of r.main.rows) out.write(JSON.stringify(groupObject(r.main.by, row)) + '\n')
}
