// Reads a JSON report for merge without making all of it objects at once: the report is parsed
// as JSON.parse would, except that the group lists (`groups`, each of `tables`) are left as text
// and each group is parsed when it is asked for. A report of a million groups then costs its text
// and the offsets of its groups, and each group's object lives only while it is looked at, where
// parsing it whole made millions of objects that all outlived many collections. Any text this
// reader does not follow step by step (not JSON, or not shaped like a report) is parsed whole,
// so that what it is read as, and the error it gives, is JSON.parse's. A group that is not JSON
// is found when it is first parsed (merge checks every group before it adds any): `notJson` then
// gives JSON.parse's error for the whole text.

import type {JsonGroup, JsonReport} from '../render/json-schema.js'

/** A JSON array of a text, read one element at a time. */
export class LazyList<T> {
  constructor(
    private readonly text: string,
    /** Where element i starts and ends: offsets 2i and 2i + 1. */
    private readonly bounds: Int32Array,
    readonly length: number,
  ) {}

  at(i: number): T {
    return JSON.parse(this.text.slice(this.bounds[2 * i]!, this.bounds[2 * i + 1]!)) as T
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

/** `text` as JSON.parse reads it, the group lists as LazyLists (see above). Throws JSON.parse's error. */
export function parseReport(text: string): unknown {
  return readTop(text) ?? JSON.parse(text)
}

/** The error JSON.parse gives for `text`, which holds an element that is not JSON. */
export function notJson(text: string): Error {
  try {
    JSON.parse(text)
  } catch (err) {
    return err as Error
  }
  return new SyntaxError('not JSON')
}

/** Skips JSON whitespace. */
function ws(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i)
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i
    i++
  }
}

/** The end of the string that starts at `i` (its opening quote), or -1. */
function stringEnd(s: string, i: number): number {
  for (let from = i + 1; ;) {
    const q = s.indexOf('"', from)
    if (q === -1) return -1
    let slashes = 0
    while (s.charCodeAt(q - 1 - slashes) === 92) slashes++
    if (slashes % 2 === 0) return q + 1
    from = q + 1
  }
}

/** The end of the value that starts at `i`, or -1: only as far as finding it needs; JSON.parse checks it. */
function valueEnd(s: string, i: number): number {
  let c = s.charCodeAt(i)
  if (c === 34) return stringEnd(s, i)
  if (c === 123 || c === 91) {
    let depth = 0
    for (;;) {
      c = s.charCodeAt(i)
      if (c === 34) {
        i = stringEnd(s, i)
        if (i === -1) return -1
        continue
      }
      if (c === 123 || c === 91) depth++
      else if (c === 125 || c === 93) {
        if (--depth === 0) return i + 1
      } else if (c !== c) return -1
      i++
    }
  }
  // A number, true, false, null.
  while (i < s.length) {
    c = s.charCodeAt(i)
    if (c === 44 || c === 93 || c === 125 || c === 32 || c === 10 || c === 13 || c === 9) break
    i++
  }
  return i
}

/** The array that starts at `i`, as a LazyList, and where it ends; null where it is not followed. */
function readList(s: string, i: number): [LazyList<unknown>, number] | null {
  let bounds = new Int32Array(1024)
  let n = 0
  i = ws(s, i + 1)
  if (s.charCodeAt(i) === 93) return [new LazyList(s, bounds, 0), i + 1]
  for (;;) {
    const end = valueEnd(s, i)
    if (end === -1) return null
    if (2 * n + 2 > bounds.length) {
      const more = new Int32Array(bounds.length * 2)
      more.set(bounds)
      bounds = more
    }
    bounds[2 * n] = i
    bounds[2 * n + 1] = end
    n++
    i = ws(s, end)
    const c = s.charCodeAt(i)
    if (c === 93) return [new LazyList(s, bounds, n), i + 1]
    if (c !== 44) return null
    i = ws(s, i + 1)
  }
}

/** The object that starts at `i`, members named in `lazy` read as lists; null where it is not followed. */
function readObject(s: string, i: number, lazy: (key: string) => boolean): [Record<string, unknown>, number] | null {
  const o: Record<string, unknown> = {}
  i = ws(s, i + 1)
  if (s.charCodeAt(i) === 125) return [o, i + 1]
  for (;;) {
    if (s.charCodeAt(i) !== 34) return null
    const keyEnd = stringEnd(s, i)
    if (keyEnd === -1) return null
    const key = JSON.parse(s.slice(i, keyEnd)) as string
    // JSON.parse makes `__proto__` a member; an assignment would not.
    if (key === '__proto__') return null
    i = ws(s, keyEnd)
    if (s.charCodeAt(i) !== 58) return null
    i = ws(s, i + 1)
    const c = s.charCodeAt(i)
    if (lazy(key) && c === 91) {
      const list = readList(s, i)
      if (list === null) return null
      ;[o[key], i] = list
    } else if (key === 'tables' && lazy(key) && c === 123) {
      const tables = readObject(s, i, () => true)
      if (tables === null) return null
      ;[o[key], i] = tables
    } else {
      const end = valueEnd(s, i)
      if (end === -1) return null
      try {
        o[key] = JSON.parse(s.slice(i, end))
      } catch {
        return null
      }
      i = end
    }
    i = ws(s, i)
    const sep = s.charCodeAt(i)
    if (sep === 125) return [o, i + 1]
    if (sep !== 44) return null
    i = ws(s, i + 1)
  }
}

function readTop(s: string): Record<string, unknown> | null {
  const i = ws(s, 0)
  if (s.charCodeAt(i) !== 123) return null
  const read = readObject(s, i, (key) => LAZY.has(key))
  if (read === null || ws(s, read[1]) !== s.length) return null
  return read[0]
}

/** A JSON report as merge reads it: its group lists parsed group by group. */
export type ReadReport = Omit<JsonReport, 'groups' | 'tables'> & {
  groups: List<JsonGroup>
  tables?: Record<string, List<JsonGroup>>
}
