// What one thread does with one byte range of a plain log: scan, classify, filter and aggregate,
// keeping aside what only the whole input can settle (quota failures, which count once per message
// and recipient across the input; follow-up lines of failures seen earlier; main-log events that a
// reject log read later will repeat). Shared by the worker thread and by tests.

import {Aggregator, type AggregateDump} from '../aggregate/aggregator.js'
import type {GroupKey} from '../aggregate/keys.js'
import {Classifier, type PendingDigit} from '../events/classifier.js'
import {buildPredicate, type FilterOptions} from '../filter/predicate.js'
import {keepSample, newFileAccount} from '../input/account.js'
import {readRange} from '../input/open.js'
import {DEFAULT_MAX_LINE, LineScanner} from '../parse/scanner.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import type {EventKind, EximEvent, FileAccount, LogType, UnparsedSample} from '../types.js'

export interface RangeJob {
  path: string
  name: string
  start: number
  end: number
  logType: LogType
  dedupe: boolean
  zone: ZoneSpec
  /** The filter, with kinds as a list (it crosses a thread boundary). */
  filter: Omit<FilterOptions, 'kinds'> & {kinds: EventKind[]}
  tables: GroupKey[][]
  maxGroups?: number
  maxLine?: number
  /** The file's last range: incorrect-digit lines left waiting at its end are handed over, not settled. */
  last?: boolean
}

export interface RangeResult {
  acct: FileAccount
  samples: UnparsedSample[]
  /** The counts, when the range was counted into an aggregator of its own (else null). */
  aggregate: AggregateDump | null
  /** Every delivery-quota event, unfiltered: whether each counts depends on earlier ranges. */
  quota: EximEvent[]
  /** Keys (message id + recipient) and times of delivery lines that complete a quota failure if an earlier range saw one. */
  followUps: [string, number][]
  /** Main-log events remembered for de-duplication against reject and panic logs. */
  seen: [number, number][]
  /** Of the last range: incorrect-digit lines whose discard may open the next file. */
  waiting: PendingDigit[]
}

/**
 * Reads one range. A worker aggregates into an Aggregator of its own and returns its dump; the main
 * thread passes the report's own (`into`), whose counts then need no dump.
 */
export async function readRangeJob(job: RangeJob, into?: Aggregator): Promise<RangeResult> {
  const zone = new ZoneClock(job.zone)
  const agg = into ?? new Aggregator(job.tables, job.maxGroups)
  const keep = buildPredicate({...job.filter, kinds: new Set(job.filter.kinds)})
  const quota: EximEvent[] = []
  const followUps: [string, number][] = []
  const samples: UnparsedSample[] = []
  const classifier = new Classifier(
    {
      zone,
      dedupe: job.dedupe,
      wanted: new Set(job.filter.kinds),
      onUnsettledFollowUp: (k, t) => followUps.push([k, t]),
    },
    (ev) => {
      if (ev.kind === 'delivery-quota') quota.push(ev)
      else if (keep(ev)) agg.add(ev)
    },
  )
  const acct = newFileAccount(job.name, job.logType)
  classifier.beginFile(job.name, job.logType)
  const scanner = new LineScanner(
    acct,
    {
      candidate: (text, lineNo) => classifier.candidate(text, lineNo),
      unparsed: (text, line) => keepSample(samples, {file: job.name, line, text}),
    },
    (naive, offset) => zone.instant(naive, offset),
    job.maxLine ?? DEFAULT_MAX_LINE,
    null,
    job.logType !== 'main',
  )
  for await (const chunk of readRange(job.path, job.start, job.end)) scanner.push(chunk)
  scanner.end()
  const waiting = job.last ? classifier.handOver() : []
  classifier.settle()
  return {
    acct,
    samples,
    aggregate: into === undefined ? agg.dump() : null,
    quota,
    followUps,
    seen: job.dedupe ? classifier.seenDump() : [],
    waiting,
  }
}
