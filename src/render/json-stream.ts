// JSON written as it is made, byte for byte what JSON.stringify(value, null, 2) gives: a report
// of a million groups is never one string, nor a million objects alive at once.

import type {Writer} from './writer.js'

/** A list whose items are made one at a time, as they are written. */
export class LazyList<T> {
  constructor(
    readonly length: number,
    readonly at: (i: number) => T,
  ) {}

  toJSON(): T[] {
    return Array.from({length: this.length}, (_, i) => this.at(i))
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LazyList)

/** Writes `value` as JSON.stringify(value, null, 2) would, then a newline. */
export function writeJson(out: Writer, value: unknown): void {
  write(out, value, '')
  out.write('\n')
}

function write(out: Writer, v: unknown, pad: string): void {
  const inner = `${pad}  `
  if (v instanceof LazyList || Array.isArray(v)) {
    const at = v instanceof LazyList ? v.at : (i: number) => (v as unknown[])[i]
    if (v.length === 0) return out.write('[]')
    out.write('[')
    for (let i = 0; i < v.length; i++) {
      out.write(i === 0 ? `\n${inner}` : `,\n${inner}`)
      const item = at(i)
      // As JSON.stringify: an item that has no JSON form is null in an array.
      write(out, item === undefined || typeof item === 'function' ? null : item, inner)
    }
    return out.write(`\n${pad}]`)
  }
  if (isObject(v) && typeof v.toJSON !== 'function') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined && typeof v[k] !== 'function')
    if (keys.length === 0) return out.write('{}')
    out.write('{')
    keys.forEach((k, i) => {
      out.write(`${i === 0 ? '\n' : ',\n'}${inner}${JSON.stringify(k)}: `)
      write(out, v[k], inner)
    })
    return out.write(`\n${pad}}`)
  }
  out.write(JSON.stringify(v, null, 2).replace(/\n/g, `\n${pad}`))
}
