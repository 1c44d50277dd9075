// Decompression by content: gzip with zlib; zstd with zlib where this Node has it; bzip2, xz and
// zstd otherwise through the system's own tools (streamed through a pipe, which also puts the
// work on another core). No native add-ons, no temporary files.

import {Readable} from 'node:stream'
import {nodeChildProcess, nodeZlib} from '../lazy-node.js'
import {favourMemory} from '../v8-tuning.js'
import {EximRejectsError} from '../errors.js'

const MAGIC: {name: string; bytes: number[]}[] = [
  {name: 'gzip', bytes: [0x1f, 0x8b]},
  {name: 'bzip2', bytes: [0x42, 0x5a, 0x68]},
  {name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]},
  {name: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd]},
]

/** The longest magic number, in bytes: how much to read before deciding. */
export const MAGIC_BYTES = 6

export function detectCompression(head: Buffer): string {
  for (const m of MAGIC) if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) return m.name
  return 'none'
}

const TOOLS: Record<string, {cmd: string; pkg: string}> = {
  bzip2: {cmd: 'bzip2', pkg: 'bzip2'},
  xz: {cmd: 'xz', pkg: 'xz-utils'},
  zstd: {cmd: 'zstd', pkg: 'zstd'},
}

function corrupt(name: string, kind: string, detail: string): EximRejectsError {
  return new EximRejectsError('INPUT', `${name}: corrupt or truncated ${kind} data (${detail})`)
}

async function* viaZlib(
  stream: NodeJS.ReadWriteStream,
  kind: string,
  name: string,
  raw: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const feed = Readable.from(raw)
  const z = stream as unknown as Readable
  feed.on('error', (e) => z.destroy(e))
  feed.pipe(stream as unknown as NodeJS.WritableStream)
  try {
    for await (const c of z) yield c as Buffer
  } catch (err) {
    if (err instanceof EximRejectsError) throw err
    throw corrupt(name, kind, (err as Error).message)
  } finally {
    feed.destroy()
  }
}

async function* viaTool(kind: string, name: string, raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const tool = TOOLS[kind]!
  // Loaded here: only bzip2, xz and zstd input needs them.
  const {default: split2} = await import('split2')
  const child = nodeChildProcess().spawn(tool.cmd, ['-dc'], {stdio: ['pipe', 'pipe', 'pipe']})
  // The tool's first complaint names the problem; the rest (a tool may repeat itself) is not kept.
  let complaint = ''
  child.stderr.pipe(split2()).on('data', (line: string) => {
    if (complaint === '') complaint = line.trim()
  })
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve())
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new EximRejectsError(
              'INPUT',
              `${name}: ${kind}-compressed, and the ${tool.cmd} command is not installed (apt-get install ${tool.pkg})`,
            )
          : new EximRejectsError('INPUT', `${name}: cannot run ${tool.cmd}: ${e.message}`),
      ),
    )
  })
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  await spawned
  const feed = Readable.from(raw)
  // The tool may stop reading early (corrupt input): its closed stdin is not our error.
  child.stdin.on('error', () => {})
  let feedError: unknown = null
  feed.on('error', (e) => {
    feedError = e
    child.kill()
  })
  feed.pipe(child.stdin)
  try {
    for await (const c of child.stdout) yield c as Buffer
    const code = await exited
    if (feedError) throw feedError
    if (code !== 0) throw corrupt(name, kind, complaint || `${tool.cmd} exited with ${code}`)
  } finally {
    feed.destroy()
    if (child.exitCode === null) child.kill()
  }
}

/** Decompressed chunks of `raw`, which holds data compressed as `kind`. */
export function decompress(kind: string, name: string, raw: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  favourMemory()
  // zlib inflates on the thread pool, but its next step is started from the main thread, which
  // is busy scanning: room for a few megabytes on both sides lets it run ahead between turns.
  const opts = {chunkSize: 1024 * 1024, readableHighWaterMark: 4 * 1024 * 1024, writableHighWaterMark: 1024 * 1024}
  const zlib = nodeZlib()
  if (kind === 'gzip') return viaZlib(zlib.createGunzip(opts), kind, name, raw)
  const zstd = (zlib as unknown as {createZstdDecompress?: (o: object) => NodeJS.ReadWriteStream}).createZstdDecompress
  if (kind === 'zstd' && zstd) return viaZlib(zstd(opts), kind, name, raw)
  if (kind in TOOLS) return viaTool(kind, name, raw)
  throw new EximRejectsError('INPUT', `${name}: ${kind}-compressed input is not supported`)
}
