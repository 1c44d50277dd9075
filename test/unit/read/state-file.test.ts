// The --state file: what a run writes reads back the same; anything else (cut short, edited, of
// another version) is one error naming the file and what is wrong; the write replaces the file
// whole or not at all; and a second run is refused while the first holds the lock.

import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {EximRejectsError} from '../../../src/errors.js'
import {loadState, lockState, readQuota, saveState, type StateData, storeQuota} from '../../../src/read/state-file.js'

let dir: string
afterEach(() => rmSync(dir, {recursive: true, force: true}))
const temp = (): string => (dir = mkdtempSync(join(tmpdir(), 'exim-rejects-statefile-')))

const HASH = 'a'.repeat(64)
// The log's first 300 bytes, as a mark keeps them.
const HEAD = Buffer.alloc(300, 'h').toString('base64')
// The 256 bytes before where the last run stopped.
const TAIL = Buffer.alloc(256, 'x').toString('base64')
const QUOTA = new Map([
  ['1xWJQd-0002dC-1D|a@example.net', Date.UTC(2026, 11, 2, 10)],
  ['1xWJQd-0002dC-1E|"b c"@example.net', Date.UTC(2026, 11, 2, 10, 5)],
])
const good = (): StateData => ({
  format: 'exim-rejects-state',
  version: 2,
  run: Date.UTC(2026, 11, 2, 11, 0),
  logs: {
    '/var/log/exim4|main': {
      path: '/var/log/exim4/mainlog',
      logType: 'main',
      dev: 2049,
      ino: 1234,
      size: 300,
      offset: 300,
      lines: 3,
      head: HEAD,
      tail: TAIL,
      rotated: [[2049, 1200, 5000, HASH]],
    },
  },
  carry: {
    digits: [
      {
        naive: Date.UTC(2026, 11, 2, 10, 59, 59),
        pid: 4242,
        message: '422 Mailbox a@example.net is over quota',
        event: {
          kind: 'discard-misconfig',
          time: Date.UTC(2026, 11, 2, 10, 59, 59),
          tz: 0,
          pid: 4242,
          msgid: '',
          recipient: '',
          sender: '',
          hostName: '',
          helo: '',
          ip: '',
          port: '',
          code: '250',
          reason: '422 Mailbox a@example.net is over quota',
          file: '/var/log/exim4/mainlog',
          line: 3,
        },
      },
    ],
    quota: storeQuota(QUOTA),
    seen: [[123456789, 1]],
  },
})

/** good() as version 1 wrote it: one JSON object, the mark's head a hash, the quota failures a string in it. */
const v1 = (): string => {
  const state = good()
  const mark = state.logs['/var/log/exim4|main']!
  const carry = {...state.carry, quota: state.carry.quota.toString()}
  return JSON.stringify({...state, version: 1, logs: {'/var/log/exim4|main': {...mark, head: HASH}}, carry}) + '\n'
}

describe('the state file', () => {
  it('reads back what was written; none yet is a first run', async () => {
    const path = join(temp(), 'state.json')
    expect(await loadState(path)).toBeNull()
    saveState(path, good())
    expect(await loadState(path)).toEqual(good())
    // It holds addresses from the logs: readable by its owner only.
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['state.json'])
  })

  const damage: [string, (s: string) => string, RegExp][] = [
    ['cut short', (s) => s.slice(0, s.length / 2), /not JSON/],
    ['empty', () => '', /not JSON/],
    ['of another program', (s) => s.replace('exim-rejects-state', 'logtail'), /format is "logtail"/],
    ['of a later version', (s) => s.replace('"version":2', '"version":3'), /version 3; this exim-rejects writes 2/],
    ['an offset that is no count', (s) => s.replace('"offset":300', '"offset":-1'), /offset: not a count/],
    ['a head that is no base64', (s) => s.replace(HEAD, 'a*b'), /head: not base64/],
    ['a head of the wrong length', (s) => s.replace(HEAD, HEAD.slice(8)), /head: wrong length/],
    ['a version 1 head that is no hash', (s) => s.replace('"version":2', '"version":1'), /head: not a sha256/],
    ['a tail of the wrong length', (s) => s.replace(TAIL, TAIL.slice(8)), /tail: wrong length/],
    ['a digit line that is no event', (s) => s.replace('"kind":"discard-misconfig"', '"kind":"x"'), /carry.digits/],
    [
      'cut short in its quota failures',
      (s) => s.slice(0, -5),
      /carry.quotaBytes: \d+ bytes of quota failures, \d+ found/,
    ],
    ['with more after them', (s) => s + '1796212183626 k\n', /carry.quotaBytes: .* found/],
    [
      'a count of quota failures that is no count',
      (s) => s.replace(/"quotaBytes":\d+/, '"quotaBytes":"x"'),
      /carry.quotaBytes: not a count/,
    ],
    [
      'of version 1 with quota failures that are no string',
      () => v1().replace(/"quota":"(?:[^"\\]|\\.)*"/, '"quota":[1]'),
      /carry.quota: not a string/,
    ],
    ['of version 1 with more after it', () => v1() + '1796212183626 k\n', /more after the JSON/],
  ]
  it.each(damage)('a state file %s is one error naming it, exit 2', async (_, edit, why) => {
    const path = join(temp(), 'state.json')
    saveState(path, good())
    writeFileSync(path, edit(readFileSync(path, 'utf8')))
    const err = await loadState(path).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(EximRejectsError)
    expect((err as EximRejectsError).exitCode).toBe(2)
    expect((err as Error).message).toContain(`${path}: damaged state file (`)
    expect((err as Error).message).toMatch(why)
  })

  it('reads a version 1 state: its marks keep their hash until the log is read again', async () => {
    const path = join(temp(), 'state.json')
    const mark = good().logs['/var/log/exim4|main']!
    writeFileSync(path, v1())
    const state = await loadState(path)
    expect(state?.version).toBe(2)
    expect(state?.logs['/var/log/exim4|main']).toEqual({...mark, head: '', headSha256: HASH})
    expect(readQuota(path, state!.carry.quota)).toEqual(QUOTA)
    // Written back as version 2, a mark carried over unread still reads.
    saveState(path, state!)
    expect(await loadState(path)).toEqual(state)
  })

  it('quota failures read back as they were; a line that is not a time and a key is damage', () => {
    expect(readQuota('s', storeQuota(QUOTA))).toEqual(QUOTA)
    expect(readQuota('s', Buffer.alloc(0))).toEqual(new Map())
    for (const bad of ['x 1xWJQd-0002dC-1D|a@example.net', '1796212183626', '1796212183626 ', '1e400 k'])
      expect(() => readQuota('s', Buffer.from(bad))).toThrow(
        's: damaged state file (carry.quota: not lines of a time and a key)',
      )
  })

  it('an unreadable state file is an error, not a first run', async () => {
    const path = join(temp(), 'state.json')
    mkdirSync(path)
    await expect(loadState(path)).rejects.toThrow(`cannot read the state file ${path}: is a directory`)
  })

  it('a write that fails leaves the state as it was, and no temporary file', () => {
    const path = join(temp(), 'state.json')
    saveState(path, good())
    const before = readFileSync(path, 'utf8')
    // A directory where the new state would be renamed to cannot be replaced by a file.
    const blocked = join(dir, 'blocked')
    mkdirSync(blocked)
    expect(() => saveState(blocked, good())).toThrow(/blocked: cannot write the state file/)
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(readdirSync(dir).sort()).toEqual(['blocked', 'state.json'])
  })
})

describe('the lock', () => {
  it('a state file where none can be made is one clear error', () => {
    const path = join(temp(), 'no', 'state.json')
    expect(() => lockState(path)).toThrow(`cannot lock the state file: ${path}.lock: no such file or directory`)
  })

  it('refuses a second run while the first holds it, and is gone once let go', () => {
    const path = join(temp(), 'state.json')
    const release = lockState(path)
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`)
    expect(() => lockState(path)).toThrow(`${path}: in use by another run (pid ${process.pid}, ${path}.lock)`)
    release()
    expect(existsSync(`${path}.lock`)).toBe(false)
    lockState(path)()
  })

  it('takes over the lock of a run that ended without letting go', async () => {
    const path = join(temp(), 'state.json')
    // A process that has ended: its pid is free (not reused so soon on a machine with room for pids).
    const child = spawn(process.execPath, ['-e', ''])
    const pid = child.pid!
    await new Promise((resolve) => child.on('exit', resolve))
    writeFileSync(`${path}.lock`, `${pid}\n`)
    const release = lockState(path)
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`)
    release()
  })
})
