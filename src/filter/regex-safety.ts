// A user's --reason /regex/ runs on every event's message, which a client wrote. JavaScript's
// regex engine backtracks: a repeated group that itself holds a repetition or alternatives
// (/(a+)+$/, /(a|aa)*$/) can take exponential time on a message made to hit it, with the process
// deaf to Ctrl-C meanwhile. Such patterns, and backreferences, are refused up front; everything
// else a filter needs (classes, anchors, alternatives, repeated atoms and plain groups) is allowed.

interface Frame {
  /** The group holds a repetition or alternatives (directly or in a nested group). */
  risky: boolean
}

/** Why `source` is refused, or null when it runs without exponential backtracking. */
export function backtrackRisk(source: string): string | null {
  const stack: Frame[] = [{risky: false}]
  // What the last atom was: a group (with its frame), or anything else.
  let lastGroup: Frame | null = null
  let lastAtom = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (c === '\\') {
      const d = source[i + 1] ?? ''
      if (/[1-9]/.test(d) || (d === 'k' && source[i + 2] === '<')) return 'a backreference'
      i++
      lastGroup = null
      lastAtom = true
      continue
    }
    if (c === '[') {
      // A class is one atom: skip to its end.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++
      lastGroup = null
      lastAtom = true
      continue
    }
    if (c === '(') {
      stack.push({risky: false})
      lastGroup = null
      lastAtom = false
      continue
    }
    if (c === ')') {
      const frame = stack.length > 1 ? stack.pop()! : stack[0]!
      if (frame.risky) stack[stack.length - 1]!.risky = true
      lastGroup = frame
      lastAtom = true
      continue
    }
    if (c === '|') {
      stack[stack.length - 1]!.risky = true
      lastGroup = null
      lastAtom = false
      continue
    }
    const quantifier = quantifierAt(source, i)
    if (quantifier !== null && lastAtom) {
      if (quantifier.unbounded && lastGroup?.risky) return 'a repeated group that holds a repetition or alternatives'
      stack[stack.length - 1]!.risky = true
      i = quantifier.end - 1
      // A lazy or possessive mark after the quantifier belongs to it.
      if (source[i + 1] === '?') i++
      lastGroup = null
      lastAtom = false
      continue
    }
    lastGroup = null
    lastAtom = true
  }
  return null
}

/** A quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`): where it ends and whether it repeats without a small bound. */
function quantifierAt(s: string, i: number): {end: number; unbounded: boolean} | null {
  const c = s[i]
  if (c === '*' || c === '+') return {end: i + 1, unbounded: true}
  if (c === '?') return {end: i + 1, unbounded: false}
  if (c !== '{') return null
  const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i))
  if (m === null) return null
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3])
  // A few repeats of a risky group are polynomial at worst on a message of a few hundred bytes.
  return {end: i + m[0].length, unbounded: max > 10}
}
