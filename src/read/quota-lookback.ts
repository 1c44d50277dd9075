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
  /** Failures found: key -> time of the first. */
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
    if (from < this.covered) {
      this.scan(from, this.covered)
      this.covered = from
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

  /** Reads [from, to) as the reader would, keeping only the quota failures it sees. */
  private scan(from: number, to: number): void {
    const seen = new Map<string, number>()
    const classifier = new Classifier({zone: this.zone, quotaSeen: seen, wanted: new Set()}, () => undefined)
    const acct = newFileAccount(this.input.name, this.input.logType)
    classifier.beginFile(this.input.name, this.input.logType)
    const scanner = scannerFor(this.input, acct, classifier, [], {zone: this.zone, maxLine: this.maxLine})
    const buf = readBuffer(CHUNK_SIZE)
    for (let pos = from; pos < to;) {
      const n = readSync(this.fd, buf, 0, Math.min(CHUNK_SIZE, to - pos), pos)
      if (n <= 0) break
      scanner.push(buf.subarray(0, n))
      pos += n
    }
    scanner.end()
    for (const [key, time] of seen) {
      const had = this.found.get(key)
      if (had === undefined || time < had) this.found.set(key, time)
    }
  }
}
