import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {InputStream} from '../../../src/input/open.js'
import type {Source} from '../../../src/input/sources.js'

const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-open-'))
const TEXT =
  Array.from(
    {length: 5000},
    (_, i) =>
      `2026-11-24 06:14:03 H=h${i}.example [192.0.2.${i % 250}] F=<s@x> temporarily rejected RCPT <r${i}@y>: 422 full`,
  ).join('\n') + '\n'

const source = (path: string): Source => ({name: path, path, logType: null, size: 0, mtime: NaN, set: null})

async function readAll(path: string): Promise<{text: string; compression: string}> {
  const s = new InputStream(source(path))
  const parts: Buffer[] = []
  // A chunk is lent until the next one is read: keep copies.
  for await (const c of s.chunks()) parts.push(Buffer.from(c))
  return {text: Buffer.concat(parts).toString(), compression: s.compression}
}

function compressWith(tool: string, file: string): string | null {
  const r = spawnSync(tool, ['-k', '-f', file])
  return r.status === 0 ? file + {bzip2: '.bz2', xz: '.xz', zstd: '.zst'}[tool] : null
}

describe('InputStream', () => {
  it('reads plain text as is', async () => {
    const f = join(dir, 'plain')
    writeFileSync(f, TEXT)
    expect(await readAll(f)).toEqual({text: TEXT, compression: 'none'})
  })

  it('detects gzip by content, whatever the name, and reads multi-member files', async () => {
    const f = join(dir, 'looks-plain.log')
    writeFileSync(f, Buffer.concat([gzipSync(TEXT.slice(0, 1000)), gzipSync(TEXT.slice(1000))]))
    expect(await readAll(f)).toEqual({text: TEXT, compression: 'gzip'})
  })

  it.each(['bzip2', 'xz', 'zstd'])('reads %s through the system tool', async (tool) => {
    const f = join(dir, `for-${tool}`)
    writeFileSync(f, TEXT)
    const c = compressWith(tool, f)
    if (c === null) return // the tool is not installed here; .ci/run installs it
    expect(await readAll(c)).toEqual({text: TEXT, compression: tool})
  })

  it('a truncated gzip is an input error naming the file', async () => {
    const f = join(dir, 'cut.gz')
    const gz = gzipSync(TEXT)
    writeFileSync(f, gz.subarray(0, gz.length - 100))
    await expect(readAll(f)).rejects.toThrowError(/cut\.gz: corrupt or truncated gzip data/)
  })

  it('a truncated bzip2 is an input error naming the file', async () => {
    const f = join(dir, 'cut-bz')
    writeFileSync(f, TEXT)
    const c = compressWith('bzip2', f)
    if (c === null) return
    const {readFileSync} = await import('node:fs')
    const data = readFileSync(c)
    writeFileSync(c, data.subarray(0, data.length - 200))
    await expect(readAll(c)).rejects.toThrowError(/cut-bz\.bz2: corrupt or truncated bzip2 data/)
  })

  it('peek keeps what it read for the reader', async () => {
    const f = join(dir, 'peek.gz')
    writeFileSync(f, gzipSync(TEXT))
    const s = new InputStream(source(f))
    const head = await s.peek(100)
    expect(head.toString().startsWith('2026-11-24 06:14:03')).toBe(true)
    const parts: Buffer[] = []
    for await (const c of s.chunks()) parts.push(Buffer.from(c))
    expect(Buffer.concat(parts).toString()).toBe(TEXT)
  })

  it('peek on a plain file larger than one read still gives every byte once, in order', async () => {
    const f = join(dir, 'peek-plain')
    writeFileSync(f, TEXT)
    const s = new InputStream(source(f))
    const head = await s.peek(200_000)
    expect(head.length).toBeGreaterThanOrEqual(200_000)
    expect(head.toString()).toBe(TEXT.slice(0, head.length))
    const parts: Buffer[] = []
    for await (const c of s.chunks()) parts.push(Buffer.from(c))
    expect(Buffer.concat(parts).toString()).toBe(TEXT)
  })
})
