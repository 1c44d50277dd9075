// Opens one input as a stream of byte chunks, decompressing as its first bytes (not its name)
// say. Streams end to end: no temporary files, no whole-file buffers.

import {createReadStream} from 'node:fs'
import {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {EximRejectsError, inputError} from '../errors.js'
import type {Source} from './sources.js'

export const CHUNK_SIZE = 256 * 1024

export interface OpenedInput {
  chunks: AsyncIterable<Buffer>
  /** 'none', 'gzip', ... known once the first chunk has been read. */
  compression(): string
  /** Bytes read from the underlying file or pipe (compressed size for compressed input). */
  rawBytes(): number
}

const MAGIC: {name: string; bytes: number[]}[] = [
  {name: 'gzip', bytes: [0x1f, 0x8b]},
  {name: 'bzip2', bytes: [0x42, 0x5a, 0x68]},
  {name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]},
  {name: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd]},
]

export function detectCompression(head: Buffer): string {
  for (const m of MAGIC) if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) return m.name
  return 'none'
}

function rawStream(src: Source, stdin: NodeJS.ReadableStream): Readable {
  if (src.path === null) return stdin as Readable
  return createReadStream(src.path, {highWaterMark: CHUNK_SIZE})
}

function decompressor(kind: string, name: string): NodeJS.ReadWriteStream {
  if (kind === 'gzip') return createGunzip({chunkSize: CHUNK_SIZE})
  throw new EximRejectsError('INPUT', `${name}: ${kind}-compressed input is not supported`)
}

export function openInput(src: Source, stdin: NodeJS.ReadableStream = process.stdin): OpenedInput {
  let compression = 'none'
  let raw = 0
  async function* chunks(): AsyncGenerator<Buffer> {
    const stream = rawStream(src, stdin)
    const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
    try {
      // Gather enough bytes to see the longest magic number.
      let head: Buffer = Buffer.alloc(0)
      let done = false
      while (head.length < 6) {
        const n = await it.next()
        if (n.done) {
          done = true
          break
        }
        raw += n.value.length
        head = head.length === 0 ? n.value : Buffer.concat([head, n.value])
      }
      compression = detectCompression(head)
      if (compression === 'none') {
        if (head.length > 0) yield head
        if (done) return
        for (;;) {
          const n = await it.next()
          if (n.done) return
          raw += n.value.length
          yield n.value
        }
      }
      const z = decompressor(compression, src.name)
      const feed = Readable.from(
        (async function* () {
          yield head
          if (done) return
          for (;;) {
            const n = await it.next()
            if (n.done) return
            raw += n.value.length
            yield n.value
          }
        })(),
      )
      feed.on('error', (e) => (z as unknown as Readable).destroy(e))
      feed.pipe(z as unknown as NodeJS.WritableStream)
      for await (const c of z as unknown as AsyncIterable<Buffer>) yield c
    } catch (err) {
      if (err instanceof EximRejectsError) throw err
      throw inputError(src.name, err)
    } finally {
      if (src.path !== null) (stream as Readable).destroy()
    }
  }
  return {chunks: chunks(), compression: () => compression, rawBytes: () => raw}
}
