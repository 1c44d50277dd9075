// Output for renderers: batched, and written synchronously to a file descriptor. Renderers are
// synchronous, and a stream would queue the whole output of a large report in memory behind a
// slow reader (`| less`, a pipe over ssh). A closed pipe (`| head`) ends the run quietly with
// exit 0, as grep does.

import {closeSync, openSync, writeSync} from 'node:fs'
import {EximRejectsError} from '../errors.js'
import type {Writer} from '../render/writer.js'

const FLUSH_AT = 64 * 1024
const STDOUT = 1
// A pipe that is full and non-blocking says EAGAIN: wait a little, without spinning, and retry.
const pause = new Int32Array(new SharedArrayBuffer(4))
const PAUSE_MS = 2

export class StreamWriter implements Writer {
  private buf = ''
  private readonly fd: number

  /**
   * Writes to `path` (created or truncated), or to standard output when absent. A write that
   * fails ends the run with `failureExit` (check: 3, UNKNOWN).
   */
  constructor(
    private readonly path?: string,
    private readonly failureExit = 2,
  ) {
    if (path === undefined) {
      this.fd = STDOUT
      return
    }
    try {
      this.fd = openSync(path, 'w')
    } catch (err) {
      throw this.failure(err as Error)
    }
  }

  write(text: string): void {
    this.buf += text
    if (this.buf.length >= FLUSH_AT) this.flush()
  }

  flush(): void {
    if (this.buf.length === 0) return
    const data = Buffer.from(this.buf)
    this.buf = ''
    let done = 0
    while (done < data.length) {
      try {
        done += writeSync(this.fd, data, done)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, PAUSE_MS)
        else if (this.path === undefined && code === 'EPIPE') process.exit(0)
        else {
          // Said here and now: standard output may be what failed, and oclif writes to it on the way out.
          process.stderr.write(`exim-rejects: ${this.failure(err as Error).message}\n`)
          process.exit(this.failureExit)
        }
      }
    }
  }

  /** Flushes, and closes the file written to. */
  end(): Promise<void> {
    this.flush()
    if (this.path !== undefined) closeSync(this.fd)
    return Promise.resolve()
  }

  private failure(err: Error): EximRejectsError {
    return new EximRejectsError(
      'OUTPUT',
      `${this.path === undefined ? 'cannot write output' : `${this.path}: cannot write`}: ${err.message}`,
    )
  }
}
