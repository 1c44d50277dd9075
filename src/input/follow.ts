// Follows a live log like `tail -F`: reads what is appended, notices logrotate's rename+create
// (a new inode at the path: the old file is read to its end first, then the new one from its
// start) and copytruncate (the file shrank, or no longer holds what was read before its end:
// what was written after the last read is in the copy, read from there, then the file again
// from its start). Polls: inotify does not see through a rename on every file system, and a poll
// every quarter second costs nothing.

import {open, readdir, stat, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {setTimeout as wait} from 'node:timers/promises'
import {inputError} from '../errors.js'
import {CHUNK_SIZE} from './open.js'

/** A restart: the log was rotated (a new file at the path) or truncated in place (read again from its start). */
export interface Restart {
  restart: 'rotated' | 'truncated'
  /** After a truncation: the copy that held the lines written since the last read, if one was found. */
  copy?: string
}

/** A chunk read, a new file started, or the end of one poll (`fresh`: it found new data). */
export type FollowItem = {chunk: Buffer} | Restart | {polled: true; fresh: boolean}

export interface FollowOptions {
  /** Start at the beginning of the file rather than at its end. */
  fromStart: boolean
  /** Start at this byte instead (the end as it was when its lines were counted). */
  from?: number
  pollMs?: number
  signal?: AbortSignal
  /** Told once the file is open and its starting position known. */
  onReady?: (position: number) => void
}

/** How many polls in a row a rotated log may stay unreadable before following it fails. */
const DENIED_POLLS = 40

/** How much of what was read last is kept to recognise the file (and a copy of it) again. */
export const MARK = 256

/** Waits `ms`, or less when the signal aborts; leaves no listener on the signal behind. */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> => wait(ms, undefined, {signal}).catch(() => {})

/** Whether `fh` holds `mark` just before `pos`. */
async function holds(fh: FileHandle, pos: number, mark: Buffer): Promise<boolean> {
  if (mark.length === 0) return true
  const got = Buffer.allocUnsafe(mark.length)
  const {bytesRead} = await fh.read(got, 0, mark.length, pos - mark.length)
  return bytesRead === mark.length && got.equals(mark)
}

// logrotate's copies sit beside the log: mainlog.1, main.log-20261124. Compressed ones are not
// searched: Debian's exim4 rotation delays compression by one cycle, so the copy is plain.
const COMPRESSED = /\.(gz|bz2|xz|zst|Z)$/

/**
 * The plain file beside `path` that holds the same bytes up to `pos` (where copytruncate put them),
 * open: it may be compressed and removed at any moment.
 */
async function findCopy(path: string, pos: number, mark: Buffer): Promise<{name: string; fh: FileHandle} | undefined> {
  const dir = dirname(path)
  const base = basename(path)
  let names: string[]
  try {
    names = (await readdir(dir)).filter((n) => n !== base && n.startsWith(base) && !COMPRESSED.test(n))
  } catch {
    return undefined
  }
  const candidates: {name: string; mtime: number}[] = []
  for (const n of names) {
    const st = await stat(join(dir, n)).catch(() => null)
    if (st?.isFile() && st.size >= pos) candidates.push({name: join(dir, n), mtime: st.mtimeMs})
  }
  // The newest copy first: it is the one just made.
  candidates.sort((a, b) => b.mtime - a.mtime)
  for (const c of candidates) {
    const fh = await open(c.name, 'r').catch(() => null)
    if (fh === null) continue
    const same = await holds(fh, pos, mark).catch(() => false)
    if (same) return {name: c.name, fh}
    await fh.close()
  }
  return undefined
}

export async function* followFile(path: string, opts: FollowOptions): AsyncGenerator<FollowItem> {
  const poll = opts.pollMs ?? 250
  let fh: FileHandle | null = null
  let ino = -1
  let pos = 0
  // The last bytes read before pos: a file that no longer holds them there was truncated.
  let mark = Buffer.alloc(0)
  const buf = Buffer.allocUnsafe(CHUNK_SIZE)

  const remember = (chunk: Buffer): void => {
    mark =
      chunk.length >= MARK
        ? Buffer.from(chunk.subarray(chunk.length - MARK))
        : Buffer.concat([mark, chunk]).subarray(-MARK)
  }

  // logrotate's `create` makes the new file before giving it its owner and mode: a follower that
  // may read the log only as its group finds it unreadable for a moment. Not for long.
  let denied = 0
  const reopen = async (fromStart: boolean, rotating = false, from?: number): Promise<boolean> => {
    try {
      const h = await open(path, 'r')
      const st = await h.stat()
      await fh?.close()
      fh = h
      ino = st.ino
      pos = from ?? (fromStart ? 0 : st.size)
      mark = Buffer.alloc(0)
      if (pos > 0) {
        const start = Math.max(0, pos - MARK)
        const m = Buffer.allocUnsafe(pos - start)
        const {bytesRead} = await h.read(m, 0, m.length, start)
        mark = m.subarray(0, bytesRead)
      }
      denied = 0
      return true
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return false
      if (rotating && (code === 'EACCES' || code === 'EPERM') && ++denied < DENIED_POLLS) return false
      throw inputError(path, err)
    }
  }

  /** Everything from `from` to the current end of `h`, or what of it comes before the signal aborts. */
  async function* drain(h: FileHandle, from: number): AsyncGenerator<Buffer> {
    // A stop asked for during a long read (a big log from its start) ends it within a chunk.
    for (let at = from; !opts.signal?.aborted;) {
      const {bytesRead} = await h.read(buf, 0, buf.length, at)
      if (bytesRead === 0) return
      at += bytesRead
      yield Buffer.from(buf.subarray(0, bytesRead))
    }
  }

  /** What the open file got since the last read. */
  async function* more(): AsyncGenerator<FollowItem> {
    for await (const chunk of drain(fh!, pos)) {
      pos += chunk.length
      remember(chunk)
      yield {chunk}
    }
  }

  /** After a truncation: the rest of what was read, from the copy, if there is one. */
  async function* fromCopy(): AsyncGenerator<FollowItem> {
    const found = pos > 0 ? await findCopy(path, pos, mark) : undefined
    const copy = found?.name
    if (found !== undefined) {
      try {
        for await (const chunk of drain(found.fh, pos)) yield {chunk}
      } finally {
        await found.fh.close()
      }
    }
    pos = 0
    mark = Buffer.alloc(0)
    yield {restart: 'truncated', ...(copy === undefined ? {} : {copy})}
  }

  if (!(await reopen(opts.fromStart, false, opts.from)))
    throw inputError(path, Object.assign(new Error('no such file'), {code: 'ENOENT'}))
  opts.onReady?.(pos)
  try {
    while (!opts.signal?.aborted) {
      let st
      try {
        st = await stat(path)
      } catch {
        st = null // between rename and create: keep the old file until the new one appears
      }
      if (st !== null && st.ino !== ino) {
        // Rotated: what the old file got after our last read comes first.
        yield* more()
        if (await reopen(true, true)) yield {restart: 'rotated'}
      } else if (st !== null && (st.size < pos || !(await holds(fh!, pos, mark)))) {
        // Truncated in place, perhaps already grown past where we were.
        yield* fromCopy()
      }
      let got = false
      for await (const item of more()) {
        got = true
        yield item
      }
      yield {polled: true, fresh: got}
      await sleep(poll, opts.signal)
    }
  } finally {
    await (fh as FileHandle | null)?.close()
  }
}
