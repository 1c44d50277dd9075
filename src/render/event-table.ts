// events --format table: a streaming table fitted to the terminal's width. Column widths are
// fixed up front (rows arrive one by one), and a cell too long for its column is cut with an
// ellipsis rather than wrapped; an IP address never is: it sits before the reason, and takes
// what it needs from it.

import {type EventKind, KINDS} from '../kinds.js'
import type {EximEvent} from '../types.js'
import {type EventPrinter, eventRecord} from './event-fields.js'
import type {Tz} from './context.js'
import {type Paint, printable} from './text.js'
import {offsetLabel, wallTime} from '../time/format.js'
import type {Writer} from './writer.js'

interface Col {
  title: string
  min: number
  /** Share of the width left over after every column has its minimum. */
  grow: number
}

const IP = 5
const COLS: Col[] = [
  {title: 'time', min: 19, grow: 0},
  {title: 'kind', min: 17, grow: 0},
  {title: 'recipient', min: 12, grow: 3},
  {title: 'host', min: 10, grow: 2},
  {title: 'code', min: 4, grow: 0},
  // Any IPv4 address; a longer (IPv6) one pushes the reason along.
  {title: 'ip', min: 15, grow: 0},
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

/**
 * Times are shown in the zone the reports use (the system's, --utc or --tz), named in the title
 * row, which is written with the first row (or at the end, when there is none); a row whose
 * offset differs from the title's (a change to or from summer time) is preceded by a note.
 */
export function tableEvents(out: Writer, paint: Paint, width: number, tz: Tz, now: number): EventPrinter {
  const widths = fitWidths(width)
  let shown: number | null = null
  const row = (cells: string[], kind?: EventKind): string => {
    // What an IP longer than its column takes, the reason gives back.
    const over = Math.max(0, [...cells[IP]!].length - widths[IP]!)
    return (
      cells
        .map((c, i) => {
          const w = i === IP ? widths[i]! + over : i === IP + 1 ? Math.max(1, widths[i]! - over) : widths[i]!
          const s = cut(printable(c), w)
          return i === 1 && kind ? paint(KINDS[kind].color, s) : s
        })
        .join('  ')
        .trimEnd() + '\n'
    )
  }
  const title = (offset: number): void => {
    shown = offset
    out.write(paint('bold', row(COLS.map((c, i) => (i === 0 ? `time (${offsetLabel(offset)})` : c.title)))))
  }
  return {
    event(ev: EximEvent) {
      const offset = tz(ev.time)
      if (shown === null) title(offset)
      else if (offset !== shown) {
        shown = offset
        out.write(`-- times from here on in ${offsetLabel(offset)}\n`)
      }
      const r = eventRecord(ev)
      out.write(
        row(
          [
            wallTime(ev.time, offset),
            ev.kind,
            ev.recipient || '-',
            String(r.host) || '-',
            ev.code || '-',
            ev.ip || '-',
            ev.reason,
          ],
          ev.kind,
        ),
      )
    },
    end() {
      if (shown === null) title(tz(now))
    },
  }
}
