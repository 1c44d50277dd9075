// events --format raw: the log lines behind each event as `file:line:text`, like `grep -n -H`,
// so an editor or `less +N` can jump to them. A discard pair prints both its lines.

import type {EximEvent} from '../types.js'
import type {EventSink} from './event-fields.js'
import {type Paint, printable} from './text.js'
import type {Writer} from './writer.js'

export function rawEvents(out: Writer, paint: Paint): EventSink {
  return {
    event(ev: EximEvent) {
      for (const r of ev.raw ?? []) out.write(`${paint('magenta', printable(r.file))}:${paint('green', String(r.line))}:${printable(r.text)}\n`)
    },
    end() {},
  }
}
