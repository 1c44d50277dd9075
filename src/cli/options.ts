// Flag values -> validated options, once, at the boundary. Every problem is a usage error that
// names the flag, what was expected and what was given.

import {DEFAULT_BY, GROUP_KEYS, type GroupKey} from '../aggregate/keys.js'
import {ipMatcher} from '../filter/ip.js'
import {type FilterOptions, reasonMatcher} from '../filter/predicate.js'
import {usageError} from '../errors.js'
import {isKnownZone, type ZoneSpec} from '../time/zone.js'
import {DEFAULT_KINDS, EVENT_KINDS, type EventKind} from '../types.js'
import {parseWhen} from './window.js'

export function parseList<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: readonly T[],
  all?: string,
): T[] {
  if (value === undefined) return [...fallback]
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (all !== undefined && items.length === 1 && items[0] === all) return [...allowed]
  const out: T[] = []
  for (const it of items) {
    if (!(allowed as readonly string[]).includes(it))
      throw usageError(flag, `a comma list of ${allowed.join(', ')}${all ? ` (or ${all})` : ''}`, it)
    if (!out.includes(it as T)) out.push(it as T)
  }
  if (out.length === 0) throw usageError(flag, `at least one of ${allowed.join(', ')}`, value)
  return out
}

export function parseKinds(value: string | undefined): EventKind[] {
  return parseList('--kind', value, EVENT_KINDS, DEFAULT_KINDS, 'all')
}

export function parseBy(value: string | undefined): GroupKey[] {
  return parseList('--by', value, GROUP_KEYS, DEFAULT_BY)
}

export function parseZone(utc: boolean, tzName: string | undefined): ZoneSpec {
  if (utc && tzName !== undefined) throw usageError('--tz', 'either --utc or --tz, not both', tzName)
  if (utc) return {kind: 'utc'}
  if (tzName === undefined) return {kind: 'local'}
  if (!isKnownZone(tzName)) throw usageError('--tz', 'an IANA zone name such as Europe/Moscow or UTC', tzName)
  return {kind: 'named', name: tzName}
}

export interface Window {
  since?: number
  until?: number
}

export function parseWindow(since: string | undefined, until: string | undefined, now: Date, zone: ZoneSpec): Window {
  const w: Window = {}
  if (since !== undefined) w.since = parseWhen('--since', since, now, zone)
  if (until !== undefined) w.until = parseWhen('--until', until, now, zone)
  if (w.since !== undefined && w.until !== undefined && w.until <= w.since) {
    throw usageError('--until', 'a time after --since', until!)
  }
  return w
}

export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date()
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) throw usageError('--now', 'an ISO date-time', value)
  return d
}

export type FilterFlags = Pick<FilterOptions, 'recipient' | 'sender' | 'host' | 'domain' | 'ip' | 'reason'>

/** Filter flags, checked once here: a bad --ip or --reason is a usage error before anything is read. */
export function parseFilters(f: FilterFlags): FilterFlags {
  for (const flag of ['recipient', 'sender', 'host', 'domain', 'ip', 'reason'] as const) {
    for (const v of f[flag] ?? []) if (v.trim() === '') throw usageError(`--${flag}`, 'a non-empty value', v)
  }
  if (f.ip?.length) ipMatcher(f.ip)
  for (const r of f.reason ?? []) reasonMatcher(r)
  return {recipient: f.recipient, sender: f.sender, host: f.host, domain: f.domain, ip: f.ip, reason: f.reason}
}

/** Colour only for a terminal, unless asked for; NO_COLOR (https://no-color.org) turns auto off. */
export function useColor(mode: string, isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode === 'always') return true
  if (mode === 'never') return false
  return isTTY && !env.NO_COLOR
}

/** `--interval`: `60s`, `5m`, `1h` (or plain seconds). */
export function parseInterval(value: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(value.trim())
  const n = m === null ? NaN : Number(m[1]) * {s: 1000, m: 60_000, h: 3_600_000}[(m[2] ?? 's') as 's' | 'm' | 'h']
  if (!(n >= 1000)) throw usageError('--interval', 'a span of at least a second: 30s, 5m, 1h', value)
  return n
}

/** A short wait: `5s`, `2.5s`, `500ms` (plain numbers are seconds), up to a minute. */
export function parseTimeout(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim())
  const ms = m === null ? NaN : Number(m[1]) * (m[2] === 'ms' ? 1 : 1000)
  if (!(ms >= 1 && ms <= 60_000)) throw usageError(flag, 'a time of at most a minute: 5s, 2.5s, 500ms', value)
  return ms
}

/** `ADDR:PORT`, `[IPv6]:PORT` or `:PORT` (every interface). */
export function parseListen(value: string): {host?: string; port: number} {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]]*)):(\d{1,5})$/.exec(value)
  const port = m === null ? NaN : Number(m[3])
  if (m === null || port > 65535) throw usageError('--listen', 'ADDR:PORT, [IPv6]:PORT or :PORT', value)
  const host = m[1] ?? m[2]
  return host === '' || host === undefined ? {port} : {host, port}
}
