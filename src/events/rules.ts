// The line shapes that make events, one reader per shape. Each takes the decoded line and the
// index where its text starts (after timestamp, pid and id) and returns what it found, or null
// when the line is not of its shape. Pure; they never throw.

import {PHRASES} from '../kinds.js'
import {bareAddressEnd, closingBracket, unquote} from '../parse/address.js'
import {heloEnds, type Identity, parseIdentity} from '../parse/fields.js'

/** A line an ACL wrote about a recipient or a message: a rejection (deny, defer) or a discard. */
export interface AclLine {
  id: Identity
  verb: 'rejected' | 'discarded'
  /** `temporarily rejected`: the ACL said defer (4xx). */
  temporary: boolean
  stage: 'rcpt' | 'data'
  /** Recipient as the client wrote it, without brackets ('' for DATA-time lines). */
  recipient: string
  message: string
}

export interface IncorrectDigit {
  expected: string
  /** The configured message Exim quoted, unescaped. */
  message: string
}

// Exim logs at most 100 bytes of the RCPT argument (smtp_in.c, `%.*s` with lim = 100).
const RCPT_ARG_LIMIT = 100

/** Where the message starts at `i` (after `: `), the line's length at its end, or -1 for anything else. */
function messageAt(s: string, i: number): number {
  if (i === s.length) return i
  return s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 32 ? i + 2 : -1
}

/** Index in `s` after `bytes` bytes of UTF-8 from `i` (the argument Exim cut at 100 bytes). */
function afterBytes(s: string, i: number, bytes: number): number {
  let k = i
  let n = 0
  while (k < s.length) {
    const c = s.codePointAt(k)!
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    if (n + w > bytes) break
    n += w
    k += c > 0xffff ? 2 : 1
  }
  return k
}

/** Whether `s` from `i` to `end` takes at most `bytes` bytes of UTF-8. */
function fitsBytes(s: string, i: number, end: number, bytes: number): boolean {
  let n = 0
  for (let k = i; k < end && n <= bytes; k++) {
    const c = s.charCodeAt(k)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4
      k++
    } else n += 3
  }
  return n <= bytes
}

interface Argument {
  recipient: string
  /** Where the argument ends in the line. */
  end: number
  /** Where the message that follows starts (the line's length when there is none). */
  message: number
}

/**
 * The argument of a rejected RCPT, as Exim logged it: the client's text, at most 100 bytes of it.
 * An `<address>` ends at its closing `>` (found as Exim's parser finds it); an argument cut at the
 * limit ends there; an address without brackets at its first space. A message may follow (`: `).
 */
function rejectedArgument(s: string, a: number): Argument | null {
  if (s.charCodeAt(a) === 60) {
    let close = closingBracket(s, a, Math.min(s.length, a + RCPT_ARG_LIMIT))
    // The closing `>` must lie within the bytes Exim logged (cheap: the argument is mostly short).
    // (A UTF-16 unit takes at most 3 bytes: a short argument fits without counting.)
    if (close !== -1 && (close + 1 - a) * 3 > RCPT_ARG_LIMIT && !fitsBytes(s, a, close + 1, RCPT_ARG_LIMIT)) close = -1
    const m = close === -1 ? -1 : messageAt(s, close + 1)
    if (m !== -1) return {recipient: s.slice(a + 1, close), end: close + 1, message: m}
    const cut = afterBytes(s, a, RCPT_ARG_LIMIT)
    const mc = messageAt(s, cut)
    if (mc !== -1 && Buffer.byteLength(s.slice(a, cut)) === RCPT_ARG_LIMIT) {
      return {recipient: s.slice(a + 1, cut), end: cut, message: mc}
    }
    return null
  }
  const e = bareAddressEnd(s, a)
  const m = messageAt(s, e)
  return m === -1 || e === a ? null : {recipient: s.slice(a, e), end: e, message: m}
}

const DISCARD_MARK = `: ${PHRASES.discarded}`
// An ESMTP option after the address: NOTIFY=NEVER, ORCPT=rfc822;a@b.
const OPTION = / [A-Za-z][A-Za-z0-9-]*=(?:[^ :]|:(?! ))*/y

/** A discarded RCPT's argument (logged whole, with ESMTP options) and what follows it. */
function discardedArgument(s: string, a: number): Argument | null {
  let end: number
  let recipient: string
  if (s.charCodeAt(a) === 60) {
    const close = closingBracket(s, a)
    if (close === -1) return null
    recipient = s.slice(a + 1, close)
    end = close + 1
  } else {
    end = bareAddressEnd(s, a)
    recipient = s.slice(a, end)
  }
  let k = end
  for (OPTION.lastIndex = k; !s.startsWith(DISCARD_MARK, k) && OPTION.test(s); OPTION.lastIndex = k)
    k = OPTION.lastIndex
  if (!s.startsWith(DISCARD_MARK, k)) return null
  const m = messageAt(s, k + DISCARD_MARK.length)
  return m === -1 || recipient === '' ? null : {recipient, end, message: m}
}

/** One way of reading a line: the HELO ending at `heloEnd`, and what follows from there. */
interface Reading {
  line: AclLine
  heloEnd: number
  /** Where the verb starts: from there to the argument's end is what a copy inside an address would repeat. */
  verbAt: number
  argAt: number
  argEnd: number
}

function readAs(s: string, text: number, heloEnd: number, strict: boolean): Reading | null {
  const id = parseIdentity(s, text, heloEnd, strict)
  let v = id.end
  const verbAt = v
  let temporary = false
  if (s.startsWith(PHRASES.temporarilyRejected, v)) {
    temporary = true
    v += PHRASES.temporarilyRejected.length
  } else if (s.startsWith(PHRASES.rejected, v)) {
    v += PHRASES.rejected.length
  } else if (s.startsWith(PHRASES.rcpt, v)) {
    // A discard names no verb before the argument: `RCPT <r>: discarded by RCPT ACL`.
    const arg = discardedArgument(s, v + PHRASES.rcpt.length)
    if (arg === null) return null
    const line: AclLine = {
      id,
      verb: 'discarded',
      temporary: false,
      stage: 'rcpt',
      recipient: arg.recipient,
      message: s.slice(arg.message),
    }
    return reading(line, heloEnd, verbAt, v + PHRASES.rcpt.length, arg)
  } else return null
  if (s.startsWith(PHRASES.rcpt, v)) {
    const a = v + PHRASES.rcpt.length
    const arg = rejectedArgument(s, a)
    if (arg === null) return null
    const line: AclLine = {
      id,
      verb: 'rejected',
      temporary,
      stage: 'rcpt',
      recipient: arg.recipient,
      message: s.slice(arg.message),
    }
    return reading(line, heloEnd, verbAt, a, arg)
  }
  if (s.startsWith(PHRASES.afterData, v)) {
    let after = v + PHRASES.afterData.length
    if (s.startsWith(' PRDR', after)) after += 5
    const m = messageAt(s, after)
    if (m === -1) return null
    const line: AclLine = {id, verb: 'rejected', temporary, stage: 'data', recipient: '', message: s.slice(m)}
    return reading(line, heloEnd, verbAt, after, {recipient: '', end: after, message: m})
  }
  return null
}

function reading(line: AclLine, heloEnd: number, verbAt: number, argAt: number, arg: Argument): Reading {
  return {line, heloEnd, verbAt, argAt, argEnd: arg.end}
}

/** The bracketed fields of a reading (sender, recipient): client text, quoted or not. */
function fieldsOf(r: Reading): [number, number][] {
  const fields: [number, number][] = [[r.argAt, r.argEnd]]
  const {sender, senderAt} = r.line.id
  if (senderAt !== -1 && sender !== null) fields.push([senderAt, senderAt + (sender === '<>' ? 0 : sender.length) + 2])
  return fields
}

/** The sender's and recipient's text, unquoted, as an ACL message would echo them. */
const echoOf = (r: Reading): string => `${unquote(r.line.id.sender ?? '')}\n${unquote(r.line.recipient)}`

/** Whether the identity block at `text` is followed by an ACL's verb (what an unreadable event line has). */
export function hasAclVerb(s: string, text: number): boolean {
  const v = parseIdentity(s, text).end
  return (
    s.startsWith(PHRASES.temporarilyRejected + PHRASES.rcpt, v) ||
    s.startsWith(PHRASES.rejected + PHRASES.rcpt, v) ||
    (s.startsWith(PHRASES.rcpt, v) && s.includes(DISCARD_MARK, v))
  )
}

/**
 * Reads a line an ACL wrote: `<identity> [temporarily ]rejected RCPT <r>[: msg]`,
 * `<identity> [temporarily ]rejected after DATA[: msg]`, or `<identity> RCPT <r>[ options]:
 * discarded by RCPT ACL[: msg]`, left to right, field by field: the verb is where the identity
 * block ends, never a phrase found inside an address. null when the line is none of these.
 *
 * A junk HELO (helo_accept_junk_hosts) may hold `) [ip] F=<...> ... rejected RCPT <...>` itself,
 * and so may an address an ACL message echoes. Each `) [` the HELO may end at is tried; of the
 * readings of the whole line, the one whose HELO ends at the last `) [` wins, unless that `) [`
 * lies inside an address of an earlier reading, or repeats what one of its addresses holds.
 */
export function readAclLine(s: string, text: number): AclLine | null {
  // Mostly the HELO (if any) holds no `) [`, and there is one way to read the line; its sender
  // is whatever F=<...> holds (an address Exim's parser made, or text of other writers).
  const first = readAs(s, text, -1, false)
  const heloEnd = first?.line.id.heloEnd ?? -1
  if (first !== null && (heloEnd === -1 || s.indexOf(') [', heloEnd + 1) === -1)) return first.line
  const ends = heloEnds(s, text)
  if (ends.length <= 1) return first?.line ?? null
  // Every reading needs an argument: lines of other rejections (EHLO, MAIL, connection) end here.
  if (!s.includes(PHRASES.rcpt, text) && !s.includes(PHRASES.afterData, text)) return null
  // Readings compete: senders as Exim's parser makes them first (a junk HELO cannot open one);
  // failing that, any text in F=<...>, when that is where the strict reading stopped.
  const strict = chooseReading(s, text, ends, true)
  if (strict !== null) return strict
  const stop = parseIdentity(s, text).end
  return s.startsWith('F=<', stop) ? chooseReading(s, text, ends, false) : null
}

function chooseReading(s: string, text: number, ends: readonly number[], strict: boolean): AclLine | null {
  const readings: Reading[] = []
  for (const e of ends) {
    const r = readAs(s, text, e, strict)
    if (r !== null) readings.push(r)
  }
  let chosen: Reading | null = null
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!
    const copy = s.slice(r.verbAt, r.argEnd)
    const shadowed = readings
      .slice(0, i)
      .some((e) => fieldsOf(e).some(([a, b]) => r.heloEnd > a && r.heloEnd < b) || echoOf(e).includes(copy))
    if (!shadowed) chosen = r
  }
  return chosen?.line ?? null
}

/** The incorrect-digit line: `<phrase>2) in "<msg>"`. */
export function readIncorrectDigit(s: string, text: number): IncorrectDigit | null {
  if (!s.startsWith(PHRASES.incorrectDigit, text)) return null
  const d = text + PHRASES.incorrectDigit.length
  if (!s.startsWith(') in "', d + 1)) return null
  const q = d + 7
  const end = s.endsWith('"') && s.length > q ? s.length - 1 : s.length
  let message = s.slice(q, end)
  // 4.99+ quotes with %q, escaping `"` and `\`; up to 4.98 the text is raw.
  if (message.includes('\\')) message = message.replace(/\\(["\\])/g, '$1')
  return {expected: s.charAt(d), message}
}

export interface DeliveryFailure {
  /** `**` (failed, bounced) rather than `==` (deferred). */
  failed: boolean
  /** The recipient: as the client wrote it when Exim logged that too (quoted), else as delivered to. */
  address: string
  /** The original address when Exim logged one (`== final <original> ...`). */
  original: string
  /** The server that refused the delivery (H=), empty for local transports. */
  id: Identity | null
  /** The text after the routing, transport and host fields. */
  message: string
}

// What Exim writes after a delivery's address: routing, transport, sender, return path, queue.
const AFTER_ADDRESS = / (?:R=|T=|F=<|P=<|Q=|H=|routing |defer \(|\()|$/y

/**
 * A delivery's address and the original after it, when the local part was written quoted: Exim
 * logs the local part unquoted (deliver.c), so it may hold spaces, `R=`, `T=` and whole failure
 * messages, and then adds the original, `<"...">`, which unquoted is the address. Of the pairs
 * that fit, the last one followed by Exim's own fields: text before it is the address's own.
 */
function quotedPair(s: string, a: number): {address: string; original: string; end: number} | null {
  let found: {address: string; original: string; end: number} | null = null
  for (let p = s.indexOf(' <', a); p !== -1; p = s.indexOf(' <', p + 1)) {
    const close = closingBracket(s, p + 1)
    if (close === -1) continue
    const original = s.slice(p + 2, close)
    const address = s.slice(a, p)
    if (original === address || unquote(original).toLowerCase() !== address.toLowerCase()) continue
    AFTER_ADDRESS.lastIndex = close + 1
    if (AFTER_ADDRESS.test(s)) found = {address, original, end: close + 1}
  }
  return found
}

/**
 * `== addr [<orig>] R=.. T=.. defer (n)[ H=..]: message` and `** addr [<orig>] R=.. T=..[ H=..]: message`
 * (4.99+: ` : `).
 */
export function readDeliveryFailure(s: string, text: number): DeliveryFailure | null {
  const f = s.charCodeAt(text)
  if ((f !== 61 && f !== 42) || s.charCodeAt(text + 1) !== f || s.charCodeAt(text + 2) !== 32) return null
  const a = text + 3
  let address: string
  let original = ''
  let e: number
  const pair = s.includes('"', a) || s.includes('\\', a) ? quotedPair(s, a) : null
  if (pair !== null) {
    // The client's own spelling, as RCPT lines show it.
    address = pair.original
    original = pair.original
    e = pair.end
  } else {
    e = s.indexOf(' ', a)
    if (e === -1) e = s.length
    address = s.slice(a, e)
    if (s.charCodeAt(e + 1) === 60) {
      const close = closingBracket(s, e + 1)
      if (close !== -1) {
        original = s.slice(e + 2, close)
        e = close + 1
      }
    }
  }
  // A remote (or LMTP-over-TCP) delivery names its server with H=, whose DN="..." may hold `: `.
  let id: Identity | null = null
  let colon = s.indexOf(': ', e)
  const h = s.indexOf(' H=', e)
  if (h !== -1 && (colon === -1 || h < colon)) {
    id = parseIdentity(s, h + 1)
    colon = s.indexOf(': ', id.end)
  }
  return {failed: f === 42, address, original, id, message: colon === -1 ? '' : s.slice(colon + 2)}
}

// RFC 3463 X.2.2 is "mailbox full"; the rest are the words Dovecot, Exim's appendfile and common
// servers use for an over-quota mailbox.
const QUOTA_TEXT = /quota|mailbox (?:is )?full|mailbox for user is full|\b[45]\.2\.2\b/i

export function isQuotaFailure(message: string): boolean {
  const m = message.length > 2000 ? message.slice(0, 2000) : message
  // Most failures say nothing of quota at all; the rest are looked at without their addresses.
  return QUOTA_TEXT.test(m) && QUOTA_TEXT.test(withoutAddresses(m))
}

/**
 * The message without the `<addresses>` it quotes (`after RCPT TO:<...>: 452 ...`): an address is
 * whatever the sender chose, and may say "Mailbox is full" itself.
 */
function withoutAddresses(message: string): string {
  let out = ''
  let from = 0
  for (let lt = message.indexOf('<'); lt !== -1; lt = message.indexOf('<', from)) {
    const close = closingBracket(message, lt)
    if (close === -1) break
    out += message.slice(from, lt + 1)
    from = close
  }
  return from === 0 ? message : out + message.slice(from)
}

/** The SMTP/LMTP reply code inside a delivery failure message (`...: 452 4.2.2 ...`), or ''. */
export function replyCode(message: string): string {
  for (let i = message.indexOf(': '); i !== -1; i = message.indexOf(': ', i + 2)) {
    const c = message.slice(i + 2, i + 6)
    if (/^[245]\d\d[ -]$/.test(c)) return c.slice(0, 3)
  }
  return /^[245]\d\d[ -]/.test(message) ? message.slice(0, 3) : ''
}
