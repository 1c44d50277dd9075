// "Did you mean": the nearest of the names a word could have been meant as.

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The name `word` was most likely meant as: the only one it starts, else the nearest within a
 * third of its length (at least one edit); undefined when none is near.
 */
export function closest(word: string, names: readonly string[]): string | undefined {
  const w = word.toLowerCase()
  const prefixed = names.filter((n) => w.length >= 2 && n.startsWith(w))
  if (prefixed.length === 1) return prefixed[0]
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(w.length / 3)) + 1
  for (const n of names) {
    const distance = editDistance(w, n)
    if (distance < bestDistance) {
      best = n
      bestDistance = distance
    }
  }
  return best
}
