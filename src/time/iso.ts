// ISO 8601 times as reports write them (2026-11-24T10:02:17.123+03:00, or Z), read back: merge
// reads two per group, millions of them, where Date.parse and a regular expression each cost
// more than the rest of the group. The common shape is read digit by digit; anything else goes
// to Date.parse, so that both always agree.

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?([+-]\d\d:\d\d|Z)$/

/** Two digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48
  const b = s.charCodeAt(i + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/** The instant (epoch ms) of an ISO time with its offset, or NaN when `s` is none that Date.parse reads. */
export function isoInstant(s: string): number {
  const n = s.length
  const ms = n === 24 || n === 29
  if (
    (n === 20 || n === 24 || n === 25 || n === 29) &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58 &&
    (!ms || s.charCodeAt(19) === 46)
  ) {
    const hi = two(s, 0)
    const year = hi < 0 ? -1 : two(s, 2) < 0 ? -1 : hi * 100 + two(s, 2)
    const month = two(s, 5)
    const day = two(s, 8)
    const hour = two(s, 11)
    const minute = two(s, 14)
    const second = two(s, 17)
    let milli = 0
    if (ms) {
      const c = two(s, 21)
      const a = s.charCodeAt(20) - 48
      milli = a >= 0 && a <= 9 && c >= 0 ? a * 100 + c : -1
    }
    const z = ms ? 23 : 19
    let offset = 0
    let zone = n === 20 || n === 24 ? s.charCodeAt(z) === 90 : false
    if (!zone && (n === 25 || n === 29)) {
      const sign = s.charCodeAt(z)
      const oh = two(s, z + 1)
      const om = two(s, z + 4)
      if ((sign === 43 || sign === 45) && s.charCodeAt(z + 3) === 58 && oh >= 0 && oh <= 23 && om >= 0 && om <= 59) {
        offset = (sign === 45 ? -1 : 1) * (oh * 60 + om)
        zone = true
      }
    }
    // Within these ranges Date.parse reads it as Date.UTC does (a day past the month's end
    // included); years below 100 and hour 24 are left to it.
    if (
      zone &&
      year >= 100 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 31 &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59 &&
      milli >= 0
    )
      return Date.UTC(year, month - 1, day, hour, minute, second, milli) - offset * 60_000
  }
  return ISO.test(s) ? Date.parse(s) : NaN
}

/** The offset (minutes east of UTC) an ISO time was written with; 0 for Z or none. */
export function isoOffset(s: string): number {
  const n = s.length
  if (n < 6 || s.charCodeAt(n - 3) !== 58) return 0
  const sign = s.charCodeAt(n - 6)
  if (sign !== 43 && sign !== 45) return 0
  const h = two(s, n - 5)
  const m = two(s, n - 2)
  return h < 0 || m < 0 ? 0 : (sign === 45 ? -1 : 1) * (h * 60 + m)
}
