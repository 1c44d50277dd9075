// One byte range of a plain log, read on its own (by a worker thread, or by the main thread for
// the first range): scanned and classified like any input, its events handed to the sink, except
// what only the whole input can settle, which is kept aside for the reader to settle in order:
// quota failures (one event per message and recipient across the input), follow-up lines of
// failures an earlier range may have seen, and main-log events a reject log read later repeats.

import {Classifier, type PendingDigit} from '../events/classifier.js'
import {newFileAccount} from '../input/account.js'
import {readRange as readBytes} from '../input/open.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import type {EventKind, EventSink, EximEvent, FileAccount, LogType, UnparsedSample} from '../types.js'
import {scannerFor} from './scanner-for.js'

/** A large plain main log that may be read in ranges (what crosses to a thread: plain data). */
export interface RangedFile {
  path: string
  name: string
  logType: LogType
  /** The part of the file to read: [from, size) (from is past 0 when a seek to a time window passed lines over). */
  from: number
  size: number
  /** Main-log events are remembered for reject and panic logs read later. */
  dedupe: boolean
  zone: ZoneSpec
  /** The kinds whose events are wanted. */
  kinds: EventKind[]
  maxLine?: number
}

export interface RangeJob extends RangedFile {
  start: number
  end: number
  /** The file's last range: incorrect-digit lines left waiting at its end are handed over, not settled. */
  last: boolean
}

/** A follow-up line the range could not settle: it counts if an earlier range saw its failure. */
export interface RangeFollowUp {
  key: string
  time: number
}

export interface RangePart {
  acct: FileAccount
  samples: UnparsedSample[]
  /** Every quota failure, unfiltered: whether each counts depends on the ranges before. */
  quota: EximEvent[]
  followUps: RangeFollowUp[]
  /** Main-log events remembered for de-duplication against reject and panic logs. */
  seen: [number, number][]
  /** Of the last range: incorrect-digit lines whose discard may open the next file. */
  waiting: PendingDigit[]
}

/** Reads one range; every event but quota failures goes to `sink`. */
export async function readRange(job: RangeJob, sink: EventSink): Promise<RangePart> {
  const zone = new ZoneClock(job.zone)
  const quota: EximEvent[] = []
  const followUps: RangeFollowUp[] = []
  const samples: UnparsedSample[] = []
  const onUnsettledFollowUp = (key: string, time: number): void => void followUps.push({key, time})
  const classifier = new Classifier(
    {zone, dedupe: job.dedupe, wanted: new Set(job.kinds), onUnsettledFollowUp},
    (ev) => (ev.kind === 'delivery-quota' ? quota.push(ev) : sink.event(ev)),
  )
  const acct = newFileAccount(job.name, job.logType)
  classifier.beginFile(job.name, job.logType)
  const input = {name: job.name, logType: job.logType, framing: 'plain' as const, mtime: NaN}
  const scanner = scannerFor(input, acct, classifier, samples, {zone, maxLine: job.maxLine})
  for await (const chunk of readBytes(job.path, job.start, job.end)) scanner.push(chunk)
  scanner.end()
  const waiting = job.last ? classifier.handOver() : []
  classifier.settle()
  return {acct, samples, quota, followUps, seen: job.dedupe ? classifier.seenDump() : [], waiting}
}
