// Follows a live log like `tail -F`: reads what is appended, notices logrotate's rename+create
// (a new inode at the path: the old file is read to its end first, then the new one from its
// start) and copytruncate (the file shrank: read again from its start). Polls: inotify does not
// see through a rename on every file system, and a poll every quarter second costs nothing.

import {open, stat, type FileHandle} from 'node:fs/promises'
import {setTimeout as wait} from 'node:timers/promises'
import {inputError} from '../errors.js'
import {CHUNK_SIZE} from './open.js'

/** A chunk read, a new file started (rotated or truncated), or the end of one poll (`fresh`: it found new data). */
export type FollowItem = {chunk: Buffer} | {restart: 'rotated' | 'truncated'} | {polled: true; fresh: boolean}

export interface FollowOptions {
  /** Start at the beginning of the file rather than at its end. */
  fromStart: boolean
  pollMs?: number
  signal?: AbortSignal
  /** Told once the file is open and its starting position known. */
  onReady?: (position: number) => void
}

/** Waits `ms`, or less when the signal aborts; leaves no listener on the signal behind. */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> => wait(ms, undefined, {signal}).catch(() => {})

export async function* followFile(path: string, opts: FollowOptions): AsyncGenerator<FollowItem> {
  const poll = opts.pollMs ?? 250
  let fh: FileHandle | null = null
  let ino = -1
  let pos = 0
  const buf = Buffer.allocUnsafe(CHUNK_SIZE)

  const reopen = async (fromStart: boolean): Promise<boolean> => {
    try {
      const h = await open(path, 'r')
      const st = await h.stat()
      await fh?.close()
      fh = h
      ino = st.ino
      pos = fromStart ? 0 : st.size
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw inputError(path, err)
    }
  }

  /** Everything from pos to the current end of the open file. */
  async function* drain(): AsyncGenerator<FollowItem> {
    for (;;) {
      const {bytesRead} = await fh!.read(buf, 0, buf.length, pos)
      if (bytesRead === 0) return
      pos += bytesRead
      yield {chunk: Buffer.from(buf.subarray(0, bytesRead))}
    }
  }

  if (!(await reopen(opts.fromStart)))
    throw inputError(path, Object.assign(new Error('no such file'), {code: 'ENOENT'}))
  opts.onReady?.(pos)
  try {
    while (!opts.signal?.aborted) {
      let got = false
      for await (const item of drain()) {
        got = true
        yield item
      }
      let st
      try {
        st = await stat(path)
      } catch {
        st = null // between rename and create: keep the old file until the new one appears
      }
      if (st !== null && st.ino !== ino) {
        // Rotated: what the old file got after our last read comes first.
        for await (const item of drain()) yield item
        if (await reopen(true)) {
          yield {restart: 'rotated'}
          continue
        }
      } else if (st !== null && st.size < pos) {
        pos = 0
        yield {restart: 'truncated'}
        continue
      }
      yield {polled: true, fresh: got}
      await sleep(poll, opts.signal)
    }
  } finally {
    await (fh as FileHandle | null)?.close()
  }
}
