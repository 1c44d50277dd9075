// events --format csv: the contract's columns, one row per event, written as events arrive.

import {stringify} from 'csv-stringify/sync'
import type {EximEvent} from '../types.js'
import {EVENT_COLUMNS, type EventSink, eventRecord} from './event-fields.js'
import type {Writer} from './writer.js'

export function csvEvents(out: Writer, cell: (v: string | number) => string | number = (v) => v): EventSink {
  out.write(stringify([[...EVENT_COLUMNS]]))
  return {
    event(ev: EximEvent) {
      const r = eventRecord(ev)
      out.write(stringify([EVENT_COLUMNS.map((c) => cell(r[c]))]))
    },
    end() {},
  }
}
