// What merge reads from a JSON report, checked value by value: a count is a whole number not
// below zero, a time is an ISO time with its offset, a key is a string. A report edited by hand or
// cut short is one clear error naming the file and the field, never a NaN in a merged table or a
// group dated in year 275760. The groups are checked as merge reads them, one at a time; nothing
// is written before every report has been read.

import {EximRejectsError} from '../errors.js'
import {EVENT_KINDS} from '../kinds.js'
import {isList, type ReadReport} from './report-reader.js'
import {isoInstant} from '../time/iso.js'

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isLimit = (v: unknown): boolean => isCount(v) && (v as number) >= 1
const isTime = (v: unknown): boolean => typeof v === 'string' && Number.isFinite(isoInstant(v))

type Bad = (field: string, expected: string, got: unknown) => EximRejectsError

const complaint =
  (path: string): Bad =>
  (field, expected, got) =>
    new EximRejectsError('INPUT', `${path}: ${field}: expected ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`)

function checkMaxGroups(bad: Bad, at: string, m: unknown): void {
  if (m === undefined) return
  const o = m as Record<string, unknown>
  if (o === null || typeof o !== 'object') throw bad(at, 'a limit and an error bound', m)
  if (!isLimit(o.limit)) throw bad(`${at}.limit`, 'a count of at least 1', o.limit)
  if (!isCount(o.errorBound)) throw bad(`${at}.errorBound`, 'a count', o.errorBound)
}

/**
 * Throws what is wrong with group `i` of list `name` (`groups`, `dropped`, `tables.recipient`) of
 * the report read from `path`: a count, its error if any, times, what (other) says; for `keys`,
 * strings, and first not after last. Returns its first and last instants.
 */
export function checkGroup(
  path: string,
  name: string,
  i: number,
  g: unknown,
  keys: readonly string[] | null,
): [first: number, last: number] {
  const bad = complaint(path)
  const at = `${name}[${i}]`
  const o = g as Record<string, unknown>
  if (o === null || typeof o !== 'object') throw bad(at, 'a group', g)
  if (!isCount(o.count)) throw bad(`${at}.count`, 'a count', o.count)
  if (o.error !== undefined && !isCount(o.error)) throw bad(`${at}.error`, 'a count', o.error)
  const first = typeof o.first === 'string' ? isoInstant(o.first) : NaN
  if (!Number.isFinite(first)) throw bad(`${at}.first`, 'an ISO time with offset', o.first)
  const last = typeof o.last === 'string' ? isoInstant(o.last) : NaN
  if (!Number.isFinite(last)) throw bad(`${at}.last`, 'an ISO time with offset', o.last)
  checkMaxGroups(bad, `${at}.maxGroups`, o.maxGroups)
  if (keys !== null) {
    if (first > last) throw bad(`${at}.first`, `a time not after last (${o.last as string})`, o.first)
    for (const k of keys) if (typeof o[k] !== 'string') throw bad(`${at}.${k}`, 'a string', o[k])
  }
  return [first, last]
}

/**
 * Throws the first value of `r` (read from `path`) that no report writes. The groups of `groups`
 * and `tables` are left to checkGroup, as they are read.
 */
export function checkReportValues(path: string, r: ReadReport): void {
  const bad = complaint(path)
  if (!Array.isArray(r.kinds) || !r.kinds.every((k) => (EVENT_KINDS as readonly string[]).includes(k)))
    throw bad('kinds', 'a list of event kinds', r.kinds)
  for (const [k, n] of Object.entries(r.totals)) if (!isCount(n)) throw bad(`totals.${k}`, 'a count', n)
  checkMaxGroups(bad, 'maxGroups', r.maxGroups)
  if (!isList(r.groups)) throw bad('groups', 'a list of groups', r.groups)
  if (r.dropped !== undefined) {
    if (!Array.isArray(r.dropped)) throw bad('dropped', 'a list of groups', r.dropped)
    r.dropped.forEach((g, i) => checkGroup(path, 'dropped', i, g, []))
  }
  for (const [name, list] of Object.entries(r.tables ?? {}))
    if (!isList(list)) throw bad(`tables.${name}`, 'a list of groups', list)
  for (const f of ['since', 'until', 'first', 'last'] as const) {
    const v = r.window[f]
    if (v !== null && !isTime(v)) throw bad(`window.${f}`, 'an ISO time with offset, or null', v)
  }
  for (const f of ['lines', 'bytes', 'events', 'duplicates', 'other', 'unparsed', 'oversized', 'invalidUtf8'] as const)
    if (!isCount(r.input[f])) throw bad(`input.${f}`, 'a count', r.input[f])
  const s = r.series
  if (s !== undefined) {
    if (!Array.isArray(s.buckets) || !Array.isArray(s.kinds)) throw bad('series', 'buckets and kinds', s)
    s.buckets.forEach((b, i) => {
      if (!Array.isArray(b) || !Number.isSafeInteger(b[0]) || !Array.isArray(b[1]) || !b[1].every(isCount))
        throw bad(`series.buckets[${i}]`, 'a time and counts', b)
    })
  }
}
