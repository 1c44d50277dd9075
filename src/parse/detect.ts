// Looks at the first lines of an input to tell how it is wrapped (plain Exim log, syslog,
// journald JSON) and, for a plain log whose name says nothing, which log it is: a main log has
// arrivals, deliveries and connections; a reject log only rejections and their header blocks;
// a panic log only configuration and panic errors.

import {PHRASES} from '../kinds.js'
import {deframeSyslog} from './syslog.js'
import {parsePrefix} from './prefix.js'
import {stampLength} from './timestamp.js'
import type {LogType} from '../types.js'

export type Framing = 'plain' | 'syslog' | 'journal-json'

export const SNIFF_BYTES = 64 * 1024
const SNIFF_LINES = 200

function headLines(head: Buffer, whole: boolean): string[] {
  const text = head.toString('utf8', 0, Math.min(head.length, SNIFF_BYTES))
  const lines = text.split('\n')
  // The last piece may be a partial line, unless the head is the whole input.
  if (!whole || head.length > SNIFF_BYTES) lines.pop()
  return lines.slice(0, SNIFF_LINES).map((l) => l.replace(/\r$/, ''))
}

function hasStamp(l: string): boolean {
  const b = Buffer.from(l.slice(0, 40))
  return stampLength(b, 0, b.length) > 0
}

export function detectFraming(head: Buffer, whole: boolean): Framing {
  let plain = 0
  let syslog = 0
  let json = 0
  for (const l of headLines(head, whole)) {
    if (l === '') continue
    if (hasStamp(l) && deframeSyslog(l) === null) plain++
    else if (l.charCodeAt(0) === 123 && l.includes('"MESSAGE"')) json++
    else if (deframeSyslog(l) !== null) syslog++
  }
  if (json > plain && json >= syslog) return 'journal-json'
  if (syslog > plain) return 'syslog'
  return 'plain'
}

const MAIN_MARKS = [
  '<= ',
  '=> ',
  '-> ',
  '== ',
  '** ',
  '*> ',
  'Completed',
  'SMTP connection',
  'Start queue run',
  'End queue run',
  'no MAIL in SMTP connection',
  'exim ',
]
// The deferral phrase also comes without its space: the excess-recipients line follows it with a colon.
const REJECT_MARKS = [PHRASES.rejected, PHRASES.discardedBy, 'sender verify ', PHRASES.temporarilyRejected.trimEnd()]
const PANIC_MARKS = [
  PHRASES.incorrectDigit,
  'Exim configuration error',
  'failed to expand',
  'Failed to expand',
  'lost privilege',
  'cannot open',
  'failed to open',
  'panic',
  'DKIM: ',
]

/** Which log a plain Exim log is, from its content; null when it cannot tell. */
export function detectLogType(head: Buffer, whole: boolean): LogType | null {
  let entries = 0
  let rejects = 0
  let panics = 0
  let envelope = false
  for (const l of headLines(head, whole)) {
    if (l.startsWith('Envelope-from:') || l.startsWith('Envelope-to:')) envelope = true
    if (!hasStamp(l)) continue
    entries++
    const p = parsePrefix(l)
    const text = l.slice(p.text)
    if (MAIN_MARKS.some((m) => text.startsWith(m))) return 'main'
    if (REJECT_MARKS.some((m) => text.includes(m))) rejects++
    else if (PANIC_MARKS.some((m) => text.includes(m))) panics++
  }
  if (entries === 0) return null
  if (envelope || rejects === entries) return 'reject'
  if (panics === entries) return 'panic'
  if (rejects + panics === entries && panics > 0 && rejects === 0) return 'panic'
  return null
}
