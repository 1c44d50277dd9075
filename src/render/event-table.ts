// events --format table: a streaming table fitted to the terminal's width. Column widths are
// fixed up front (rows arrive one by one), and a cell too long for its column is cut with an
// ellipsis rather than wrapped.

import {type EventKind, KINDS} from '../kinds.js'
import type {EximEvent} from '../types.js'
import {type EventPrinter, eventRecord} from './event-fields.js'
import {type Paint, printable} from './text.js'
import {wallTime} from '../time/format.js'
import type {Writer} from './writer.js'

interface Col {
  title: string
  min: number
  /** Share of the width left over after every column has its minimum. */
  grow: number
}

const COLS: Col[] = [
  {title: 'time', min: 19, grow: 0},
  {title: 'kind', min: 17, grow: 0},
  {title: 'recipient', min: 12, grow: 3},
  {title: 'host', min: 10, grow: 2},
  {title: 'ip', min: 7, grow: 1},
  {title: 'code', min: 4, grow: 0},
  {title: 'reason', min: 10, grow: 4},
]

export function fitWidths(total: number): number[] {
  const gaps = 2 * (COLS.length - 1)
  const base = COLS.reduce((n, c) => n + c.min, 0)
  const spare = Math.max(0, total - gaps - base)
  const grow = COLS.reduce((n, c) => n + c.grow, 0)
  const widths = COLS.map((c) => c.min + Math.floor((spare * c.grow) / grow))
  // Whatever rounding left over goes to the widest growing column.
  widths[COLS.length - 1]! += spare - widths.reduce((n, w, i) => n + w - COLS[i]!.min, 0)
  return widths
}

export function cut(s: string, width: number): string {
  const chars = [...s]
  if (chars.length <= width) return s + ' '.repeat(width - chars.length)
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…'
}

export function tableEvents(out: Writer, paint: Paint, width: number): EventPrinter {
  const widths = fitWidths(width)
  const row = (cells: string[], kind?: EventKind): string =>
    cells
      .map((c, i) => {
        const s = cut(printable(c), widths[i]!)
        return i === 1 && kind ? paint(KINDS[kind].color, s) : s
      })
      .join('  ')
      .trimEnd() + '\n'
  out.write(paint('bold', row(COLS.map((c) => c.title))))
  return {
    event(ev: EximEvent) {
      const r = eventRecord(ev)
      out.write(
        row(
          [
            wallTime(ev.time, ev.tz),
            ev.kind,
            ev.recipient || '-',
            String(r.host) || '-',
            ev.ip || '-',
            ev.code || '-',
            ev.reason,
          ],
          ev.kind,
        ),
      )
    },
    end() {},
  }
}
