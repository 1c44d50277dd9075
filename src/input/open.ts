// Opens one input as a stream of byte chunks, decompressing as its first bytes (not its name)
// say. The first bytes can be looked at before reading (peek) without losing them, which is
// how standard input can be sniffed. Streams end to end: no temporary files, no whole-file buffers.

import {readSync} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'
import type {Readable} from 'node:stream'
import {inputError, EximRejectsError} from '../errors.js'
import {decompress, detectCompression, MAGIC_BYTES} from './decompress.js'
import type {Source} from './sources.js'

export const CHUNK_SIZE = 128 * 1024

/**
 * A read buffer that starts half a page past a page boundary. Large allocations start on (or just
 * after) one, as do the kernel's page-cache pages, and copying between addresses that agree in
 * their low 12 bits makes the kernel's copy several times slower on some CPUs (measured on AMD
 * EPYC: 315 MB read in 230 ms page-aligned, 60 ms at an offset of 2 KiB).
 */
export function readBuffer(size: number): Buffer {
  return Buffer.allocUnsafe(size + 4096).subarray(2048, 2048 + size)
}

/**
 * Reads bytes [start, end) of a file. Every chunk is read into the same buffer, so a chunk is only
 * lent: it is valid until the caller asks for the next one. Reads are synchronous and small enough
 * to stay in the CPU's cache while the chunk is scanned; the kernel's read-ahead keeps a sequential
 * read busy, and a thread-pool read or a fresh buffer per chunk would cost more than the read.
 */
// Read buffers of files that are done, for the next ones.
const spare: Buffer[] = []

export async function* readRange(path: string, start = 0, end = Infinity): AsyncGenerator<Buffer> {
  let fh: FileHandle
  let buf: Buffer | undefined
  try {
    fh = await open(path, 'r')
  } catch (err) {
    throw inputError(path, err)
  }
  try {
    // A named pipe, process substitution (<(zcat mainlog.2.gz)) or /dev/stdin cannot seek: it is
    // read where it stands, and without blocking the thread while its writer is slow.
    const seekable = (await fh.stat()).isFile()
    buf = spare.pop() ?? readBuffer(CHUNK_SIZE)
    let pos = start
    let reads = 0
    while (pos < end) {
      const len = Math.min(CHUNK_SIZE, end - pos)
      const n = seekable ? readSync(fh.fd, buf, 0, len, pos) : (await fh.read(buf, 0, len, null)).bytesRead
      if (n === 0) return
      pos += n
      // Let timers, signals and other threads' messages in now and then.
      if (++reads % 64 === 0) await new Promise(setImmediate)
      yield buf.subarray(0, n)
    }
  } catch (err) {
    throw inputError(path, err)
  } finally {
    await fh.close()
    // Its last chunk has been let go of (the reader asked for the next, or stopped): the next
    // file may have the buffer. Ten thousand rotated files then cost no 2.6 GB of buffers to collect.
    if (buf !== undefined && spare.length < 4) spare.push(buf)
  }
}

export class InputStream {
  private compression_ = 'none'
  private raw = 0
  private readonly rawIt: AsyncIterator<Buffer>
  private decoded: AsyncIterator<Buffer> | null = null
  private peeked: Buffer[] = []
  private peekedLen = 0
  private done = false

  constructor(
    private readonly src: Source,
    stdin: NodeJS.ReadableStream = process.stdin,
    /** Of a plain file: only these bytes (a read that seeked to a time window). */
    range?: {start: number; end: number},
  ) {
    // A seek's range, or the rest of a plain file an earlier run (--state) read part of.
    const part = range ?? (src.slice !== undefined && !src.slice.compressed ? src.slice : undefined)
    this.rawIt =
      src.path === null
        ? ((stdin as Readable)[Symbol.asyncIterator]() as AsyncIterator<Buffer>)
        : readRange(src.path, part?.start, part?.end)
  }

  get compression(): string {
    return this.compression_
  }

  /** Bytes read from the file or pipe (the compressed size, for compressed input). */
  get rawBytes(): number {
    return this.raw
  }

  private async nextRaw(): Promise<Buffer | null> {
    try {
      const n = await this.rawIt.next()
      if (n.done) return null
      this.raw += n.value.length
      return n.value
    } catch (err) {
      if (err instanceof EximRejectsError) throw err
      throw inputError(this.src.name, err)
    }
  }

  private async start(): Promise<void> {
    if (this.decoded !== null) return
    let head: Buffer = Buffer.alloc(0)
    let ended = false
    while (head.length < MAGIC_BYTES) {
      const c = await this.nextRaw()
      if (c === null) {
        ended = true
        break
      }
      // The file's chunks are lent (see readRange): a head too short to decide on is copied.
      head = head.length === 0 && c.length >= MAGIC_BYTES ? c : Buffer.concat([head, c])
    }
    this.compression_ = detectCompression(head)
    const self = this
    // A decompressor reads ahead and holds on to what it was given: it gets copies of lent chunks.
    const own = this.compression_ === 'none' ? (c: Buffer) => c : (c: Buffer) => Buffer.from(c)
    async function* rawChunks(): AsyncGenerator<Buffer> {
      if (head.length > 0) yield own(head)
      if (ended) return
      for (;;) {
        const c = await self.nextRaw()
        if (c === null) return
        yield own(c)
      }
    }
    const chunks =
      this.compression_ === 'none' ? rawChunks() : decompress(this.compression_, this.src.name, rawChunks())
    const slice = this.src.slice
    this.decoded = (slice?.compressed ? within(chunks, slice.start, slice.end) : chunks)[Symbol.asyncIterator]()
  }

  private async nextDecoded(): Promise<Buffer | null> {
    await this.start()
    try {
      const n = await this.decoded!.next()
      return n.done ? null : n.value
    } catch (err) {
      if (err instanceof EximRejectsError) throw err
      throw inputError(this.src.name, err)
    }
  }

  /** At least `n` bytes of the (decompressed) start of the input, fewer only at its end. */
  async peek(n: number): Promise<Buffer> {
    while (this.peekedLen < n && !this.done) {
      const c = await this.nextDecoded()
      if (c === null) this.done = true
      else {
        // Kept past the next read, so a lent chunk is copied.
        this.peeked.push(Buffer.from(c))
        this.peekedLen += c.length
      }
    }
    return this.peeked.length === 1 ? this.peeked[0]! : Buffer.concat(this.peeked)
  }

  /** The input's (decompressed) bytes. A chunk is only valid until the next one is asked for. */
  async *chunks(): AsyncGenerator<Buffer> {
    try {
      while (this.peeked.length > 0) yield this.peeked.shift()!
      this.peekedLen = 0
      if (this.done) return
      for (;;) {
        const c = await this.nextDecoded()
        if (c === null) return
        yield c
      }
    } finally {
      this.close()
    }
  }

  close(): void {
    // Ends the decompressor (which may be a child process) and the file reader (its finally
    // closes the file); standard input is left open.
    if (this.src.path === null) return
    void this.decoded?.return?.()
    void this.rawIt.return?.()
  }
}

/** Bytes [start, end) of a stream of chunks. */
async function* within(chunks: AsyncIterable<Buffer>, start: number, end: number): AsyncGenerator<Buffer> {
  let at = 0
  for await (const c of chunks) {
    const from = Math.max(0, start - at)
    const to = Math.min(c.length, end - at)
    at += c.length
    if (from < to) yield from === 0 && to === c.length ? c : c.subarray(from, to)
    if (at >= end) return
  }
}

/** The lines in the first `end` bytes of a file (its newlines): where a follow from the end starts counting. */
export async function countLines(path: string, end: number): Promise<number> {
  let n = 0
  for await (const chunk of readRange(path, 0, end))
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++
  return n
}
