// Reads a JSON report for merge without making all of it objects, nor even one string, at once:
// the report is parsed as JSON.parse would parse its text, except that the group lists (`groups`,
// each of `tables`) are left as bytes and each group is decoded and parsed when it is asked for.
// A report of a million groups then costs its bytes and the offsets of its groups, and each
// group's object lives only while it is looked at, where parsing it whole made millions of objects
// that all outlived many collections. Bytes this reader does not follow step by step (not JSON,
// or not shaped like a report) are decoded and parsed whole, so that what they are read as, and
// the error they give, is JSON.parse's. A group that is not JSON is found when it is first parsed
// (merge checks every group before it adds any): `notJson` then gives JSON.parse's error for the
// whole. Pieces cut at JSON's own punctuation (ASCII) decode as the whole does: no UTF-8 sequence
// holds an ASCII byte.

import type {JsonGroup, JsonReport} from '../render/json-schema.js'

const text = (b: Buffer, start = 0, end = b.length): string => b.toString('utf8', start, end)

/** A JSON array of a text, read one element at a time. */
export class LazyList<T> {
  constructor(
    private readonly bytes: Buffer,
    /** Where element i starts and ends: offsets 2i and 2i + 1. */
    private readonly bounds: Float64Array,
    readonly length: number,
  ) {}

  at(i: number): T {
    return JSON.parse(text(this.bytes, this.bounds[2 * i]!, this.bounds[2 * i + 1]!)) as T
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.at(i)
  }
}

/** A list of a report: an array, or a LazyList. */
export type List<T> = T[] | LazyList<T>

export const isList = (v: unknown): v is List<unknown> => Array.isArray(v) || v instanceof LazyList

/** The members of a report read lazily: its groups, and its tables' groups. */
const LAZY = new Set(['groups', 'tables'])

/** The UTF-8 JSON text in `bytes` as JSON.parse reads it, the group lists as LazyLists (see above). Throws JSON.parse's error. */
export function parseReport(bytes: Buffer): unknown {
  return readTop(bytes) ?? JSON.parse(text(bytes))
}

/** The error JSON.parse gives for `bytes`, which hold an element that is not JSON. */
export function notJson(bytes: Buffer): Error {
  try {
    JSON.parse(text(bytes))
  } catch (err) {
    return err as Error
  }
  return new SyntaxError('not JSON')
}

/** Skips JSON whitespace. */
function ws(b: Buffer, i: number): number {
  for (;;) {
    const c = b[i]
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i
    i++
  }
}

/** The end of the string that starts at `i` (its opening quote), or -1. */
function stringEnd(b: Buffer, i: number): number {
  for (let from = i + 1; ;) {
    const q = b.indexOf(34, from)
    if (q === -1) return -1
    let slashes = 0
    while (b[q - 1 - slashes] === 92) slashes++
    if (slashes % 2 === 0) return q + 1
    from = q + 1
  }
}

/** The end of the value that starts at `i`, or -1: only as far as finding it needs; JSON.parse checks it. */
function valueEnd(b: Buffer, i: number): number {
  const n = b.length
  let c = b[i]
  if (c === 34) return stringEnd(b, i)
  if (c === 123 || c === 91) {
    let depth = 0
    while (i < n) {
      c = b[i]
      if (c === 34) {
        i = stringEnd(b, i)
        if (i === -1) return -1
        continue
      }
      if (c === 123 || c === 91) depth++
      else if (c === 125 || c === 93) {
        if (--depth === 0) return i + 1
      }
      i++
    }
    return -1
  }
  // A number, true, false, null.
  while (i < n) {
    c = b[i]
    if (c === 44 || c === 93 || c === 125 || c === 32 || c === 10 || c === 13 || c === 9) break
    i++
  }
  return i
}

/** The array that starts at `i`, as a LazyList, and where it ends; null where it is not followed. */
function readList(b: Buffer, i: number): [LazyList<unknown>, number] | null {
  let bounds = new Float64Array(1024)
  let n = 0
  i = ws(b, i + 1)
  if (b[i] === 93) return [new LazyList(b, bounds, 0), i + 1]
  for (;;) {
    const end = valueEnd(b, i)
    if (end === -1) return null
    if (2 * n + 2 > bounds.length) {
      const more = new Float64Array(bounds.length * 2)
      more.set(bounds)
      bounds = more
    }
    bounds[2 * n] = i
    bounds[2 * n + 1] = end
    n++
    i = ws(b, end)
    const c = b[i]
    if (c === 93) return [new LazyList(b, bounds, n), i + 1]
    if (c !== 44) return null
    i = ws(b, i + 1)
  }
}

/** The object that starts at `i`, members named in `lazy` read as lists; null where it is not followed. */
function readObject(b: Buffer, i: number, lazy: (key: string) => boolean): [Record<string, unknown>, number] | null {
  const o: Record<string, unknown> = {}
  i = ws(b, i + 1)
  if (b[i] === 125) return [o, i + 1]
  for (;;) {
    if (b[i] !== 34) return null
    const keyEnd = stringEnd(b, i)
    if (keyEnd === -1) return null
    let key: string
    try {
      key = JSON.parse(text(b, i, keyEnd)) as string
    } catch {
      return null
    }
    // JSON.parse makes `__proto__` a member; an assignment would not.
    if (key === '__proto__') return null
    i = ws(b, keyEnd)
    if (b[i] !== 58) return null
    i = ws(b, i + 1)
    const c = b[i]
    if (lazy(key) && c === 91) {
      const list = readList(b, i)
      if (list === null) return null
      ;[o[key], i] = list
    } else if (key === 'tables' && lazy(key) && c === 123) {
      const tables = readObject(b, i, () => true)
      if (tables === null) return null
      ;[o[key], i] = tables
    } else {
      const end = valueEnd(b, i)
      if (end === -1) return null
      try {
        o[key] = JSON.parse(text(b, i, end))
      } catch {
        return null
      }
      i = end
    }
    i = ws(b, i)
    const sep = b[i]
    if (sep === 125) return [o, i + 1]
    if (sep !== 44) return null
    i = ws(b, i + 1)
  }
}

function readTop(b: Buffer): Record<string, unknown> | null {
  const i = ws(b, 0)
  if (b[i] !== 123) return null
  const read = readObject(b, i, (key) => LAZY.has(key))
  if (read === null || ws(b, read[1]) !== b.length) return null
  return read[0]
}

/** A JSON report as merge reads it: its group lists parsed group by group. */
export type ReadReport = Omit<JsonReport, 'groups' | 'tables'> & {
  groups: List<JsonGroup>
  tables?: Record<string, List<JsonGroup>>
}
