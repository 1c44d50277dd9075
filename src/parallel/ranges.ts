// Reads one large plain log in parallel: cuts it into ranges, has a worker thread read each, and
// adds the parts up in order into exactly what one reader would have counted.

import {availableParallelism} from 'node:os'
import {Worker} from 'node:worker_threads'
import type {Aggregator} from '../aggregate/aggregator.js'
import {EximRejectsError, type ErrorCode} from '../errors.js'
import type {Classifier} from '../events/classifier.js'
import {keepSample} from '../input/account.js'
import type {EximEvent, FileAccount, UnparsedSample} from '../types.js'
import {splitRanges} from './split.js'
import {type RangeJob, type RangeResult, readRangeJob} from './work.js'

/**
 * Below this size a file is read by the main thread: each worker warms its own JIT up and keeps
 * its own heap, which costs more than it saves on smaller files (measured on two cores).
 * EXIM_REJECTS_PARALLEL_MB sets it in megabytes, for machines where threads pay earlier.
 */
export function parallelMinBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.EXIM_REJECTS_PARALLEL_MB)
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : 512 * 1024 * 1024
}

/** Threads to read one large file with: the CPUs (up to 4), or EXIM_REJECTS_THREADS. */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.EXIM_REJECTS_THREADS)
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, 16)
  return Math.max(1, Math.min(4, availableParallelism()))
}

function runWorker(job: RangeJob): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    // A small young generation: the worker's garbage is short-lived, and memory is for the groups.
    // worker.js sits next to this module both in dist/parallel/ and in the bundle (dist/bundle/).
    const w = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: job,
      resourceLimits: {maxYoungGenerationSizeMb: 12},
    })
    w.once('message', (m: {ok: true; result: RangeResult} | {ok: false; code: ErrorCode; message: string}) => {
      if (m.ok) resolve(m.result)
      else reject(new EximRejectsError(m.code, m.message))
    })
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker stopped with exit code ${code}`)))
  })
}

export interface Settle {
  agg: Aggregator
  /** Where the quota failures of the file go, once settled (whoever reads the file's events filters them). */
  emit: (ev: EximEvent) => void
  classifier: Classifier
  /** Message id + recipient of every quota failure counted so far, across inputs, with its time. */
  quotaSeen: Map<string, number>
  /** Told of follow-up lines whose failure no range (nor input before) saw. */
  onUnsettledFollowUp?: (key: string, time: number) => void
  samples: UnparsedSample[]
}

/** Reads `job.path` in ranges; returns the file's accounting, having added its events to `s.agg`. */
export async function readInRanges(
  job: Omit<RangeJob, 'start' | 'end'>,
  size: number,
  s: Settle,
  threads = workerCount(),
): Promise<FileAccount | null> {
  const ranges = await splitRanges(job.path, size, threads)
  if (ranges.length < 2) return null
  // The main thread reads the first range itself, into the report's aggregator: it is up and
  // running while the workers start, and holds no second copy of the groups.
  const [first, ...rest] = ranges.map(([start, end], i) => ({...job, start, end, last: i === ranges.length - 1}))
  const others = rest.map(runWorker)
  const results = await Promise.all([readRangeJob(first!, s.agg), ...others])
  let acct: FileAccount | null = null
  let lineBase = 0
  for (const r of results) {
    const a = r.acct
    // Follow-up lines of a failure an earlier range (or input) counted complete its event.
    for (const [key, time] of r.followUps) {
      if (!s.quotaSeen.has(key)) {
        s.onUnsettledFollowUp?.(key, time)
        continue
      }
      a.other--
      a.events++
      a.byKind['delivery-quota'] = (a.byKind['delivery-quota'] ?? 0) + 1
    }
    for (const ev of r.quota) {
      const key = `${ev.msgid}|${ev.recipient}`
      if (s.quotaSeen.has(key)) continue
      s.quotaSeen.set(key, ev.time)
      s.emit(ev)
    }
    if (r.aggregate !== null) s.agg.absorb(r.aggregate)
    if (job.dedupe) s.classifier.seenAbsorb(r.seen)
    for (const sample of r.samples) keepSample(s.samples, {...sample, line: sample.line + lineBase})
    lineBase += a.lines
    acct = acct === null ? a : mergeAccounts(acct, a)
    s.classifier.takeOver(r.waiting)
  }
  return acct
}

function mergeAccounts(a: FileAccount, b: FileAccount): FileAccount {
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
