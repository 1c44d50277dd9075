// input -> parse -> classify: reads every source in order and pushes each event to a sink.
// Filtering and aggregation are the sink's business; this module only wires the stages.

import {Classifier} from './events/classifier.js'
import {newFileAccount, SAMPLE_LIMIT, totalAccount} from './input/account.js'
import {openInput} from './input/open.js'
import {readingOrder, type Source} from './input/sources.js'
import {DEFAULT_MAX_LINE, LineScanner} from './parse/scanner.js'
import type {ZoneClock} from './parse/zone.js'
import type {EximEvent, FileAccount, InputAccount, UnparsedSample} from './types.js'

export interface ReadOptions {
  zone: ZoneClock
  keepRaw?: boolean
  maxLine?: number
  stdin?: NodeJS.ReadableStream
}

export async function readLogs(sources: Source[], opts: ReadOptions, onEvent: (ev: EximEvent) => void): Promise<InputAccount> {
  const ordered = readingOrder(sources)
  const types = new Set(ordered.map((s) => s.logType ?? 'main'))
  const classifier = new Classifier(
    {zone: opts.zone, keepRaw: opts.keepRaw ?? false, dedupe: types.has('main') && types.size > 1},
    onEvent,
  )
  const instant = (naive: number, offset: number): number =>
    naive - (Number.isNaN(offset) ? opts.zone.offsetAt(naive) : offset) * 60_000
  const samples: UnparsedSample[] = []
  const files: FileAccount[] = []
  for (const src of ordered) {
    const logType = src.logType ?? 'main'
    const acct = newFileAccount(src.name, logType)
    files.push(acct)
    classifier.beginFile(src.name, logType)
    const sink = {
      candidate: (text: string, lineNo: number) => classifier.candidate(text, lineNo),
      unparsed: (text: string, lineNo: number) => {
        if (samples.length < SAMPLE_LIMIT) samples.push({file: src.name, line: lineNo, text})
      },
    }
    const scanner = new LineScanner(acct, sink, instant, opts.maxLine ?? DEFAULT_MAX_LINE)
    const input = openInput(src, opts.stdin)
    for await (const chunk of input.chunks) scanner.push(chunk)
    scanner.end()
    classifier.endOfFile()
    acct.compression = input.compression()
    if (acct.compression !== 'none') acct.compressedBytes = input.rawBytes()
  }
  return totalAccount(files, samples)
}
