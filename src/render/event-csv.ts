// events --format csv: the contract's columns, one row per event, written as events arrive.

import type {EximEvent} from '../types.js'
import {csvRow} from './csv.js'
import {EVENT_COLUMNS, type EventPrinter, eventRecord} from './event-fields.js'
import type {Writer} from './writer.js'

/** `escapeFormulas`: a quote in front of any cell a spreadsheet would take for a formula. */
export function csvEvents(out: Writer, escapeFormulas: boolean): EventPrinter {
  out.write(csvRow([...EVENT_COLUMNS]))
  return {
    event(ev: EximEvent) {
      const r = eventRecord(ev)
      out.write(
        csvRow(
          EVENT_COLUMNS.map((c) => r[c]),
          escapeFormulas,
        ),
      )
    },
    end() {},
  }
}
