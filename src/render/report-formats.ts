// The report's formats as one table: each row a renderer with the common signature, and what a
// report must hold for it to be drawn. Flags, help and the report service all read this table.

import type {Report} from '../aggregate/report-model.js'
import type {DrawContext} from './context.js'
import {renderCsv} from './csv.js'
import {renderHtml} from './html.js'
import {renderJson, renderNdjson} from './json.js'
import {renderSummary} from './summary.js'
import type {Writer} from './writer.js'

export const REPORT_FORMATS = ['summary', 'csv', 'json', 'ndjson', 'html'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface ReportFormatInfo {
  render(r: Report, out: Writer, c: DrawContext): void
  /**
   * Draws the summary's tables (top recipients, hosts, reasons), and the --by table only when
   * --by was given; without it, the recipients table stands in for the --by one.
   */
  page: boolean
  /** Rows of the --by table it shows when --top is not given (undefined: all). */
  defaultTop?: number
  /** Tells every recipient whose mail was dropped, or how many (the events per kind and recipient). */
  listsDropped: boolean
  /** Can be merged: made with --label, it carries every row of the summary's tables, and the quota links. */
  mergeable: boolean
  /** Written between reports printed one after another (report --follow). */
  between?: string
}

/** Rows per summary table by default. */
export const SUMMARY_TOP = 10

export const REPORT_RENDERERS: Record<ReportFormat, ReportFormatInfo> = {
  summary: {
    render: renderSummary,
    page: true,
    defaultTop: SUMMARY_TOP,
    listsDropped: true,
    mergeable: false,
    between: '\n',
  },
  csv: {render: renderCsv, page: false, listsDropped: false, mergeable: false},
  json: {render: renderJson, page: false, listsDropped: true, mergeable: true},
  ndjson: {render: renderNdjson, page: false, listsDropped: false, mergeable: false},
  html: {render: renderHtml, page: true, listsDropped: true, mergeable: false},
}

/** Rows the report's tables keep with --top `top`: the --by table, then the summary's. */
export function rowsKept(format: ReportFormat, top?: number): {top?: number; summaryTop?: number} {
  const f = REPORT_RENDERERS[format]
  return {top: top ?? f.defaultTop, summaryTop: f.mergeable ? undefined : (top ?? SUMMARY_TOP)}
}
