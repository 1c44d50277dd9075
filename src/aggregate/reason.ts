// Normalises an ACL message into a reason shared by all the events it was written for:
// addresses, IP addresses, message ids and numbers become placeholders; SMTP and enhanced
// status codes stay. One forward pass over the text, no regex on it: the text is client-made.

import {ownString} from './own-string.js'

const MAX_REASON = 300

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

// Characters that end a word: whitespace, brackets, quotes and list punctuation.
const SEPARATORS = new Set([32, 9, 60, 62, 40, 41, 91, 93, 123, 125, 34, 39, 44, 59, 61])

/** Length of the run of 1-3 ASCII digits at `i` that ends at `end` or a `.`, or 0. */
function digitRun(w: string, i: number): number {
  let k = i
  while (k < w.length && k - i < 4 && isDigit(w.charCodeAt(k))) k++
  const n = k - i
  return n >= 1 && n <= 3 && (k === w.length || w.charCodeAt(k) === 46) ? n : 0
}

// These run on every word of every message: by character, without split, regex or spread.

/** `d.d.d` with 1-3 digit parts, the first 2, 4 or 5: an enhanced status code (RFC 3463). */
function isEnhancedCode(w: string): boolean {
  const c = w.charCodeAt(0)
  if ((c !== 50 && c !== 52 && c !== 53) || w.charCodeAt(1) !== 46) return false
  const a = digitRun(w, 2)
  if (a === 0 || 2 + a === w.length) return false
  const b = digitRun(w, 3 + a)
  return b !== 0 && 3 + a + b === w.length
}

/** Four dot-separated parts of 1-3 digits, with anything after a `:` (a port) left out. */
function isIPv4(w: string): boolean {
  const colon = w.indexOf(':')
  const host = colon === -1 ? w : w.slice(0, colon)
  let i = 0
  for (let part = 0; part < 4; part++) {
    const n = digitRun(host, i)
    if (n === 0) return false
    i += n + 1
  }
  return i === host.length + 1
}

function isIPv6(w: string): boolean {
  let colons = 0
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c === 58) colons++
    else if (!isHex(c) && c !== 46) return false
  }
  return colons >= 2
}

function isMessageId(w: string): boolean {
  return (w.length === 16 && w[6] === '-' && w[13] === '-') || (w.length === 23 && w[6] === '-' && w[18] === '-')
}

function isNumber(w: string): boolean {
  let digits = 0
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (isDigit(c)) digits++
    else if (c !== 46 && c !== 58 && c !== 45 && c !== 37) return false
  }
  return digits > 0
}

/** A long token mixing letters and digits without dots: a queue id or hash of some other system. */
function isOpaqueId(w: string): boolean {
  if (w.length < 12 || w.includes('.')) return false
  let digits = 0
  let alpha = 0
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (isDigit(c)) digits++
    else if (isAlpha(c)) alpha++
  }
  return digits >= 3 && alpha >= 1
}

function placeholder(w: string, wrapped: boolean): string | null {
  let name: string | null = null
  if (w.includes('@')) name = 'addr'
  else if (isEnhancedCode(w)) return null
  else if (isIPv4(w) || isIPv6(w)) name = 'ip'
  else if (isMessageId(w)) name = 'id'
  else if (isNumber(w)) name = 'n'
  else if (isOpaqueId(w)) name = 'id'
  if (name === null) return null
  return wrapped ? name : `<${name}>`
}

/** Length of a leading `ddd ` code and an optional enhanced code after it. */
function leadingCodes(s: string): number {
  if (s.length < 4 || !isDigit(s.charCodeAt(0)) || !isDigit(s.charCodeAt(1)) || !isDigit(s.charCodeAt(2))) return 0
  if (s.charCodeAt(3) !== 32 && s.charCodeAt(3) !== 45) return 0
  let n = 4
  const sp = s.indexOf(' ', n)
  const w = s.slice(n, sp === -1 ? s.length : sp)
  if (isEnhancedCode(w)) n += w.length
  return n
}

// The same few messages come back again and again (one per recipient, at most): remember them.
const cache = new Map<string, string>()
const CACHE_LIMIT = 20_000

export function normalizeReason(msg: string): string {
  let r = cache.get(msg)
  if (r === undefined) {
    // Copies: kept strings must not hold on to the log lines they were cut from.
    r = ownString(normalize(msg))
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(ownString(msg), r)
  }
  return r
}

function normalize(msg: string): string {
  const s = msg.length > MAX_REASON * 4 ? msg.slice(0, MAX_REASON * 4) : msg
  const head = leadingCodes(s)
  let out = s.slice(0, head)
  let i = head
  while (i < s.length && out.length < MAX_REASON) {
    const c = s.charCodeAt(i)
    if (SEPARATORS.has(c)) {
      out += s[i]
      i++
      continue
    }
    let j = i
    while (j < s.length && !SEPARATORS.has(s.charCodeAt(j))) j++
    // Trailing punctuation belongs to the sentence, not the word.
    let e = j
    while (e > i && (s.charCodeAt(e - 1) === 46 || s.charCodeAt(e - 1) === 58 || s.charCodeAt(e - 1) === 44)) e--
    const word = s.slice(i, e)
    // `"quoted local part"@domain`: drop the quoted part already written, the address is one word.
    if (word.charCodeAt(0) === 64 && out.endsWith('"')) {
      const open = out.lastIndexOf('"', out.length - 2)
      if (open >= head) out = out.slice(0, open)
    }
    const before = i > 0 ? s.charCodeAt(i - 1) : 0
    const after = j < s.length ? s.charCodeAt(j) : 0
    const wrapped = e === j && ((before === 60 && after === 62) || (before === 91 && after === 93))
    // Keep an SMTP reply code quoted inside a message (`...: 450 not right now`).
    const keep =
      word.length === 3 &&
      word.charCodeAt(0) >= 50 &&
      word.charCodeAt(0) <= 53 &&
      isDigit(word.charCodeAt(1)) &&
      isDigit(word.charCodeAt(2)) &&
      (after === 32 || after === 45) &&
      e === j &&
      i >= 2 &&
      s.charCodeAt(i - 2) === 58 &&
      before === 32
    const ph = keep ? null : placeholder(word, wrapped)
    out += ph ?? word
    out += s.slice(e, j)
    i = j
  }
  return out.length > MAX_REASON ? out.slice(0, MAX_REASON) + '…' : out
}
