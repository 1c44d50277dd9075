// Files the tool writes (outputs, the textfile, the state) are written beside their target under
// a temporary name and renamed over it when complete: a reader never sees half a file, and a run
// that fails leaves the old one.

import {closeSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

/** The temporary name beside `path` that this process writes it under. */
export function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
}

/** Writes `content` to `path` through a temporary file beside it (a new one gets `mode`); no temporary file is left on failure. */
export function writeFileAtomically(path: string, content: string | Uint8Array, mode: number): void {
  const tmp = tempBeside(path)
  try {
    const fd = openSync(tmp, 'w', mode)
    try {
      const data = typeof content === 'string' ? Buffer.from(content) : content
      for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw err
  }
}
