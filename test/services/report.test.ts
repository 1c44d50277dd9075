// report on the shipped samples: the numbers, each format, the window, standard input.

import {describe, expect, it} from 'vitest'
import {report, reportJson, SAMPLES} from './run.js'

describe('report on the shipped samples', () => {
  it('summary: totals per kind and top tables, exit 0', async () => {
    const out = await report([SAMPLES])
    expect(out).toMatch(/\n\s+10\s+rcpt-defer\s/)
    expect(out).toMatch(/\n\s+3\s+discard-misconfig\s/)
    expect(out).toMatch(/\n\s+8\s+petrova@example\.net\s/)
  })

  it('summary: a histogram of events per hour, Unicode or ASCII', async () => {
    const u = await report(['--utc', SAMPLES], {where: {env: {LANG: 'C.UTF-8'}}})
    expect(u).toContain('Events per hour (UTC+00:00)')
    expect(u).toMatch(/\n {2}2026-11-24 {2}[·▁▂▃▄▅▆▇█]{24} +9\n/)
    const a = await report(['--utc', '--ascii', SAMPLES])
    expect(a).toMatch(/\n {2}2026-11-24 {2}[.\-_=+*%#@]{24} +9\n/)
  })

  it('CSV by recipient and ip: exact counts over main, reject, panic and the rotated gzip', async () => {
    const csv = await report(['--utc', '--kind', 'rcpt-defer', '--by', 'recipient,ip', '--format', 'csv', SAMPLES])
    expect(csv.trim().split('\n')).toEqual([
      'recipient,ip,count,first,last',
      'petrova@example.net,77.88.28.100,4,2026-11-23T09:12:05.902+00:00,2026-11-24T10:02:17+00:00',
      'sidorov@example.net,2a00:1450:4864:20::52a,2,2026-11-23T17:03:51.774+00:00,2026-11-24T06:44:10+00:00',
      'petrova@example.net,178.154.239.213,1,2026-11-22T14:31:19+03:00,2026-11-22T14:31:19+03:00',
      'petrova@example.net,198.51.100.25,1,2026-11-24T08:30:12+00:00,2026-11-24T08:30:12+00:00',
      'petrova@example.net,2a00:1450:4864:20::52a,1,2026-11-24T06:44:10+00:00,2026-11-24T06:44:10+00:00',
      'team@external.example,127.0.0.1,1,2026-11-24T09:10:59+00:00,2026-11-24T09:10:59+00:00',
    ])
  })

  it('discard-misconfig by recipient', async () => {
    const out = await report(['--utc', '--kind', 'discard-misconfig', '--by', 'recipient', '--format', 'csv', SAMPLES])
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(',').slice(0, 2).join(',')),
    ).toEqual(['recipient,count', 'sidorov@example.net,2', 'petrova@example.net,1'])
  })

  it('JSON accounts for every line of every file', async () => {
    const j = await reportJson(['--kind', 'all', SAMPLES])
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

  it('--since and --until cut on the log timestamps', async () => {
    const out = await report([
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
      out
        .trim()
        .split('\n')
        .map((l) => l.split(',').slice(0, 2).join(',')),
    ).toEqual(['recipient,count', 'petrova@example.net,3', 'sidorov@example.net,1', 'team@external.example,1'])
  })

  it('--top cuts rows; ndjson gives one group per line', async () => {
    const out = await report(['--by', 'recipient', '--top', '1', '--format', 'ndjson', SAMPLES])
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({recipient: 'petrova@example.net', count: 8})
  })

  it('reads standard input', async () => {
    const line =
      '2019-06-11 22:48:31 H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota\n'
    const out = await report(['--format', 'csv', '--by', 'recipient', '-'], {input: line.repeat(3)})
    expect(out.split('\n')[1]).toMatch(/^yyy@stupin\.su,3,/)
  })
})
