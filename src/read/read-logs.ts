// input -> parse -> classify: looks at each source's first bytes, puts main logs before reject
// and panic logs, leaves out rotated files the time window proves empty, then reads every source
// in order and hands each event to a sink. What the sink does with events (filter, count, print)
// is its own business; the reader knows only the sink, and whoever offers to read a large file
// in parts (a report does, with threads), whose parts it settles in order.

import {Classifier, type PendingDigit} from '../events/classifier.js'
import {EximRejectsError} from '../errors.js'
import {keepSample, newFileAccount, totalAccount} from '../input/account.js'
import {InputStream} from '../input/open.js'
import {readingOrder, type Source} from '../input/sources.js'
import {quotaKey, type QuotaLinks, settleFollowUp} from '../quota-links.js'
import type {ZoneClock} from '../time/zone.js'
import {EVENT_KINDS, type EventKind} from '../kinds.js'
import type {EventSink, FileAccount, InputAccount, UnparsedSample} from '../types.js'
import {probe, type Probed, skipReason} from './probe.js'
import type {RangedFile, RangePart} from './range.js'
import {scannerFor} from './scanner-for.js'

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
  /** Told as each input is opened, before anything of it is read. */
  onOpen?: (name: string) => void
  /** Called as input is read, with bytes read so far and the total expected (0 when unknown). */
  onProgress?: (done: number, total: number) => void
  /** Filled with the quota failures and unsettled follow-up lines (for reports that may be merged). */
  links?: QuotaLinks
  /** Offered each large plain main log: it may read the file in parts itself. */
  parts?: PartReader
  /** What an earlier run left unsettled (--state): taken on at the start, and given back, updated, at the end. */
  carry?: Carry
}

/** A range read by a part reader, and how to add its own counts once its quota failures are settled. */
export interface ReadPart extends RangePart {
  commit?: () => void
}

/**
 * Reads a large plain file in byte ranges (threads), each range's events other than quota
 * failures into the consumer's own counts; null to leave the file to the reader.
 */
export interface PartReader {
  read(file: RangedFile): Promise<ReadPart[] | null>
}

export async function readLogs(sources: Source[], opts: ReadOptions, sink: EventSink): Promise<InputAccount> {
  const probed: Probed[] = []
  const failed: FileAccount[] = []
  for (const src of sources) {
    opts.onOpen?.(src.name)
    try {
      probed.push(await probe(src, opts.zone, opts.stdin))
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
  const carry = opts.carry
  const quotaSeen = carry?.quota ?? new Map<string, number>()
  const files: FileAccount[] = []
  const links = opts.links
  // A report for merging lists the failures it saw, not those an earlier run (--state) did.
  const before = links && carry ? new Set(carry.quota.keys()) : null
  const onUnsettledFollowUp = links
    ? (key: string, time: number): void => void links.followUps.push({file: files.length - 1, key, time})
    : undefined
  const classifier = new Classifier(
    {zone: opts.zone, keepRaw: opts.keepRaw ?? false, dedupe, quotaSeen, wanted: opts.kinds, onUnsettledFollowUp},
    (ev) => sink.event(ev),
  )
  if (carry) {
    classifier.takeOver(carry.digits)
    if (dedupe) classifier.seenAbsorb(carry.seen)
  }
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
    const whole = p.compression === 'none' && p.framing === 'plain' && p.logType === 'main' && src.path !== null
    const parts =
      whole && !waiting && (src.slice === undefined || src.slice.start === 0) && opts.parts
        ? await opts.parts.read({
            path: src.path!,
            name: src.name,
            logType: p.logType,
            size: src.size,
            dedupe,
            zone: opts.zone.spec,
            kinds: [...(opts.kinds ?? EVENT_KINDS)],
            maxLine: opts.maxLine,
          })
        : null
    if (parts !== null) {
      files[files.length - 1] = settleParts(parts, {classifier, quotaSeen, onUnsettledFollowUp, samples, sink, dedupe})
      doneBefore += src.size
      opts.onProgress?.(doneBefore, total)
      continue
    }
    classifier.beginFile(src.name, p.logType)
    const scanner = scannerFor(
      {...src, logType: p.logType, framing: p.framing},
      acct,
      classifier,
      samples,
      opts,
      waiting,
    )
    if (src.slice !== undefined) scanner.skipLines(src.slice.lines)
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
  if (carry) carryOver(carry, classifier, quotaSeen, files, dedupe)
  classifier.settle()
  if (links) for (const [key, time] of quotaSeen) if (!before?.has(key)) links.failures.push({key, time})
  return totalAccount([...files, ...failed], samples)
}

/**
 * What the next run must know to count as if the logs were read at once: incorrect-digit lines
 * whose discard may open what the logs get next, quota failures whose retries are still to come,
 * and main-log events whose reject-log copies are not written yet. Plain data, for the state file.
 */
export interface Carry {
  digits: PendingDigit[]
  /** Message id + recipient of quota failures, and when each first failed (the reader adds to it). */
  quota: Map<string, number>
  /** Main-log events not yet matched by a reject- or panic-log copy (hashes and counts). */
  seen: [number, number][]
}

// As a long follow does: Exim gives up on a message days after its first failure.
const QUOTA_HORIZON_MS = 7 * 24 * 3600_000
const QUOTA_KEEP = 50_000
// A copy is written to the reject log right after its main-log line: only the last events can miss theirs.
const SEEN_KEEP = 1000

function carryOver(
  carry: Carry,
  classifier: Classifier,
  quotaSeen: Map<string, number>,
  files: FileAccount[],
  dedupe: boolean,
): void {
  // A digit line older than the last line read by more than the pairing window will get no discard.
  const last = Math.max(
    ...files
      .filter((f) => f.logType === 'main')
      .map((f) => f.lastTime)
      .filter(Number.isFinite),
  )
  classifier.waitingFor(last)
  carry.digits = classifier.handOver()
  let newest = -Infinity
  for (const t of quotaSeen.values()) if (t > newest) newest = t
  for (const [key, t] of quotaSeen) if (t < newest - QUOTA_HORIZON_MS) quotaSeen.delete(key)
  // The oldest first: failures are remembered in log order.
  let over = quotaSeen.size - QUOTA_KEEP
  for (const key of quotaSeen.keys()) if (over-- > 0) quotaSeen.delete(key)
  carry.quota = quotaSeen
  carry.seen = dedupe ? classifier.seenDump().slice(-SEEN_KEEP) : carry.seen
}

interface Settling {
  classifier: Classifier
  /** Message id + recipient of every quota failure counted so far, across inputs, with its time. */
  quotaSeen: Map<string, number>
  onUnsettledFollowUp?: (key: string, time: number) => void
  samples: UnparsedSample[]
  sink: EventSink
  dedupe: boolean
}

/**
 * Adds up the ranges of one file, in order, into exactly what one reader would have counted:
 * follow-up lines of failures an earlier range (or input) saw complete their events, each quota
 * failure counts once, and the classifier takes on what the ranges remembered.
 */
function settleParts(parts: ReadPart[], s: Settling): FileAccount {
  let acct: FileAccount | null = null
  let lineBase = 0
  for (const part of parts) {
    const a = part.acct
    for (const {key, time} of part.followUps) {
      if (s.quotaSeen.has(key)) settleFollowUp(a)
      else s.onUnsettledFollowUp?.(key, time)
    }
    for (const ev of part.quota) {
      const key = quotaKey(ev.msgid, ev.recipient)
      if (s.quotaSeen.has(key)) continue
      s.quotaSeen.set(key, ev.time)
      s.sink.event(ev)
    }
    part.commit?.()
    if (s.dedupe) s.classifier.seenAbsorb(part.seen)
    for (const sample of part.samples) keepSample(s.samples, {...sample, line: sample.line + lineBase})
    lineBase += a.lines
    acct = acct === null ? a : addAccounts(acct, a)
    s.classifier.takeOver(part.waiting)
  }
  return acct!
}

/** The account of two consecutive ranges of one file. */
function addAccounts(a: FileAccount, b: FileAccount): FileAccount {
  const byKind = {...a.byKind}
  for (const [k, n] of Object.entries(b.byKind)) byKind[k] = (byKind[k] ?? 0) + n
  return {
    ...a,
    bytes: a.bytes + b.bytes,
    lines: a.lines + b.lines,
    events: a.events + b.events,
    duplicates: a.duplicates + b.duplicates,
    other: a.other + b.other,
    unparsed: a.unparsed + b.unparsed,
    oversized: a.oversized + b.oversized,
    invalidUtf8: a.invalidUtf8 + b.invalidUtf8,
    byKind,
    firstTime: Number.isFinite(a.firstTime) ? a.firstTime : b.firstTime,
    lastTime: Number.isFinite(b.lastTime) ? b.lastTime : a.lastTime,
  }
}
