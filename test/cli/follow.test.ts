// events --follow under a log that grows, is rotated by rename+create and by copytruncate:
// every event printed once, none skipped, Ctrl-C ends it with exit 0. Each step waits for what
// it needs (the follower's readiness line, its rows, the bytes it read), never for a fixed time.

import {appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {type Running, startCli} from './run-cli.js'

const defer = (n: number) =>
  `2026-11-25 10:00:${String(n).padStart(2, '0')} H=mx${n}.example [192.0.2.${n}] F=<s@example.org> temporarily rejected RCPT <u${n}@example.net>: 422 Mailbox u${n}@example.net is over quota\n`
const digit = (n: number) =>
  `2026-11-25 10:00:${String(n).padStart(2, '0')} configured error code starts with incorrect digit (expected 2) in "422 Mailbox d${n}@example.net is over quota"\n`
const discard = (n: number) =>
  `2026-11-25 10:00:${String(n).padStart(2, '0')} H=[192.0.2.${n}] F=<s@example.org> RCPT <d${n}@example.net>: discarded by RCPT ACL: 422 Mailbox d${n}@example.net is over quota\n`

const rows = (out: string): string[] => out.split('\n').filter((l) => l !== '' && !l.startsWith('time,'))
const recipients = (f: Running) => rows(f.stdout()).map((r) => r.split(',')[2])
const waitRows = (f: Running, n: number) => f.waitFor(`${n} rows`, (out) => rows(out).length >= n)
const following = (f: Running) => f.waitFor('the readiness line', (_, err) => err.includes('exim-rejects: following '))

/** Bytes the process has read through read(2) and pread(2) so far (Linux). */
const bytesRead = (pid: number): number => Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1])

describe('events --follow', () => {
  it('follows appends, rename+create and copytruncate, printing each event once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1) + defer(2))
    const f = startCli(['events', '--follow', '--debug', '--format', 'csv', '--kind', 'all', log])
    // From now on, every line appended is read; what was there before is not.
    await following(f)

    appendFileSync(log, defer(3) + defer(4))
    await waitRows(f, 2)
    // A partial line is held until its newline comes: once the follower has read its first part,
    // nothing is printed for it.
    const line5 = defer(5)
    const before = bytesRead(f.child.pid!)
    appendFileSync(log, line5.slice(0, 40))
    await f.waitFor('the partial line to be read', () => bytesRead(f.child.pid!) >= before + 40)
    appendFileSync(log, line5.slice(40))
    await waitRows(f, 3)

    // logrotate's rename + create, with a last line written to the old file just before.
    appendFileSync(log, defer(6))
    renameSync(log, log + '.1')
    writeFileSync(log, defer(7))
    appendFileSync(log, digit(8) + discard(8))
    await waitRows(f, 6)

    // copytruncate
    copyFileSync(log, log + '.2')
    truncateSync(log, 0)
    appendFileSync(log, defer(9))
    await waitRows(f, 7)

    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    // With --debug, the code cache the start used, where reading started and each rotation.
    expect(f.stderr().split('\n')).toEqual([
      expect.stringMatching(/^exim-rejects: code cache \S+cli\.v8cache: used$/),
      expect.stringMatching(/^exim-rejects: following \S+mainlog from byte \d+$/),
      `exim-rejects: ${log} was rotated; reading the new file from its start`,
      `exim-rejects: ${log} was truncated; the rest of what it held was read from ${log}.2`,
      '',
    ])
    expect(recipients(f)).toEqual([
      'u3@example.net',
      'u4@example.net',
      'u5@example.net',
      'u6@example.net',
      'u7@example.net',
      'd8@example.net',
      'u9@example.net',
    ])
  })

  it('numbers lines as the file does, also when it starts at the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1) + defer(2) + defer(3))
    const f = startCli(['events', '--follow', '--debug', '--format', 'csv', log])
    await following(f)
    appendFileSync(log, defer(4) + defer(5))
    await waitRows(f, 2)
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    expect(rows(f.stdout()).map((r) => r.split(',').at(-1))).toEqual(['4', '5'])
  })

  it('with --since, reads what the log already holds first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1) + defer(2))
    const f = startCli(['events', '-F', '--since', '2026-11-25', '--format', 'csv', '--utc', dir])
    await waitRows(f, 2)
    appendFileSync(log, defer(3))
    await waitRows(f, 3)
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    expect(recipients(f)).toEqual(['u1@example.net', 'u2@example.net', 'u3@example.net'])
  })

  it('report --follow prints a fresh report as the log grows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1))
    const f = startCli(['report', '--follow', '--interval', '1s', '--format', 'csv', '--by', 'kind', log])
    const counts = () =>
      rows(f.stdout())
        .filter((r) => r.startsWith('rcpt-defer,'))
        .map((r) => Number(r.split(',')[1]))
    await f.waitFor('the first report', () => counts().length > 0)
    appendFileSync(log, defer(2) + defer(3))
    await f.waitFor('a report of all three', () => counts().includes(3))
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    expect(counts()[0]).toBe(1)
    expect(counts().at(-1)).toBe(3)
  })
})
