// What merge reads from a JSON report, checked value by value before anything is added: a count
// is a whole number not below zero, a time is an ISO time with its offset, a key is a string. A
// report edited by hand or cut short is one clear error naming the file and the field, never a NaN
// in a merged table or a group dated in year 275760.

import {EximRejectsError} from '../errors.js'
import {EVENT_KINDS} from '../kinds.js'
import type {JsonReport} from '../render/json-schema.js'

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?([+-]\d\d:\d\d|Z)$/

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isLimit = (v: unknown): boolean => isCount(v) && (v as number) >= 1
const isTime = (v: unknown): boolean => typeof v === 'string' && ISO.test(v) && Number.isFinite(Date.parse(v))

/** Throws the first value of `r` (read from `path`) that no report writes. */
export function checkReportValues(path: string, r: JsonReport): void {
  const bad = (field: string, expected: string, got: unknown): EximRejectsError =>
    new EximRejectsError('INPUT', `${path}: ${field}: expected ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`)
  if (!Array.isArray(r.kinds) || !r.kinds.every((k) => (EVENT_KINDS as readonly string[]).includes(k)))
    throw bad('kinds', 'a list of event kinds', r.kinds)
  for (const [k, n] of Object.entries(r.totals)) if (!isCount(n)) throw bad(`totals.${k}`, 'a count', n)
  const maxGroups = (at: string, m: unknown): void => {
    if (m === undefined) return
    const o = m as Record<string, unknown>
    if (o === null || typeof o !== 'object') throw bad(at, 'a limit and an error bound', m)
    if (!isLimit(o.limit)) throw bad(`${at}.limit`, 'a count of at least 1', o.limit)
    if (!isCount(o.errorBound)) throw bad(`${at}.errorBound`, 'a count', o.errorBound)
  }
  /** What every group row has: a count, its error if any, times in order, what (other) says. */
  const row = (at: string, g: Record<string, unknown>): void => {
    if (g === null || typeof g !== 'object') throw bad(at, 'a group', g)
    if (!isCount(g.count)) throw bad(`${at}.count`, 'a count', g.count)
    if (g.error !== undefined && !isCount(g.error)) throw bad(`${at}.error`, 'a count', g.error)
    for (const f of ['first', 'last']) if (!isTime(g[f])) throw bad(`${at}.${f}`, 'an ISO time with offset', g[f])
    maxGroups(`${at}.maxGroups`, g.maxGroups)
  }
  maxGroups('maxGroups', r.maxGroups)
  const groups = (name: string, list: unknown, keys: readonly string[]): void => {
    if (list === undefined) return
    if (!Array.isArray(list)) throw bad(name, 'a list of groups', list)
    list.forEach((g: Record<string, unknown>, i) => {
      const at = `${name}[${i}]`
      row(at, g)
      if (Date.parse(g.first as string) > Date.parse(g.last as string))
        throw bad(`${at}.first`, `a time not after last (${g.last as string})`, g.first)
      for (const k of keys) if (typeof g[k] !== 'string') throw bad(`${at}.${k}`, 'a string', g[k])
    })
  }
  groups('groups', r.groups, r.by)
  groups('dropped', r.dropped, [])
  for (const [name, list] of Object.entries(r.tables ?? {})) {
    if (!Array.isArray(list)) throw bad(`tables.${name}`, 'a list of groups', list)
    list.forEach((g, i) => row(`tables.${name}[${i}]`, g))
  }
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
