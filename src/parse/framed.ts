// Exim lines that reached us wrapped by syslog or journald. Unwraps each line, joins the
// `[n/m]` pieces Exim's syslog writer cut long entries into, recognises the second copy a
// MAIN|REJECT or MAIN|PANIC entry gets with syslog_duplication, and hands each entry to the
// classifier with its time and pid. Accounts for every physical line.

import {PHRASES} from '../kinds.js'
import type {FileAccount} from '../types.js'
import {parseBody, parsePrefix, type Prefix} from './prefix.js'
import {DEFAULT_MAX_LINE, type FramedLines} from './scanner.js'
import {type Deframed, deframeSyslog, pieceMark} from './syslog.js'
import {parseStamp} from './timestamp.js'
import type {ZoneClock} from '../time/zone.js'

export interface FramedContext {
  acct: FileAccount
  /** Classifies a timestamped Exim line; returns an event kind, 'duplicate' or 'other'. */
  candidate(text: string, lineNo: number, pre: Prefix): string
  unparsed(text: string, lineNo: number): void
  zone: ZoneClock
  /** Year and month (0-11) of the file's modification time, for RFC 3164 times that have no year. */
  reference: {year: number; month: number}
}

/** What one physical line turned out to be, before pieces are joined: the wrapper's fields and the program's text. */
export type Wrapped = Omit<Deframed, 'msg'> & {text: string}

const TRIGGERS = [PHRASES.rejected, PHRASES.discarded, PHRASES.incorrectDigit]

interface Pieces {
  parts: string[]
  /** Characters kept so far, and whether more were left out (an entry is cut like a line). */
  size: number
  cut: boolean
  lines: number
  first: number
  wrapped: Wrapped
  nextNewline: boolean
}

/** Copy detection state per process: the last entry, and whether it was itself a copy. */
interface LastEntry {
  key: string
  candidate: boolean
  copy: boolean
}

export class WrappedEntries {
  private readonly pieces = new Map<string, Pieces>()
  private readonly last = new Map<number, LastEntry>()
  // Evidence for syslog_duplication: a candidate entry followed by its twin, or by something else.
  private dupOn = 0
  private dupOff = 0

  constructor(private readonly ctx: FramedContext) {}

  /** One unwrapped line. */
  entry(w: Wrapped, lineNo: number): void {
    if (!/^exim/i.test(w.ident)) {
      this.count('other', 1)
      return
    }
    const mark = pieceMark(w.text, 0)
    if (mark === null) {
      this.complete(w, w.text, lineNo, 1)
      return
    }
    const key = `${w.host}|${w.pid}|${mark.m}`
    let p = this.pieces.get(key)
    if (mark.n === 1 || p === undefined) {
      if (p !== undefined) this.joined(p)
      p = {parts: [], size: 0, cut: false, lines: 0, first: lineNo, wrapped: w, nextNewline: false}
      this.pieces.set(key, p)
    }
    // Pieces are joined up to the length a line may have; the rest is counted, not kept.
    const part = (p.parts.length > 0 && p.nextNewline ? '\n' : '') + w.text.slice(mark.end)
    const room = DEFAULT_MAX_LINE - p.size
    if (part.length <= room) p.parts.push(part)
    else if (!p.cut) {
      p.parts.push(part.slice(0, room))
      p.cut = true
    }
    p.size += Math.min(part.length, Math.max(0, room))
    p.lines++
    p.nextNewline = mark.newline
    if (mark.n === mark.m) {
      this.pieces.delete(key)
      this.joined(p)
    }
  }

  private joined(p: Pieces): void {
    if (p.cut) this.ctx.acct.oversized++
    this.complete(p.wrapped, p.parts.join(''), p.first, p.lines)
  }

  /** A physical line that is not wrapped Exim output at all. */
  foreign(text: string, lineNo: number): void {
    this.count('unparsed', 1)
    this.ctx.unparsed(text.slice(0, 300), lineNo)
  }

  end(): void {
    for (const p of this.pieces.values()) this.joined(p)
    this.pieces.clear()
  }

  private complete(w: Wrapped, text: string, lineNo: number, lines: number): void {
    const nl = text.indexOf('\n')
    const first = nl === -1 ? text : text.slice(0, nl)
    let pre: Prefix
    let line = first
    if (parseStamp(first).length > 0) {
      pre = parsePrefix(first)
    } else {
      // syslog_timestamp = false: the wrapper's time stands in for Exim's.
      if (Number.isNaN(w.naive)) {
        this.count('unparsed', lines)
        this.ctx.unparsed(first.slice(0, 300), lineNo)
        return
      }
      pre = parseBody(first, 0, this.withYear(w), w.offset)
      line = first
    }
    if (pre.pid === -1) pre.pid = w.pid
    this.noteTime(pre)
    const candidate = isCandidate(line, pre.text)
    // The copy is the same text from the same process, next in line; a wrapper's own time may
    // differ between the two (rsyslog stamps each on receipt), so it is not part of the key.
    if (this.isCopy(pre.pid, line, candidate)) {
      this.count('duplicate', lines)
      return
    }
    const use = candidate ? this.ctx.candidate(line, lineNo, pre) : 'other'
    if (use === 'unparsed') this.ctx.unparsed(line.slice(0, 300), lineNo)
    this.count(use, lines)
  }

  private isCopy(pid: number, key: string, candidate: boolean): boolean {
    const prev = this.last.get(pid)
    let copy = false
    if (prev !== undefined && prev.candidate && !prev.copy) {
      if (prev.key === key) {
        this.dupOn++
        copy = this.dupOn >= this.dupOff
      } else this.dupOff++
    }
    if (this.last.size > 50_000) this.last.clear()
    this.last.set(pid, {key, candidate, copy})
    return copy
  }

  private withYear(w: Wrapped): number {
    return w.yearless ? withYear(w.naive, this.ctx.reference) : w.naive
  }

  private noteTime(pre: Prefix): void {
    const t = this.ctx.zone.instant(pre.naive, pre.offset)
    const a = this.ctx.acct
    if (Number.isNaN(a.firstTime)) a.firstTime = t
    a.lastTime = t
  }

  private count(use: string, lines: number): void {
    const a = this.ctx.acct
    if (use === 'other') a.other += lines
    else if (use === 'unparsed') a.unparsed += lines
    else if (use === 'duplicate') a.duplicates += lines
    else {
      a.events += lines
      a.byKind[use] = (a.byKind[use] ?? 0) + lines
    }
  }
}

/** An RFC 3164 time (year 2000 in `naive`) in the year the file's modification time puts it. */
export function withYear(naive: number, ref: {year: number; month: number}): number {
  const d = new Date(naive)
  // A month later than the file's modification month belongs to the year before (a file that crosses New Year).
  const year = d.getUTCMonth() > ref.month ? ref.year - 1 : ref.year
  return Date.UTC(
    year,
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  )
}

function isCandidate(line: string, text: number): boolean {
  for (const p of TRIGGERS) if (line.includes(p, text)) return true
  // Delivery failures: `<id> == ` or `<id> ** ` right after the prefix.
  const c = line.charCodeAt(text - 1)
  return c === 32 && (line.startsWith('== ', text) || line.startsWith('** ', text))
}

/** Syslog-format files (RFC 3164, ISO-stamped, RFC 5424, journalctl short/short-iso). */
export class SyslogLines implements FramedLines {
  private readonly entries: WrappedEntries
  constructor(ctx: FramedContext) {
    this.entries = new WrappedEntries(ctx)
  }

  line(text: string, lineNo: number): void {
    const w = unwrapSyslog(text)
    if (w === null) this.entries.foreign(text, lineNo)
    else this.entries.entry(w, lineNo)
  }

  end(): void {
    this.entries.end()
  }
}

/** `journalctl -o json`: one JSON object per line, MESSAGE, _PID, __REALTIME_TIMESTAMP. */
export class JournalJsonLines implements FramedLines {
  private readonly entries: WrappedEntries
  constructor(private readonly ctx: FramedContext) {
    this.entries = new WrappedEntries(ctx)
  }

  line(text: string, lineNo: number): void {
    const w = unwrapJournal(text, this.ctx.zone)
    if (w === null) this.entries.foreign(text, lineNo)
    else this.entries.entry(w, lineNo)
  }

  end(): void {
    this.entries.end()
  }
}

/** A syslog line's wrapper fields and the program's text, or null when it is not a syslog line. */
export function unwrapSyslog(text: string): Wrapped | null {
  const d = deframeSyslog(text)
  if (d === null) return null
  const {naive, offset, yearless, host, ident, pid} = d
  return {naive, offset, yearless, host, ident, pid, text: text.slice(d.msg)}
}

/** A `journalctl -o json` line's fields, or null when it is not a journal entry with a message and a time. */
export function unwrapJournal(text: string, zone: ZoneClock): Wrapped | null {
  let j: Record<string, unknown>
  try {
    j = JSON.parse(text) as Record<string, unknown>
  } catch {
    return null
  }
  if (j === null || typeof j !== 'object') return null
  const message = j.MESSAGE
  // Journald stores a message that is not valid UTF-8 as an array of bytes.
  const msg =
    typeof message === 'string'
      ? message
      : Array.isArray(message)
        ? Buffer.from(message as number[]).toString('utf8')
        : null
  const us = Number(j.__REALTIME_TIMESTAMP)
  if (msg === null || !Number.isFinite(us)) return null
  const instant = Math.floor(us / 1000)
  const offset = zone.offsetOfInstant(instant)
  const pid = Number(j._PID ?? j.SYSLOG_PID ?? -1)
  return {
    naive: instant + offset * 60_000,
    offset,
    yearless: false,
    host: String(j._HOSTNAME ?? ''),
    ident: String(j.SYSLOG_IDENTIFIER ?? j._COMM ?? ''),
    pid: Number.isFinite(pid) ? pid : -1,
    text: msg.replace(/\n$/, ''),
  }
}
