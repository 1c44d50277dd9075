// Remembers what the main log said so that the copies Exim also writes to the reject log
// (rejections, discards) and the panic log (incorrect-digit lines) are counted once.
// A multiset: two identical events in the main log stay two, and each copy cancels one.
// Keys are 53-bit hashes, so memory stays small on logs with millions of events.

/** cyrb53: a fast, well-mixed 53-bit string hash. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

export class SeenEvents {
  private readonly counts = new Map<number, number>()

  add(key: string): void {
    const h = hash53(key)
    this.counts.set(h, (this.counts.get(h) ?? 0) + 1)
  }

  /** Cancels one remembered occurrence of `key`; false when there is none left. */
  take(key: string): boolean {
    const h = hash53(key)
    const n = this.counts.get(h)
    if (n === undefined) return false
    if (n === 1) this.counts.delete(h)
    else this.counts.set(h, n - 1)
    return true
  }

  dump(): [number, number][] {
    return [...this.counts]
  }

  absorb(d: [number, number][]): void {
    for (const [h, n] of d) this.counts.set(h, (this.counts.get(h) ?? 0) + n)
  }

  get size(): number {
    return this.counts.size
  }
}
