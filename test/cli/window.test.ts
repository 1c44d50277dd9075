import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {BIN, installedCopy, runCli} from './run-cli.js'

const defer = (day: string, t: string, r: string) =>
  `2026-11-${day} ${t} H=mx.example [192.0.2.1] F=<s@example.org> temporarily rejected RCPT <${r}@example.net>: 422 Mailbox ${r}@example.net is over quota\n`

function day(d: string, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++)
    s += defer(d, `${String(10 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, `u${i % 7}`)
  return s
}

describe('a rotated set with a cut gzip member', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-window-'))
  const gz = gzipSync(day('22', 40000))
  writeFileSync(join(dir, 'mainlog.2.gz'), gz.subarray(0, gz.length - 64))
  writeFileSync(join(dir, 'mainlog.1'), day('23', 100))
  writeFileSync(join(dir, 'mainlog'), day('24', 50))

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
    // root reads any file: run as nobody then, from a copy of the tool nobody can read (the
    // checkout may be in a directory only root can enter).
    const asNobody = process.getuid?.() === 0 ? {uid: 65534, gid: 65534, bin: installedCopy()} : undefined
    const r = runCli(['report', f], asNobody)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`exim-rejects: ${f}: permission denied`)
  })
})

describe('a directory of logs with names the tool does not know', () => {
  it('is refused with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-names-'))
    mkdirSync(join(dir, 'd'))
    writeFileSync(join(dir, 'd', 'exim.log'), defer('24', '10:00:00', 'a'))
    const r = runCli(['report', join(dir, 'd')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/d: no Exim logs in this directory/)
  })
})

describe('--since on a big plain log', () => {
  it('reads from the window on, and says in JSON how many bytes it passed over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-seek-cli-'))
    // A day of deferrals, one a minute, in time order, padded to a few MB with other lines.
    let log = ''
    for (let m = 0; m < 24 * 60; m++) {
      const t = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
      for (let k = 0; k < 10; k++) log += `2026-11-24 ${t}:${String(k).padStart(2, '0')} 1wT000-000000-00 Completed\n`
      log += defer('24', `${t}:30`, `u${m % 7}`)
    }
    writeFileSync(join(dir, 'mainlog'), log)
    const r = runCli(['report', '--json', '--utc', '--since', '2026-11-24T23:00', join(dir, 'mainlog')])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    const i = j.input
    expect(i.bytesSkipped).toBeGreaterThan(Buffer.byteLength(log) * 0.9)
    expect(i.bytes + i.bytesSkipped).toBe(Buffer.byteLength(log))
    expect(i.lines).toBe(i.events + i.duplicates + i.other + i.unparsed)
    // The last hour's deferrals, every one of them.
    expect(j.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(60)
    const summary = runCli(['report', '--utc', '--since', '2026-11-24T23:00', join(dir, 'mainlog')]).stdout
    expect(summary).toMatch(/outside the window passed over/)
  })
})

describe('--since over many rotated files left out whole', () => {
  it('holds no descriptor for each of them: 300 files read under a limit of 64 open files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-many-rotated-'))
    const stamp = (h: number) =>
      new Date(Date.UTC(2026, 0, 1) + h * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
    for (let i = 1; i <= 300; i++)
      writeFileSync(
        join(dir, `mainlog.${i}`),
        `${stamp(300 - i)} 1tA000-000000-00 == u@x.example R=local T=lmtp defer (-22): Quota exceeded\n`,
      )
    writeFileSync(
      join(dir, 'mainlog'),
      `${stamp(301)} 1tA000-000000-00 == u@x.example R=local T=lmtp defer (-22): Quota exceeded\n`,
    )
    const since = new Date(Date.UTC(2026, 0, 1) + 300 * 3600_000).toISOString().slice(0, 19)
    const r = spawnSync(
      'sh',
      [
        '-c',
        `ulimit -n 64 && exec "$0" "$@"`,
        process.execPath,
        BIN,
        'report',
        '--utc',
        '--kind',
        'all',
        '--format',
        'csv',
        '--by',
        'kind',
        '--since',
        since,
        dir,
      ],
      {encoding: 'utf8'},
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    // The failure in the window is a retry of the one in the rotated files before it, not an event.
    expect(r.stdout).toBe('kind,count,first,last\n')
  })
})
