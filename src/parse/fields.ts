// The identity block Exim writes before the verb of connection-time lines:
// `H=name (helo) [ip]:port I=[ip]:port U=ident Ci=id X=cipher CV=yes DN="..." SNI=.. F=<sender> A=auth SPF=..`
// in any order Exim writes them. Pure and linear: every scan moves forward; nothing here throws.

import {closingBracket, isMailbox} from './address.js'

export interface Identity {
  hostName: string
  helo: string
  ip: string
  port: string
  /** Envelope sender without brackets, '<>' for the null sender, null when no F= field. */
  sender: string | null
  /** Index of the sender's `<`, -1 when there is none. */
  senderAt: number
  /** Index of the `)` that ends the HELO, -1 when there is none. */
  heloEnd: number
  /** Login of a local (non-TCP) sender, from U= when there is no H=. */
  ident: string
  /** Index where the text after the identity block (the verb) starts. */
  end: number
}

// Fields whose value runs to the next space. Looked up by code, without cutting the key out:
// this runs for every candidate line.
const PLAIN_KEYS = new Set(['I', 'U', 'Ci', 'X', 'CV', 'A', 'P', 'S', 'SPF', 'DMARC', 'DKIM', 'SNI', 'R', 'T', 'DT'])
// Bare words Exim may write between the fields and the verb (selectors spf, dmarc, dnssec).
const BARE_WORDS = new Set(['SPF', 'DMARC', 'DS'])

/** `s.slice(i, e)` for short keys, interned through a small table so no string is made per line. */
function keyAt(s: string, i: number, e: number): string {
  switch (e - i) {
    case 1:
      return s[i]!
    case 2:
      return s.charCodeAt(i) === 67
        ? s.charCodeAt(i + 1) === 105
          ? 'Ci'
          : s.charCodeAt(i + 1) === 86
            ? 'CV'
            : '?'
        : s.charCodeAt(i) === 68
          ? s.charCodeAt(i + 1) === 78
            ? 'DN'
            : s.charCodeAt(i + 1) === 83
              ? 'DS'
              : s.charCodeAt(i + 1) === 84
                ? 'DT'
                : '?'
          : '?'
    default:
      return e - i <= 5 ? s.slice(i, e) : '?'
  }
}

/** Normalises an IPv4-mapped IPv6 address to plain IPv4, as Exim does for its own fields. */
export function plainIp(ip: string): string {
  if (
    ip.length > 7 &&
    (ip.charCodeAt(0) === 58 || ip.charCodeAt(0) === 48) &&
    /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.test(ip)
  ) {
    return ip.slice(ip.lastIndexOf(':') + 1)
  }
  return ip
}

/** Parses `[ip]` or `[ip]:port` at `i`; returns the index after it, or -1. */
function parseAddress(s: string, i: number, out: Identity): number {
  if (s.charCodeAt(i) !== 91) return -1
  const close = s.indexOf(']', i + 1)
  if (close === -1) return -1
  const ip = s.slice(i + 1, close)
  // Real addresses are hex digits, dots and colons, but test-suite logs mask them (V4NET.0.0.1,
  // ip4.ip4.ip4.ip4): accept any short word without blanks.
  if (ip.length === 0 || ip.length > 64 || /[\s[]/.test(ip)) return -1
  out.ip = plainIp(ip)
  let k = close + 1
  if (s.charCodeAt(k) === 58) {
    let q = k + 1
    while (q < s.length && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++
    if (q > k + 1) {
      out.port = s.slice(k + 1, q)
      k = q
    }
  }
  return k
}

/** Where a `(helo)` opens in the `H=` value at `i`, or -1 when there is none. */
function heloOpen(s: string, i: number): number {
  let k = i
  if (s.charCodeAt(k) !== 91 && s.charCodeAt(k) !== 40) {
    const sp = s.indexOf(' ', k)
    if (sp === -1) return -1
    k = sp + 1
  }
  return s.charCodeAt(k) === 40 ? k : -1
}

/**
 * The places where the HELO of the identity block at `i` may end: every `)` that is followed by
 * ` [` after the `(`. A HELO is client text (anything, with helo_accept_junk_hosts), so it may
 * hold `) [` itself; which of these is its end only the rest of the line can tell.
 */
export function heloEnds(s: string, i: number): readonly number[] {
  const at = s.charCodeAt(i) === 32 ? i + 1 : i
  // ` DS` (dnssec) runs into `H=`: `DSH=`.
  const h = s.startsWith('H=', at) ? at + 2 : s.startsWith('DSH=', at) ? at + 4 : -1
  const open = h === -1 ? -1 : heloOpen(s, h)
  if (open === -1) return NO_ENDS
  const ends: number[] = []
  for (let k = s.indexOf(') [', open + 1); k !== -1; k = s.indexOf(') [', k + 1)) ends.push(k)
  return ends
}

const NO_ENDS: readonly number[] = Object.freeze([])

/** `H=` value: `name [ip]`, `name (helo) [ip]`, `(helo) [ip]`, `[ip]`, each with optional `:port`. */
function parseHost(s: string, i: number, out: Identity, heloEnd: number): number {
  let k = i
  if (s.charCodeAt(k) !== 91 && s.charCodeAt(k) !== 40) {
    const sp = s.indexOf(' ', k)
    if (sp === -1) return -1
    out.hostName = s.slice(k, sp)
    k = sp + 1
  }
  if (s.charCodeAt(k) === 40) {
    // By default the first `) [`; the caller may try the others (see heloEnds).
    const close = heloEnd > k ? heloEnd : s.indexOf(') [', k + 1)
    if (close === -1 || !s.startsWith(') [', close)) return -1
    out.helo = s.slice(k + 1, close)
    out.heloEnd = close
    k = close + 2
  }
  return parseAddress(s, k, out)
}

/** Index of the end of a `"..."` value starting at `i` (the opening quote), honouring `\"`. */
function quotedEnd(s: string, i: number): number {
  let k = i + 1
  while (k < s.length) {
    const c = s.charCodeAt(k)
    if (c === 92) k += 2
    else if (c === 34) return k + 1
    else k++
  }
  return s.length
}

function wordEnd(s: string, i: number): number {
  const sp = s.indexOf(' ', i)
  return sp === -1 ? s.length : sp
}

/**
 * Reads the identity block starting at `i` and stops at the first word that is not one of its
 * fields. `heloEnd`: where the HELO ends (one of heloEnds), when not at its first `) [`.
 * `strictSender`: the sender must be an address Exim's parser could have made; else any text up
 * to the `>` that closes it (or the first `> `) is taken.
 */
export function parseIdentity(s: string, i: number, heloEnd = -1, strictSender = true): Identity {
  const out: Identity = {
    hostName: '',
    helo: '',
    ip: '',
    port: '',
    sender: null,
    senderAt: -1,
    heloEnd: -1,
    ident: '',
    end: i,
  }
  let k = i
  if (s.charCodeAt(k) === 32) k++
  out.end = k
  while (k < s.length) {
    let next = -1
    // The word runs to the next space; a field is `KEY=value` with a short key.
    let eq = -1
    let e = k
    const n = s.length
    while (e < n) {
      const c = s.charCodeAt(e)
      if (c === 32) break
      if (c === 61 && eq === -1) {
        eq = e
        if (e - k <= 5) break
      }
      e++
    }
    if (eq !== -1 && eq - k <= 5) {
      const key = keyAt(s, k, eq)
      const v = eq + 1
      if (key === 'H' || key === 'DSH') {
        next = parseHost(s, v, out, heloEnd)
      } else if (key === 'F') {
        if (s.charCodeAt(v) === 60) {
          // `<sender>` as Exim's parser left it: a quoted local part may hold `>`, spaces and
          // whole log phrases; the address ends at the `>` outside its quotes.
          let close = closingBracket(s, v)
          if (close === -1 && !strictSender) close = s.indexOf('> ', v)
          const sender = close === -1 ? '' : s.slice(v + 1, close)
          if (close !== -1 && (sender === '' || !strictSender || isMailbox(sender))) {
            out.sender = sender === '' ? '<>' : sender
            out.senderAt = v
            next = close + 1
          }
        } else {
          const we = wordEnd(s, v)
          out.sender = s.slice(v, we)
          next = we
        }
      } else if (key === 'DN' || (key === 'SNI' && s.charCodeAt(v) === 34)) {
        next = s.charCodeAt(v) === 34 ? quotedEnd(s, v) : wordEnd(s, v)
      } else if (PLAIN_KEYS.has(key)) {
        next = wordEnd(s, v)
        if (key === 'U' && out.ip === '') out.ident = s.slice(v, next)
      }
    } else if (eq === -1 && e - k <= 5) {
      if (BARE_WORDS.has(keyAt(s, k, e))) next = e
    }
    if (next === -1) break
    k = next
    out.end = k
    if (s.charCodeAt(k) !== 32) break
    k++
    out.end = k
  }
  return out
}
