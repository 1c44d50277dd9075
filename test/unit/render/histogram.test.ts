import {describe, expect, it} from 'vitest'
import type {Series} from '../../../src/aggregate/series.js'
import {buildSeries} from '../../../src/aggregate/series.js'
import {isUtf8Locale, renderHistogram} from '../../../src/render/histogram.js'

const H = 3_600_000
const at = (h: number, n: number): [number, number[]] => [Date.UTC(2026, 10, 24) + h * H, [n, 0, 0, 0, 0, 0]]

describe('per-hour histogram', () => {
  it('under two days: a row per hour, bars scaled to the width', () => {
    const s = buildSeries(new Map([at(6, 3), at(8, 6)]), () => 0, H)
    const text = renderHistogram(s, () => 0, 40, false)
    const rows = text.trimEnd().split('\n')
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(/^ {2}2026-11-24 06:00 {2}3 {2}█+/)
    expect(rows[1]).toBe('  2026-11-24 07:00  0')
    expect(rows[2]).toMatch(/2026-11-24 08:00 {2}6 {2}█+$/)
    expect(rows[2]!.length).toBeLessThanOrEqual(40)
    expect(rows[2]!.length).toBeGreaterThan(rows[0]!.length)
    expect(renderHistogram(s, () => 0, 40, true)).toMatch(/08:00 {2}6 {2}#+\n$/)
  })

  it('longer: a row per day, a column per hour', () => {
    const s: Series = buildSeries(new Map([at(1, 1), at(30, 8), at(71, 4)]), () => 0, H)
    const rows = renderHistogram(s, () => 0, 80, false)
      .trimEnd()
      .split('\n')
    expect(rows[0]).toMatch(/00 {4}06 {4}12 {4}18/)
    expect(rows.slice(1).map((r) => r.slice(2, 12))).toEqual(['2026-11-24', '2026-11-25', '2026-11-26'])
    expect(rows[2]!.slice(14, 38)).toBe('······█·················')
    expect(rows[1]).toMatch(/ 1$/)
    expect(renderHistogram(s, () => 0, 80, true)).toContain('......@.................')
  })

  it('an event dated far from all the others is left off the axis, and said so', () => {
    const D = 86_400_000
    const now = Date.UTC(2026, 10, 25, 10)
    const bucket = (t: number, n: number): [number, number[]] => [t, [n, 0, 0, 0, 0, 0]]
    // A clock reset at boot wrote 1970; the rest is a day and a half, one event a week before.
    const buckets = new Map([bucket(0, 1), bucket(now - 7 * D, 1), bucket(now, 300), bucket(now + D / 2, 300)])
    const s = buildSeries(buckets, () => 0)
    expect(s.left).toEqual({before: 1, after: 0})
    expect(s.points[0]!.time).toBe(now - 7 * D)
    expect(s.points.reduce((a, p) => a + p.counts[0]!, 0)).toBe(601)
    expect(renderHistogram(s, () => 0, 80, true)).toMatch(
      /\(One event is not on this chart, far from all the others: 1 dated before 2026-11-18\.\)\n$/,
    )
    // A month of events spread out is drawn whole.
    const month = new Map(Array.from({length: 30}, (_, i) => bucket(now + i * D, i === 0 ? 1 : 100)))
    expect(buildSeries(month, () => 0).left).toBeUndefined()
  })

  it('knows a UTF-8 locale', () => {
    expect(isUtf8Locale({LANG: 'C.UTF-8'})).toBe(true)
    expect(isUtf8Locale({LC_ALL: 'C', LANG: 'en_US.UTF-8'})).toBe(false)
    expect(isUtf8Locale({})).toBe(false)
  })
})
