// The events command's formats as one table: how each opens its printer, and whether it needs
// the log lines behind each event.

import {csvEvents} from './event-csv.js'
import type {EventPrinter} from './event-fields.js'
import {ndjsonEvents} from './event-ndjson.js'
import {rawEvents} from './event-raw.js'
import {tableEvents} from './event-table.js'
import type {Tz} from './context.js'
import {painter} from './text.js'
import type {Writer} from './writer.js'

export const EVENT_FORMATS = ['table', 'csv', 'ndjson', 'raw'] as const
export type EventFormat = (typeof EVENT_FORMATS)[number]

export interface PrintContext {
  color: boolean
  /** Terminal width, for the table. */
  width: number
  /** Standard output is a terminal (raw lines are then shown with control characters escaped). */
  terminal: boolean
  /** CSV cells as logged, without the spreadsheet-formula guard. */
  csvRaw: boolean
  /** The offset the table shows times in (the reports' zone), and the current time. */
  tz: Tz
  now: number
}

export interface EventFormatInfo {
  open(out: Writer, c: PrintContext): EventPrinter
  /** Prints the log lines behind each event, which the reader then keeps. */
  rawLines: boolean
}

export const EVENT_PRINTERS: Record<EventFormat, EventFormatInfo> = {
  table: {open: (out, c) => tableEvents(out, painter(c.color), c.width, c.tz, c.now), rawLines: false},
  csv: {open: (out, c) => csvEvents(out, !c.csvRaw), rawLines: false},
  ndjson: {open: (out) => ndjsonEvents(out), rawLines: false},
  raw: {open: (out, c) => rawEvents(out, painter(c.color), c.terminal), rawLines: true},
}
