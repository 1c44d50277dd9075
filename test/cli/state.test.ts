// --state as cron and NRPE run it: a damaged state file, a second run while one holds the lock, and
// an output that fails each leave the state as it was and say so in one line (check: UNKNOWN, 3).

import {createHash} from 'node:crypto'
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createServer, type Socket} from 'node:net'
import {afterEach, beforeEach, describe, expect, it, onTestFinished} from 'vitest'
import {lockState} from '../../src/read/state-file.js'
import {runCli, SAMPLES, startCli} from './run-cli.js'

let dir: string
let logs: string
let state: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exim-rejects-state-cli-'))
  logs = join(dir, 'logs')
  cpSync(SAMPLES, logs, {recursive: true, filter: (f) => !f.endsWith('.png')})
  state = join(dir, 'state.json')
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const NOW = ['--now', '2026-11-24T12:30:00Z']

describe('--state from the command line', () => {
  it('a second run reads nothing again; what is appended is read once', () => {
    const first = runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, logs])
    expect(first.code).toBe(0)
    // The first run reads everything, as a run without --state does.
    expect(first.stdout).toBe(runCli(['events', '--format', 'csv', '--kind', 'all', logs]).stdout)
    const again = runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, logs])
    expect([again.code, again.stdout, again.stderr]).toEqual([
      0,
      'time,kind,recipient,sender,host,helo,ip,port,code,reason,message,file,line\n',
      '',
    ])
    appendFileSync(
      join(logs, 'mainlog'),
      '2026-11-24 12:40:00 H=[198.51.100.9] F=<x@lists.example> rejected RCPT <y@example.net>: Unrouteable address\n',
    )
    const next = runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, logs])
    // Numbered as in the file: the line appended is its last.
    const lines = readFileSync(join(logs, 'mainlog'), 'utf8').split('\n').length - 1
    expect(next.stdout).toContain(
      `y@example.net,x@lists.example,198.51.100.9,,198.51.100.9,,550,Unrouteable address,Unrouteable address,${join(logs, 'mainlog')},${lines}`,
    )
    expect(next.stdout.trim().split('\n').length).toBe(2)
  })

  it("a state file of version 1 (sha256 of each log's first bytes) goes on where it stopped, and is written anew", () => {
    expect(runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, logs]).code).toBe(0)
    // What version 1 wrote: one JSON object, the hash of the bytes each mark now keeps, and the
    // quota failures (which now follow the JSON line) a string in it.
    const text = readFileSync(state, 'utf8')
    const v2 = JSON.parse(text.slice(0, text.indexOf('\n')))
    expect(v2.carry.quotaBytes).toBeGreaterThan(0)
    for (const m of Object.values<{head: string}>(v2.logs))
      m.head = createHash('sha256').update(Buffer.from(m.head, 'base64')).digest('hex')
    const {quotaBytes: _, ...carry} = v2.carry
    const quota = text.slice(text.indexOf('\n') + 1)
    writeFileSync(state, JSON.stringify({...v2, version: 1, carry: {...carry, quota}}) + '\n')
    appendFileSync(
      join(logs, 'mainlog'),
      '2026-11-24 12:40:00 H=[198.51.100.9] F=<x@lists.example> rejected RCPT <y@example.net>: Unrouteable address\n',
    )
    const next = runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, logs])
    expect([next.code, next.stderr]).toEqual([0, ''])
    expect(next.stdout.trim().split('\n').slice(1)).toEqual([
      expect.stringContaining(',y@example.net,x@lists.example,'),
    ])
    const after = readFileSync(state, 'utf8')
    const written = JSON.parse(after.slice(0, after.indexOf('\n')))
    expect(written.version).toBe(2)
    // The quota failures carried over, as they were.
    expect(after.slice(after.indexOf('\n') + 1)).toBe(quota)
    // The log read again is remembered by its first bytes, as this version writes it.
    const main = Object.values<{path: string; head: string; headSha256?: string}>(written.logs).find((m) =>
      m.path.endsWith('mainlog'),
    )!
    expect(
      Buffer.from(main.head, 'base64')
        .toString()
        .startsWith(readFileSync(join(logs, 'mainlog'), 'utf8').slice(0, 100)),
    ).toBe(true)
    expect(main.headSha256).toBeUndefined()
    const again = runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, logs])
    expect(again.stdout.trim().split('\n')).toHaveLength(1)
  })

  it('a rotated name beside the log that cannot be looked at (a link to itself) is not one of its files', () => {
    const log = join(logs, 'mainlog')
    rmSync(join(logs, 'mainlog.1'))
    symlinkSync(join(logs, 'mainlog.1'), join(logs, 'mainlog.1'))
    const first = runCli(['events', '--format', 'csv', '--kind', 'all', '--state', state, log])
    expect([first.code, first.stderr]).toEqual([0, ''])
    expect(first.stdout).toBe(runCli(['events', '--format', 'csv', '--kind', 'all', log]).stdout)
  })

  it('a damaged state file: events says so and exits 2; check is UNKNOWN (3); the file is left as it was', () => {
    writeFileSync(state, '{"format":"exim-rejects-state","version":1,"run":')
    const ev = runCli(['events', '--state', state, logs])
    expect(ev.code).toBe(2)
    expect(ev.stdout).toBe('')
    expect(ev.stderr).toMatch(
      new RegExp(`^exim-rejects: ${state}: damaged state file \\(not JSON: .*\\); move it away`),
    )
    expect(ev.stderr.trim().split('\n')).toHaveLength(1)
    const ck = runCli(['check', ...NOW, '--state', state, logs])
    expect(ck.code).toBe(3)
    expect(ck.stdout).toMatch(new RegExp(`^EXIM-REJECTS UNKNOWN - ${state}: damaged state file \\(not JSON`))
    expect(readFileSync(state, 'utf8')).toBe('{"format":"exim-rejects-state","version":1,"run":')
    expect(existsSync(`${state}.lock`)).toBe(false)
  })

  it('a run while another holds the lock is refused, and reads nothing', () => {
    const release = lockState(state)
    try {
      const ev = runCli(['events', '--state', state, logs])
      expect(ev.code).toBe(2)
      expect(ev.stderr).toBe(`exim-rejects: ${state}: in use by another run (pid ${process.pid}, ${state}.lock)\n`)
      const ck = runCli(['check', ...NOW, '--state', state, logs])
      expect(ck.code).toBe(3)
      expect(ck.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - .*: in use by another run/)
      expect(existsSync(state)).toBe(false)
    } finally {
      release()
    }
    expect(runCli(['events', '--state', state, logs]).code).toBe(0)
    expect(existsSync(state)).toBe(true)
  })

  it('a second process is refused while the first reads; a run killed leaves its lock, and the next takes it over', async () => {
    // The first run holds the lock while it waits for a quota-status socket that never answers.
    const sock = join(dir, 'quota-status.sock')
    const held: Socket[] = []
    const server = createServer((c) => void held.push(c))
    await new Promise<void>((resolve) => server.listen(sock, resolve))
    onTestFinished(() => {
      for (const c of held) c.destroy()
      server.close()
    })
    const lock = `${state}.lock`
    const first = startCli(['check', ...NOW, '--state', state, '--quota-socket', sock, '--probe-timeout', '60s', logs])
    await first.waitFor('its lock file', () => existsSync(lock) && readFileSync(lock, 'utf8') !== '')
    expect(readFileSync(lock, 'utf8')).toBe(`${first.child.pid}\n`)
    const second = runCli(['check', ...NOW, '--state', state, logs])
    expect(second.code).toBe(3)
    expect(second.stdout).toBe(
      `EXIM-REJECTS UNKNOWN - ${state}: in use by another run (pid ${first.child.pid}, ${lock})\n`,
    )
    first.child.kill('SIGKILL')
    await first.exit
    expect(existsSync(lock)).toBe(true)
    expect(existsSync(state)).toBe(false)
    const third = runCli(['check', ...NOW, '--state', state, logs])
    expect(third.stdout).toMatch(/^EXIM-REJECTS (OK|WARNING|CRITICAL) - /)
    expect(existsSync(lock)).toBe(false)
    expect(existsSync(state)).toBe(true)
  })

  it('an output that cannot be written leaves the state as it was: the next run reads the same again', () => {
    const bad = runCli(['report', '--state', state, '--output', join(dir, 'no', 'such', 'dir', 'r.txt'), logs])
    expect(bad.code).toBe(2)
    expect(existsSync(state)).toBe(false)
    const good = runCli(['report', '--json', '--kind', 'all', '--state', state, logs])
    expect(JSON.parse(good.stdout).input.events).toBe(25)
  })

  it('a log that shrank is read from its start, and said so on stderr', () => {
    const main = join(logs, 'mainlog')
    expect(runCli(['events', '--state', state, logs]).code).toBe(0)
    const line =
      '2026-11-24 12:40:00 H=[198.51.100.9] F=<x@lists.example> temporarily rejected RCPT <y@example.net>: 452 full\n'
    writeFileSync(main, line)
    const r = runCli(['events', '--format', 'csv', '--state', state, logs])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe(
      `exim-rejects: ${main}: not the log --state last read (it shrank or was replaced): read from its start\n`,
    )
    expect(r.stdout.trim().split('\n').slice(1)).toEqual([
      `2026-11-24T12:40:00+00:00,rcpt-defer,y@example.net,x@lists.example,198.51.100.9,,198.51.100.9,,452,452 full,452 full,${main},1`,
    ])
  })

  it('refuses a state file that is one of the logs', () => {
    for (const command of ['report', 'events']) {
      const r = runCli([command, '--state', join(logs, 'mainlog'), logs])
      expect(r.code, command).toBe(2)
      expect(r.stderr, command).toMatch(/^exim-rejects: --state \S+mainlog: is one of the logs read/)
    }
  })
})
