// events --format ndjson: one JSON object per event and line, exact (JSON escapes everything).

import type {EximEvent} from '../types.js'
import {type EventPrinter, eventRecord} from './event-fields.js'
import type {Writer} from './writer.js'

export function ndjsonEvents(out: Writer): EventPrinter {
  return {
    event(ev: EximEvent) {
      out.write(JSON.stringify(eventRecord(ev)) + '\n')
    },
    end() {},
  }
}
