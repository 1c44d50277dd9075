// input -> parse -> classify: looks at each source's first bytes (compression, wrapping, which
// log), puts main logs before reject and panic logs, leaves out rotated files the time window
// proves empty, then reads every source in order and pushes each event to a sink.
// Filtering and aggregation are the sink's business; this module only wires the stages.

import {EximRejectsError} from './errors.js'
import {Classifier} from './events/classifier.js'
import {keepSample, newFileAccount, totalAccount} from './input/account.js'
import {detectFraming, detectLogType, type Framing, SNIFF_BYTES} from './input/detect.js'
import {followFile} from './input/follow.js'
import {InputStream} from './input/open.js'
import {readingOrder, type Source} from './input/sources.js'
import {parallelMinBytes, readInRanges} from './parallel/ranges.js'
import type {RangeJob} from './parallel/work.js'
import type {Aggregator} from './aggregate/aggregator.js'
import type {GroupKey} from './aggregate/keys.js'
import {JournalJsonLines, SyslogLines} from './parse/framed.js'
import type {Prefix} from './parse/prefix.js'
import {DEFAULT_MAX_LINE, type FramedLines, LineScanner} from './parse/scanner.js'
import {parseStamp} from './parse/timestamp.js'
import type {ZoneClock} from './time/zone.js'
import type {EventKind, EximEvent, FileAccount, InputAccount, LogType, QuotaLinks, UnparsedSample} from './types.js'

export interface ReadOptions {
  zone: ZoneClock
  keepRaw?: boolean
  /** The kinds whose events are wanted: lines of other kinds are still counted, but their events need not be built. */
  kinds?: ReadonlySet<EventKind>
  maxLine?: number
  stdin?: NodeJS.ReadableStream
  /** Files of a rotated set wholly outside [since, until) are not read. */
  since?: number
  until?: number
  /** The current time: the year of syslog lines read from standard input. */
  now?: Date
  /** Go on past an input that cannot be read (told to onInputError; its account carries the error). */
  keepGoing?: boolean
  onInputError?: (err: Error) => void
  /** Called as input is read, with bytes read so far and the total expected (0 when unknown). */
  onProgress?: (done: number, total: number) => void
  /** Return the quota links (for a JSON report that parts of one log may be merged from). */
  quotaLinks?: boolean
  /**
   * Large plain main logs may be read by worker threads, which filter and aggregate themselves:
   * then their events go to `agg` (through the filter), not to onEvent; onEvent must do the same.
   * Their quota failures, which only the whole input can settle, still go to onEvent.
   */
  parallel?: {
    agg: Aggregator
    tables: GroupKey[][]
    filter: RangeJob['filter']
    maxGroups?: number
    minBytes?: number
    threads?: number
  }
}

interface Probed {
  src: Source
  logType: LogType
  framing: Framing
  /** The first timestamp of a plain log, as an instant; NaN when unknown. */
  first: number
  /** Standard input cannot be opened twice: the stream that was sniffed is read. */
  stream: InputStream | null
  compression: string
}

async function probe(src: Source, opts: ReadOptions): Promise<Probed> {
  const stream = new InputStream(src, opts.stdin)
  const head = await stream.peek(SNIFF_BYTES + 1)
  const whole = head.length <= SNIFF_BYTES
  const framing = detectFraming(head, whole)
  const logType = src.logType ?? (framing === 'plain' ? detectLogType(head, whole) : null) ?? 'main'
  let first = NaN
  if (framing === 'plain') {
    const st = parseStamp(head.toString('latin1', 0, 40))
    if (st.length > 0) first = opts.zone.instant(st.naive, st.offset)
  }
  if (src.path !== null) stream.close()
  return {src, logType, framing, first, stream: src.path === null ? stream : null, compression: stream.compression}
}

/** Why a member of a rotated set can be left unread, or null. Sets are oldest first. */
function skipReason(p: Probed, newer: Probed | undefined, opts: ReadOptions): string | null {
  if (p.src.set === null || p.framing !== 'plain') return null
  // Every line of a file is older than the first line of the next newer file in its set.
  if (opts.since !== undefined && newer !== undefined && newer.src.set === p.src.set && newer.first < opts.since)
    return 'before --since'
  if (opts.until !== undefined && p.first >= opts.until) return 'after --until'
  return null
}

function makeScanner(
  p: Probed,
  acct: FileAccount,
  classifier: Classifier,
  samples: UnparsedSample[],
  opts: ReadOptions,
  discardAtStart: boolean,
): LineScanner {
  const src = p.src
  const unparsed = (text: string, line: number): void => keepSample(samples, {file: src.name, line, text})
  const sink = {candidate: (text: string, lineNo: number) => classifier.candidate(text, lineNo), unparsed}
  let framed: FramedLines | null = null
  if (p.framing !== 'plain') {
    const ref = new Date(Number.isFinite(src.mtime) ? src.mtime : (opts.now ?? new Date()).getTime())
    const ctx = {
      acct,
      candidate: (text: string, lineNo: number, pre: Prefix) => classifier.candidate(text, lineNo, pre),
      unparsed,
      zone: opts.zone,
      reference: {year: ref.getFullYear(), month: ref.getMonth()},
    }
    framed = p.framing === 'syslog' ? new SyslogLines(ctx) : new JournalJsonLines(ctx)
  }
  const instant = (naive: number, offset: number): number => opts.zone.instant(naive, offset)
  // In a main log a misconfigured discard always follows its incorrect-digit line, if need be at
  // the start of the next file of a rotated set; elsewhere it may stand alone.
  return new LineScanner(
    acct,
    sink,
    instant,
    opts.maxLine ?? DEFAULT_MAX_LINE,
    framed,
    p.logType !== 'main',
    discardAtStart,
  )
}

export async function readLogs(
  sources: Source[],
  opts: ReadOptions,
  onEvent: (ev: EximEvent) => void,
): Promise<InputAccount> {
  const probed: Probed[] = []
  const failed: FileAccount[] = []
  for (const src of sources) {
    try {
      probed.push(await probe(src, opts))
    } catch (err) {
      if (!opts.keepGoing || !(err instanceof EximRejectsError)) throw err
      opts.onInputError?.(err)
      const acct = newFileAccount(src.name, src.logType ?? 'main')
      acct.error = err.message
      failed.push(acct)
    }
  }
  const inOrder = readingOrder(probed)

  const types = new Set(inOrder.filter((p) => p.framing === 'plain').map((p) => p.logType))
  const dedupe = types.has('main') && types.size > 1
  const quotaSeen = new Map<string, number>()
  const followUps: QuotaLinks['followUps'] = []
  const files: FileAccount[] = []
  const onUnsettledFollowUp = opts.quotaLinks
    ? (key: string, time: number): void => void followUps.push([files.length - 1, key, time])
    : undefined
  const classifier = new Classifier(
    {zone: opts.zone, keepRaw: opts.keepRaw ?? false, dedupe, quotaSeen, wanted: opts.kinds, onUnsettledFollowUp},
    onEvent,
  )
  const samples: UnparsedSample[] = []
  const total = probed.reduce((n, p) => n + p.src.size, 0)
  let doneBefore = 0

  for (let i = 0; i < inOrder.length; i++) {
    const p = inOrder[i]!
    const src = p.src
    const acct = newFileAccount(src.name, p.logType)
    acct.framing = p.framing
    files.push(acct)
    const skip = skipReason(p, inOrder[i + 1], opts)
    if (skip !== null) {
      acct.skipped = skip
      doneBefore += src.size
      continue
    }
    // An incorrect-digit line at the end of the file before may have its discard at the start of this one.
    const waiting = classifier.waitingFor(p.first)
    const par = opts.parallel
    if (
      par &&
      src.path !== null &&
      p.framing === 'plain' &&
      p.compression === 'none' &&
      p.logType === 'main' &&
      src.size >= (par.minBytes ?? parallelMinBytes()) &&
      !waiting
    ) {
      const job = {
        path: src.path,
        name: src.name,
        logType: p.logType,
        dedupe,
        zone: opts.zone.spec,
        filter: par.filter,
        tables: par.tables,
        maxGroups: par.maxGroups,
        maxLine: opts.maxLine,
      }
      const whole = await readInRanges(
        job,
        src.size,
        {agg: par.agg, emit: onEvent, classifier, quotaSeen, onUnsettledFollowUp, samples},
        par.threads,
      )
      if (whole !== null) {
        files[files.length - 1] = whole
        doneBefore += src.size
        opts.onProgress?.(doneBefore, total)
        continue
      }
    }
    classifier.beginFile(src.name, p.logType)
    const scanner = makeScanner(p, acct, classifier, samples, opts, waiting)
    const input = p.stream ?? new InputStream(src, opts.stdin)
    try {
      for await (const chunk of input.chunks()) {
        scanner.push(chunk)
        opts.onProgress?.(doneBefore + input.rawBytes, total)
      }
    } catch (err) {
      // What was read before the failure stays counted; the account says where it stopped.
      if (!opts.keepGoing || !(err instanceof EximRejectsError)) throw err
      opts.onInputError?.(err)
      acct.error = err.message
    }
    // The classifier is not told the file ended: the next file of a rotated set may start with
    // the discard that completes an incorrect-digit line this one ended with (same second, same pid).
    scanner.end()
    doneBefore += src.size
    acct.compression = input.compression
    if (acct.compression !== 'none') acct.compressedBytes = input.rawBytes
  }
  classifier.settle()
  const account = totalAccount([...files, ...failed], samples)
  return opts.quotaLinks ? {...account, quota: {failures: [...quotaSeen], followUps}} : account
}

export interface FollowOptions extends ReadOptions {
  /** Read the file from its start (else only what is appended from now on). */
  fromStart: boolean
  signal?: AbortSignal
  pollMs?: number
  /** Called after every poll, with the accounting so far. */
  onPoll?: (input: InputAccount) => void
}

/**
 * Follows one live log: every event appended (and, with fromStart, already there) goes to
 * onEvent as soon as its line is complete. Returns the accounting when the signal aborts.
 */
export async function followLog(
  src: Source,
  opts: FollowOptions,
  onEvent: (ev: EximEvent) => void,
): Promise<InputAccount> {
  const p = await probe(src, opts)
  const classifier = new Classifier(
    {zone: opts.zone, keepRaw: opts.keepRaw ?? false, dedupe: false, wanted: opts.kinds},
    onEvent,
  )
  const samples: UnparsedSample[] = []
  const files: FileAccount[] = []
  let acct!: FileAccount
  let scanner!: LineScanner
  const start = (): void => {
    acct = newFileAccount(src.name, p.logType)
    acct.framing = p.framing
    files.push(acct)
    classifier.beginFile(src.name, p.logType)
    scanner = makeScanner(p, acct, classifier, samples, opts, classifier.waitingFor(NaN))
  }
  start()
  for await (const item of followFile(src.path!, {
    fromStart: opts.fromStart,
    signal: opts.signal,
    pollMs: opts.pollMs,
  })) {
    if ('chunk' in item) scanner.push(item.chunk)
    else if ('restart' in item) {
      // A digit line at the end of the rotated file may still get its discard from the new one.
      scanner.end()
      start()
    } else {
      // Nothing new: a digit line still waiting for its discard will not get one.
      if (!item.fresh) classifier.settle()
      opts.onPoll?.(totalAccount(files, samples))
    }
  }
  scanner.end()
  classifier.settle()
  return totalAccount(files, samples)
}
