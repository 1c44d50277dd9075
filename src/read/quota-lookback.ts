// The quota failures in the part of a file a seek passed over. A delivery that failed for quota is
// one event, at its first failure; a later attempt in the window is a line of that event, not a
// new one. A read that starts past the top of its file cannot know of failures above it, so a
// quota failure read after the seek asks: if its message arrived before the lines passed over
// end, the part of the file from the message's arrival on is searched for the failures it holds.
// Exim's message id starts with the time the message arrived (six base-62 digits of seconds), and
// no line about a message is stamped before it arrived (allowing the margin all the same);
// messages that arrived after the seek point cost nothing.
//
// The search goes back from the seek point a block at a time and stops at the failure it looks
// for (a retry's last failure is usually one queue run back) or where every line above is older
// than the message. What a block holds is learnt once: every quota failure in it, of any message,
// is kept, so a later question about another message reads no block twice. Of a plain log only the
// delivery lines are decoded, found with Buffer#indexOf by the `==` or `**` that follows their
// message id; every delivery failure Exim writes has one.

import {closeSync, readSync} from 'node:fs'
import {Classifier} from '../events/classifier.js'
import {newFileAccount} from '../input/account.js'
import {CHUNK_SIZE, readBuffer} from '../input/open.js'
import type {ZoneClock} from '../time/zone.js'
import {type LineTime, type LogSeeker, MARGIN_MS, plainLineTime, UnorderedLog} from './seek.js'
import {type ScannedInput, scannerFor} from './scanner-for.js'

/** What every quota failure's message holds (the classifier's test, less its word boundaries). */
const QUOTA_HINT = /quota|mailbox (?:is |for user is )?full|[45]\.2\.2/i

/**
 * How far back each step of the search reads: one read of a plain log. Reads of more than the
 * CPU's cache holds take longer a byte (measured: 40 MB in 4 MiB reads 31-39 ms, in 1 MiB 13-16 ms).
 */
const STEP_BYTES = 1 << 20

/** What follows the message id of a deferral (`==`) and of a failure (`**`). */
const DEFERRED = Buffer.from('==')
const FAILED = Buffer.from('** ')

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** An arrival this far past the seek point is no time: an id of another form (base 36). */
const NO_TIME_AFTER_MS = 400 * 86_400_000

/**
 * When the message with this id arrived (epoch ms), from the id's first six characters; NaN when
 * they are not base-62 digits (an id of another form: then the whole part passed over is read).
 */
export function arrivalOf(msgid: string): number {
  if (msgid.length < 16 || msgid.charCodeAt(6) !== 45) return NaN
  let t = 0
  for (let i = 0; i < 6; i++) {
    const d = B62.indexOf(msgid[i]!)
    if (d === -1) return NaN
    t = t * 62 + d
  }
  return t * 1000
}

/** The file searched and its seeker, or how to open them at the first search (a file left out whole). */
export type SearchedFile = {fd: number; seeker: LogSeeker} | (() => {fd: number; seeker: LogSeeker})

export class QuotaLookback {
  /**
   * Failures found: key -> time of the first found. The search stops at the latest failure before
   * the seek point, so this can be later than the key's first failure: the events and counts do
   * not depend on it, only the time JSON made for merge gives the failure.
   */
  private readonly found = new Map<string, number>()
  /** The bytes [covered, skipTo) have been searched for failures. */
  private covered: number
  /**
   * Every line before `covered` is older than this plus the margin (a line is at most the margin
   * older than a line above it, and this is the time of a line at or after `covered`).
   */
  private coveredTime: number
  /** Of a log not plain (searched back to where the seeker puts a message's arrival): messages that arrived at or after this are searched for. */
  private reach = Infinity
  private readonly plain: boolean
  private readonly timeOf: LineTime
  private buf: Buffer | null = null

  private fd = -1
  private seeker!: LogSeeker

  constructor(
    private file: SearchedFile,
    private readonly input: ScannedInput,
    private readonly zone: ZoneClock,
    /** Where the read starts: lines before it are passed over. */
    skipTo: number,
    /** The time of the line there: no line passed over is newer than this plus the margin. */
    private readonly skipTime: number,
    private readonly maxLine?: number,
    /** Bytes each step back reads (a plain log). */
    private readonly step = STEP_BYTES,
  ) {
    this.covered = skipTo
    this.coveredTime = skipTime
    this.plain = input.framing === 'plain'
    this.timeOf = plainLineTime(zone)
  }

  /** Closes the file, if it was opened (the search owns it once made). */
  close(): void {
    if (this.fd !== -1) closeSync(this.fd)
  }

  /**
   * Whether the file is open for searching: a file left out whole is opened only when a question
   * reaches it, so a set of thousands of rotated files holds no descriptor for each. One that can
   * no longer be opened has nothing to search.
   */
  private opened(): boolean {
    if (this.fd !== -1) return true
    try {
      const {fd, seeker} = typeof this.file === 'function' ? this.file() : this.file
      this.fd = fd
      this.seeker = seeker
      return true
    } catch {
      this.covered = 0
      return false
    }
  }

  /** The time of the quota failure of `key` (message `msgid`) passed over, or undefined. */
  prior(msgid: string, key: string): number | undefined {
    const known = this.found.get(key)
    if (known !== undefined || this.covered === 0) return known
    let earliest = arrivalOf(msgid) - MARGIN_MS
    // A message that arrived after every line passed over has no line there. An id whose time is
    // no time (a base-36 id of an Exim built for case-insensitive file systems reads as one far
    // ahead) proves nothing.
    if (earliest > this.skipTime + NO_TIME_AFTER_MS) earliest = NaN
    if (earliest > this.skipTime + MARGIN_MS || !this.opened()) return undefined
    if (this.plain) {
      while (!this.found.has(key) && this.covered > 0 && !(this.coveredTime + MARGIN_MS < earliest)) this.stepBack()
    } else if (!(earliest >= this.reach)) {
      // Syslog and journald entries may be cut into pieces: the part from the message's arrival is read whole.
      const from = Number.isNaN(earliest) ? 0 : this.startFor(earliest)
      if (from < this.covered) {
        this.scanAll(from, this.covered)
        this.covered = from
      }
      this.reach = Number.isNaN(earliest) ? -Infinity : earliest
    }
    return this.found.get(key)
  }

  /** Where lines about a message that arrived at `arrived` can start: 0 when the search cannot tell. */
  private startFor(arrived: number): number {
    try {
      return this.seeker.startFor(arrived)
    } catch (err) {
      if (err instanceof UnorderedLog) return 0
      throw err
    }
  }

  /** Searches the whole lines of the step before `covered` (a plain log), and moves `covered` to their start. */
  private stepBack(): void {
    const end = this.covered
    const start = Math.max(0, end - this.step)
    this.buf ??= readBuffer(this.step)
    const n = readSync(this.fd, this.buf, 0, end - start, start)
    const b = this.buf.subarray(0, n)
    // The line the step starts inside belongs to the next step. (The byte before `end` is a newline.)
    const first = start === 0 ? 0 : b.indexOf(10) + 1
    if (n < end - start || (start > 0 && (first === 0 || first >= n))) {
      // A line longer than a step (or a file that shrank): read from that line's start as the reader would.
      const from = this.lineStartBefore(start)
      this.scanAll(from, end)
      this.covered = from
      this.noteTime(this.seeker.timeAt(from))
      return
    }
    this.learnDeliveries(b, first)
    this.covered = start + first
    for (let p = first; p < n;) {
      const nl = b.indexOf(10, p)
      const lineEnd = nl === -1 ? n : nl
      const t = this.timeOf(b, p, lineEnd > p && b[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd)
      if (!Number.isNaN(t)) {
        this.noteTime(t)
        break
      }
      p = lineEnd + 1
    }
  }

  /** The quota failures among the delivery lines of b[first, end): whole lines, in file order. */
  private learnDeliveries(b: Buffer, first: number): void {
    const starts: number[] = []
    for (const marker of [DEFERRED, FAILED]) {
      let lastStart = -1
      for (let i = b.indexOf(marker, first); i !== -1; i = b.indexOf(marker, i + marker.length)) {
        // Right after a message id and its space; followed by a space.
        if (b[i - 1] !== 32 || b[i + 2] !== 32) continue
        const ls = b.lastIndexOf(10, i) + 1
        if (ls === lastStart) continue
        lastStart = ls
        if (ls >= first) starts.push(ls)
      }
    }
    if (starts.length === 0) return
    starts.sort((x, y) => x - y)
    // The quota failures' lines are gathered into one buffer and scanned at once. (Each delivery
    // line is its own string: one string of the whole block cost more, in fresh memory, than all.)
    const lines: Buffer[] = []
    let prev = -1
    for (const ls of starts) {
      if (ls === prev) continue
      prev = ls
      const nl = b.indexOf(10, ls)
      const end = nl === -1 ? b.length : nl + 1
      if (QUOTA_HINT.test(b.toString('latin1', ls, end))) lines.push(b.subarray(ls, end))
    }
    if (lines.length === 0) return
    const seen = new Map<string, number>()
    const scanner = this.scanner(seen)
    scanner.push(Buffer.concat(lines))
    scanner.end()
    this.keep(seen)
  }

  /** Reads [from, to) as the reader would, keeping only the quota failures it sees. */
  private scanAll(from: number, to: number): void {
    const seen = new Map<string, number>()
    const scanner = this.scanner(seen)
    const buf = readBuffer(CHUNK_SIZE)
    for (let pos = from; pos < to;) {
      const n = readSync(this.fd, buf, 0, Math.min(CHUNK_SIZE, to - pos), pos)
      if (n <= 0) break
      scanner.push(buf.subarray(0, n))
      pos += n
    }
    scanner.end()
    this.keep(seen)
  }

  /** A scanner into a classifier of its own, which puts the quota failures it meets in `seen`. */
  private scanner(seen: Map<string, number>): ReturnType<typeof scannerFor> {
    const classifier = new Classifier({zone: this.zone, quotaSeen: seen, wanted: new Set()}, () => undefined)
    const acct = newFileAccount(this.input.name, this.input.logType)
    classifier.beginFile(this.input.name, this.input.logType)
    return scannerFor(this.input, acct, classifier, [], {zone: this.zone, maxLine: this.maxLine})
  }

  private keep(seen: Map<string, number>): void {
    for (const [key, time] of seen) {
      const had = this.found.get(key)
      if (had === undefined || time < had) this.found.set(key, time)
    }
  }

  /** The start of the line that goes on at `p` (a plain log): after the last newline before it, or 0. */
  private lineStartBefore(p: number): number {
    const buf = readBuffer(CHUNK_SIZE)
    for (let end = p; end > 0;) {
      const start = Math.max(0, end - CHUNK_SIZE)
      const n = readSync(this.fd, buf, 0, end - start, start)
      const nl = buf.subarray(0, n).lastIndexOf(10)
      if (nl !== -1) return start + nl + 1
      end = start
    }
    return 0
  }

  /** Lowers `coveredTime` to the time of a line at or after `covered` (NaN: none known). */
  private noteTime(t: number): void {
    if (!Number.isNaN(t) && !(t >= this.coveredTime)) this.coveredTime = t
  }
}
