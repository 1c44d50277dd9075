// Writes a Prometheus textfile atomically (temporary file in the same directory, then rename),
// so node_exporter never reads half a file.

import {rename, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {EximRejectsError} from '../errors.js'

export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    await writeFile(tmp, text, {mode: 0o644})
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw new EximRejectsError('OUTPUT', `${path}: cannot write: ${(err as Error).message}`)
  }
}
