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
    const keys = g.keys
    const first = isoTime(g.first, g.firstTz)
    const last = isoTime(g.last, g.lastTz)
    // A report may have millions of rows: most are written without a cells array.
    const plain = plainCells(keys, guard)
    out.write(
      plain === null ? csvRow([...keys, g.count, first, last], guard) : `${plain},${g.count},${first},${last}\n`,
    )
  }
}

/** The key cells joined, when none needs quotes or the formula guard (else null: csvRow writes the row). */
function plainCells(keys: string[], guard: boolean): string | null {
  let s = ''
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    if (NEEDS_QUOTES.test(k) || (guard && formulaStart(k.charCodeAt(0)))) return null
    s = i === 0 ? k : s + ',' + k
  }
  return s
}
