// The check's thresholds: a count over the window, or a rate per minute or hour, and whether a
// figure goes past one.

import {usageError} from '../errors.js'

/** A count, or a rate per minute or per hour (`20`, `5/m`, `100/h`). */
export interface Threshold {
  value: number
  per: 'window' | 'm' | 'h'
  text: string
}

export function parseThreshold(flag: string, text: string): Threshold {
  const m = /^(\d+(?:\.\d+)?)(?:\/(m|min|h))?$/.exec(text.trim())
  if (m === null) throw usageError(flag, 'a count (20) or a rate per minute or hour (5/m, 100/h)', text)
  return {value: Number(m[1]), per: m[2] === undefined ? 'window' : m[2] === 'h' ? 'h' : 'm', text}
}

/** Whether `count` events in a window of `minutes` go past `t` (never, without a threshold). */
export function exceeds(t: Threshold | undefined, count: number, minutes: number): boolean {
  if (t === undefined) return false
  const v = t.per === 'window' ? count : t.per === 'm' ? count / minutes : (count * 60) / minutes
  return v > t.value
}
