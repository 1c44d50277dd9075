// Times as users read them: ISO 8601 in the offset the log was written in.

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n

/** `2019-06-11T22:48:31+03:00`, with `.mmm` when the time has milliseconds. */
export function isoTime(time: number, tz: number): string {
  if (!Number.isFinite(time)) return ''
  const d = new Date(time + tz * 60_000)
  const sign = tz < 0 ? '-' : '+'
  const a = Math.abs(tz)
  const ms = d.getUTCMilliseconds()
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:` +
    `${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${ms ? '.' + pad3(ms) : ''}${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`
  )
}

/** `2019-06-11 22:48:31`: the log's own wall-clock form, for tables. */
export function wallTime(time: number, tz: number): string {
  const iso = isoTime(time, tz)
  return iso === '' ? '' : iso.slice(0, 19).replace('T', ' ')
}
