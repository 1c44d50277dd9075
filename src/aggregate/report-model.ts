// The format-neutral report every renderer draws from: window, input accounting, totals per
// kind, the --by table and the summary's top tables. Built once, after the last event.

import type {QuotaLinks} from '../quota-links.js'
import type {EventKind, InputAccount} from '../types.js'
import type {Aggregator, GroupRow, GroupTable} from './aggregator.js'
import type {GroupKey} from './keys.js'
import {buildSeries, type Series} from './series.js'

export interface Instant {
  time: number
  tz: number
}

export interface ReportWindow {
  since: Instant | null
  until: Instant | null
  /** First and last timestamped line read, over all inputs. */
  first: Instant | null
  last: Instant | null
}

export interface Report {
  window: ReportWindow
  input: InputAccount
  kinds: EventKind[]
  totals: Record<string, number>
  /** The --by table. */
  main: GroupTable
  /** Top recipients, hosts and reasons, for the summary. */
  tables: GroupTable[]
  /** A label naming where the logs came from (--label), or null. */
  label: string | null
  /** Events over time, per kind (counts in EVENT_KINDS order), in a step that suits the span. */
  series: Series
  /** The same per hour, for the summary's histogram. */
  hourly: Series
  /** The five-minute counts behind both, for merging reports. */
  buckets: [number, number[]][]
  /** What reports of other parts of the same log need to add up with this one (JSON made for merge). */
  quota: QuotaLinks | null
  /** Every recipient whose mail was answered 250 and dropped (discard-misconfig), most first; null when not known. */
  dropped: GroupRow[] | null
}

/** The summary's tables: recipients, sending hosts, reasons. */
export const SUMMARY_TABLES: GroupKey[][] = [['recipient'], ['host'], ['reason']]

export interface ReportShape {
  kinds: EventKind[]
  /** Rows per table; undefined keeps all. */
  top?: number
  /** Rows per summary table; undefined keeps all (JSON made for merge). */
  summaryTop?: number
  /** How many of the aggregator's tables after the --by one are the summary's (any after them are not the report's). */
  summaryTables: number
  label?: string | null
  /** The display zone's offset at an instant (for aligning time steps). */
  tz: (time: number) => number
}

export function buildReport(
  agg: Aggregator,
  input: InputAccount,
  window: ReportWindow,
  shape: ReportShape,
  quota: QuotaLinks | null = null,
  dropped: GroupRow[] | null = null,
): Report {
  const totals: Record<string, number> = {}
  for (const k of shape.kinds) totals[k] = agg.totals.get(k) ?? 0
  const [main, ...rest] = agg
    .result([shape.top, ...Array<number | undefined>(shape.summaryTables).fill(shape.summaryTop)])
    .slice(0, 1 + shape.summaryTables)
  const cut = (t: GroupTable, n: number | undefined): GroupTable =>
    n === undefined ? t : {...t, rows: t.rows.slice(0, n)}
  return {
    window,
    input,
    kinds: shape.kinds,
    totals,
    main: cut(main!, shape.top),
    tables: rest.map((t) => cut(t, shape.summaryTop)),
    label: shape.label ?? null,
    series: buildSeries(agg.series, shape.tz),
    hourly: buildSeries(agg.series, shape.tz, 3_600_000),
    buckets: [...agg.series].sort((a, b) => a[0] - b[0]),
    quota,
    dropped,
  }
}
