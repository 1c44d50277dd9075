// The part of every Exim log line before its text: timestamp, optional `[pid]`, optional
// message id. Pure functions over a decoded line; they never throw.

import {parseStamp} from './timestamp.js'

export interface Prefix {
  /** Wall-clock time as if UTC, NaN when the line has no timestamp. */
  naive: number
  /** Minutes east of UTC from the line's own `+hhmm`, NaN when absent. */
  offset: number
  pid: number
  msgid: string
  /** Index in the line where the text after the prefix starts. */
  text: number
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

function alnumRun(s: string, i: number, n: number): boolean {
  for (let k = i; k < i + n; k++) if (!isAlnum(s.charCodeAt(k))) return false
  return true
}

/**
 * Length of the Exim message id at `i` (16 for ids up to 4.96, 23 since 4.97), or 0.
 * The id must be followed by a space or the end of the line.
 */
export function msgidLength(s: string, i: number): number {
  if (!alnumRun(s, i, 6) || s.charCodeAt(i + 6) !== 45) return 0
  let n = 0
  if (s.charCodeAt(i + 13) === 45 && alnumRun(s, i + 7, 6) && alnumRun(s, i + 14, 2)) n = 16
  else if (s.charCodeAt(i + 18) === 45 && alnumRun(s, i + 7, 11) && alnumRun(s, i + 19, 4)) n = 23
  if (n === 0) return 0
  const after = s.charCodeAt(i + n)
  return after === 32 || Number.isNaN(after) ? n : 0
}

/** Parses the prefix of a line that starts at `from` (where its timestamp is). */
export function parsePrefix(s: string, from = 0): Prefix {
  const st = parseStamp(s, from)
  if (st.length === 0) return {naive: NaN, offset: NaN, pid: -1, msgid: '', text: from}
  return parseBody(s, from + st.length + 1, st.naive, st.offset)
}

/**
 * The rest of a prefix, for text whose time came from elsewhere (syslog without Exim's own
 * timestamp): optional `[pid] `, optional message id.
 */
export function parseBody(s: string, from: number, naive: number, offset: number): Prefix {
  let i = from
  let pid = -1
  if (s.charCodeAt(i) === 91) {
    // `[pid] ` or `[pid/nn] `
    let k = i + 1
    let v = 0
    while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57 && k - i < 12)
      v = v * 10 + s.charCodeAt(k++) - 48
    if (k > i + 1 && s.charCodeAt(k) === 47) {
      k++
      while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++
    }
    if (k > i + 1 && s.charCodeAt(k) === 93 && s.charCodeAt(k + 1) === 32) {
      pid = v
      i = k + 2
    }
  }
  let msgid = ''
  const idLen = msgidLength(s, i)
  if (idLen > 0) {
    msgid = s.slice(i, i + idLen)
    i += idLen + 1
  }
  return {naive, offset, pid, msgid, text: Math.min(i, s.length)}
}
