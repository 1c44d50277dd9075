// The report service: sources -> events -> filter -> aggregate -> one neutral report -> a renderer.
// No oclif here; the command parses flags and calls runReport. Which tables a report fills and
// how many rows it keeps come from the format table (render/report-formats.ts), never from the
// format's name.

import {Aggregator, type GroupRow, type GroupTable, type TableSpec} from '../aggregate/aggregator.js'
import type {GroupKey} from '../aggregate/keys.js'
import {buildReport, type Instant, type Report, SUMMARY_TABLES} from '../aggregate/report-model.js'
import {buildPredicate, type FilterOptions} from '../filter/predicate.js'
import {totalAccount} from '../input/account.js'
import {followSource, resolveSources} from '../input/sources.js'
import type {EventKind} from '../kinds.js'
import {countHeld, emptyLinks, type QuotaLinks} from '../quota-links.js'
import {followLog} from '../read/follow-log.js'
import {readWithState, type StateRun} from '../read/state-run.js'
import type {DrawContext} from '../render/context.js'
import {REPORT_RENDERERS, type ReportFormat, rowsKept} from '../render/report-formats.js'
import type {Writer} from '../render/writer.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import type {EventSink, EximEvent, InputAccount} from '../types.js'
import {type PartSettings, reportParts} from './report-parts.js'

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
  /** Told as each input is opened. */
  onOpen?: (name: string) => void
  /** Also count events per kind and recipient (--prom-recipients). */
  byKindRecipient?: boolean
  /** When large logs are read in parts by threads. */
  parts?: PartSettings
  /** --state: read only what is new since the last run (opened and committed by the caller). */
  state?: StateRun
  /** false: read each log from its top even with --since (what a seek must give the same counts as). */
  seek?: boolean
}

export interface BuiltReport {
  report: Report
  clock: ZoneClock
  /** Events per kind and recipient, when asked for (--prom-recipients, and the HTML page). */
  byKindRecipient?: GroupTable
}

/** How a report is drawn, beyond its format and what the report options say. */
export type RenderOptions = Omit<DrawContext, 'tz' | 'byGiven' | 'csvRaw'>

/** The summary's tables, when the report carries them: a page, or JSON made for merge (with --label). */
function summaryTables(opts: ReportOptions): GroupKey[][] {
  const f = REPORT_RENDERERS[opts.format]
  return f.page || (f.mergeable && opts.label !== undefined) ? SUMMARY_TABLES : []
}

/** The table of dropped mail's recipients (discard-misconfig only), for the formats that tell them. */
const DROPPED_TABLE: TableSpec = {by: ['recipient'], kind: 'discard-misconfig'}
const KIND_RECIPIENT: GroupKey[] = ['kind', 'recipient']

/**
 * One aggregator holds every table a report draws: the --by table, the summary's, the recipients
 * of dropped mail (when the format tells them), and kind x recipient (--prom-recipients).
 */
function tablesFor(opts: ReportOptions, byKindRecipient: boolean): TableSpec[] {
  // A page draws the --by table only when --by was given: otherwise it stands in for the page's
  // recipients table, which the aggregator then fills once.
  const main = REPORT_RENDERERS[opts.format].page && !opts.byGiven ? SUMMARY_TABLES[0]! : opts.by
  return [
    main,
    ...summaryTables(opts),
    ...(REPORT_RENDERERS[opts.format].listsDropped ? [DROPPED_TABLE] : []),
    ...(byKindRecipient ? [KIND_RECIPIENT] : []),
  ]
}

/** The recipients of dropped mail, when the tables hold them. */
function droppedRows(agg: Aggregator, tables: TableSpec[]): GroupRow[] | null {
  const i = tables.indexOf(DROPPED_TABLE)
  return i === -1 ? null : agg.tableResult(i).rows
}

export async function buildReportFrom(given: ReportOptions): Promise<BuiltReport> {
  const state = given.state
  // After a first run, the window is what is new since the last one: --since no longer applies.
  const opts = state !== undefined && !state.first ? {...given, since: undefined, until: undefined} : given
  const clock = new ZoneClock(opts.zone)
  const found = await resolveSources(opts.paths, {keepGoing: opts.keepGoing, onError: opts.onInputError})
  const tables = tablesFor(opts, opts.byKindRecipient === true)
  const agg = new Aggregator(tables, opts.maxGroups)
  const filter = {...opts.filter, kinds: opts.kinds, since: opts.since, until: opts.until}
  const kinds = new Set(opts.kinds)
  const keep = buildPredicate({...filter, kinds})
  // JSON made for merge (--label) carries what parts of one log need to add up as the whole: its
  // quota failures are counted last, once it is known how the groups look without them.
  const links: QuotaLinks | undefined =
    REPORT_RENDERERS[opts.format].mergeable && opts.label !== undefined ? emptyLinks() : undefined
  const held: EximEvent[] = []
  const read = {
    zone: clock,
    kinds,
    stdin: opts.stdin,
    since: opts.since,
    until: opts.until,
    now: opts.now,
    onProgress: opts.onProgress,
    onOpen: opts.onOpen,
    keepGoing: opts.keepGoing,
    onInputError: opts.onInputError,
    links,
    seek: opts.seek,
    parts: reportParts(agg, {filter, tables, maxGroups: opts.maxGroups}, opts.parts),
  }
  const sink: EventSink = {
    event(ev) {
      if (!keep(ev)) return
      if (links && ev.kind === 'delivery-quota') held.push(ev)
      else agg.add(ev)
    },
  }
  const input = await readWithState(state, found, read, sink)
  if (links) countHeld(agg, held, 1 + summaryTables(opts).length, links)
  const byKindRecipient = opts.byKindRecipient === true ? agg.tableResult(tables.length - 1) : undefined
  const report = assemble(agg, input, clock, opts, links ?? null, droppedRows(agg, tables))
  return {report, clock, byKindRecipient}
}

function assemble(
  agg: Aggregator,
  input: InputAccount,
  clock: ZoneClock,
  opts: ReportOptions,
  quota: QuotaLinks | null,
  dropped: GroupRow[] | null,
): Report {
  const at = (t: number | undefined): Instant | null =>
    t === undefined || !Number.isFinite(t) ? null : {time: t, tz: clock.offsetOfInstant(t)}
  const firsts = input.files.map((f) => f.firstTime).filter(Number.isFinite)
  const lasts = input.files.map((f) => f.lastTime).filter(Number.isFinite)
  const window = {
    since: at(opts.since),
    until: at(opts.until),
    first: firsts.length ? at(firsts.reduce((a, b) => Math.min(a, b))) : null,
    last: lasts.length ? at(lasts.reduce((a, b) => Math.max(a, b))) : null,
  }
  const shape = {
    kinds: opts.kinds,
    ...rowsKept(opts.format, opts.top),
    summaryTables: summaryTables(opts).length,
    label: opts.label ?? null,
    tz: (t: number) => clock.offsetOfInstant(t),
  }
  return buildReport(agg, input, window, shape, quota, dropped)
}

export interface FollowReportOptions {
  /** How often a fresh report is printed (ms). */
  interval: number
  signal: AbortSignal
  pollMs?: number
  /** Told once the log is open: from then on every line appended is read. */
  onFollowing?: (name: string, position: number) => void
  /** Told when the followed log was rotated or truncated (`copy`: where the rest was read from). */
  onRestart?: (name: string, how: 'rotated' | 'truncated', copy?: string) => void
  /** How each report is drawn (width, colour). */
  render?: RenderOptions
}

/**
 * report --follow: reads the log to its end, then keeps following it and prints a fresh report
 * (of everything read so far) every interval, until the signal aborts.
 */
export async function followReport(
  opts: ReportOptions,
  out: Writer & {flush(): void},
  f: FollowReportOptions,
): Promise<void> {
  const clock = new ZoneClock(opts.zone)
  const src = await followSource(opts.paths)
  const tables = tablesFor(opts, false)
  const agg = new Aggregator(tables, opts.maxGroups)
  const kinds = new Set(opts.kinds)
  const keep = buildPredicate({...opts.filter, kinds, since: opts.since, until: opts.until})
  const format = REPORT_RENDERERS[opts.format]
  let latest: InputAccount = totalAccount([], [])
  let printed = false
  const print = (): void => {
    if (printed && format.between) out.write(format.between)
    const c = {...f.render, tz: (t: number) => clock.offsetOfInstant(t), byGiven: opts.byGiven, csvRaw: opts.csvRaw}
    format.render(assemble(agg, latest, clock, opts, null, droppedRows(agg, tables)), out, c)
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
    signal: f.signal,
    pollMs: f.pollMs,
    onReady: f.onFollowing,
    onRestart: (how: 'rotated' | 'truncated', copy?: string) => f.onRestart?.(src.name, how, copy),
    onPoll: (acct: InputAccount) => {
      latest = acct
      // The first report once the log has been read to its end, then one per interval.
      const now = Date.now()
      if (now >= due) {
        print()
        due = now + f.interval
      }
    },
  }
  latest = await followLog(src, read, {
    event(ev) {
      if (keep(ev)) agg.add(ev)
    },
  })
  print()
}

export async function runReport(opts: ReportOptions, out: Writer, render: RenderOptions = {}): Promise<BuiltReport> {
  const built = await buildReportFrom(opts)
  const c: DrawContext = {
    ...render,
    tz: (t) => built.clock.offsetOfInstant(t),
    byGiven: opts.byGiven,
    csvRaw: opts.csvRaw,
  }
  REPORT_RENDERERS[opts.format].render(built.report, out, c)
  return built
}
