// Times as users read them: ISO 8601 in the offset the log was written in.

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n

// Reports print two times per group, for up to millions of groups, and most share their minute
// with a time printed shortly before: the text up to the minute is kept for a few thousand minutes.
const MINUTE = 60_000
const minutes = new Map<number, string>()
const MINUTES_KEPT = 4096
const zones = new Map<number, string>()

/** `2019-06-11T22:48:31+03:00`, with `.mmm` when the time has milliseconds. */
export function isoTime(time: number, tz: number): string {
  if (!Number.isFinite(time)) return ''
  const local = time + tz * MINUTE
  const rest = ((local % MINUTE) + MINUTE) % MINUTE
  const minute = local - rest
  let head = minutes.get(minute)
  if (head === undefined) {
    if (minutes.size >= MINUTES_KEPT) minutes.clear()
    const d = new Date(minute)
    const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
    head = `${date}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:`
    minutes.set(minute, head)
  }
  const ms = rest % 1000
  return head + pad2((rest - ms) / 1000) + (ms ? '.' + pad3(ms) : '') + zoneText(tz)
}

/** `UTC+03:00`: the offset a listing's times are shown in, as its header names it. */
export function offsetLabel(tz: number): string {
  return `UTC${zoneText(tz)}`
}

/** `+03:00` for 180 minutes east of UTC. */
function zoneText(tz: number): string {
  let z = zones.get(tz)
  if (z === undefined) {
    const a = Math.abs(tz)
    z = `${tz < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`
    zones.set(tz, z)
  }
  return z
}

/** `2019-06-11 22:48:31`: the log's own wall-clock form, for tables. */
export function wallTime(time: number, tz: number): string {
  const iso = isoTime(time, tz)
  return iso === '' ? '' : iso.slice(0, 19).replace('T', ' ')
}
