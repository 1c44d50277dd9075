// events --follow under a log that grows, is rotated by rename+create and by copytruncate:
// every event printed once, none skipped, Ctrl-C ends it with exit 0.

import {spawn} from 'node:child_process'
import {appendFileSync, copyFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN} from './run-cli.js'

const defer = (n: number) =>
  `2026-11-25 10:00:${String(n).padStart(2, '0')} H=mx${n}.example [192.0.2.${n}] F=<s@example.org> temporarily rejected RCPT <u${n}@example.net>: 422 Mailbox u${n}@example.net is over quota\n`
const digit = (n: number) =>
  `2026-11-25 10:00:${String(n).padStart(2, '0')} configured error code starts with incorrect digit (expected 2) in "422 Mailbox d${n}@example.net is over quota"\n`
const discard = (n: number) =>
  `2026-11-25 10:00:${String(n).padStart(2, '0')} H=[192.0.2.${n}] F=<s@example.org> RCPT <d${n}@example.net>: discarded by RCPT ACL: 422 Mailbox d${n}@example.net is over quota\n`

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {env: {...process.env, TZ: 'UTC'}})
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  const rows = (): string[] => out.split('\n').filter((l) => l !== '' && !l.startsWith('time,'))
  const waitRows = async (n: number): Promise<void> => {
    const until = Date.now() + 15_000
    while (rows().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
  }
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {child, rows, waitRows, exit, stderr: () => err}
}

describe('events --follow', () => {
  it('follows appends, rename+create and copytruncate, printing each event once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1) + defer(2))
    const f = start(['events', '--follow', '--format', 'csv', '--kind', 'all', log])
    await new Promise((r) => setTimeout(r, 1200))

    appendFileSync(log, defer(3) + defer(4))
    await f.waitRows(2)
    // A partial line is held until its newline comes.
    const line5 = defer(5)
    appendFileSync(log, line5.slice(0, 40))
    await new Promise((r) => setTimeout(r, 400))
    expect(f.rows()).toHaveLength(2)
    appendFileSync(log, line5.slice(40))
    await f.waitRows(3)

    // logrotate's rename + create, with a last line written to the old file just before.
    appendFileSync(log, defer(6))
    renameSync(log, log + '.1')
    writeFileSync(log, defer(7))
    appendFileSync(log, digit(8) + discard(8))
    await f.waitRows(6)

    // copytruncate
    copyFileSync(log, log + '.2')
    truncateSync(log, 0)
    appendFileSync(log, defer(9))
    await f.waitRows(7)

    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    expect(f.stderr()).toBe('')
    const recipients = f.rows().map((r) => r.split(',')[2])
    expect(recipients).toEqual([
      'u3@example.net',
      'u4@example.net',
      'u5@example.net',
      'u6@example.net',
      'u7@example.net',
      'd8@example.net',
      'u9@example.net',
    ])
  }, 40_000)

  it('with --since, reads what the log already holds first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1) + defer(2))
    const f = start(['events', '-F', '--since', '2026-11-25', '--format', 'csv', '--utc', dir])
    await f.waitRows(2)
    appendFileSync(log, defer(3))
    await f.waitRows(3)
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    expect(f.rows().map((r) => r.split(',')[2])).toEqual(['u1@example.net', 'u2@example.net', 'u3@example.net'])
  }, 30_000)

  it('report --follow prints a fresh summary as the log grows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, defer(1))
    const f = start(['report', '--follow', '--interval', '1s', '--format', 'csv', '--by', 'kind', log])
    await new Promise((r) => setTimeout(r, 1500))
    appendFileSync(log, defer(2) + defer(3))
    await new Promise((r) => setTimeout(r, 2000))
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
    const counts = f
      .rows()
      .filter((r) => r.startsWith('rcpt-defer,'))
      .map((r) => Number(r.split(',')[1]))
    expect(counts[0]).toBe(1)
    expect(counts.at(-1)).toBe(3)
  }, 30_000)
})
