// Splits a byte stream into lines and accounts for every one of them. Only lines that carry an
// event phrase are decoded and handed on; the rest are classified by a few byte checks. The
// phrases are found with Buffer#indexOf over whole chunks, which is where the speed comes from:
// a regex or a string per line would cost ten times more. Stream-free: feed it with push()/end().

import {PHRASES} from '../kinds.js'
import {isUtf8} from 'node:buffer'
import type {FileAccount} from '../types.js'
import {parseBody, type Prefix} from './prefix.js'
import {parseStamp, sameMinuteStampLength, stampLength, stampOffset, stampTime} from './timestamp.js'

/** Receives the decoded lines that may be events and says how each was used. */
export interface LineSink {
  /**
   * `pre`: the line's timestamp, pid and message id, read by the scanner (the time from the bytes
   * it checked). `bytes`: the line as it is in the file (CR included), given when `keepBytes`
   * asks for it: a view of the chunk, which is reused once scanned (copy what is kept).
   */
  candidate(text: string, lineNo: number, pre: Prefix, bytes?: Buffer): string
  unparsed(text: string, lineNo: number): void
  /** The events keep their lines for printing byte for byte (events --format raw). */
  keepBytes?: boolean
}

/**
 * For inputs wrapped in another format (syslog, journald): gets every line decoded and does its
 * own accounting of events, duplicates, other and unparsed; the scanner counts lines, bytes,
 * oversized and invalid UTF-8.
 */
export interface FramedLines {
  line(text: string, lineNo: number): void
  end(): void
}

export const DEFAULT_MAX_LINE = 1 << 20

// Rejections are found by searching whole chunks for this phrase (one pass: each phrase searched
// costs about as much as grep's whole run). Incorrect-digit and delivery-failure lines are found
// by their first words, right after the prefix. Discard lines are searched for only where one can
// be: a while after an incorrect-digit line, or everywhere in a reject log.
const REJECTED = Buffer.from(PHRASES.rejected)
// Buffer#indexOf looks for a needle's first byte with memchr, then compares: starting at the rare
// "j" rather than the common "r" makes the search about five times faster.
const JECTED = REJECTED.subarray(2)
const DISCARDED = Buffer.from(PHRASES.discarded)
/** How an incorrect-digit line's text starts. */
export const DIGIT = Buffer.from(PHRASES.incorrectDigit)
/** Bytes after an incorrect-digit line in which its discard is looked for. */
export const DISCARD_WINDOW = 1 << 20

const NL = 10
const CR = 13

export class LineScanner {
  private carry: Buffer = Buffer.alloc(0)
  private carryLen = 0
  private carrying = false
  private carryOversized = false
  private lineNo = 0
  private inEntry = false
  // Where the last timestamped line of the current region starts (its time is read once per region).
  private lastStampAt = -1
  // Discard lines are searched for until this byte offset.
  private discardsUntil: number
  // Byte offset, in the input, of the chunk being scanned and of the line being carried.
  private base = 0
  private carryStart = 0

  constructor(
    private readonly acct: FileAccount,
    private readonly sink: LineSink,
    /** Turns a wall-clock time (as if UTC) and the line's own offset (NaN if none) into an instant. */
    private readonly instant: (naive: number, offset: number) => number,
    private readonly maxLine = DEFAULT_MAX_LINE,
    private readonly framed: FramedLines | null = null,
    /** Search every line for discards (a reject log, or a log of unknown kind). */
    searchDiscards = false,
    /** Search the first bytes for a discard: the file before ended with an incorrect-digit line. */
    discardAtStart = false,
  ) {
    this.discardsUntil = searchDiscards ? Infinity : discardAtStart ? DISCARD_WINDOW : 0
  }

  /** Numbers the next line `n + 1`: the input starts after `n` lines that were not read (a follow from the end). */
  skipLines(n: number): void {
    this.lineNo = n
  }

  push(chunk: Buffer): void {
    this.base = this.acct.bytes
    this.acct.bytes += chunk.length
    let start = 0
    if (this.carrying) {
      const nl = chunk.indexOf(NL)
      if (nl === -1) {
        this.appendCarry(chunk, 0, chunk.length)
        return
      }
      this.appendCarry(chunk, 0, nl)
      this.lineFromCarry()
      start = nl + 1
    }
    const lastNl = chunk.lastIndexOf(NL)
    if (lastNl >= start) {
      this.scanRegion(chunk, start, lastNl + 1)
      start = lastNl + 1
    }
    if (start < chunk.length) this.appendCarry(chunk, start, chunk.length)
  }

  /** Call once after the last chunk: a final line without a newline is still a line. */
  end(): void {
    if (this.carrying) this.lineFromCarry()
    this.framed?.end()
  }

  private appendCarry(chunk: Buffer, s: number, e: number): void {
    if (!this.carrying) this.carryStart = this.base + s
    this.carrying = true
    let n = e - s
    const room = this.maxLine - this.carryLen
    if (n > room) {
      this.carryOversized = true
      n = Math.max(0, room)
    }
    if (n === 0) return
    if (this.carryLen + n > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxLine, Math.max(256, (this.carryLen + n) * 2)))
      this.carry.copy(grown, 0, 0, this.carryLen)
      this.carry = grown
    }
    chunk.copy(this.carry, this.carryLen, s, s + n)
    this.carryLen += n
  }

  private lineFromCarry(): void {
    const b = this.carry
    const len = this.carryLen
    if (this.carryOversized) this.acct.oversized++
    const view = b.subarray(0, len)
    const hit =
      view.indexOf(REJECTED) !== -1 || (this.carryStart < this.discardsUntil && view.indexOf(DISCARDED) !== -1)
    if (!isUtf8(view)) this.acct.invalidUtf8++
    this.lastStampAt = -1
    this.line(b, 0, len, hit, this.carryStart)
    this.noteLastTime(b)
    this.carrying = false
    this.carryOversized = false
    this.carryLen = 0
    // Do not keep a huge buffer alive after one huge line.
    if (this.carry.length > 65536) this.carry = Buffer.alloc(0)
  }

  /** Scans complete lines in b[from, to); b[to - 1] is a newline. */
  private scanRegion(b: Buffer, from: number, to: number): void {
    const framed = this.framed !== null
    let nextR = framed ? -1 : nextRejected(b, from)
    let nextD = !framed && this.base + from < this.discardsUntil ? b.indexOf(DISCARDED, from) : -1
    const clean = isUtf8(b.subarray(from, to))
    // Most lines are timestamped and carry nothing: they are counted in locals, without a call
    // each, once the input's first time is known (the first such line sets it).
    const quick = clean && !framed && !Number.isNaN(this.acct.firstTime)
    let plain = 0
    let lastPlain = -1
    this.lastStampAt = -1
    // The first 16 bytes (date, hour, minute) of the last plain line's timestamp, as four words
    // (m0 -1: none yet): a line that starts with the same needs only its seconds and the rest checked.
    const words = new DataView(b.buffer, b.byteOffset, b.length)
    let m0 = -1
    let m1 = 0
    let m2 = 0
    let m3 = 0
    let p = from
    while (p < to) {
      const nl = b.indexOf(NL, p)
      let hit = false
      if (nextR !== -1 && nextR < nl) {
        hit = true
        nextR = nextRejected(b, nl)
      }
      if (nextD !== -1 && nextD < nl) {
        hit = true
        nextD = this.base + nl < this.discardsUntil ? b.indexOf(DISCARDED, nl) : -1
      }
      if (quick && !hit && nl - p <= this.maxLine) {
        const end = nl > p && b[nl - 1] === CR ? nl - 1 : nl
        let n = 0
        if (end - p >= 20) {
          const w0 = words.getUint32(p)
          const w1 = words.getUint32(p + 4)
          const w2 = words.getUint32(p + 8)
          const w3 = words.getUint32(p + 12)
          if (w0 === m0 && w1 === m1 && w2 === m2 && w3 === m3) n = sameMinuteStampLength(b, p, end)
          else if ((n = stampLength(b, p, end)) > 0) {
            m0 = w0
            m1 = w1
            m2 = w2
            m3 = w3
          }
        }
        if (n > 0 && isPlainText(b, textStart(b, p + n + 1, end), end)) {
          plain++
          lastPlain = p
          p = nl + 1
          continue
        }
      }
      if (plain > 0) {
        this.countPlain(plain, lastPlain)
        plain = 0
      }
      let end = nl
      if (end - p > this.maxLine) {
        this.acct.oversized++
        end = p + this.maxLine
      }
      if (!clean && !isUtf8(b.subarray(p, nl))) this.acct.invalidUtf8++
      const opened = this.line(b, p, end, hit, this.base + p)
      // An incorrect-digit line: its discard follows; search for it from here on.
      if (opened && nextD === -1) nextD = b.indexOf(DISCARDED, nl)
      p = nl + 1
    }
    if (plain > 0) this.countPlain(plain, lastPlain)
    this.noteLastTime(b)
  }

  /** Accounts for `n` lines that were timestamped and carried nothing, the last starting at `last`. */
  private countPlain(n: number, last: number): void {
    this.lineNo += n
    this.acct.lines += n
    this.acct.other += n
    this.inEntry = true
    this.lastStampAt = last
  }

  private noteLastTime(b: Buffer): void {
    if (this.lastStampAt === -1) return
    this.acct.lastTime = this.timeAt(b, this.lastStampAt)
    if (Number.isNaN(this.acct.firstTime)) this.acct.firstTime = this.acct.lastTime
  }

  private timeAt(b: Buffer, p: number): number {
    const st = parseStamp(b.toString('latin1', p, p + 30))
    return this.instant(st.naive, st.offset)
  }

  /** Accounts for one line; returns true when it opened a discard search (an incorrect-digit line). */
  private line(b: Buffer, p: number, end: number, hit: boolean, at: number): boolean {
    this.lineNo++
    this.acct.lines++
    const asWritten = end
    if (end > p && b[end - 1] === CR) end--
    if (this.framed !== null) {
      this.framed.line(b.toString('utf8', p, end), this.lineNo)
      return false
    }
    const n = stampLength(b, p, end)
    if (n === 0) {
      if (this.inEntry && isContinuation(b, p, end)) {
        this.acct.other++
      } else {
        this.inEntry = false
        this.acct.unparsed++
        this.sink.unparsed(b.toString('utf8', p, Math.min(end, p + 300)), this.lineNo)
      }
      return false
    }
    this.inEntry = true
    if (Number.isNaN(this.acct.firstTime)) this.acct.firstTime = this.timeAt(b, p)
    this.lastStampAt = p
    const text = textStart(b, p + n + 1, end)
    const digit = !hit && isDigitLine(b, text, end)
    if (hit || digit || isDeliveryFailure(b, text, end)) {
      const text = b.toString('utf8', p, end)
      const bytes = this.sink.keepBytes === true ? b.subarray(p, asWritten) : undefined
      // The timestamp is ASCII: its length in bytes is its length in the text.
      const pre = parseBody(text, n + 1, stampTime(b, p, n), stampOffset(b, p, n))
      const use = this.sink.candidate(text, this.lineNo, pre, bytes)
      if (use === 'other') this.acct.other++
      else if (use === 'duplicate') this.acct.duplicates++
      else if (use === 'unparsed') {
        this.acct.unparsed++
        this.sink.unparsed(text.slice(0, 300), this.lineNo)
      } else {
        this.acct.events++
        this.acct.byKind[use] = (this.acct.byKind[use] ?? 0) + 1
      }
    } else {
      this.acct.other++
    }
    if (!digit) return false
    const opens = this.discardsUntil <= at
    this.discardsUntil = Math.max(this.discardsUntil, at + DISCARD_WINDOW)
    return opens
  }
}

/**
 * A line without a timestamp that belongs to the entry before it: an indented or `:`-led
 * continuation of a multi-line message, or a reject-log header block line
 * (`Envelope-from:`, `Envelope-to:`, `P Received: ...`, `  Subject: ...`, `*** truncated ***`).
 */
function isContinuation(b: Buffer, p: number, end: number): boolean {
  if (end <= p) return false
  const c = b[p]!
  if (c === 32 || c === 9 || c === 58) return true
  if (end - p >= 2 && b[p + 1] === 32 && (c === 42 || (c >= 65 && c <= 90))) return true
  return end - p >= 9 && b.toString('latin1', p, p + 9) === 'Envelope-'
}

/** Where the next REJECTED in b starts from `from` on, or -1. */
function nextRejected(b: Buffer, from: number): number {
  for (let q = b.indexOf(JECTED, from + 2); q !== -1; q = b.indexOf(JECTED, q + 1)) {
    if (b[q - 1] === 101 && b[q - 2] === 114) return q - 2
  }
  return -1
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/** Skips an optional `[pid] ` after the timestamp. */
function textStart(b: Buffer, q: number, end: number): number {
  if (b[q] !== 91) return q
  const close = b.indexOf(93, q)
  return close === -1 || close - q > 16 || close >= end ? q : close + 2
}

/** Text (after the prefix) of neither an incorrect-digit nor a delivery-failure line. */
function isPlainText(b: Buffer, text: number, end: number): boolean {
  return !isDigitLine(b, text, end) && !isDeliveryFailure(b, text, end)
}

function isDigitLine(b: Buffer, q: number, end: number): boolean {
  return end - q > DIGIT.length && b[q] === 99 && b.compare(DIGIT, 0, DIGIT.length, q, q + DIGIT.length) === 0
}

/** At q: a message id, then the `==` or `**` flag. */
function isDeliveryFailure(b: Buffer, q: number, end: number): boolean {
  // Message ids are 16 or 23 characters: XXXXXX-XXXXXX-XX or XXXXXX-XXXXXXXXXXX-XXXX.
  if (end - q < 20 || b[q + 6] !== 45 || !isAlnum(b[q]!)) return false
  if (b[q + 13] === 45 && b[q + 16] === 32) q += 17
  else if (b[q + 18] === 45 && b[q + 23] === 32) q += 24
  else return false
  const f = b[q]
  return (f === 61 || f === 42) && b[q + 1] === f && b[q + 2] === 32
}
