// The quota failures in the part of a file a seek passed over. A delivery that failed for quota is
// one event, at its first failure; a later attempt in the window is a line of that event, not a
// new one. A read that starts past the top of its file cannot know of failures above it, so a
// quota failure read after the seek asks: if its message arrived before the lines passed over
// end, the part of the file from the message's arrival on is read (once, and only that part) for
// the failures it holds. Exim's message id starts with the time the message arrived (six base-62
// digits of seconds), and no line about a message is stamped before it arrived (allowing the
// margin all the same); messages that arrived after the seek point cost nothing.

import {readSync} from 'node:fs'
import {Classifier} from '../events/classifier.js'
import {newFileAccount} from '../input/account.js'
import {CHUNK_SIZE, readBuffer} from '../input/open.js'
import type {ZoneClock} from '../time/zone.js'
import {type LogSeeker, MARGIN_MS, UnorderedLog} from './seek.js'
import {type ScannedInput, scannerFor} from './scanner-for.js'

/** What every quota failure's message holds (the classifier's test, less its word boundaries). */
const QUOTA_HINT = /quota|mailbox (?:is )?full|[45]\.2\.2/gi

/** How far back each step of the search for a failure reads. */
const STEP_BYTES = 4 << 20

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

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

export class QuotaLookback {
  /**
   * Failures found: key -> time of the first found. The search stops at the latest failure before
   * the seek point, so this can be later than the key's first failure: the events and counts do
   * not depend on it, only the time JSON made for merge gives the failure.
   */
  private readonly found = new Map<string, number>()
  /** The bytes [covered, skipTo) have been read for failures. */
  private covered: number

  constructor(
    private readonly fd: number,
    private readonly input: ScannedInput,
    private readonly zone: ZoneClock,
    private readonly seeker: LogSeeker,
    /** Where the read starts: lines before it are passed over. */
    skipTo: number,
    /** The time of the line there: no line passed over is newer than this plus the margin. */
    private readonly skipTime: number,
    private readonly maxLine?: number,
  ) {
    this.covered = skipTo
  }

  /** The time of the first quota failure of `key` (message `msgid`) passed over, or undefined. */
  prior(msgid: string, key: string): number | undefined {
    const earliest = arrivalOf(msgid) - MARGIN_MS
    // A message that arrived after every line passed over has no line there. An id whose time is
    // no time (a base-36 id of an Exim built for case-insensitive file systems reads as one far
    // ahead) proves nothing.
    if (earliest > this.skipTime + MARGIN_MS && earliest <= this.skipTime + 400 * 86_400_000) return undefined
    const from = Number.isFinite(earliest) ? this.startFor(earliest) : 0
    // Back from the seek point, a step at a time, until a failure of the key turns up: a retry's
    // last failure is usually one queue run back, not at the message's arrival.
    while (!this.found.has(key) && from < this.covered) {
      const step = this.input.framing === 'plain' ? Math.max(from, this.covered - STEP_BYTES) : from
      const start = step === from ? from : this.lineStartAfter(step)
      this.scan(start, this.covered)
      this.covered = start
    }
    return this.found.get(key)
  }

  /** The first line start at or after `p` that is before what has been read; else `p`'s line is too long: 0. */
  private lineStartAfter(p: number): number {
    const buf = Buffer.allocUnsafe(Math.min(64 * 1024, this.covered - p + 1))
    const n = readSync(this.fd, buf, 0, buf.length, p - 1)
    const nl = buf.subarray(0, n).indexOf(10)
    return nl === -1 || p - 1 + nl + 1 >= this.covered ? 0 : p + nl
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

  /** Reads [from, to) as the reader would, keeping only the quota failures it sees. */
  private scan(from: number, to: number): void {
    const seen = new Map<string, number>()
    const classifier = new Classifier({zone: this.zone, quotaSeen: seen, wanted: new Set()}, () => undefined)
    const acct = newFileAccount(this.input.name, this.input.logType)
    classifier.beginFile(this.input.name, this.input.logType)
    const scanner = scannerFor(this.input, acct, classifier, [], {zone: this.zone, maxLine: this.maxLine})
    const buf = readBuffer(CHUNK_SIZE)
    // Of a plain log only the lines that can be quota failures are read into the classifier: a
    // failure's message says so in words QUOTA_HINT finds (a superset of what the classifier
    // takes for one), and a delivery line needs no line around it. Wrapped lines are read whole.
    const plain = this.input.framing === 'plain'
    for (let pos = from; pos < to;) {
      const n = readSync(this.fd, buf, 0, Math.min(CHUNK_SIZE, to - pos), pos)
      if (n <= 0) break
      const b = buf.subarray(0, n)
      if (!plain) {
        scanner.push(b)
        pos += n
        continue
      }
      // Whole lines only; the rest is read again with the next chunk.
      const last = pos + n < to ? b.lastIndexOf(10) : n - 1
      if (last === -1) {
        pos += n
        continue
      }
      const text = b.toString('latin1', 0, last + 1)
      QUOTA_HINT.lastIndex = 0
      for (let m = QUOTA_HINT.exec(text); m !== null; m = QUOTA_HINT.exec(text)) {
        const start = text.lastIndexOf('\n', m.index) + 1
        const nl = text.indexOf('\n', m.index)
        const end = nl === -1 ? text.length : nl + 1
        scanner.push(b.subarray(start, end))
        QUOTA_HINT.lastIndex = end
      }
      pos += last + 1
    }
    scanner.end()
    for (const [key, time] of seen) {
      const had = this.found.get(key)
      if (had === undefined || time < had) this.found.set(key, time)
    }
  }
}
