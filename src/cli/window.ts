// --since/--until values -> instants. This is where date-fns earns its place: ISO parsing,
// start of day and calendar arithmetic in the chosen zone, once per run, never per line.

import {tz} from '@date-fns/tz/tz'
// Deep imports: the date-fns index pulls in hundreds of modules, a tenth of a second at start-up.
import {isValid} from 'date-fns/isValid'
import {parseISO} from 'date-fns/parseISO'
import {startOfDay} from 'date-fns/startOfDay'
import {subDays} from 'date-fns/subDays'
import {usageError} from '../errors.js'
import type {ZoneSpec} from '../time/zone.js'

const UNIT_MS: Record<string, number> = {s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}
const EXPECTED =
  'an ISO date or date-time (2026-11-24, 2026-11-24T08:00), today, yesterday, now, ' +
  'or a span back from now (90m, 2h, 7d)'

export function parseWhen(flag: string, value: string, now: Date, zone: ZoneSpec): number {
  const v = value.trim()
  if (v === 'now') return now.getTime()
  const rel = /^(\d{1,9})(s|min|m|h|d|w)$/.exec(v)
  if (rel !== null) return now.getTime() - Number(rel[1]) * UNIT_MS[rel[2]!]!
  // (Making the context starts nothing: ICU's zones are set up when a date is made in one.)
  const ctx = zone.kind === 'named' ? {in: tz(zone.name)} : {}
  if (zone.kind === 'utc') {
    const day = Math.floor(now.getTime() / DAY_MS) * DAY_MS
    if (v === 'today') return day
    if (v === 'yesterday') return day - DAY_MS
  } else {
    if (v === 'today') return startOfDay(now, ctx).getTime()
    if (v === 'yesterday') return subDays(startOfDay(now, ctx), 1).getTime()
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = zone.kind === 'utc' ? parseIsoUtc(v) : parseISO(v, ctx)
    if (isValid(d)) return d.getTime()
  }
  throw usageError(flag, EXPECTED, value)
}

const DAY_MS = 86_400_000

/**
 * An ISO date or time read as UTC where it names no offset: what parseISO in tz('UTC') gives,
 * without the zone, whose first use sets up ICU's time zones (12 ms, a tenth of a short check).
 */
export function parseIsoUtc(v: string): Date {
  const timed = /^[^T ]+[T ]\d/.test(v) ? v : `${v}T00:00`
  return parseISO(/(Z|[+-]\d\d(:?\d\d)?)$/.test(timed) ? timed : `${timed}Z`)
}
