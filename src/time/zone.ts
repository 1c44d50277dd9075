// Turns the wall-clock times Exim writes into instants. Exim writes local time unless the line
// carries an offset (log_timezone); the zone of that local time is the system's, UTC (--utc) or a
// named one (--tz). Offsets are looked up once per wall-clock hour and cached.

import {TZDate} from '@date-fns/tz/date'

export type ZoneSpec = {kind: 'local'} | {kind: 'utc'} | {kind: 'named'; name: string}

const HOUR = 3_600_000

export class ZoneClock {
  private readonly cache = new Map<number, number>()
  constructor(readonly spec: ZoneSpec = {kind: 'local'}) {}

  /** Minutes east of UTC in force at the given wall-clock time (as if UTC). */
  offsetAt(naive: number): number {
    if (this.spec.kind === 'utc') return 0
    // The offset of an hour can differ inside it only at odd-minute zone changes; ignore those.
    const hour = Math.floor(naive / HOUR)
    let off = this.cache.get(hour)
    if (off === undefined) {
      off = this.lookup(naive)
      if (this.cache.size > 100_000) this.cache.clear()
      this.cache.set(hour, off)
    }
    return off
  }

  private lookup(naive: number): number {
    const w = new Date(naive)
    const y = w.getUTCFullYear(),
      mo = w.getUTCMonth(),
      d = w.getUTCDate(),
      h = w.getUTCHours()
    const instant =
      this.spec.kind === 'named'
        ? new TZDate(y, mo, d, h, 30, 0, 0, this.spec.name).getTime()
        : new Date(y, mo, d, h, 30, 0, 0).getTime()
    return Math.round((Date.UTC(y, mo, d, h, 30) - instant) / 60_000)
  }

  /** Minutes east of UTC of a wall-clock time read from a line: the line's own offset, else the zone's. */
  offsetFor(naive: number, offset: number): number {
    return Number.isNaN(offset) ? this.offsetAt(naive) : offset
  }

  /** The instant (epoch ms) of a wall-clock time read from a line, with its own offset or NaN. */
  instant(naive: number, offset: number): number {
    return naive - this.offsetFor(naive, offset) * 60_000
  }

  /** The zone's offset at an instant (for rendering times that carry no offset of their own). */
  offsetOfInstant(time: number): number {
    if (this.spec.kind === 'utc') return 0
    if (this.spec.kind === 'named') return -new TZDate(time, this.spec.name).getTimezoneOffset()
    return -new Date(time).getTimezoneOffset()
  }
}

/** True when `name` is a zone that Intl (and so @date-fns/tz) knows. */
export function isKnownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: name})
    return true
  } catch {
    return false
  }
}
