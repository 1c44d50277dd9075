// Where a time window starts and ends in a plain (uncompressed, seekable) log, found by binary
// search over line timestamps instead of by reading from the top.
//
// Exim's lines are only nearly in time order. log_vwrite (src/log.c) reads the clock
// (tod_stamp(tod_log)) when it formats a line, then writes it with one write() to a file opened
// O_APPEND, with no lock and no queue between the processes that log: a line lands after every
// line written before it, but carries the time its process read the clock. A line can therefore
// be older than a line above it by the time its own process spent between reading the clock and
// its write(): formatting, a stat() of the log's name, at most an open() of the log (a rotation).
// That is milliseconds; seconds on a machine that is swapping. Work that takes long (an SMTP
// session, a delivery) does not matter: a line carries the time it is written, not the time its
// work began. Syslog and journald stamp an entry on receipt, in the order entries arrive.
// MARGIN allows five minutes: far more than any stall of a process between those calls, and
// more than the clock corrections NTP makes by slewing. A clock stepped back by more than that,
// or a process stopped between clock and write() for longer, breaks the order a seek relies on.
//
// A start is a line start such that every line before it is more than PAIR_SLACK older than the
// window (a line older than one below it by at most MARGIN): what is skipped holds no event of
// the window, and no line that would pair with one (an incorrect-digit line and its discard are
// written by one process within a second). An end is a line start such that every line from it
// on is more than PAIR_SLACK newer than the window. Reading from the start to the end, then
// filtering each event's time, gives the events a full read gives.

import {closeSync, fstatSync, openSync, readSync} from 'node:fs'
import {unwrapJournal, unwrapSyslog, withYear} from '../parse/framed.js'
import type {Framing} from '../parse/detect.js'
import {pieceMark} from '../parse/syslog.js'
import {parseStamp, stampLength} from '../parse/timestamp.js'
import type {ZoneClock} from '../time/zone.js'

/** How much older a line may be than a line written before it. */
export const MARGIN_MS = 5 * 60_000
/** An incorrect-digit line and its discard are at most a second apart; twice that is kept clear. */
const PAIR_SLACK_MS = 2000
/** Bytes read at each probe; the search ends when the candidates fit in one. */
export const PROBE_BYTES = 8 * 1024
/** How far past a probe point the next timestamped line is looked for. */
const PROBE_LIMIT = 1 << 20

/** The time (an instant) of the line b[p, end), as the reader would give it, or NaN when it has none. */
export type LineTime = (b: Buffer, p: number, end: number) => number

/** The time of a plain Exim line: its own timestamp. */
export function plainLineTime(zone: ZoneClock): LineTime {
  return (b, p, end) => {
    const n = stampLength(b, p, end)
    if (n === 0) return NaN
    const st = parseStamp(b.toString('latin1', p, p + n + 1))
    return zone.instant(st.naive, st.offset)
  }
}

/**
 * The time of a syslog or journald line: the time the reader gives the Exim entry that starts on
 * it (Exim's own timestamp, else the wrapper's, its year resolved as the reader resolves it, from
 * the file's modification time). Lines of other programs, and later pieces of an entry Exim's
 * syslog writer cut up, have none: a read never starts in the middle of an entry.
 */
export function framedLineTime(framing: Framing, zone: ZoneClock, mtime: number): LineTime {
  const ref = new Date(mtime)
  const reference = {year: ref.getFullYear(), month: ref.getMonth()}
  const unwrap = framing === 'journal-json' ? (t: string) => unwrapJournal(t, zone) : unwrapSyslog
  return (b, p, end) => {
    const w = unwrap(b.toString('utf8', p, end))
    if (w === null || !/^exim/i.test(w.ident)) return NaN
    const mark = pieceMark(w.text, 0)
    if (mark !== null && mark.n > 1) return NaN
    const st = parseStamp(w.text, mark?.end ?? 0)
    if (st.length > 0) return zone.instant(st.naive, st.offset)
    if (Number.isNaN(w.naive)) return NaN
    return zone.instant(w.yearless ? withYear(w.naive, reference) : w.naive, w.offset)
  }
}

/** A timestamped line found by a probe: where it starts, where the line after it starts, its time. */
interface Found {
  at: number
  next: number
  time: number
}

export class LogSeeker {
  private readonly buf = Buffer.allocUnsafe(PROBE_BYTES)
  // The block last read into buf: the walk over the last few candidates of a search asks for
  // line after line of it, which it then reads once, not once a line.
  private blockAt = -1
  private blockLen = 0

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly timeOf: LineTime,
  ) {}

  /**
   * A line start such that every line before it is older than `since` by more than PAIR_SLACK;
   * 0 when there is none, or when the start of the file is already near `since`.
   */
  startFor(since: number): number {
    const before = since - MARGIN_MS - PAIR_SLACK_MS
    // lo: 0 or a line older than `before`; hi: the end, or a point after which the first timestamped line is not.
    let lo = 0
    let hi = this.size
    const order = new OrderCheck()
    while (hi - lo > PROBE_BYTES) {
      const mid = lo + Math.floor((hi - lo) / 2)
      const f = this.firstStampedFrom(mid, hi)
      if (f !== null) order.probe(f)
      if (f !== null && f.time < before && f.at > lo) lo = f.at
      else hi = mid
    }
    // The last line older than `before` among the few left.
    let best = lo
    for (let p = lo; p < hi;) {
      const f = this.firstStampedFrom(p, hi)
      if (f === null) break
      order.probe(f)
      if (f.time < before) best = f.at
      p = f.next
    }
    return best
  }

  /**
   * A line start at or after `from` such that every line from it on is newer than `until` by
   * more than PAIR_SLACK, or null when no such line is known (read to the end).
   */
  endFor(until: number, from: number): number | null {
    const after = until + MARGIN_MS + PAIR_SLACK_MS
    // hi: a line newer than `after`, or the end; lo: a point before hi where no such line was seen.
    let lo = from
    let hi = this.size
    const order = new OrderCheck()
    let found = false
    while (hi - lo > PROBE_BYTES) {
      const mid = lo + Math.floor((hi - lo) / 2)
      const f = this.firstStampedFrom(mid, hi)
      if (f !== null) order.probe(f)
      if (f !== null && f.time > after) {
        hi = f.at
        found = true
      } else lo = mid
    }
    for (let p = lo; p < hi;) {
      const f = this.firstStampedFrom(p, hi)
      if (f === null) break
      order.probe(f)
      if (f.time > after) return f.at
      p = f.next
    }
    return found ? hi : null
  }

  /** The time of the first line with one at or after the line start `p`. */
  timeAt(p: number): number {
    return this.firstStampedFrom(p, this.size)?.time ?? NaN
  }

  /**
   * The first line with a time that starts at or after `p` (at the start of a line: p is 0 or
   * follows a newline, else the line p is in is passed over) and before `limit`, looking at most
   * PROBE_LIMIT bytes on.
   */
  private firstStampedFrom(p: number, limit: number): Found | null {
    let pos = p
    let lineStart = p === 0 ? 0 : -1
    const stop = Math.min(limit, p + PROBE_LIMIT)
    // When p is not 0, the byte before it tells whether p starts a line.
    if (p > 0) {
      if (p - 1 >= this.blockAt && p - 1 < this.blockAt + this.blockLen) {
        if (this.buf[p - 1 - this.blockAt] === 10) lineStart = p
      } else {
        const one = Buffer.allocUnsafe(1)
        if (readSync(this.fd, one, 0, 1, p - 1) === 1 && one[0] === 10) lineStart = p
      }
    }
    let fresh = false
    while (pos < stop) {
      const b = this.bytesAt(pos, fresh)
      fresh = false
      const n = b.length
      if (n <= 0) return null
      let q = 0
      if (lineStart === -1) {
        const nl = b.indexOf(10)
        if (nl === -1) {
          pos += n
          continue
        }
        q = nl + 1
        lineStart = pos + q
      }
      for (;;) {
        if (pos + q >= limit) return null
        const nl = b.indexOf(10, q)
        // A line that does not end in this buffer is read again from its start.
        if (nl === -1) break
        const end = nl > q && b[nl - 1] === 13 ? nl - 1 : nl
        const t = this.timeOf(b, q, end)
        if (!Number.isNaN(t)) return {at: pos + q, next: pos + nl + 1, time: t}
        q = nl + 1
      }
      if (q === 0 && n < PROBE_BYTES && pos + n < this.size) {
        // The rest of a block read before, too short to hold the line: a probe's worth is read.
        fresh = true
        continue
      }
      if (q === 0) {
        // One line longer than a probe: passed over whole.
        const rest = this.nextLineAfter(pos + n)
        if (rest === -1) return null
        pos = rest
      } else pos += q
      lineStart = pos
    }
    return null
  }

  /** The start of the line after the one that goes on at `p`, or -1 at the end. */
  private nextLineAfter(p: number): number {
    for (let pos = p; pos < this.size;) {
      const b = this.bytesAt(pos, true)
      if (b.length <= 0) return -1
      const nl = b.indexOf(10)
      if (nl !== -1) return pos + nl + 1
      pos += b.length
    }
    return -1
  }

  /** The file's bytes from `pos` on, a probe's worth: from the block read last when it holds them (and not `fresh`). */
  private bytesAt(pos: number, fresh: boolean): Buffer {
    const off = pos - this.blockAt
    if (!fresh && this.blockAt >= 0 && off >= 0 && off < this.blockLen) return this.buf.subarray(off, this.blockLen)
    const n = readSync(this.fd, this.buf, 0, Math.min(PROBE_BYTES, this.size - pos), pos)
    this.blockAt = pos
    this.blockLen = Math.max(0, n)
    return this.buf.subarray(0, this.blockLen)
  }
}

/** A log whose lines are further out of time order than the margin allows: it is read whole. */
export class UnorderedLog extends Error {}

/**
 * The lines a search looked at, checked against each other: one that is older than a line before
 * it, or newer than one after it, by more than the margin shows the log is not in the order a
 * seek relies on (a file put together by hand, lines of hosts whose clocks disagree).
 */
class OrderCheck {
  private readonly seen: Found[] = []

  probe(f: Found): void {
    for (const g of this.seen) {
      if ((g.at < f.at && f.time < g.time - MARGIN_MS) || (g.at > f.at && f.time > g.time + MARGIN_MS))
        throw new UnorderedLog()
    }
    this.seen.push(f)
  }
}

/**
 * Whether the zone's offset is the same for hours around `t`. Lines without an offset of their
 * own are read in the zone: in the hour a clock is set back, the wall-clock times repeat and the
 * lines' instants step back by that hour, which no margin covers; near such a change, a seek is
 * not tried.
 */
export function steadyOffsetAround(zone: ZoneClock, t: number): boolean {
  const span = 3 * 3600_000
  return zone.offsetOfInstant(t - span) === zone.offsetOfInstant(t + span)
}

/** Where a read of one file starts and stops, and the open file the search read. */
export interface Seek {
  fd: number
  seeker: LogSeeker
  /** Where reading starts (0: at the top), and where it stops (null: at the end). */
  from: number
  to: number | null
  size: number
  /** The time of the line reading starts at (NaN when it starts at the top). */
  fromTime: number
}

/**
 * Where to read a plain file that the time window may cut: null when the whole file is read (no
 * window, not a regular file, a window the search cannot narrow, lines found out of order, a
 * read error, which the read that follows then reports). The caller closes `fd`.
 */
export function planSeek(
  path: string,
  framing: Framing,
  mtime: number,
  zone: ZoneClock,
  window: {since?: number; until?: number},
): Seek | null {
  const {since, until} = window
  if (since === undefined && until === undefined) return null
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    // The read that follows meets the same failure and reports it.
    return null
  }
  try {
    const st = fstatSync(fd)
    const size = st.isFile() ? st.size : 0
    const timeOf = framing === 'plain' ? plainLineTime(zone) : framedLineTime(framing, zone, mtime)
    const seeker = new LogSeeker(fd, size, timeOf)
    const from = since !== undefined && size > 0 && steadyOffsetAround(zone, since) ? seeker.startFor(since) : 0
    const to = until !== undefined && size > 0 && steadyOffsetAround(zone, until) ? seeker.endFor(until, from) : null
    if (from === 0 && to === null) {
      closeSync(fd)
      return null
    }
    return {fd, seeker, from, to, size, fromTime: from > 0 ? seeker.timeAt(from) : NaN}
  } catch {
    closeSync(fd)
    return null
  }
}
