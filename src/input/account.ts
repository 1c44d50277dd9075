// Line accounting per input and in total: lines = events + duplicates + other + unparsed.

import type {FileAccount, InputAccount, LogType, UnparsedSample} from '../types.js'

const SAMPLE_LIMIT = 5

/** Keeps an unparsed line as a sample while fewer than SAMPLE_LIMIT are kept. */
export function keepSample(samples: UnparsedSample[], sample: UnparsedSample): void {
  if (samples.length < SAMPLE_LIMIT) samples.push(sample)
}

export function newFileAccount(path: string, logType: LogType): FileAccount {
  return {
    path,
    logType,
    compression: 'none',
    bytes: 0,
    lines: 0,
    events: 0,
    duplicates: 0,
    other: 0,
    unparsed: 0,
    oversized: 0,
    invalidUtf8: 0,
    byKind: {},
    firstTime: NaN,
    lastTime: NaN,
    framing: 'plain',
  }
}

export function totalAccount(files: FileAccount[], samples: UnparsedSample[]): InputAccount {
  const t: InputAccount = {
    files,
    lines: 0,
    bytes: 0,
    bytesSkipped: 0,
    events: 0,
    duplicates: 0,
    other: 0,
    unparsed: 0,
    oversized: 0,
    invalidUtf8: 0,
    byKind: {},
    samples,
  }
  for (const f of files) {
    t.lines += f.lines
    t.bytes += f.bytes
    t.bytesSkipped += f.bytesSkipped ?? 0
    t.events += f.events
    t.duplicates += f.duplicates
    t.other += f.other
    t.unparsed += f.unparsed
    t.oversized += f.oversized
    t.invalidUtf8 += f.invalidUtf8
    for (const [k, n] of Object.entries(f.byKind)) t.byKind[k] = (t.byKind[k] ?? 0) + n
  }
  return t
}
