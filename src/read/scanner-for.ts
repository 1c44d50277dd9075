// The one place a line scanner is put together for an input: plain logs straight into the
// classifier, syslog and journald through their unwrapping. The whole-file reader, the follower
// and the range reader all get their scanner here.

import type {Classifier} from '../events/classifier.js'
import {keepSample} from '../input/account.js'
import type {Framing} from '../parse/detect.js'
import {JournalJsonLines, SyslogLines} from '../parse/framed.js'
import type {Prefix} from '../parse/prefix.js'
import {DEFAULT_MAX_LINE, type FramedLines, LineScanner} from '../parse/scanner.js'
import type {ZoneClock} from '../time/zone.js'
import type {FileAccount, LogType, UnparsedSample} from '../types.js'

export interface ScannedInput {
  /** The name samples and events carry. */
  name: string
  logType: LogType
  framing: Framing
  /** Modification time (epoch ms), or NaN: the year of syslog times that carry none. */
  mtime: number
}

export interface ScanSettings {
  zone: ZoneClock
  maxLine?: number
  /** The current time, for the year of syslog lines when the input has no modification time. */
  now?: Date
}

/**
 * A scanner that accounts for `input`'s lines in `acct` and hands its candidate lines to
 * `classifier`. `discardAtStart`: the input before ended with an incorrect-digit line, whose
 * discard may open this one.
 */
export function scannerFor(
  input: ScannedInput,
  acct: FileAccount,
  classifier: Classifier,
  samples: UnparsedSample[],
  settings: ScanSettings,
  discardAtStart = false,
): LineScanner {
  const unparsed = (text: string, line: number): void => keepSample(samples, {file: input.name, line, text})
  const sink = {
    candidate: (text: string, lineNo: number, pre: Prefix, bytes?: Buffer) =>
      classifier.candidate(text, lineNo, pre, bytes),
    unparsed,
    keepBytes: classifier.keepsRaw,
  }
  let framed: FramedLines | null = null
  if (input.framing !== 'plain') {
    const ref = new Date(Number.isFinite(input.mtime) ? input.mtime : (settings.now ?? new Date()).getTime())
    const ctx = {
      acct,
      candidate: (text: string, lineNo: number, pre: Prefix) => classifier.candidate(text, lineNo, pre),
      unparsed,
      zone: settings.zone,
      reference: {year: ref.getFullYear(), month: ref.getMonth()},
    }
    framed = input.framing === 'syslog' ? new SyslogLines(ctx) : new JournalJsonLines(ctx)
  }
  const zone = settings.zone
  const instant = (naive: number, offset: number): number => zone.instant(naive, offset)
  // In a main log a misconfigured discard always follows its incorrect-digit line, if need be at
  // the start of the next file of a rotated set; elsewhere it may stand alone.
  const searchDiscards = input.logType !== 'main'
  const maxLine = settings.maxLine ?? DEFAULT_MAX_LINE
  return new LineScanner(acct, sink, instant, maxLine, framed, searchDiscards, discardAtStart)
}
