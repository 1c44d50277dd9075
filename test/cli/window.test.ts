import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {runCli} from './run-cli.js'

const defer = (day: string, t: string, r: string) =>
  `2026-11-${day} ${t} H=mx.example [192.0.2.1] F=<s@example.org> temporarily rejected RCPT <${r}@example.net>: 422 Mailbox ${r}@example.net is over quota\n`

function day(d: string, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++)
    s += defer(d, `${String(10 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, `u${i % 7}`)
  return s
}

describe('--since/--until across a rotated set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-window-'))
  // The oldest member is gzip cut short far past its start: reading it whole would fail.
  const gz = gzipSync(day('22', 40000))
  writeFileSync(join(dir, 'mainlog.2.gz'), gz.subarray(0, gz.length - 64))
  writeFileSync(join(dir, 'mainlog.1'), day('23', 100))
  writeFileSync(join(dir, 'mainlog'), day('24', 50))

  it('leaves out files whose successor starts before --since, without reading them', () => {
    const r = runCli(['report', '--utc', '--json', '--since', '2026-11-23T12:00', dir])
    expect(r.stderr).toBe('')
    const j = JSON.parse(r.stdout)
    expect(j.input.files.map((f: {skipped?: string}) => f.skipped ?? null)).toEqual(['before --since', null, null])
    expect(j.input.files[0].lines).toBe(0)
    const counted = j.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)
    const day23 = day('23', 100)
      .split('\n')
      .filter((l) => l.slice(11, 13) >= '12').length
    expect(counted).toBe(50 + day23)
  })

  it('leaves out files that start at or after --until', () => {
    const r = runCli(['report', '--utc', '--json', '--since', '2026-11-23T10:30', '--until', '2026-11-24', dir])
    const j = JSON.parse(r.stdout)
    expect(j.input.files.map((f: {skipped?: string}) => f.skipped ?? null)).toEqual([
      'before --since',
      null,
      'after --until',
    ])
    const day23 = day('23', 100)
      .split('\n')
      .filter((l) => l.slice(11, 16) >= '10:30').length
    expect(j.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(day23)
  })

  it('reading the whole set fails on the cut gzip with one line naming it', () => {
    const r = runCli(['report', dir])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(/^exim-rejects: .*mainlog\.2\.gz: corrupt or truncated gzip data/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('an unreadable file', () => {
  it('exits 2 with one line naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-perm-'))
    chmodSync(dir, 0o755)
    const f = join(dir, 'mainlog')
    writeFileSync(f, defer('24', '10:00:00', 'a'))
    chmodSync(f, 0)
    // root reads any file: run as nobody then (the project directory must be readable to it).
    const asNobody = process.getuid?.() === 0 ? {uid: 65534, gid: 65534} : undefined
    const r = runCli(['report', f], asNobody)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`exim-rejects: ${f}: permission denied`)
  })
})

describe('a directory of logs with names the tool does not know', () => {
  it('is refused, and a file given by any name is read with its kind found from content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-names-'))
    mkdirSync(join(dir, 'd'))
    writeFileSync(join(dir, 'd', 'exim.log'), defer('24', '10:00:00', 'a'))
    expect(runCli(['report', join(dir, 'd')]).code).toBe(2)
    const r = runCli(['report', '--json', join(dir, 'd', 'exim.log')])
    expect(JSON.parse(r.stdout).input.files[0].logType).toBe('reject')
  })
})
