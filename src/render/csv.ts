// Report CSV: a header row, then one row per group: the --by keys, count, first, last.
// csv-stringify writes every row that needs quoting; rows that do not (nearly all) are joined
// directly, which gives the same bytes at a fraction of the cost on reports with many groups.

import {stringify} from 'csv-stringify/sync'
import type {Report} from '../aggregate/report-model.js'
import {isoTime} from '../time/format.js'
import type {DrawContext} from './context.js'
import type {Writer} from './writer.js'

// Characters that make csv-stringify quote a field (delimiter, quote, record delimiters).
const NEEDS_QUOTES = /[",\r\n]/
// What a spreadsheet takes for the start of a formula (OWASP, CSV injection), fullwidth forms
// included: the cells csv-stringify's escape_formulas puts a `'` in front of.
const formulaStart = (c: number): boolean =>
  c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 || (c >= 0xff0b && isFullwidthStart(c))
const isFullwidthStart = (c: number): boolean => c === 0xff1d || c === 0xff0b || c === 0xff0d || c === 0xff20

/**
 * One CSV record: exactly what csv-stringify writes for it, with `escapeFormulas` a quote in
 * front of any text cell a spreadsheet would run (the default; --csv-raw turns it off).
 */
export function csvRow(cells: (string | number)[], escapeFormulas = false): string {
  let row = ''
  for (let i = 0; i < cells.length; i++) {
    let c = cells[i]!
    if (typeof c === 'string') {
      if (NEEDS_QUOTES.test(c)) return stringify([cells], {escape_formulas: escapeFormulas})
      // What escape_formulas does to a cell that needs no quotes (a test holds the two alike).
      if (escapeFormulas && formulaStart(c.charCodeAt(0))) c = `'${c}`
    }
    row += i === 0 ? c : ',' + c
  }
  return row + '\n'
}

export function renderCsv(r: Report, out: Writer, c: DrawContext): void {
  const guard = !c.csvRaw
  out.write(csvRow([...r.main.by, 'count', 'first', 'last']))
  for (const g of r.main.rows) {
    const cells: (string | number)[] = [...g.keys]
    cells.push(g.count, isoTime(g.first, g.firstTz), isoTime(g.last, g.lastTz))
    out.write(csvRow(cells, guard))
  }
}
