// Standard output for renderers: batched writes, and a closed pipe (`| head`) ends the run
// quietly with exit 0, as grep does.

import type {Writer} from '../render/writer.js'

const FLUSH_AT = 64 * 1024

export class StreamWriter implements Writer {
  private buf = ''

  constructor(
    private readonly stream: NodeJS.WritableStream & {on: NodeJS.WritableStream['on']} = process.stdout,
    /** The file written to, for the error message (standard output when absent). */
    name?: string,
  ) {
    // This handler says what went wrong in one line; others (oclif's rethrows) would print a stack.
    stream.removeAllListeners('error')
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (name === undefined && (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED')) process.exit(0)
      process.stderr.write(`exim-rejects: ${name === undefined ? 'cannot write output' : `${name}: cannot write`}: ${err.message}\n`)
      process.exit(2)
    })
  }

  write(text: string): void {
    this.buf += text
    if (this.buf.length >= FLUSH_AT) this.flush()
  }

  flush(): void {
    if (this.buf.length === 0) return
    this.stream.write(this.buf)
    this.buf = ''
  }

  /** Flushes and resolves once the stream has taken everything. */
  end(): Promise<void> {
    this.flush()
    return new Promise((resolve) => this.stream.write('', () => resolve()))
  }
}
