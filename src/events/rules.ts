// The line shapes that make events, one reader per shape. Each takes the decoded line and the
// index where its text starts (after timestamp, pid and id) and returns what it found, or null
// when the line is not of its shape. Pure; they never throw.

import {PHRASES} from '../kinds.js'
import {type Identity, parseIdentity} from '../parse/fields.js'

export interface Rejection {
  id: Identity
  temporary: boolean
  stage: 'rcpt' | 'data'
  /** Recipient as typed, without brackets ('' for DATA-time lines). */
  recipient: string
  message: string
}

export interface Discard {
  id: Identity
  recipient: string
  /** Text after the discard phrase and `: `, '' when none. */
  message: string
}

export interface IncorrectDigit {
  expected: string
  /** The configured message Exim quoted, unescaped. */
  message: string
}

// Exim logs at most 100 characters of the RCPT argument (smtp_in.c, `%.*s` with lim = 100).
const RCPT_ARG_LIMIT = 100

function messageAfter(s: string, i: number): string {
  return s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 32 ? s.slice(i + 2) : ''
}

/** A rejection at RCPT (`<identity> [temporarily ]<rejected> <RCPT> <r>[: msg]`) or at DATA. */
export function readRejection(s: string, text: number): Rejection | null {
  const id = parseIdentity(s, text)
  let v = id.end
  let temporary = false
  if (s.startsWith(PHRASES.temporarilyRejected, v)) {
    temporary = true
    v += PHRASES.temporarilyRejected.length
  } else if (s.startsWith(PHRASES.rejected, v)) {
    v += PHRASES.rejected.length
  } else return null

  if (s.startsWith(PHRASES.rcpt, v)) {
    const a = v + PHRASES.rcpt.length
    let recipient: string
    let after: number
    // `<addr>` ends at a `>` before `: ` or the line's end; a quoted local part may hold `>` itself.
    let close = -1
    if (s.charCodeAt(a) === 60) {
      close = s.indexOf('>: ', a + 1)
      if (close === -1 || close - a > RCPT_ARG_LIMIT + 1)
        close = s.endsWith('>') && s.length - 1 - a <= RCPT_ARG_LIMIT + 1 ? s.length - 1 : s.indexOf('>', a + 1)
    }
    if (close !== -1 && close - a <= RCPT_ARG_LIMIT + 1) {
      recipient = s.slice(a + 1, close)
      after = close + 1
    } else {
      // Unbracketed, or cut at the limit before its `>`: the argument ends at `: ` or the line's end.
      let e = s.indexOf(': ', a)
      if (e === -1) e = s.length
      recipient = s.slice(s.charCodeAt(a) === 60 ? a + 1 : a, e)
      after = e
    }
    return {id, temporary, stage: 'rcpt', recipient, message: messageAfter(s, after)}
  }
  if (s.startsWith(PHRASES.afterData, v)) {
    let after = v + PHRASES.afterData.length
    if (s.startsWith(' PRDR', after)) after += 5
    return {id, temporary, stage: 'data', recipient: '', message: messageAfter(s, after)}
  }
  return null
}

const DISCARD_MARK = `: ${PHRASES.discarded}`

/** A discard at RCPT: `<identity> <RCPT> <r>[ options]: <discarded>[: msg]`. */
export function readDiscard(s: string, text: number): Discard | null {
  const id = parseIdentity(s, text)
  const v = id.end
  if (!s.startsWith(PHRASES.rcpt, v)) return null
  const a = v + PHRASES.rcpt.length
  const mark = s.indexOf(DISCARD_MARK, a)
  if (mark === -1) return null
  // The argument is logged raw, with any ESMTP options (NOTIFY=, ORCPT=) after the address.
  let recipient: string
  if (s.charCodeAt(a) === 60) {
    const close = s.indexOf('>', a + 1)
    recipient = s.slice(a + 1, close !== -1 && close < mark ? close : mark)
  } else {
    const sp = s.indexOf(' ', a)
    recipient = s.slice(a, sp !== -1 && sp < mark ? sp : mark)
  }
  return {id, recipient, message: messageAfter(s, mark + DISCARD_MARK.length)}
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
  /** The address delivered to, as logged; '' when the line has none. */
  address: string
  /** The original address when Exim logged one (`== final <original> ...`). */
  original: string
  /** The server that refused the delivery (H=), empty for local transports. */
  id: Identity | null
  /** The text after the routing, transport and host fields. */
  message: string
}

/**
 * `== addr [<orig>] R=.. T=.. defer (n)[ H=..]: message` and `** addr [<orig>] R=.. T=..[ H=..]: message`
 * (4.99+: ` : `).
 */
export function readDeliveryFailure(s: string, text: number): DeliveryFailure | null {
  const f = s.charCodeAt(text)
  if ((f !== 61 && f !== 42) || s.charCodeAt(text + 1) !== f || s.charCodeAt(text + 2) !== 32) return null
  const a = text + 3
  let e = s.indexOf(' ', a)
  if (e === -1) e = s.length
  const address = s.slice(a, e)
  let original = ''
  if (s.charCodeAt(e + 1) === 60) {
    const close = s.indexOf('>', e + 2)
    if (close !== -1) {
      original = s.slice(e + 2, close)
      e = close + 1
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
  return QUOTA_TEXT.test(message.length > 2000 ? message.slice(0, 2000) : message)
}

/** The SMTP/LMTP reply code inside a delivery failure message (`...: 452 4.2.2 ...`), or ''. */
export function replyCode(message: string): string {
  for (let i = message.indexOf(': '); i !== -1; i = message.indexOf(': ', i + 2)) {
    const c = message.slice(i + 2, i + 6)
    if (/^[245]\d\d[ -]$/.test(c)) return c.slice(0, 3)
  }
  return /^[245]\d\d[ -]/.test(message) ? message.slice(0, 3) : ''
}
