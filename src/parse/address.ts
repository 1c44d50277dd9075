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
