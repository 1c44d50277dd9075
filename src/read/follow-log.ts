// Follows one live log: every event appended (and, with fromStart, already there) goes to the
// sink as soon as its line is complete, across logrotate's rename+create and copytruncate.

import {Classifier, QUOTA_HORIZON_MS, QUOTA_KEEP} from '../events/classifier.js'
import {newFileAccount, totalAccount} from '../input/account.js'
import {stat} from 'node:fs/promises'
import {inputError} from '../errors.js'
import {followFile} from '../input/follow.js'
import {countLines} from '../input/open.js'
import type {Source} from '../input/sources.js'
import type {LineScanner} from '../parse/scanner.js'
import type {EventSink, FileAccount, InputAccount, UnparsedSample} from '../types.js'
import {probe} from './probe.js'
import type {ReadOptions} from './read-logs.js'
import {scannerFor} from './scanner-for.js'

export interface FollowOptions extends ReadOptions {
  /** Read the file from its start (else only what is appended from now on). */
  fromStart: boolean
  signal?: AbortSignal
  pollMs?: number
  /** Called after every poll, with the accounting so far. */
  onPoll?: (input: InputAccount) => void
  /** Told once the file is open and its position known: what is appended from now on will be read. */
  onReady?: (name: string, position: number) => void
  /** Number lines as in the file when starting at its end (reads what is before once): for output that shows them. */
  lineNumbers?: boolean
  /** Told when the log was rotated (rename+create) or truncated (copytruncate; `copy`: where the rest was read from). */
  onRestart?: (how: 'rotated' | 'truncated', copy?: string) => void
}

/** Follows `src` until the signal aborts; returns the accounting of everything read. */
export async function followLog(src: Source, opts: FollowOptions, sink: EventSink): Promise<InputAccount> {
  const p = await probe(src, opts.zone, opts.stdin)
  const classifier = new Classifier(
    {zone: opts.zone, keepRaw: opts.keepRaw ?? false, dedupe: false, wanted: opts.kinds, quotaKeep: QUOTA_KEEP},
    (ev) => sink.event(ev),
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
    const input = {...src, logType: p.logType, framing: p.framing}
    scanner = scannerFor(input, acct, classifier, samples, opts, classifier.waitingFor(NaN))
  }
  start()
  // From the end, for output that shows line numbers: they still count from the top of the file.
  let from: number | undefined
  if (!opts.fromStart && opts.lineNumbers === true) {
    const size = await stat(src.path!).then(
      (st) => st.size,
      (err: unknown) => Promise.reject(inputError(src.name, err)),
    )
    scanner.skipLines(await countLines(src.path!, size))
    from = size
  }
  const onReady = (position: number): void => opts.onReady?.(src.name, position)
  const follow = {fromStart: opts.fromStart, from, signal: opts.signal, pollMs: opts.pollMs, onReady}
  for await (const item of followFile(src.path!, follow)) {
    if ('chunk' in item) scanner.push(item.chunk)
    else if ('restart' in item) {
      // A digit line at the end of the rotated file may still get its discard from the new one.
      scanner.end()
      start()
      opts.onRestart?.(item.restart, item.copy)
    } else {
      // Nothing new: a digit line still waiting for its discard will not get one.
      if (!item.fresh) classifier.settle()
      const last = acct.lastTime
      if (!Number.isNaN(last)) classifier.forgetQuotaBefore(last - QUOTA_HORIZON_MS)
      opts.onPoll?.(totalAccount(files, samples))
    }
  }
  scanner.end()
  classifier.settle()
  return totalAccount(files, samples)
}
