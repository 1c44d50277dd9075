// events --follow while a busy server writes its log (5,000 lines a second) and logrotate rotates
// it three ways in the middle (rename+create, copytruncate racing the writer, delete+recreate),
// with the machine's CPUs kept busy: every deferral that the files hold at the end is printed,
// and nothing is printed twice. Lines of the deleted file, and lines that copytruncate's own race
// removed from both files, may have been printed too (the follower read them in time); none is
// printed that was not written.

import {type ChildProcess, spawn} from 'node:child_process'
import {readdirSync, readFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {availableParallelism, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it, onTestFinished} from 'vitest'
import {startCli} from './run-cli.js'

const WRITER = fileURLToPath(new URL('../tools/busy-log.mjs', import.meta.url))
const LINES = 40_000

/** Processes that keep every CPU busy until the test ends. */
function busyMachine(): void {
  const hogs: ChildProcess[] = []
  for (let i = 0; i < availableParallelism(); i++)
    hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'}))
  onTestFinished(() => hogs.forEach((h) => h.kill('SIGKILL')))
}

const deferralsIn = (text: string): string[] =>
  [...text.matchAll(/temporarily rejected RCPT <(u\d+)@/g)].map((m) => m[1]!)

describe('events --follow under load', () => {
  it('prints every deferral the rotated files hold, once, at 5,000 lines a second on a busy machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-follow-load-'))
    const log = join(dir, 'mainlog')
    writeFileSync(log, '')
    const f = startCli(['events', '--follow', '--debug', '--format', 'csv', '--kind', 'all', log])
    await f.waitFor('the readiness line', (_, err) => err.includes('exim-rejects: following '))
    busyMachine()

    const writer = spawn(process.execPath, [WRITER, log, '--lines', String(LINES), '--rate', '5000'])
    onTestFinished(() => void writer.kill('SIGKILL'))
    let report = ''
    writer.stdout.on('data', (d) => (report += d))
    const status = await new Promise<number | null>((resolve) => writer.on('close', resolve))
    expect(status).toBe(0)
    expect(JSON.parse(report)).toMatchObject({lines: LINES, rotations: 3})

    // What the files hold now: the log and its two rotated copies (the third rotation deleted a file).
    const names = readdirSync(dir).sort()
    expect(names).toEqual(['mainlog', 'mainlog.1', 'mainlog.2'])
    const held = names.flatMap((n) => deferralsIn(readFileSync(join(dir, n), 'utf8')))
    expect(held.length).toBeGreaterThan(LINES / 2 / 2)
    const printed = (): string[] =>
      f
        .stdout()
        .split('\n')
        .filter((l) => l.includes('@example.net'))
        .map((l) => /,(u\d+)@example\.net,/.exec(l)![1]!)
    const missing = (): string[] => {
      const seen = new Set(printed())
      return held.filter((u) => !seen.has(u))
    }
    await f
      .waitFor('every deferral the files hold', () => missing().length === 0, 60_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}; not printed: ${missing().slice(0, 20).join(' ')} (${missing().length})`)
      })
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)

    const all = printed()
    expect(all.length - new Set(all).size, 'deferrals printed twice').toBe(0)
    // Only what was written: even line numbers below LINES.
    expect(all.filter((u) => Number(u.slice(1)) % 2 !== 0 || Number(u.slice(1)) >= LINES)).toEqual([])
    // The follower said each rotation (the deletion is a new file at the path, as rename+create).
    expect(f.stderr()).toContain(`${log} was rotated`)
    expect(f.stderr()).toMatch(/was truncated; the rest of what it held was read from \S+mainlog\.1\n/)
  }, 180_000)
})
