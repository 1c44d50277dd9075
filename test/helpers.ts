// In-process runs of the pipeline over text, for unit tests.
import {Classifier, type ClassifierOptions} from '../src/events/classifier.js'
import {newFileAccount} from '../src/input/account.js'
import {LineScanner} from '../src/parse/scanner.js'
import {ZoneClock} from '../src/time/zone.js'
import type {EximEvent, FileAccount, LogType, UnparsedSample} from '../src/types.js'

export interface ScanResult {
  events: EximEvent[]
  acct: FileAccount
  samples: UnparsedSample[]
}

export interface ScanInput {
  name?: string
  logType?: LogType
  text: string | Buffer
}

/** Scans one or more inputs through scanner and classifier, in the given order, chunked as asked. */
export function scanAll(
  inputs: ScanInput[],
  opts: Partial<ClassifierOptions> & {chunk?: number; maxLine?: number} = {},
): {events: EximEvent[]; accts: FileAccount[]; samples: UnparsedSample[]} {
  const zone = opts.zone ?? new ZoneClock({kind: 'utc'})
  const events: EximEvent[] = []
  const samples: UnparsedSample[] = []
  const classifier = new Classifier({zone, keepRaw: opts.keepRaw, dedupe: opts.dedupe, wanted: opts.wanted}, (ev) =>
    events.push(ev),
  )
  const accts: FileAccount[] = []
  for (const input of inputs) {
    const name = input.name ?? 'mainlog'
    const acct = newFileAccount(name, input.logType ?? 'main')
    accts.push(acct)
    classifier.beginFile(name, input.logType ?? 'main')
    const scanner = new LineScanner(
      acct,
      {
        candidate: (t, n) => classifier.candidate(t, n),
        unparsed: (text, line) => samples.push({file: name, line, text}),
      },
      (naive, offset) => zone.instant(naive, offset),
      opts.maxLine,
      null,
      (input.logType ?? 'main') !== 'main',
    )
    const buf = typeof input.text === 'string' ? Buffer.from(input.text) : input.text
    const step = opts.chunk ?? buf.length
    for (let i = 0; i < buf.length; i += Math.max(1, step)) scanner.push(buf.subarray(i, i + Math.max(1, step)))
    scanner.end()
    classifier.settle()
  }
  return {events, accts, samples}
}

export function scan(
  text: string | Buffer,
  opts: Parameters<typeof scanAll>[1] & {logType?: LogType} = {},
): ScanResult {
  const r = scanAll([{text, logType: opts.logType}], opts)
  return {events: r.events, acct: r.accts[0]!, samples: r.samples}
}

export function identityHolds(a: FileAccount): boolean {
  return a.lines === a.events + a.duplicates + a.other + a.unparsed
}
