// JSON report: { window, input, totals, groups } as the contract gives it, plus by and kinds, and
// what merge needs: the summary's tables, the series, and the quota links (with --label).

import {type GroupRow, type GroupTable, SERIES_STEP} from '../aggregate/aggregator.js'
import type {GroupKey} from '../aggregate/keys.js'
import type {Report} from '../aggregate/report-model.js'
import {EVENT_KINDS} from '../kinds.js'
import {linksToWire} from '../quota-links.js'
import {isoTime} from '../time/format.js'
import type {FileAccount, InputAccount} from '../types.js'
import type {DrawContext, Tz} from './context.js'
import type {JsonFile, JsonGroup, JsonInput, JsonMaxGroups, JsonReport} from './json-schema.js'
import type {Writer} from './writer.js'

/** A row as JSON; a row of `table` that is its `(other)` row says what the table left out. */
export function groupObject(by: readonly GroupKey[], row: GroupRow, table?: GroupTable): JsonGroup {
  const o: Record<string, string | number | JsonMaxGroups> = {}
  by.forEach((k, i) => (o[k] = row.keys[i]!))
  o.count = row.count
  if (row.error) o.error = row.error
  o.first = isoTime(row.first, row.firstTz)
  o.last = isoTime(row.last, row.lastTz)
  if (row.other && table !== undefined) o.maxGroups = maxGroupsObject(table)
  return o as JsonGroup
}

const maxGroupsObject = (t: GroupTable): JsonMaxGroups => ({limit: t.limit, errorBound: t.errorBound})

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

/** A table's rows, made into JSON objects one at a time as they are written. */
class LazyRows {
  constructor(
    readonly rows: GroupRow[],
    readonly by: readonly GroupKey[],
    readonly table?: GroupTable,
  ) {
    this.names = by.map((k) => JSON.stringify(k) + ': ')
  }
  /** Each key's name as written before its value. */
  private readonly names: string[]

  /**
   * Row `i` as JSON.stringify(groupObject(...), null, 2) writes it, when it starts after
   * `indent`: written out here, as that costs a report of a million groups seconds.
   */
  json(i: number, indent: string): string {
    const row = this.rows[i]!
    if (row.other) return JSON.stringify(groupObject(this.by, row, this.table), null, 2).replace(NEWLINE, '\n' + indent)
    const next = ',\n' + indent + '  '
    const keys = row.keys
    let s = '{\n' + indent + '  '
    for (let k = 0; k < this.names.length; k++) s += this.names[k] + JSON.stringify(keys[k]) + next
    s += '"count": ' + JSON.stringify(row.count) + next
    if (row.error) s += '"error": ' + JSON.stringify(row.error) + next
    s += '"first": ' + JSON.stringify(isoTime(row.first, row.firstTz)) + next
    s += '"last": ' + JSON.stringify(isoTime(row.last, row.lastTz)) + '\n' + indent + '}'
    return s
  }
}

type Rows = JsonGroup[] | LazyRows

/** The report as JSON, with its tables' rows as `rows` makes them (objects, or made when written). */
function reportShape(r: Report, tz: Tz, rows: (rows: GroupRow[], by: readonly GroupKey[], t?: GroupTable) => Rows) {
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
    ...(r.main.folded > 0 ? {folded: r.main.folded, maxGroups: maxGroupsObject(r.main)} : {}),
    groups: rows(r.main.rows, r.main.by, r.main),
    // What merge needs to draw any format from several reports: the summary's tables (with
    // --label) and the events per five minutes and kind.
    ...(labelled && r.tables.length > 0
      ? {
          tables: Object.fromEntries(r.tables.map((t) => [t.by.join(','), rows(t.rows, t.by, t)])),
        }
      : {}),
    ...(r.dropped !== null && r.dropped.length > 0
      ? {dropped: r.dropped.map((row) => groupObject(['recipient'], row))}
      : {}),
    series: {step: SERIES_STEP, kinds: EVENT_KINDS, buckets: r.buckets},
    // And, for parts of one host's log, the quota failures each part saw and the follow-up lines it could not settle.
    ...(quota !== undefined ? {quota} : {}),
  }
}

export function reportObject(r: Report, tz: Tz): JsonReport {
  return reportShape(r, tz, (rows, by, t) => rows.map((row) => groupObject(by, row, t))) as JsonReport
}

/**
 * Writes what JSON.stringify(reportObject(r), null, 2) would, byte for byte, a row at a time: a
 * report of a million groups is then never one string of hundreds of megabytes, nor a million
 * objects at once.
 */
export function renderJson(r: Report, out: Writer, c: DrawContext): void {
  writeJson(
    out,
    reportShape(r, c.tz, (rows, by, t) => new LazyRows(rows, by, t)),
    '',
  )
  out.write('\n')
}

const NEWLINE = /\n/g

/** `value` as JSON.stringify(value, null, 2) writes it, when it starts after `indent`. */
function writeJson(out: Writer, value: unknown, indent: string): void {
  const inner = indent + '  '
  if (value instanceof LazyRows || Array.isArray(value)) {
    const n = value instanceof LazyRows ? value.rows.length : value.length
    if (n === 0) return out.write('[]')
    out.write('[\n' + inner)
    for (let i = 0; i < n; i++) {
      if (i > 0) out.write(',\n' + inner)
      if (value instanceof LazyRows) {
        out.write(value.json(i, inner))
        continue
      }
      const item: unknown = value[i]
      // An element JSON.stringify leaves out of an object is null in an array.
      if (item === undefined || typeof item === 'function') out.write('null')
      else out.write(JSON.stringify(item, null, 2).replace(NEWLINE, '\n' + inner))
    }
    return out.write('\n' + indent + ']')
  }
  if (value !== null && typeof value === 'object' && !('toJSON' in value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function')
    if (entries.length === 0) return out.write('{}')
    out.write('{\n' + inner)
    entries.forEach(([k, v], i) => {
      if (i > 0) out.write(',\n' + inner)
      out.write(JSON.stringify(k) + ': ')
      writeJson(out, v, inner)
    })
    return out.write('\n' + indent + '}')
  }
  out.write(JSON.stringify(value))
}

export function renderNdjson(r: Report, out: Writer): void {
  for (const row of r.main.rows) out.write(JSON.stringify(groupObject(r.main.by, row, r.main)) + '\n')
}
