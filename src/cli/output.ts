// Output for renderers: batched, and written synchronously to a file descriptor. Renderers are
// synchronous, and a stream would queue the whole output of a large report in memory behind a
// slow reader (`| less`, a pipe over ssh). A closed pipe (`| head`) ends the run quietly with
// exit 0, as grep does.

import {closeSync, openSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {stat} from 'node:fs/promises'
import {EximRejectsError} from '../errors.js'
import {tempBeside} from '../input/atomic-write.js'
import {resolveSources} from '../input/sources.js'
import type {Writer} from '../render/writer.js'

const FLUSH_AT = 64 * 1024
const STDOUT = 1
// A pipe that is full and non-blocking says EAGAIN: wait a little, without spinning, and retry.
const pause = new Int32Array(new SharedArrayBuffer(4))
const PAUSE_MS = 2
/** Signals that end a run (Ctrl-C, kill, a closed terminal). */
const ENDING: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

export class StreamWriter implements Writer {
  private buf = ''
  // Output already turned into bytes, before `buf`: text then bytes written as they are.
  private done: Buffer[] = []
  private doneLength = 0
  private readonly fd: number
  /** Where a file is written until it is complete, then renamed to `path`; null: written in place. */
  private readonly tmp: string | null = null
  private ended = false

  /**
   * Writes to `path`, or to standard output when absent. A file is written beside it under a
   * temporary name and renamed over it only when the output is complete: a run that fails (input
   * missing, disk full, interrupted) leaves what was there before. `inPlace` writes the file as it
   * goes, for a report that is rewritten while following. A write that fails ends the run with
   * `failureExit` (check: 3, UNKNOWN).
   */
  constructor(
    private readonly path?: string,
    private readonly failureExit = 2,
    inPlace = false,
  ) {
    if (path === undefined) {
      this.fd = STDOUT
      return
    }
    try {
      const st = statSync(path, {throwIfNoEntry: false})
      // /dev/stdout, /dev/null, a pipe: written as they are.
      if (inPlace || (st !== undefined && !st.isFile())) this.fd = openSync(path, 'w')
      else {
        const mode = (st?.mode ?? 0o666) & 0o777
        const tmp = tempBeside(path)
        try {
          this.fd = openSync(tmp, 'wx', mode)
          this.tmp = tmp
          process.once('exit', this.discard)
          for (const s of ENDING) process.once(s, this.interrupted)
        } catch (err) {
          // A file the user may write in a directory they may not (a web root's page): in place.
          const code = (err as NodeJS.ErrnoException).code
          if (st === undefined || (code !== 'EACCES' && code !== 'EPERM')) throw err
          this.fd = openSync(path, 'w')
        }
      }
    } catch (err) {
      throw this.failure(err as Error)
    }
  }

  /**
   * Interrupted: the temporary file goes, then the signal ends the run as it would have. (A run
   * without one is left to the signal's own action, which ends it at once, whatever it is doing.)
   */
  private readonly interrupted = (signal: NodeJS.Signals): void => {
    this.discard()
    for (const s of ENDING) process.removeListener(s, this.interrupted)
    process.kill(process.pid, signal)
  }

  /** A run that ends before the output is complete leaves no temporary file behind. */
  private readonly discard = (): void => {
    if (this.ended || this.tmp === null) return
    try {
      closeSync(this.fd)
    } catch {}
    try {
      unlinkSync(this.tmp)
    } catch {}
  }

  write(text: string): void {
    this.buf += text
    if (this.buf.length + this.doneLength >= FLUSH_AT) this.flush()
  }

  writeBytes(bytes: Buffer): void {
    this.settleText()
    this.done.push(bytes)
    this.doneLength += bytes.length
    if (this.doneLength >= FLUSH_AT) this.flush()
  }

  private settleText(): void {
    if (this.buf.length === 0) return
    const b = Buffer.from(this.buf)
    this.buf = ''
    this.done.push(b)
    this.doneLength += b.length
  }

  flush(): void {
    this.settleText()
    if (this.doneLength === 0) return
    const data = this.done.length === 1 ? this.done[0]! : Buffer.concat(this.done, this.doneLength)
    this.done = []
    this.doneLength = 0
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

  /** Flushes, and closes the file written to (and puts it in place). */
  end(): Promise<void> {
    this.flush()
    if (this.path !== undefined) {
      try {
        closeSync(this.fd)
        if (this.tmp !== null) renameSync(this.tmp, this.path)
      } catch (err) {
        this.discard()
        throw this.failure(err as Error)
      }
      this.ended = true
      process.removeListener('exit', this.discard)
      for (const s of ENDING) process.removeListener(s, this.interrupted)
    }
    return Promise.resolve()
  }

  private failure(err: Error): EximRejectsError {
    return new EximRejectsError(
      'OUTPUT',
      `${this.path === undefined ? 'cannot write output' : `${this.path}: cannot write`}: ${err.message}`,
    )
  }
}

/**
 * Refuses an output (--output, --prom-file) that is one of the logs the run reads (the same file,
 * by device and inode): writing it would destroy the log. Said before anything is read.
 */
export async function refuseInputAsOutput(flag: string, output: string | undefined, paths: string[]): Promise<void> {
  if (output === undefined) return
  const out = await stat(output).catch(() => null)
  if (out === null || !out.isFile()) return
  // Inputs that cannot be resolved are the run's to report, in their turn.
  const sources = await resolveSources(
    paths.filter((p) => p !== '-'),
    {keepGoing: true},
  ).catch(() => [])
  for (const s of sources) {
    if (s.path === null) continue
    const st = await stat(s.path).catch(() => null)
    if (st !== null && st.dev === out.dev && st.ino === out.ino)
      throw new EximRejectsError('USAGE', `${flag} ${output}: is one of the logs read (${s.path}); name another file`)
  }
}
