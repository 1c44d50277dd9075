// The check's thresholds, in the Monitoring Plugins range syntax every admin's command
// definitions use (https://www.monitoring-plugins.org/doc/guidelines.html#THRESHOLDFORMAT):
// `10` alerts outside 0..10, `10:` below 10, `~:10` above 10, `10:20` outside 10..20, `@10:20`
// inside 10..20. A range may be of a count over the window, or of a rate: `5/m`, `200/h`.

import {usageError} from '../errors.js'

export interface Threshold {
  /** Lower end (-Infinity for `~`). */
  start: number
  /** Upper end (Infinity when left open). */
  end: number
  /** `@`: alert inside the range, not outside it. */
  inside: boolean
  /** A count over the window, or a rate per minute or per hour. */
  per: 'window' | 'm' | 'h'
  /** The range as given, without its rate: what perfdata carries. */
  range: string
  /** As given on the command line. */
  text: string
}

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)`
const RANGE = new RegExp(String.raw`^(@)?(?:(~|${NUMBER}):)?(${NUMBER})?$`)
const EXPECTED =
  'a count or a Monitoring Plugins range (10, 10:, ~:10, 10:20, @10:20), optionally a rate per minute or hour (5/m, 200/h)'

export function parseThreshold(flag: string, text: string): Threshold {
  const t = text.trim()
  const slash = /\/(m|min|h)$/.exec(t)
  const range = slash === null ? t : t.slice(0, slash.index)
  const m = RANGE.exec(range)
  // A bare `@` or `:` says nothing; `10:` has no end, `~:10` no start.
  if (m === null || range === '' || range === '@' || (m[2] === undefined && m[3] === undefined)) {
    throw usageError(flag, EXPECTED, text)
  }
  const hasColon = range.includes(':')
  const start = m[2] === '~' ? -Infinity : m[2] !== undefined ? Number(m[2]) : hasColon ? NaN : 0
  const end = m[3] !== undefined ? Number(m[3]) : Infinity
  if (Number.isNaN(start) || start > end) throw usageError(flag, EXPECTED, text)
  const per = slash === null ? 'window' : slash[1] === 'h' ? 'h' : 'm'
  return {start, end, inside: m[1] === '@', per, range, text}
}

/** The figure a threshold is about: the count, or its rate over a window of `minutes`. */
export function figure(t: Threshold, count: number, minutes: number): number {
  return t.per === 'window' ? count : t.per === 'm' ? count / minutes : (count * 60) / minutes
}

/** Whether `count` events in a window of `minutes` raise the alert (never, without a threshold). */
export function alerts(t: Threshold | undefined, count: number, minutes: number): boolean {
  if (t === undefined) return false
  const v = figure(t, count, minutes)
  const within = v >= t.start && v <= t.end
  return t.inside ? within : !within
}

/** How a finding names the threshold it crossed: `above 8`, `below 10`, `outside 10:20`, `within 10:20`, `above 5/m`. */
export function crossed(t: Threshold): string {
  const rate = t.per === 'window' ? '' : t.text.trim().slice(t.range.length)
  const n = (x: number): string => String(x)
  if (t.inside) return `within ${t.range.slice(1)}${rate}`
  if (t.end === Infinity) return `below ${n(t.start)}${rate}`
  if (t.start === -Infinity || (t.start === 0 && !t.range.includes(':'))) return `above ${n(t.end)}${rate}`
  return `outside ${t.range}${rate}`
}
