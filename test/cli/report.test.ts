import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli, SAMPLES} from './run-cli.js'

describe('report on the shipped samples', () => {
  it('summary: totals per kind and top tables, exit 0', () => {
    const r = runCli(['report', SAMPLES])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/\n\s+10\s+rcpt-defer\s/)
    expect(r.stdout).toMatch(/\n\s+3\s+discard-misconfig\s/)
    expect(r.stdout).toMatch(/\n\s+8\s+petrova@example\.net\s/)
  })

  it('summary: a histogram of events per hour, Unicode or ASCII', () => {
    const u = runCli(['report', '--utc', SAMPLES], {env: {LANG: 'C.UTF-8', LC_ALL: ''}}).stdout
    expect(u).toContain('Events per hour (UTC+00:00)')
    expect(u).toMatch(/\n {2}2026-11-24 {2}[·▁▂▃▄▅▆▇█]{24} +9\n/)
    const a = runCli(['report', '--utc', '--ascii', SAMPLES]).stdout
    expect(a).toMatch(/\n {2}2026-11-24 {2}[.\-_=+*%#@]{24} +9\n/)
  })

  it('CSV by recipient and ip: exact counts over main, reject, panic and the rotated gzip', () => {
    const r = runCli(['report', '--utc', '--kind', 'rcpt-defer', '--by', 'recipient,ip', '--format', 'csv', SAMPLES])
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n')).toEqual([
      'recipient,ip,count,first,last',
      'petrova@example.net,77.88.28.100,4,2026-11-23T09:12:05.902+00:00,2026-11-24T10:02:17+00:00',
      'sidorov@example.net,2a00:1450:4864:20::52a,2,2026-11-23T17:03:51.774+00:00,2026-11-24T06:44:10+00:00',
      'petrova@example.net,178.154.239.213,1,2026-11-22T14:31:19+03:00,2026-11-22T14:31:19+03:00',
      'petrova@example.net,198.51.100.25,1,2026-11-24T08:30:12+00:00,2026-11-24T08:30:12+00:00',
      'petrova@example.net,2a00:1450:4864:20::52a,1,2026-11-24T06:44:10+00:00,2026-11-24T06:44:10+00:00',
      'team@external.example,127.0.0.1,1,2026-11-24T09:10:59+00:00,2026-11-24T09:10:59+00:00',
    ])
  })

  it('discard-misconfig by recipient', () => {
    const r = runCli([
      'report',
      '--utc',
      '--kind',
      'discard-misconfig',
      '--by',
      'recipient',
      '--format',
      'csv',
      SAMPLES,
    ])
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(',').slice(0, 2).join(',')),
    ).toEqual(['recipient,count', 'sidorov@example.net,2', 'petrova@example.net,1'])
  })

  it('JSON accounts for every line of every file', () => {
    const r = runCli(['report', '--json', '--kind', 'all', SAMPLES])
    const j = JSON.parse(r.stdout)
    const {input} = j
    expect(input.files.map((f: {path: string}) => f.path.replace(SAMPLES + '/', ''))).toEqual([
      'mainlog.2.gz',
      'mainlog.1',
      'mainlog',
      'rejectlog',
      'paniclog',
    ])
    for (const f of input.files) expect(f.lines).toBe(f.events + f.duplicates + f.other + f.unparsed)
    expect(input.lines).toBe(input.events + input.duplicates + input.other + input.unparsed)
    expect(input.files[0].compression).toBe('gzip')
    // Every rejection and discard in the reject log (its 14 entries), and both digit lines in the panic log, are copies.
    expect(input.files[3].duplicates).toBe(14)
    expect(input.files[3].other).toBe(input.files[3].lines - 14)
    expect(input.files[4].duplicates).toBe(2)
    expect(j.totals['rcpt-reject']).toBe(5)
  })

  it('--since and --until cut on the log timestamps', () => {
    const r = runCli([
      'report',
      '--utc',
      '--since',
      '2026-11-24T08:00',
      '--until',
      '2026-11-24T11:00',
      '--by',
      'recipient',
      '--format',
      'csv',
      SAMPLES,
    ])
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(',').slice(0, 2).join(',')),
    ).toEqual(['recipient,count', 'petrova@example.net,3', 'sidorov@example.net,1', 'team@external.example,1'])
  })

  it('--top cuts rows; ndjson gives one group per line', () => {
    const r = runCli(['report', '--by', 'recipient', '--top', '1', '--format', 'ndjson', SAMPLES])
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({recipient: 'petrova@example.net', count: 8})
  })

  it('reads standard input', () => {
    const line =
      '2019-06-11 22:48:31 H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota\n'
    const r = runCli(['report', '--format', 'csv', '--by', 'recipient', '-'], {input: line.repeat(3)})
    expect(r.stdout.split('\n')[1]).toMatch(/^yyy@stupin\.su,3,/)
  })
})

describe('report failures: one line, exit 2, no stack', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'exim-rejects-'))
  const expectOneLine = (r: {code: number; stderr: string; stdout: string}, re: RegExp) => {
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(re)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  }
  it('a path that does not exist', () => {
    expectOneLine(runCli(['report', join(tmp, 'nope')]), /nope: no such file or directory/)
  })
  it('a directory without Exim logs', () => {
    const d = join(tmp, 'empty')
    mkdirSync(d)
    writeFileSync(join(d, 'syslog'), 'x\n')
    expectOneLine(runCli(['report', d]), /empty: no Exim logs in this directory/)
  })
  it('an unreadable file', () => {
    const f = join(tmp, 'mainlog')
    writeFileSync(f, 'x\n')
    chmodSync(f, 0)
    const r = runCli(['report', f], {env: process.getuid?.() === 0 ? {} : {}})
    // root reads anything; the check only means something for other users.
    if (process.getuid?.() !== 0) expectOneLine(r, /mainlog: permission denied/)
  })
  it('bad flag values', () => {
    expectOneLine(runCli(['report', '--kind', 'bogus', SAMPLES]), /--kind: expected/)
    expectOneLine(runCli(['report', '--since', 'whenever', SAMPLES]), /--since: expected/)
    expectOneLine(runCli(['report', '--format', 'xml', SAMPLES]), /format/)
    expectOneLine(runCli(['report', '--bogus', SAMPLES]), /bogus/)
  })
})
