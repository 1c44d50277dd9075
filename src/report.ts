// The report service: sources -> events -> filter -> aggregate -> one neutral report -> a renderer.
// No oclif here; the command parses flags and calls runReport.

import {Aggregator, type GroupRow, type GroupTable} from './aggregate/aggregator.js'
import {countHeldQuota} from './aggregate/counted.js'
import type {GroupKey} from './aggregate/keys.js'
import {buildReport, type Instant, type Report, SUMMARY_TABLES, SUMMARY_TOP} from './aggregate/report.js'
import {buildPredicate, type FilterOptions} from './filter/predicate.js'
import {totalAccount} from './input/account.js'
import {followSource, resolveSources} from './input/sources.js'
import {ZoneClock, type ZoneSpec} from './time/zone.js'
import {followLog, readLogs} from './pipeline.js'
import {renderCsv} from './render/csv.js'
import {renderHtml} from './render/html.js'
import {renderJson, renderNdjson} from './render/json.js'
import {renderSummary} from './render/summary.js'
import type {Writer} from './render/writer.js'
import type {EventKind, EximEvent, InputAccount} from './types.js'

export const REPORT_FORMATS = ['summary', 'csv', 'json', 'ndjson', 'html'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** Rows the report's tables keep with --top `top`: the --by table, then the summary's. JSON keeps every summary row, for merge. */
export function rowsKept(format: ReportFormat, top?: number): {top?: number; summaryTop?: number} {
  return {
    top: format === 'summary' ? (top ?? SUMMARY_TOP) : top,
    summaryTop: format === 'json' ? undefined : (top ?? SUMMARY_TOP),
  }
}

export interface ReportOptions {
  paths: string[]
  kinds: EventKind[]
  by: GroupKey[]
  /** True when --by was given (the summary then shows that table too). */
  byGiven: boolean
  format: ReportFormat
  top?: number
  since?: number
  until?: number
  zone: ZoneSpec
  label?: string
  /** CSV cells as logged, without the spreadsheet-formula guard. */
  csvRaw?: boolean
  /** Groups kept per table; the rest is folded into an `(other)` row. */
  maxGroups?: number
  /** Count what can be read when an input cannot (each failure is reported, the exit status is 2). */
  keepGoing?: boolean
  onInputError?: (err: Error) => void
  /** Filters other than kinds and window (--recipient, --ip, ...). */
  filter?: Omit<FilterOptions, 'kinds' | 'since' | 'until'>
  stdin?: NodeJS.ReadableStream
  now?: Date
  onProgress?: (done: number, total: number) => void
}

export interface BuiltReport {
  report: Report
  clock: ZoneClock
  /** Events per kind and recipient, when asked for (--prom-recipients, and the HTML page). */
  byKindRecipient?: GroupTable
}

/** How a report is drawn, beyond its format. */
export interface RenderOptions {
  format: ReportFormat
  /** --by was given: the summary and the page show that table too. */
  byGiven: boolean
  csvRaw?: boolean
  width?: number
  ascii?: boolean
  /** For the page: every recipient whose mail was dropped. */
  discarded?: GroupRow[]
  version?: string
  now?: Date
}

/**
 * One aggregator holds every table a report draws: the --by table, the summary's (for the summary,
 * the page, and JSON made for merge with --label), and kind x recipient (--prom-recipients, the page).
 */
function tablesFor(opts: ReportOptions, perRecipient: boolean): GroupKey[][] {
  // The summary and the page draw the --by table only when --by was given: otherwise it stands in
  // for their recipients table, which the aggregator then fills once.
  const main = drawsPage(opts) && !opts.byGiven ? SUMMARY_TABLES[0]! : opts.by
  return [main, ...summaryTables(opts), ...(perRecipient ? [['kind', 'recipient'] as GroupKey[]] : [])]
}

const drawsPage = (opts: ReportOptions): boolean => opts.format === 'summary' || opts.format === 'html'

/** The summary's tables, when the report carries them (JSON made for merge, with --label, too). */
function summaryTables(opts: ReportOptions): GroupKey[][] {
  return drawsPage(opts) || (opts.format === 'json' && opts.label !== undefined) ? SUMMARY_TABLES : []
}

export async function buildReportFrom(opts: ReportOptions & {byKindRecipient?: boolean}): Promise<BuiltReport> {
  const clock = new ZoneClock(opts.zone)
  const sources = await resolveSources(opts.paths, {keepGoing: opts.keepGoing, onError: opts.onInputError})
  const perRecipient = opts.byKindRecipient === true || opts.format === 'html'
  const tables = tablesFor(opts, perRecipient)
  const agg = new Aggregator(tables, opts.maxGroups)
  const filter = {...opts.filter, kinds: opts.kinds, since: opts.since, until: opts.until}
  const keepKinds = new Set(opts.kinds)
  const keep = buildPredicate({...filter, kinds: keepKinds})
  // JSON made for merge (--label) carries what parts of one log need to add up as the whole: its
  // quota failures are counted last, once it is known how the groups look without them.
  const forMerge = opts.format === 'json' && opts.label !== undefined
  const held: EximEvent[] = []
  const read = {
    zone: clock,
    kinds: keepKinds,
    stdin: opts.stdin,
    since: opts.since,
    until: opts.until,
    now: opts.now,
    onProgress: opts.onProgress,
    keepGoing: opts.keepGoing,
    onInputError: opts.onInputError,
    quotaLinks: forMerge,
    parallel: {agg, tables, filter, maxGroups: opts.maxGroups},
  }
  const input = await readLogs(sources, read, (ev) => {
    if (!keep(ev)) return
    if (forMerge && ev.kind === 'delivery-quota') held.push(ev)
    else agg.add(ev)
  })
  if (forMerge && held.length > 0)
    input.quota = {...input.quota!, ...countHeldQuota(agg, held, 1 + summaryTables(opts).length)}
  const report = assemble(agg, input, clock, opts)
  return {report, clock, byKindRecipient: perRecipient ? agg.tableResult(tables.length - 1) : undefined}
}

function assemble(agg: Aggregator, input: InputAccount, clock: ZoneClock, opts: ReportOptions): Report {
  const at = (t: number | undefined): Instant | null =>
    t === undefined || !Number.isFinite(t) ? null : {time: t, tz: clock.offsetOfInstant(t)}
  const firsts = input.files.map((f) => f.firstTime).filter(Number.isFinite)
  const lasts = input.files.map((f) => f.lastTime).filter(Number.isFinite)
  return buildReport(
    agg,
    input,
    {
      since: at(opts.since),
      until: at(opts.until),
      first: firsts.length ? at(Math.min(...firsts)) : null,
      last: lasts.length ? at(Math.max(...lasts)) : null,
    },
    {
      kinds: opts.kinds,
      ...rowsKept(opts.format, opts.top),
      summaryTables: summaryTables(opts).length,
      label: opts.label ?? null,
      tz: (t) => clock.offsetOfInstant(t),
    },
  )
}

/**
 * report --follow: reads the log to its end, then keeps following it and prints a fresh report
 * (of everything read so far) every interval, until the signal aborts.
 */
export async function followReport(
  opts: ReportOptions,
  out: Writer & {flush(): void},
  interval: number,
  signal: AbortSignal,
  pollMs?: number,
): Promise<void> {
  const clock = new ZoneClock(opts.zone)
  const src = await followSource(opts.paths)
  const agg = new Aggregator(tablesFor(opts, false), opts.maxGroups)
  const kinds = new Set(opts.kinds)
  const keep = buildPredicate({...opts.filter, kinds, since: opts.since, until: opts.until})
  let latest: InputAccount = totalAccount([], [])
  let printed = false
  const print = (): void => {
    if (opts.format === 'summary' && printed) out.write('\n')
    renderReport(assemble(agg, latest, clock, opts), out, clock, {
      format: opts.format,
      byGiven: opts.byGiven,
      csvRaw: opts.csvRaw,
    })
    out.flush()
    printed = true
  }
  let due = 0
  const read = {
    zone: clock,
    kinds,
    since: opts.since,
    until: opts.until,
    now: opts.now,
    fromStart: true,
    signal,
    pollMs,
  }
  latest = await followLog(
    src,
    {
      ...read,
      onPoll: (acct) => {
        latest = acct
        // The first report once the log has been read to its end, then one per interval.
        const now = Date.now()
        if (now >= due) {
          print()
          due = now + interval
        }
      },
    },
    (ev) => {
      if (keep(ev)) agg.add(ev)
    },
  )
  print()
}

export function renderReport(report: Report, out: Writer, clock: ZoneClock, o: RenderOptions): void {
  const tz = (t: number): number => clock.offsetOfInstant(t)
  switch (o.format) {
    case 'summary':
      return renderSummary(report, out, {showMain: o.byGiven, tz, width: o.width, ascii: o.ascii})
    case 'csv':
      return renderCsv(report, out, o.csvRaw)
    case 'json':
      return renderJson(report, out, tz)
    case 'ndjson':
      return renderNdjson(report, out)
    case 'html':
      return renderHtml(report, out, {tz, showMain: o.byGiven, discarded: o.discarded, version: o.version, now: o.now})
  }
}

/** Every recipient of the discard-misconfig kind, from a kind x recipient table. */
export function discardedRows(t: GroupTable | undefined): GroupRow[] {
  return (t?.rows ?? [])
    .filter((r) => r.keys[0] === 'discard-misconfig')
    .map((r) => ({
      keys: [r.keys[1]!],
      count: r.count,
      first: r.first,
      firstTz: r.firstTz,
      last: r.last,
      lastTz: r.lastTz,
    }))
}

export async function runReport(
  opts: ReportOptions & {byKindRecipient?: boolean},
  out: Writer,
  render: Omit<RenderOptions, 'format' | 'byGiven'> = {},
): Promise<BuiltReport> {
  const built = await buildReportFrom(opts)
  renderReport(built.report, out, built.clock, {
    ...render,
    format: opts.format,
    byGiven: opts.byGiven,
    csvRaw: opts.csvRaw,
    discarded: discardedRows(built.byKindRecipient),
  })
  return built
}
