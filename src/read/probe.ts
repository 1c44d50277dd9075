// Looks at each input's first bytes before it is read: how it is compressed and wrapped, which
// log it is, and (for a plain log) the time of its first line, which is what lets a rotated file
// that the time window proves empty be left unread.

import {detectFraming, detectLogType, type Framing, SNIFF_BYTES} from '../parse/detect.js'
import {InputStream} from '../input/open.js'
import type {Source} from '../input/sources.js'
import {parseStamp} from '../parse/timestamp.js'
import type {ZoneClock} from '../time/zone.js'
import type {LogType} from '../types.js'

export interface Probed {
  src: Source
  logType: LogType
  framing: Framing
  /** The first timestamp of a plain log, as an instant; NaN when unknown. */
  first: number
  /** Standard input and pipes cannot be read twice: the stream that was sniffed is read. */
  stream: InputStream | null
  compression: string
}

export async function probe(src: Source, zone: ZoneClock, stdin?: NodeJS.ReadableStream): Promise<Probed> {
  const stream = new InputStream(src, stdin)
  const head = await stream.peek(SNIFF_BYTES + 1)
  const whole = head.length <= SNIFF_BYTES
  const framing = detectFraming(head, whole)
  const logType = src.logType ?? (framing === 'plain' ? detectLogType(head, whole) : null) ?? 'main'
  let first = NaN
  if (framing === 'plain') {
    const st = parseStamp(head.toString('latin1', 0, 40))
    if (st.length > 0) first = zone.instant(st.naive, st.offset)
  }
  const once = src.path === null || src.once === true
  if (!once) stream.close()
  return {src, logType, framing, first, stream: once ? stream : null, compression: stream.compression}
}

/** Why a member of a rotated set can be left unread, or null. Sets are oldest first. */
export function skipReason(
  p: Probed,
  newer: Probed | undefined,
  window: {since?: number; until?: number},
): string | null {
  if (p.src.set === null || p.framing !== 'plain') return null
  // Every line of a file is older than the first line of the next newer file in its set.
  if (window.since !== undefined && newer?.src.set === p.src.set && newer.first < window.since) return 'before --since'
  if (window.until !== undefined && p.first >= window.until) return 'after --until'
  return null
}
