// What a file name says about an Exim log: which log (main, reject, panic) and where it stands in
// its rotated set. Debian (`mainlog`, `mainlog.1`, `mainlog.2.gz`), RHEL/FreeBSD (`main.log`,
// `main.log-20261124`, `main.log.0.bz2`), cPanel (`exim_mainlog`), Exim's own `%D` datestamps.

import type {LogType} from '../types.js'

export interface LogName {
  logType: LogType
  /** Order within the set, smaller is older: rotated-by-number files first, then dated, then current. */
  age: number[]
}

const LOG_NAME = /^(?:exim[_-]?)?(main|reject|panic)(?:log|\.log|_log)(?:[.-](\d{1,14}))?(?:\.(?:gz|bz2|xz|zst|z|Z))?$/

export function parseLogName(base: string): LogName | null {
  const m = LOG_NAME.exec(base)
  if (m === null) return null
  const logType = m[1] as LogType
  const suffix = m[2]
  if (suffix === undefined) return {logType, age: [2, 0]}
  // Eight or more digits are a date (newer is larger); fewer are a rotation count (older is larger).
  if (suffix.length >= 8) return {logType, age: [1, Number(suffix)]}
  return {logType, age: [0, -Number(suffix)]}
}

export function compareAge(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
