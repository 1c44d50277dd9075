// Each command's parsed flags -> the options of its service, checked once. Pure: what the
// process is (its terminal, its environment) is handed in, so that tests build the same options
// from the same flags without a process of their own.

import type {Interfaces} from '@oclif/core'
import {usageError} from '../errors.js'
import type {FilterOptions} from '../filter/predicate.js'
import {isUtf8Locale} from '../render/histogram.js'
import type {EventFormat} from '../render/event-formats.js'
import type {ReportFormat} from '../render/report-formats.js'
import type {EventsOptions} from '../services/event-listing.js'
import type {CheckOptions} from '../services/health-check.js'
import type {MergeOptions} from '../services/merging.js'
import {MERGE_KEYS} from '../services/merging.js'
import type {RenderOptions, ReportOptions} from '../services/reporting.js'
import {parseThreshold} from '../verdict/thresholds.js'
import type {CHECK_FLAGS, EVENTS_FLAGS, EXPORTER_FLAGS, MERGE_FLAGS, REPORT_FLAGS} from './command-flags.js'
import type {ExporterOptions} from '../services/exporting.js'
import {rowsKept} from '../render/report-formats.js'
import {
  parseBy,
  parseFilters,
  parseKinds,
  parseList,
  parseListen,
  parseNow,
  parseTimeout,
  parseWindow,
  parseZone,
  useColor,
} from './options.js'

export type ReportFlags = Interfaces.InferredFlags<typeof REPORT_FLAGS>
export type EventsFlags = Interfaces.InferredFlags<typeof EVENTS_FLAGS>
export type CheckFlags = Interfaces.InferredFlags<typeof CHECK_FLAGS>
export type MergeFlags = Interfaces.InferredFlags<typeof MERGE_FLAGS>
export type ExporterFlags = Interfaces.InferredFlags<typeof EXPORTER_FLAGS>

/** Where the command runs: its output's terminal and its environment. */
export interface Surroundings {
  /** Standard output's width when it is a terminal. */
  columns?: number
  stdoutIsTTY: boolean
  env: NodeJS.ProcessEnv
}

export function reportOptions(flags: ReportFlags, paths: string[]): ReportOptions & {now: Date} {
  const zone = parseZone(flags.utc, flags.tz)
  const now = parseNow(flags.now)
  return {
    paths,
    kinds: parseKinds(flags.kind),
    by: parseBy(flags.by),
    byGiven: flags.by !== undefined,
    format: (flags.json ? 'json' : flags.format) as ReportFormat,
    top: flags.top,
    zone,
    now,
    filter: parseFilters(flags),
    csvRaw: flags['csv-raw'],
    maxGroups: flags['max-groups'],
    label: flags.label,
    keepGoing: flags['keep-going'],
    byKindRecipient: flags['prom-recipients'] && flags['prom-file'] !== undefined,
    ...parseWindow(flags.since, flags.until, now, zone),
  }
}

/** How a report (or a merge of them) is drawn where it is printed. */
export function renderOptions(
  flags: {ascii: boolean; color: string; output?: string},
  where: Surroundings,
  extra: {version?: string; now?: Date},
): RenderOptions {
  return {
    width: where.columns || Number(where.env.COLUMNS) || 80,
    ascii: flags.ascii || !isUtf8Locale(where.env),
    // A report written to a file is not on the terminal, whatever standard output is.
    color: useColor(flags.color, where.stdoutIsTTY && flags.output === undefined, where.env),
    ...extra,
  }
}

export function eventsOptions(flags: EventsFlags, paths: string[], where: Surroundings): EventsOptions {
  const zone = parseZone(flags.utc, flags.tz)
  const now = parseNow(flags.now)
  const window = parseWindow(flags.since, flags.until, now, zone)
  const filter: FilterOptions = {kinds: new Set(parseKinds(flags.kind)), ...window, ...parseFilters(flags)}
  return {
    paths,
    filter,
    zone,
    now,
    follow: flags.follow,
    format: flags.format as EventFormat,
    color: useColor(flags.color, where.stdoutIsTTY, where.env),
    terminal: where.stdoutIsTTY,
    csvRaw: flags['csv-raw'],
    keepGoing: flags['keep-going'],
    width: where.columns || Number(where.env.COLUMNS) || 160,
  }
}

export function checkOptions(flags: CheckFlags, paths: string[]): CheckOptions & {now: Date} {
  const zone = parseZone(flags.utc, flags.tz)
  const now = parseNow(flags.now)
  const w = parseWindow(flags.since, flags.until, now, zone)
  // A window that has not begun yet has nothing to say about the ACL: a mistyped date.
  if (w.until === undefined && w.since! >= now.getTime())
    throw usageError('--since', 'a time before now (or give --until)', flags.since)
  const threshold = (flag: string, v: string | undefined) => (v === undefined ? undefined : parseThreshold(flag, v))
  return {
    paths,
    zone,
    now,
    since: w.since!,
    until: w.until ?? now.getTime(),
    expectActivity: flags['expect-activity'],
    warn: threshold('--warning', flags.warning),
    crit: threshold('--critical', flags.critical),
    warnRecipient: threshold('--warning-recipient', flags['warning-recipient']),
    critRecipient: threshold('--critical-recipient', flags['critical-recipient']),
    quotaSocket: flags['quota-socket'],
    probeRecipient: flags['probe-recipient'],
    probeTimeoutMs: parseTimeout('--probe-timeout', flags['probe-timeout']),
  }
}

export function mergeOptions(flags: MergeFlags, files: string[]): MergeOptions & {format: ReportFormat} {
  const format = (flags.json ? 'json' : flags.format) as ReportFormat
  const by = flags.by === undefined ? undefined : parseList('--by', flags.by, MERGE_KEYS, [])
  return {files, by, zone: parseZone(flags.utc, flags.tz), format, ...rowsKept(format, flags.top)}
}

export function exporterOptions(
  flags: ExporterFlags,
  paths: string[],
): Omit<ExporterOptions, 'signal' | 'version' | 'onReady' | 'onRestart'> {
  const zone = parseZone(flags.utc, flags.tz)
  const now = parseNow(flags.now)
  return {
    paths,
    listen: parseListen(flags.listen),
    since: parseWindow(flags.since, undefined, now, zone).since,
    zone,
    maxReasons: flags['max-reasons'],
    recipients: flags.recipients ?? 0,
  }
}
