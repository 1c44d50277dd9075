// Report CSV: a header row, then one row per group: the --by keys, count, first, last.

import {stringify} from 'csv-stringify/sync'
import type {Report} from '../aggregate/report.js'
import {isoTime} from './time.js'
import type {Writer} from './writer.js'

const BATCH = 1000

export function renderCsv(r: Report, out: Writer): void {
  const header = [...r.main.by, 'count', 'first', 'last']
  out.write(stringify([header]))
  const rows = r.main.rows
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH).map((g) => [...g.keys, g.count, isoTime(g.first, g.firstTz), isoTime(g.last, g.lastTz)])
    out.write(stringify(batch))
  }
}
