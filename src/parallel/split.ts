// Where a large plain log can be cut so that parts read by separate threads add up to exactly
// what one reader would count: at the start of a timestamped line, and not within reach of an
// incorrect-digit line (whose discard may follow, and is only searched for near it).

import {open} from 'node:fs/promises'
import {DIGIT, DISCARD_WINDOW} from '../parse/scanner.js'
import {stampLength} from '../parse/timestamp.js'

const PROBE = 64 * 1024

/**
 * Byte ranges [start, end) covering [from, size) of the file (`from` a line start), at most
 * `parts` of them (fewer when no safe cut is found).
 */
export async function splitRanges(path: string, size: number, parts: number, from = 0): Promise<[number, number][]> {
  const cuts: number[] = [from]
  const fh = await open(path, 'r')
  try {
    for (let i = 1; i < parts; i++) {
      let at = Math.max(cuts.at(-1)! + 1, from + Math.floor(((size - from) * i) / parts))
      let cut = -1
      for (let tries = 0; tries < 16 && at < size && cut === -1; tries++) {
        const from = Math.max(0, at - DISCARD_WINDOW)
        const buf = Buffer.allocUnsafe(at - from + PROBE)
        const {bytesRead} = await fh.read(buf, 0, buf.length, from)
        const b = buf.subarray(0, bytesRead)
        const line = nextStampedLine(b, at - from)
        if (line === -1) break
        const digit = b.lastIndexOf(DIGIT, line)
        if (digit === -1 || line - digit > DISCARD_WINDOW) cut = from + line
        else at = from + digit + DISCARD_WINDOW + 1
      }
      if (cut === -1 || cut >= size) break
      cuts.push(cut)
    }
  } finally {
    await fh.close()
  }
  cuts.push(size)
  return cuts.slice(1).map((end, i) => [cuts[i]!, end])
}

/** Offset of the first line at or after `p` (a line starting after a newline) that starts with a timestamp. */
function nextStampedLine(b: Buffer, p: number): number {
  let q = p === 0 ? 0 : b.indexOf(10, p - 1) + 1
  while (q > 0 && q < b.length) {
    const nl = b.indexOf(10, q)
    if (nl === -1) return -1
    if (stampLength(b, q, nl) > 0) return q
    q = nl + 1
  }
  return -1
}
