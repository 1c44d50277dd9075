// Exim's fixed-width log timestamp: `YYYY-MM-DD HH:MM:SS[.mmm][ +hhmm]`.
// Read by position, never with a regex or date-fns: this runs on every line of the input.

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * Length of the timestamp that starts at `p` (19, 23, 25 or 29), or 0 when the bytes there are
 * not one. The timestamp must be followed by a space.
 */
export function stampLength(b: Uint8Array, p: number, end: number): number {
  if (end - p < 20) return 0
  if (b[p + 4] !== 45 || b[p + 7] !== 45 || b[p + 10] !== 32 || b[p + 13] !== 58 || b[p + 16] !== 58) return 0
  if (
    !isDigit(b[p]!) ||
    !isDigit(b[p + 1]!) ||
    !isDigit(b[p + 2]!) ||
    !isDigit(b[p + 3]!) ||
    !isDigit(b[p + 5]!) ||
    !isDigit(b[p + 6]!) ||
    !isDigit(b[p + 8]!) ||
    !isDigit(b[p + 9]!) ||
    !isDigit(b[p + 11]!) ||
    !isDigit(b[p + 12]!) ||
    !isDigit(b[p + 14]!) ||
    !isDigit(b[p + 15]!) ||
    !isDigit(b[p + 17]!) ||
    !isDigit(b[p + 18]!)
  )
    return 0
  if (!possible(b, p)) return 0
  return stampTail(b, p, end)
}

/**
 * stampLength of a line whose first 16 bytes (date, hour and minute) are those of a timestamp
 * stampLength accepted: most lines share their minute with the line before.
 */
export function sameMinuteStampLength(b: Uint8Array, p: number, end: number): number {
  if (end - p < 20 || b[p + 16] !== 58 || !isDigit(b[p + 17]!) || !isDigit(b[p + 18]!) || b[p + 17]! > 53) return 0
  return stampTail(b, p, end)
}

/** The length of a timestamp whose first 19 bytes are checked: the milliseconds, offset and space after them. */
function stampTail(b: Uint8Array, p: number, end: number): number {
  let n = 19
  if (b[p + 19] === 46 && end - p >= 24 && isDigit(b[p + 20]!) && isDigit(b[p + 21]!) && isDigit(b[p + 22]!)) n = 23
  const q = p + n
  if (
    end - q >= 7 &&
    b[q] === 32 &&
    (b[q + 1] === 43 || b[q + 1] === 45) &&
    isDigit(b[q + 2]!) &&
    isDigit(b[q + 3]!) &&
    isDigit(b[q + 4]!) &&
    isDigit(b[q + 5]!) &&
    b[q + 6] === 32
  ) {
    // An offset no zone has makes the time impossible, not merely offset-less.
    if (!possibleOffset((b[q + 2]! - 48) * 10 + b[q + 3]! - 48, (b[q + 4]! - 48) * 10 + b[q + 5]! - 48)) return 0
    n += 6
  }
  return b[p + n] === 32 ? n : 0
}

/** The number the two ASCII digits at `q` write. */
const twoDigits = (b: Uint8Array, q: number): number => (b[q]! - 48) * 10 + b[q + 1]! - 48

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Whether the date and time at `p` can exist: a line that says Feb 30, 24:00 or month 13 (an
 * unclean shutdown's garbage, a forged line) is not read as the day after, it is unparsed.
 */
function possible(b: Uint8Array, p: number): boolean {
  const year = twoDigits(b, p) * 100 + twoDigits(b, p + 2)
  const month = twoDigits(b, p + 5)
  const day = twoDigits(b, p + 8)
  if (year < 1970 || month < 1 || month > 12 || day < 1) return false
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return (
    day <= DAYS[month - 1]! + (leap ? 1 : 0) &&
    twoDigits(b, p + 11) <= 23 &&
    twoDigits(b, p + 14) <= 59 &&
    twoDigits(b, p + 17) <= 59
  )
}

/** No zone is more than 14 hours from UTC, and none has an offset of more than 59 minutes past the hour. */
const possibleOffset = (hours: number, minutes: number): boolean => minutes <= 59 && hours * 60 + minutes <= 14 * 60

// The minute of the last timestamp read from bytes, and its time: neighbouring lines mostly share it.
const byteMinute = new Uint8Array(16)
let byteMinuteMs = NaN

/**
 * The wall-clock time (as if UTC) of the timestamp of length `n` at `p`, which stampLength
 * accepted: read from the bytes, without a string or a Date.
 */
export function stampTime(b: Uint8Array, p: number, n: number): number {
  let same = !Number.isNaN(byteMinuteMs)
  for (let i = 0; same && i < 16; i++) same = b[p + i] === byteMinute[i]
  if (!same) {
    for (let i = 0; i < 16; i++) byteMinute[i] = b[p + i]!
    byteMinuteMs = Date.UTC(
      twoDigits(b, p) * 100 + twoDigits(b, p + 2),
      twoDigits(b, p + 5) - 1,
      twoDigits(b, p + 8),
      twoDigits(b, p + 11),
      twoDigits(b, p + 14),
    )
  }
  const ms = n === 23 || n === 29 ? twoDigits(b, p + 20) * 10 + b[p + 22]! - 48 : 0
  return byteMinuteMs + twoDigits(b, p + 17) * 1000 + ms
}

/** Minutes east of UTC of the `+hhmm` in the timestamp of length `n` at `p`, NaN when it has none. */
export function stampOffset(b: Uint8Array, p: number, n: number): number {
  if (n !== 25 && n !== 29) return NaN
  const o = p + n - 5
  const mins = twoDigits(b, o + 1) * 60 + twoDigits(b, o + 3)
  return b[o] === 45 ? -mins : mins
}

/** A timestamp read from a decoded line. `naive` is the wall-clock time as if it were UTC. */
export interface Stamp {
  naive: number
  /** Minutes east of UTC when the line carried `+hhmm`, else NaN (local time of the log). */
  offset: number
  length: number
}

const d2 = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48

// Neighbouring lines mostly share their date, hour and minute: remember the last one read.
let lastMinute = ''
let lastMinuteMs = 0

/** Parses the timestamp at the start of `s`; `length` is 0 when there is none. */
export function parseStamp(s: string, from = 0): Stamp {
  const sameMinute = lastMinute !== '' && s.startsWith(lastMinute, from)
  const n = sameMinute ? restLength(s, from) : stampLengthOfString(s, from)
  if (n === 0) return {naive: NaN, offset: NaN, length: 0}
  const ms = n === 23 || n === 29 ? d2(s, from + 20) * 10 + s.charCodeAt(from + 22) - 48 : 0
  if (!sameMinute) {
    lastMinute = s.slice(from, from + 16)
    const year = d2(s, from) * 100 + d2(s, from + 2)
    lastMinuteMs = Date.UTC(year, d2(s, from + 5) - 1, d2(s, from + 8), d2(s, from + 11), d2(s, from + 14))
  }
  const naive = lastMinuteMs + d2(s, from + 17) * 1000 + ms
  let offset = NaN
  if (n === 25 || n === 29) {
    const o = from + n - 5
    const mins = d2(s, o + 1) * 60 + d2(s, o + 3)
    offset = s.charCodeAt(o) === 45 ? -mins : mins
  }
  return {naive, offset, length: n}
}

const isDigitAt = (s: string, i: number): boolean => isDigit(s.charCodeAt(i))

/** stampLength for a line whose first 16 characters are those of a timestamp read before. */
function restLength(s: string, from: number): number {
  const p = from
  if (s.charCodeAt(p + 16) !== 58 || !isDigitAt(s, p + 17) || !isDigitAt(s, p + 18)) return 0
  if (d2(s, p + 17) > 59) return 0
  let n = 19
  if (s.charCodeAt(p + 19) === 46 && isDigitAt(s, p + 20) && isDigitAt(s, p + 21) && isDigitAt(s, p + 22)) n = 23
  const q = p + n
  const c = s.charCodeAt(q + 1)
  if (
    s.charCodeAt(q) === 32 &&
    (c === 43 || c === 45) &&
    isDigitAt(s, q + 2) &&
    isDigitAt(s, q + 3) &&
    isDigitAt(s, q + 4) &&
    isDigitAt(s, q + 5) &&
    s.charCodeAt(q + 6) === 32
  ) {
    if (!possibleOffset(d2(s, q + 2), d2(s, q + 4))) return 0
    n += 6
  }
  return s.charCodeAt(p + n) === 32 ? n : 0
}

// Timestamps are ASCII; 30 code units are enough to hold the longest form and its space.
const probe = new Uint8Array(30)

function stampLengthOfString(s: string, from: number): number {
  const len = Math.min(30, s.length - from)
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(from + i)
    probe[i] = c < 128 ? c : 0
  }
  return stampLength(probe, 0, len)
}
