// Case-insensitive shell globs (`*`, `?`) matched without a regex: the text matched is client-made
// (addresses, HELO names), and a glob turned into a regex can backtrack badly. Greedy star with a
// single backtrack point: O(text x pattern) at worst.

export type Matcher = (text: string) => boolean

export function globMatcher(pattern: string): Matcher {
  const p = pattern.toLowerCase()
  return (text: string) => globMatch(p, text.toLowerCase())
}

export function globMatch(p: string, t: string): boolean {
  let pi = 0
  let ti = 0
  let star = -1
  let mark = 0
  while (ti < t.length) {
    const pc = p.charCodeAt(pi)
    if (pi < p.length && (pc === 63 || pc === t.charCodeAt(ti))) {
      pi++
      ti++
    } else if (pi < p.length && pc === 42) {
      star = pi++
      mark = ti
    } else if (star !== -1) {
      pi = star + 1
      ti = ++mark
    } else return false
  }
  while (pi < p.length && p.charCodeAt(pi) === 42) pi++
  return pi === p.length
}
