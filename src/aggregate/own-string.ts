// Copies of strings cut from log lines, for strings kept as long as the report (group keys,
// normalised reasons).

// Room for any string ownString copies through bytes: up to 3 bytes per UTF-16 code unit.
const scratch = Buffer.allocUnsafe(64 * 1024)
const SCRATCH_CHARS = Math.floor(scratch.length / 3)
// (String#isWellFormed would tell pairs from lone ones, but Node 18 has no such method.)
const SURROGATE = /[\uD800-\uDFFF]/

/**
 * A flat copy of `s` that does not share memory with the line it was cut from: V8 keeps a sliced
 * string's whole parent alive, and group keys live as long as the report. Flat, not a slice of a
 * copy: sorting a report's groups compares flat strings twice as fast, and they take less room.
 * Through UTF-8 bytes when that is surely exact (no surrogates at all: none can be lone), else
 * through JSON.
 */
export function ownString(s: string): string {
  if (s.length < 13) return s
  if (s.length <= SCRATCH_CHARS && !SURROGATE.test(s)) {
    return scratch.toString('utf8', 0, scratch.write(s, 0, 'utf8'))
  }
  return JSON.parse(JSON.stringify(s)) as string
}
