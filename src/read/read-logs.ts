// input -> parse -> classify: looks at each source's first bytes, puts main logs before reject
// and panic logs, leaves out rotated files the time window proves empty, then reads every source
// in order and hands each event to a sink. What the sink does with events (filter, count, print)
// is its own business; the reader knows only the sink, and whoever offers to read a large file
// in parts (a report does, with threads), whose parts it settles in order.

import {Classifier, type PendingDigit, QUOTA_HORIZON_MS, QUOTA_KEEP} from '../events/classifier.js'
import {closeSync, openSync} from 'node:fs'
import {EximRejectsError} from '../errors.js'
import {fitToRead} from '../v8-tuning.js'
import {keepSample, newFileAccount, totalAccount} from '../input/account.js'
import {countLines, InputStream} from '../input/open.js'
import {readingOrder, type Source} from '../input/sources.js'
import {quotaKey, type QuotaLinks, settleFollowUp} from '../quota-links.js'
import type {ZoneClock} from '../time/zone.js'
import {EVENT_KINDS, type EventKind} from '../kinds.js'
import type {EventSink, FileAccount, InputAccount, UnparsedSample} from '../types.js'
import {probe, type Probed, skipReason} from './probe.js'
import {QuotaLookback} from './quota-lookback.js'
import type {RangedFile, RangePart} from './range.js'
import {scannerFor} from './scanner-for.js'
import {LogSeeker, planSeek, plainLineTime, type Seek} from './seek.js'

export interface ReadOptions {
  zone: ZoneClock
  keepRaw?: boolean
  /** The kinds whose events are wanted: lines of other kinds are still counted, but their events need not be built. */
  kinds?: ReadonlySet<EventKind>
  maxLine?: number
  stdin?: NodeJS.ReadableStream
  /**
   * Files of a rotated set wholly outside [since, until) are not read; of a plain file, only the
   * part a search by time finds the window in (see seek.ts).
   */
  since?: number
  until?: number
  /** false: read every file from its top, as when no search by time can be made. */
  seek?: boolean
  /** Bytes each step of the search for quota failures passed over reads (default 4 MiB; tests make it small). */
  lookbackStep?: number
  /** Number lines from the top of the file also when a read starts past it (for output that shows them). */
  lineNumbers?: boolean
  /** What an earlier run left unsettled (--state): taken on at the start, and given back, updated, at the end. */
  carry?: Carry
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

/** The bytes of a source a read takes: its size, or the part --state left to read. */
const toRead = (src: Source): number => (src.slice === undefined ? src.size : src.slice.end - src.slice.start)

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
  // Of the files read from past their top, newest first: the quota failures passed over. A retry
  // in a later file of a rotated set may follow a failure passed over in an earlier one.
  const lookbacks: QuotaLookback[] = []
  // Only a delivery-quota event, or the quota failures JSON made for merge lists, needs to know
  // whether a failure read is a message's first.
  const wantsPrior = opts.kinds === undefined || opts.kinds.has('delivery-quota') || links !== undefined
  const priorFailure = (msgid: string, key: string): number | undefined => {
    for (const lb of lookbacks) {
      const t = lb.prior(msgid, key)
      if (t !== undefined) return t
    }
    return undefined
  }
  const classifier = new Classifier(
    {
      zone: opts.zone,
      keepRaw: opts.keepRaw ?? false,
      dedupe,
      quotaSeen,
      wanted: opts.kinds,
      onUnsettledFollowUp,
      priorFailure,
    },
    (ev) => sink.event(ev),
  )
  if (carry) {
    classifier.takeOver(carry.digits)
    if (dedupe) classifier.seenAbsorb(carry.seen)
  }
  const samples: UnparsedSample[] = []
  const total = probed.reduce((n, p) => n + p.src.size, 0)
  let doneBefore = 0
  // What the inputs after the current one hold to read: what a read of it may still be followed by.
  let toReadAfter = inOrder.reduce((n, p) => n + toRead(p.src), 0)

  try {
    for (let i = 0; i < inOrder.length; i++) {
      const p = inOrder[i]!
      const src = p.src
      toReadAfter -= toRead(src)
      const acct = newFileAccount(src.name, p.logType)
      acct.framing = p.framing
      files.push(acct)
      const skip = skipReason(p, inOrder[i + 1], opts)
      if (skip !== null) {
        acct.skipped = skip
        acct.bytesSkipped = src.size
        doneBefore += src.size
        if (skip === 'before --since') searchSkipped(p, inOrder[i + 1]!.first)
        continue
      }
      // Standard input, pipes and compressed files are read from the top (they cannot seek); a
      // file an earlier run read part of (--state) from where that run stopped.
      const seek =
        p.stream === null &&
        src.path !== null &&
        p.compression === 'none' &&
        src.slice === undefined &&
        opts.seek !== false
          ? planSeek(src.path, p.framing, src.mtime, opts.zone, opts)
          : null
      if (src.path !== null && p.stream === null && p.compression === 'none')
        fitToRead((seek === null ? toRead(src) : (seek.to ?? seek.size) - seek.from) + toReadAfter)
      const searching = lookbacks.length
      try {
        await readOne(p, acct, seek)
      } finally {
        // A search of the part passed over keeps the file open to the end of the run.
        if (seek !== null && lookbacks.length === searching) closeSync(seek.fd)
      }
    }
  } finally {
    for (const lb of lookbacks) lb.close()
  }
  if (carry) carryOver(carry, classifier, quotaSeen, files, dedupe)
  classifier.settle()
  if (links) for (const [key, time] of quotaSeen) if (!before?.has(key)) links.failures.push({key, time})
  return totalAccount([...files, ...failed], samples)

  /**
   * A plain file of a rotated set left out whole, before the window (every line older than `next`,
   * the first time of the file after it): searched like the part of a file a seek passes over.
   * (A compressed one is not: a retry in the window whose first failure it holds is counted.)
   */
  function searchSkipped(p: Probed, next: number): void {
    if (!wantsPrior || p.compression !== 'none' || p.stream !== null || p.src.path === null) return
    const path = p.src.path
    const size = p.src.size
    const open = () => {
      const fd = openSync(path, 'r')
      return {fd, seeker: new LogSeeker(fd, size, plainLineTime(opts.zone))}
    }
    const input = {...p.src, logType: p.logType, framing: p.framing}
    lookbacks.unshift(new QuotaLookback(open, input, opts.zone, size, next, opts.maxLine, opts.lookbackStep))
  }

  /** Reads one input (of a plain file, what `seek` says) into `acct`. */
  async function readOne(p: Probed, acct: FileAccount, seek: Seek | null): Promise<void> {
    const src = p.src
    const from = seek?.from ?? 0
    const input = {...src, logType: p.logType, framing: p.framing}
    if (seek !== null) {
      acct.bytesSkipped = from + (seek.to === null ? 0 : seek.size - seek.to)
      if (from > 0 && wantsPrior)
        lookbacks.unshift(
          new QuotaLookback(
            {fd: seek.fd, seeker: seek.seeker},
            input,
            opts.zone,
            from,
            seek.fromTime,
            opts.maxLine,
            opts.lookbackStep,
          ),
        )
    }
    const sampled = samples.length
    // An incorrect-digit line at the end of the file before may have its discard at the start of this one.
    const waiting = classifier.waitingFor(p.first)
    const whole = p.compression === 'none' && p.framing === 'plain' && p.logType === 'main' && src.path !== null
    const parts =
      whole && !waiting && (src.slice === undefined || src.slice.start === 0) && opts.parts
        ? await opts.parts.read({
            path: src.path!,
            name: src.name,
            logType: p.logType,
            from,
            size: seek?.to ?? src.size,
            dedupe,
            zone: opts.zone.spec,
            kinds: [...(opts.kinds ?? EVENT_KINDS)],
            maxLine: opts.maxLine,
          })
        : null
    let numbered = from === 0 || src.slice !== undefined
    if (parts !== null) {
      const settled = settleParts(parts, {
        classifier,
        quotaSeen,
        onUnsettledFollowUp,
        samples,
        sink,
        dedupe,
        priorFailure,
      })
      files[files.length - 1] = {...settled, bytesSkipped: acct.bytesSkipped}
      doneBefore += src.size
      opts.onProgress?.(doneBefore, total)
    } else {
      classifier.beginFile(src.name, p.logType)
      const scanner = scannerFor(input, acct, classifier, samples, opts, waiting)
      if (src.slice !== undefined) scanner.skipLines(src.slice.lines)
      if (!numbered && opts.lineNumbers === true) {
        scanner.skipLines(await countLines(src.path!, from))
        numbered = true
      }
      const range = seek === null ? undefined : {start: from, end: seek.to ?? Infinity}
      const stream = p.stream ?? new InputStream(src, opts.stdin, range)
      try {
        for await (const chunk of stream.chunks()) {
          scanner.push(chunk)
          opts.onProgress?.(doneBefore + from + stream.rawBytes, total)
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
      acct.compression = stream.compression
      if (acct.compression !== 'none') acct.compressedBytes = stream.rawBytes
    }
    // Unparsed lines kept as samples are numbered from where the read started: from the top, now
    // that it is known some are shown (counting the lines passed over costs a read of them).
    if (!numbered && samples.length > sampled) {
      const before = await countLines(src.path!, from)
      for (let k = sampled; k < samples.length; k++) samples[k] = {...samples[k]!, line: samples[k]!.line + before}
    }
  }
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
  const last = files.reduce(
    (t, f) => (f.logType === 'main' && Number.isFinite(f.lastTime) ? Math.max(t, f.lastTime) : t),
    -Infinity,
  )
  classifier.waitingFor(last)
  carry.digits = classifier.handOver()
  let newest = -Infinity
  for (const t of quotaSeen.values()) if (t > newest) newest = t
  for (const [key, t] of quotaSeen) if (t < newest - QUOTA_HORIZON_MS) quotaSeen.delete(key)
  // The oldest first: failures are remembered in log order.
  let over = quotaSeen.size - QUOTA_KEEP
  for (const key of quotaSeen.keys()) {
    if (over-- <= 0) break
    quotaSeen.delete(key)
  }
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
  /** A quota failure in the part of the file a seek passed over (its time), or undefined. */
  priorFailure: (msgid: string, key: string) => number | undefined
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
      const prior = s.priorFailure(ev.msgid, key)
      if (prior !== undefined) {
        s.quotaSeen.set(key, prior)
        continue
      }
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
