// Addresses as Exim writes them into log lines, read the way Exim's own parser reads them: a
// local part may be a "quoted string" (anything but a bare `"`, with backslash pairs) or atoms
// with backslash pairs, so `>`, spaces and whole log phrases can sit inside an address. Pure;
// every scan moves forward and stops at the end of the text.

const QUOTE = 34
const BACKSLASH = 92
const OPEN_PAREN = 40
const CLOSE_PAREN = 41
const GT = 62

/**
 * Index of the `>` that closes the angle-bracketed address whose `<` is at `i`, or -1 when there
 * is none before `limit`. Quoted strings, backslash pairs and (comments) are skipped over, as
 * Exim's address parser skips them: a `>` inside them does not close the address.
 */
export function closingBracket(s: string, i: number, limit = s.length): number {
  // Most addresses hold no quote, backslash or comment: the first `>` closes them. (Searching for
  // each is cheaper than looking at every character.)
  const gt = s.indexOf('>', i + 1)
  if (gt === -1 || gt >= limit) return -1
  if (!before(s, '"', i, gt) && !before(s, '\\', i, gt) && !before(s, '(', i, gt)) return gt
  let k = i + 1
  let depth = 0
  while (k < limit) {
    const c = s.charCodeAt(k)
    if (c === BACKSLASH) k += 2
    else if (depth > 0) {
      if (c === OPEN_PAREN) depth++
      else if (c === CLOSE_PAREN) depth--
      k++
    } else if (c === QUOTE) {
      k = quotedEnd(s, k, limit)
      if (k === -1) return -1
    } else if (c === OPEN_PAREN) {
      depth = 1
      k++
    } else if (c === GT) return k
    else k++
  }
  return -1
}

/** Whether `c` occurs in `s` after `i` and before `end`. */
function before(s: string, c: string, i: number, end: number): boolean {
  const at = s.indexOf(c, i + 1)
  return at !== -1 && at < end
}

/** Index after the quoted string whose opening quote is at `i`, or -1 when it is not closed. */
function quotedEnd(s: string, i: number, limit: number): number {
  for (let k = i + 1; k < limit; k++) {
    const c = s.charCodeAt(k)
    if (c === BACKSLASH) k++
    else if (c === QUOTE) return k + 1
  }
  return -1
}

/**
 * End of an address written without brackets (`user@example.org`, `"a b"@example.org`) that starts
 * at `i`: the first space, or `: `, outside quotes; the end of the text at the latest.
 */
export function bareAddressEnd(s: string, i: number): number {
  let k = i
  while (k < s.length) {
    const c = s.charCodeAt(k)
    if (c === BACKSLASH) k += 2
    else if (c === QUOTE) {
      const e = quotedEnd(s, k, s.length)
      if (e === -1) return s.length
      k = e
    } else if (c === 32 || (c === 58 && s.charCodeAt(k + 1) === 32)) return k
    else k++
  }
  return Math.min(k, s.length)
}

/** The address with its quoting undone, as Exim's $local_part has it: quotes dropped, `\x` read as `x`. */
export function unquote(address: string): string {
  if (!address.includes('"') && !address.includes('\\')) return address
  let out = ''
  for (let k = 0; k < address.length; k++) {
    const c = address.charCodeAt(k)
    if (c === QUOTE) continue
    if (c === BACKSLASH && k + 1 < address.length) out += address[++k]
    else out += address[k]
  }
  return out
}

// A domain as Exim's parser leaves it: dot-separated atoms (no specials, blanks or controls) or a literal.
const DOMAIN = /^(?:\[[^\]\s\\]*\]|[^\s()<>,;:\\"[\]@\u0000-\u001f\u007f]+)$/

// Most addresses: dot-separated atoms of common characters, @, a domain name (by character code).
const ATEXT = new Uint8Array(128)
const HOST = new Uint8Array(128)
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-")
  ATEXT[c.charCodeAt(0)] = 1
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-') HOST[c.charCodeAt(0)] = 1

/** Whether `a` is a plain mailbox: `atom(.atom)*@host`, nothing quoted or escaped. */
function isPlainMailbox(a: string): boolean {
  const n = a.length
  let k = 0
  let afterDot = true
  for (; k < n; k++) {
    const c = a.charCodeAt(k)
    if (c === 64) break
    if (c === 46) {
      if (afterDot) return false
      afterDot = true
    } else if (c < 128 && ATEXT[c] === 1) afterDot = false
    else return false
  }
  if (k >= n - 1 || afterDot) return false
  for (k++; k < n; k++) {
    const c = a.charCodeAt(k)
    if (c >= 128 || HOST[c] !== 1) return false
  }
  return true
}

// What an unquoted atom of a local part cannot hold: controls, blank and specials (Exim's
// mac_iscntrl_or_special), by character code.
const NOT_ATOM = new Uint8Array(128)
for (let c = 0; c < 33; c++) NOT_ATOM[c] = 1
for (const c of '()<>@,;:\\".[]\u007f') NOT_ATOM[c.charCodeAt(0)] = 1

/** Whether `local` is a local part as Exim's parser leaves it: words (quoted strings or atoms with `\x` pairs) joined by dots. */
function isLocalPart(local: string): boolean {
  let k = 0
  let words = 0
  while (k < local.length) {
    const c = local.charCodeAt(k)
    if (c === 46) {
      k++
      continue
    }
    if (c === QUOTE) {
      const e = quotedEnd(local, k, local.length)
      if (e === -1) return false
      k = e
    } else {
      const start = k
      while (k < local.length && local.charCodeAt(k) !== 46) {
        if (local.charCodeAt(k) === BACKSLASH) k += 2
        else if (local.charCodeAt(k) < 128 && NOT_ATOM[local.charCodeAt(k)] === 1) return false
        else k++
      }
      if (k === start) return false
    }
    words++
    // A word ends at a dot or at the end.
    if (k < local.length && local.charCodeAt(k) !== 46) return false
  }
  return words > 0
}

/**
 * Whether `address` can be one Exim's parser made (an envelope sender): a local part of quoted
 * strings and atoms, `@`, and a domain. What a junk HELO pretends to open
 * (`F=<"a"@b.example) [ip] ...`) is not.
 */
export function isMailbox(address: string): boolean {
  if (isPlainMailbox(address)) return true
  // The @ that ends the local part: the first outside quotes and backslash pairs.
  for (let k = 0; k < address.length; k++) {
    const c = address.charCodeAt(k)
    if (c === BACKSLASH) k++
    else if (c === QUOTE) {
      const e = quotedEnd(address, k, address.length)
      if (e === -1) return false
      k = e - 1
    } else if (c === 64) return isLocalPart(address.slice(0, k)) && DOMAIN.test(address.slice(k + 1))
  }
  return false
}
