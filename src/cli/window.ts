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
  const ctx = zone.kind === 'named' ? {in: tz(zone.name)} : zone.kind === 'utc' ? {in: tz('UTC')} : {}
  if (v === 'now') return now.getTime()
  if (v === 'today') return startOfDay(now, ctx).getTime()
  if (v === 'yesterday') return subDays(startOfDay(now, ctx), 1).getTime()
  const rel = /^(\d{1,9})(s|min|m|h|d|w)$/.exec(v)
  if (rel !== null) return now.getTime() - Number(rel[1]) * UNIT_MS[rel[2]!]!
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = parseISO(v, ctx)
    if (isValid(d)) return d.getTime()
  }
  throw usageError(flag, EXPECTED, value)
}
