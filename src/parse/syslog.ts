// Unwraps Exim lines that went through syslog: RFC 3164 (`Nov 25 13:16:26 mx exim[25353]: ...`,
// also journalctl's default `short` and `short-precise`), ISO-stamped files (rsyslog's
// RSYSLOG_FileFormat, `journalctl -o short-iso`), and RFC 5424. Pure; returns null for a line
// that is not syslog. The program's message is then read as an Exim line by the caller.

export interface Deframed {
  /** Wall-clock time as if UTC; NaN when the wrapper carried no time. */
  naive: number
  /** Minutes east of UTC when the wrapper's time had an offset, else NaN (local time). */
  offset: number
  /** True for RFC 3164 times, which carry no year: `naive` then holds year 2000 and the caller sets it. */
  yearless: boolean
  host: string
  ident: string
  /** Process id from `ident[pid]`, -1 when absent. */
  pid: number
  /** Index where the program's message starts. */
  msg: number
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const num = (s: string, i: number, n: number): number => {
  let v = 0
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k)
    if (!isDigit(c)) return NaN
    v = v * 10 + c - 48
  }
  return v
}

interface WrapperTime {
  naive: number
  offset: number
  yearless: boolean
  end: number
}

/** Fraction of a second after `.` at i: returns [milliseconds, index after]. */
function fraction(s: string, i: number): [number, number] {
  if (s.charCodeAt(i) !== 46) return [0, i]
  let k = i + 1
  while (isDigit(s.charCodeAt(k))) k++
  const digits = s.slice(i + 1, Math.min(k, i + 4)).padEnd(3, '0')
  return [Number(digits), k]
}

/** `Mmm dd hh:mm:ss[.frac]` (day space-padded or not). */
function bsdTime(s: string, i: number): WrapperTime | null {
  const mon = MONTHS.indexOf(s.slice(i, i + 3))
  if (mon === -1 || s.charCodeAt(i + 3) !== 32) return null
  let k = i + 4
  if (s.charCodeAt(k) === 32) k++
  let day = num(s, k, 2)
  if (Number.isNaN(day)) {
    day = num(s, k, 1)
    k += 1
  } else k += 2
  if (Number.isNaN(day) || s.charCodeAt(k) !== 32) return null
  const h = num(s, k + 1, 2),
    m = num(s, k + 4, 2),
    sec = num(s, k + 7, 2)
  if (Number.isNaN(h + m + sec) || s.charCodeAt(k + 3) !== 58 || s.charCodeAt(k + 6) !== 58) return null
  const [ms, end] = fraction(s, k + 9)
  return {naive: Date.UTC(2000, mon, day, h, m, sec, ms), offset: NaN, yearless: true, end}
}

/** `YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm|±hhmm]`, or with a space for the T (then without offset). */
function isoTime(s: string, i: number): WrapperTime | null {
  const y = num(s, i, 4),
    mo = num(s, i + 5, 2),
    d = num(s, i + 8, 2)
  const h = num(s, i + 11, 2),
    mi = num(s, i + 14, 2),
    sec = num(s, i + 17, 2)
  if (Number.isNaN(y + mo + d + h + mi + sec)) return null
  const t = s.charCodeAt(i + 10)
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || (t !== 84 && t !== 32)) return null
  const [ms, k] = fraction(s, i + 19)
  let end = k
  let offset = NaN
  const z = s.charCodeAt(k)
  if (z === 90) {
    offset = 0
    end = k + 1
  } else if (z === 43 || z === 45) {
    const oh = num(s, k + 1, 2)
    const colon = s.charCodeAt(k + 3) === 58
    const om = num(s, colon ? k + 4 : k + 3, 2)
    if (!Number.isNaN(oh + om)) {
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om)
      end = colon ? k + 6 : k + 5
    }
  }
  return {naive: Date.UTC(y, mo - 1, d, h, mi, sec, ms), offset, yearless: false, end}
}

/** `name[pid]:` or `name:` at i; returns the ident, pid and the index after the colon. */
function tag(s: string, i: number, end: number): {ident: string; pid: number} | null {
  let k = i
  while (k < end) {
    const c = s.charCodeAt(k)
    const ok =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 95 ||
      c === 46 ||
      c === 45 ||
      c === 47
    if (!ok) break
    k++
  }
  if (k === i) return null
  const ident = s.slice(i, k)
  if (k === end) return {ident, pid: -1}
  if (s.charCodeAt(k) !== 91 || s.charCodeAt(end - 1) !== 93) return null
  const pid = num(s, k + 1, end - 1 - (k + 1))
  return Number.isNaN(pid) ? null : {ident, pid}
}

function rfc5424(s: string, i: number): Deframed | null {
  // VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
  const parts: string[] = []
  let k = i
  for (let n = 0; n < 5; n++) {
    const sp = s.indexOf(' ', k)
    if (sp === -1) return null
    parts.push(s.slice(k, sp))
    k = sp + 1
  }
  const [ts, host, app, procid] = [parts[0]!, parts[1]!, parts[2]!, parts[3]!]
  const t = ts === '-' ? {naive: NaN, offset: NaN, yearless: false, end: 0} : isoTime(ts, 0)
  if (t === null) return null
  // Structured data: `-` or one or more `[...]` elements, `]` escaped as `\]` inside.
  if (s.charCodeAt(k) === 45) k++
  else {
    while (s.charCodeAt(k) === 91) {
      k++
      while (k < s.length && s.charCodeAt(k) !== 93) k += s.charCodeAt(k) === 92 ? 2 : 1
      k++
    }
  }
  if (s.charCodeAt(k) === 32) k++
  if (s.charCodeAt(k) === 0xfeff) k++
  // rsyslog keeps the space that followed `tag:` in the message it forwards.
  if (s.charCodeAt(k) === 32) k++
  const pid = procid === '-' ? -1 : num(procid, 0, procid.length)
  return {
    naive: t.naive,
    offset: t.offset,
    yearless: false,
    host: host === '-' ? '' : host,
    ident: app === '-' ? '' : app,
    pid: Number.isNaN(pid) ? -1 : pid,
    msg: k,
  }
}

export function deframeSyslog(s: string): Deframed | null {
  let i = 0
  // An optional <PRI>, as in files written from the raw protocol.
  if (s.charCodeAt(0) === 60) {
    const close = s.indexOf('>')
    if (close < 2 || close > 4 || Number.isNaN(num(s, 1, close - 1))) return null
    i = close + 1
    if (s.charCodeAt(i) === 49 && s.charCodeAt(i + 1) === 32) return rfc5424(s, i + 2)
  }
  let t: WrapperTime | null = null
  if (isDigit(s.charCodeAt(i))) t = isoTime(s, i)
  else t = bsdTime(s, i)
  let k = i
  if (t !== null) {
    if (s.charCodeAt(t.end) !== 32) return null
    k = t.end + 1
  }
  // Then `host tag: ` or `tag: `: the tag is the first of the next two words that ends in ':'.
  const colon = s.indexOf(': ', k)
  if (colon === -1) return null
  const words = s.slice(k, colon)
  const sp = words.indexOf(' ')
  let host = ''
  let tg
  if (sp === -1) tg = tag(s, k, colon)
  else {
    if (words.indexOf(' ', sp + 1) !== -1) return null
    host = words.slice(0, sp)
    tg = tag(s, k + sp + 1, colon)
  }
  if (tg === null || (t === null && host === '')) return null
  return {
    naive: t?.naive ?? NaN,
    offset: t?.offset ?? NaN,
    yearless: t?.yearless ?? false,
    host,
    ident: tg.ident,
    pid: tg.pid,
    msg: colon + 2,
  }
}

/** Exim's syslog writer splits long entries into pieces `[n/m] ` (or `[n\m] ` at a newline). */
export function pieceMark(s: string, i: number): {n: number; m: number; newline: boolean; end: number} | null {
  if (s.charCodeAt(i) !== 91) return null
  let k = i + 1
  while (isDigit(s.charCodeAt(k))) k++
  const sep = s.charCodeAt(k)
  if (k === i + 1 || (sep !== 47 && sep !== 92)) return null
  const a = k
  k++
  while (isDigit(s.charCodeAt(k))) k++
  if (k === a + 1 || s.charCodeAt(k) !== 93 || s.charCodeAt(k + 1) !== 32) return null
  const n = Number(s.slice(i + 1, a))
  const m = Number(s.slice(a + 1, k))
  if (n < 1 || m < 2 || n > m) return null
  return {n, m, newline: sep === 92, end: k + 2}
}
