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
}

const HOUR = 3_600_000
const DAY = 86_400_000

export function stepFor(span: number): number {
  return span < DAY ? SERIES_STEP : span < 60 * DAY ? HOUR : DAY
}

export function buildSeries(buckets: Map<number, number[]>, tz: (time: number) => number, step?: number): Series {
  const times = [...buckets.keys()]
  if (times.length === 0) return {step: step ?? HOUR, points: []}
  const first = Math.min(...times)
  const last = Math.max(...times)
  const s = step ?? stepFor(last - first)
  // Start of the step holding t, on the wall clock of the display zone.
  const align = (t: number): number => {
    const off = tz(t) * 60_000
    return Math.floor((t + off) / s) * s - off
  }
  const rolled = new Map<number, number[]>()
  for (const [t, counts] of buckets) {
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
  return {step: s, points}
}
