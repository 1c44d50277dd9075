// The summary's histogram of events per hour. Up to two days: a row per hour with a bar scaled
// to the terminal's width. Longer: a row per day, a column per hour, each a block whose height
// tells the count. Unicode blocks, or ASCII (--ascii, or a locale that is not UTF-8).

import type {Series} from '../aggregate/series.js'
import {thousands} from './text.js'
import {wallTime} from '../time/format.js'

const BLOCKS = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█']
const LEVELS_UNICODE = ['·', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']
const LEVELS_ASCII = ['.', '_', '-', '=', '+', '*', '%', '#', '@']

export function isUtf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.LC_ALL || env.LC_CTYPE || env.LANG || ''
  return /utf-?8/i.test(v)
}

function bar(value: number, max: number, width: number, ascii: boolean): string {
  if (value <= 0 || max <= 0) return ''
  const eighths = Math.max(1, Math.round((value / max) * width * 8))
  if (ascii) return '#'.repeat(Math.max(1, Math.round(eighths / 8)))
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? BLOCKS[eighths % 8] : '')
}

/** What the chart leaves out, in words, or '' (the same sentence on the page). */
export function leftOffNote(series: Series, tz: (t: number) => number): string {
  const left = series.left
  const pts = series.points
  if (left === undefined || pts.length === 0) return ''
  const day = (t: number): string => wallTime(t, tz(t)).slice(0, 10)
  const parts = [
    left.before > 0 ? `${thousands(left.before)} dated before ${day(pts[0]!.time)}` : '',
    left.after > 0 ? `${thousands(left.after)} dated after ${day(pts[pts.length - 1]!.time)}` : '',
  ].filter(Boolean)
  const n = left.before + left.after
  return `${n === 1 ? 'One event is' : `${thousands(n)} events are`} not on this chart, far from all the others: ${parts.join(' and ')}.`
}

export function renderHistogram(series: Series, tz: (t: number) => number, width: number, ascii: boolean): string {
  const note = leftOffNote(series, tz)
  return drawHistogram(series, tz, width, ascii) + (note === '' ? '' : `  (${note})\n`)
}

function drawHistogram(series: Series, tz: (t: number) => number, width: number, ascii: boolean): string {
  const points = series.points.map((p) => ({time: p.time, n: p.counts.reduce((a, b) => a + b, 0)}))
  if (points.length === 0) return '  (no events)\n'
  const max = points.reduce((m, p) => Math.max(m, p.n), -Infinity)
  let out = ''
  if (points.length <= 48) {
    const countWidth = thousands(max).length
    const barWidth = Math.max(10, width - 2 - 16 - 2 - countWidth - 2)
    for (const p of points) {
      const when = wallTime(p.time, tz(p.time)).slice(0, 16)
      out += `  ${when}  ${thousands(p.n).padStart(countWidth)}  ${bar(p.n, max, barWidth, ascii)}`.trimEnd() + '\n'
    }
    return out
  }
  const levels = ascii ? LEVELS_ASCII : LEVELS_UNICODE
  const days = new Map<string, number[]>()
  for (const p of points) {
    const w = wallTime(p.time, tz(p.time))
    const day = w.slice(0, 10)
    const row = days.get(day) ?? new Array<number>(24).fill(0)
    row[Number(w.slice(11, 13))]! += p.n
    days.set(day, row)
  }
  const scale = `(${levels[1]} to ${levels[8]}: 1 to ${thousands(max)} an hour)`
  out += `  ${' '.repeat(10)}  00    06    12    18      total  ${scale}\n`
  for (const [day, row] of days) {
    const cells = row.map((n) => (n === 0 ? levels[0] : levels[Math.max(1, Math.ceil((n / max) * 8))])).join('')
    out += `  ${day}  ${cells}  ${thousands(row.reduce((a, b) => a + b, 0)).padStart(9)}\n`
  }
  return out
}
