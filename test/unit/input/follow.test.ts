// The follower, driven one step at a time: what it yields between two polls is decided by what
// the test did to the file in between, so no step depends on timing.

import {getEventListeners} from 'node:events'
import {appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {followFile, type FollowItem} from '../../../src/input/follow.js'

const line = (n: number, pad = 0) => `2026-11-25 10:00:00 line ${n}${'x'.repeat(pad)}\n`

let dir = ''
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/** Reads the follower up to its next poll: the text of its chunks, and its restarts, in order. */
async function untilPoll(it: AsyncGenerator<FollowItem>): Promise<(string | {restart: string; copy?: string})[]> {
  const got: (string | {restart: string; copy?: string})[] = []
  for (;;) {
    const {value, done} = await it.next()
    if (done) throw new Error('the follower ended')
    if ('polled' in value) return got
    if ('chunk' in value) {
      const text = value.chunk.toString()
      if (typeof got.at(-1) === 'string') got[got.length - 1] += text
      else got.push(text)
    } else got.push(value.copy === undefined ? {restart: value.restart} : {restart: value.restart, copy: value.copy})
  }
}

function start(fromStart = true) {
  dir = mkdtempSync(join(tmpdir(), 'exim-rejects-followfile-'))
  const log = join(dir, 'mainlog')
  writeFileSync(log, line(1))
  const stop = new AbortController()
  const it = followFile(log, {fromStart, pollMs: 1, signal: stop.signal})
  return {log, it, stop}
}

describe('followFile', () => {
  it('leaves nothing behind from one poll to the next: no listener on the stop signal', async () => {
    const {it, stop} = start()
    for (let i = 0; i < 200; i++) await untilPoll(it)
    // One poll's sleep may be waiting on the signal, no more.
    expect(getEventListeners(stop.signal, 'abort').length).toBeLessThanOrEqual(1)
    stop.abort()
    await it.return(undefined)
  })

  it('at a copytruncate, reads what was written since the last poll from the copy', async () => {
    const {log, it, stop} = start()
    expect(await untilPoll(it)).toEqual([line(1)])
    appendFileSync(log, line(2))
    copyFileSync(log, log + '.1')
    truncateSync(log, 0)
    appendFileSync(log, line(3))
    expect(await untilPoll(it)).toEqual([line(2), {restart: 'truncated', copy: log + '.1'}, line(3)])
    stop.abort()
    await it.return(undefined)
  })

  it('sees a truncation even when the file grew past the old position before the next poll', async () => {
    const {log, it, stop} = start()
    expect(await untilPoll(it)).toEqual([line(1)])
    copyFileSync(log, log + '.1')
    truncateSync(log, 0)
    appendFileSync(log, line(3, 200) + line(4))
    expect(await untilPoll(it)).toEqual([{restart: 'truncated', copy: log + '.1'}, line(3, 200) + line(4)])
    stop.abort()
    await it.return(undefined)
  })

  it('restarts without a copy when none beside the log holds what was read', async () => {
    const {log, it, stop} = start()
    expect(await untilPoll(it)).toEqual([line(1)])
    // An older copy with other text, and none of this rotation (compressed at once, say).
    writeFileSync(log + '.1', line(0, 100))
    truncateSync(log, 0)
    appendFileSync(log, line(5))
    expect(await untilPoll(it)).toEqual([{restart: 'truncated'}, line(5)])
    stop.abort()
    await it.return(undefined)
  })

  it('at a rename+create, reads the old file to its end, then the new one from its start', async () => {
    const {log, it, stop} = start(false)
    expect(await untilPoll(it)).toEqual([])
    appendFileSync(log, line(2))
    renameSync(log, log + '.1')
    writeFileSync(log, line(3))
    expect(await untilPoll(it)).toEqual([line(2), {restart: 'rotated'}, line(3)])
    appendFileSync(log, line(4))
    expect(await untilPoll(it)).toEqual([line(4)])
    stop.abort()
    await it.return(undefined)
  })

  it('started at the end of a log, notices it truncated and regrown', async () => {
    const {log, it, stop} = start(false)
    expect(await untilPoll(it)).toEqual([])
    writeFileSync(log, line(7, 50))
    expect(await untilPoll(it)).toEqual([{restart: 'truncated'}, line(7, 50)])
    stop.abort()
    await it.return(undefined)
  })
})
