// events --format raw: the log lines behind each event as `file:line:text`, like `grep -n -H`,
// so an editor or `less +N` can jump to them. A discard pair prints both its lines. Into a pipe or
// a file the lines of a plain log go out byte for byte as logged (bytes that are not UTF-8, a CR
// before the line end), so `| cut`, `| grep -F -f` and a diff against the log see the same bytes;
// on a terminal their control characters are shown escaped.

import type {EximEvent} from '../types.js'
import type {EventPrinter} from './event-fields.js'
import {type Paint, printable} from './text.js'
import type {Writer} from './writer.js'

export function rawEvents(out: Writer, paint: Paint, terminal: boolean): EventPrinter {
  const show = terminal ? printable : (s: string) => s
  return {
    event(ev: EximEvent) {
      for (const r of ev.raw ?? []) {
        if (terminal || r.bytes === undefined) {
          out.write(`${paint('magenta', show(r.file))}:${paint('green', String(r.line))}:${show(r.text)}\n`)
          continue
        }
        out.write(`${r.file}:${r.line}:`)
        out.writeBytes(r.bytes)
        out.write('\n')
      }
    },
    end() {},
  }
}
