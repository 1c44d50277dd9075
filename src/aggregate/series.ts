// Events over time, for the charts: the aggregator's five-minute counts rolled up to a step that
// suits the span (five minutes under a day, hours under two months, days beyond), aligned to the
// clock of the zone the report is shown in, with empty steps filled in.

import {SERIES_STEP} from './aggregator.js'

export interface SeriesPoint {
  /** Start of the step, epoch ms. */
  time: number
  /** Events per kind, in EVENT_KINDS order. */
  counts: number[]
}

export interface Series {
  step: number
  points: SeriesPoint[]
  /** Events left off the axis: a few dated far from all the others (a clock reset, a forged line). */
  left?: {before: number; after: number}
}

const HOUR = 3_600_000
const DAY = 86_400_000

export function stepFor(span: number): number {
  return span < DAY ? SERIES_STEP : span < 60 * DAY ? HOUR : DAY
}

/**
 * The span the axis covers: all the events, unless the 99% of them that lie closest together span
 * less than a tenth of it (and of a week at the least): then that span, and the events each within
 * that much (or a week) of it. One event dated 1970 must not stretch a day's chart over fifty
 * years of empty rows.
 */
function axis(buckets: Map<number, number[]>): {first: number; last: number} {
  const sorted = [...buckets].map(([t, c]) => [t, c.reduce((a, b) => a + b, 0)] as const).sort((a, b) => a[0] - b[0])
  const first = sorted[0]![0]
  const last = sorted[sorted.length - 1]![0]
  const total = sorted.reduce((a, [, n]) => a + n, 0)
  const need = Math.ceil(total * 0.99)
  let best = {first, last}
  let sum = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    sum += sorted[i]![1]
    while (j < i && sum - sorted[j]![1] >= need) sum -= sorted[j++]![1]
    if (sum >= need && sorted[i]![0] - sorted[j]![0] < best.last - best.first)
      best = {first: sorted[j]![0], last: sorted[i]![0]}
  }
  const margin = Math.max(best.last - best.first, 7 * DAY)
  if (last - first <= 10 * margin) return {first, last}
  // Events near the bulk stay: the axis grows over each one within the margin of its edge.
  let lo = sorted.findIndex(([t]) => t === best.first)
  while (lo > 0 && sorted[lo]![0] - sorted[lo - 1]![0] <= margin) lo--
  let hi = sorted.findIndex(([t]) => t === best.last)
  while (hi < sorted.length - 1 && sorted[hi + 1]![0] - sorted[hi]![0] <= margin) hi++
  return {first: sorted[lo]![0], last: sorted[hi]![0]}
}

export function buildSeries(buckets: Map<number, number[]>, tz: (time: number) => number, step?: number): Series {
  if (buckets.size === 0) return {step: step ?? HOUR, points: []}
  const {first, last} = axis(buckets)
  const s = step ?? stepFor(last - first)
  // Start of the step holding t, on the wall clock of the display zone.
  const align = (t: number): number => {
    const off = tz(t) * 60_000
    return Math.floor((t + off) / s) * s - off
  }
  const rolled = new Map<number, number[]>()
  const left = {before: 0, after: 0}
  for (const [t, counts] of buckets) {
    if (t < first || t > last) {
      left[t < first ? 'before' : 'after'] += counts.reduce((a, b) => a + b, 0)
      continue
    }
    const k = align(t)
    const acc = rolled.get(k)
    if (acc === undefined) rolled.set(k, [...counts])
    else counts.forEach((n, i) => (acc[i]! += n))
  }
  const points: SeriesPoint[] = []
  const width = buckets.values().next().value!.length
  for (let t = align(first); t <= last; t = align(t + s + s / 2)) {
    points.push({time: t, counts: rolled.get(t) ?? new Array<number>(width).fill(0)})
    if (points.length > 100_000) break
  }
  return left.before + left.after > 0 ? {step: s, points, left} : {step: s, points}
}
