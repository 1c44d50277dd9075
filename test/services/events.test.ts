// events on logs a real Exim wrote and on the samples: the contract's columns, exact filters,
// and each format.

import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {events, FIXTURES, SAMPLES} from './run.js'

const FIX = join(FIXTURES, 'exim-4.96')
const COLUMNS = 'time,kind,recipient,sender,host,helo,ip,port,code,reason,message,file,line'

describe('events on logs a real Exim wrote', () => {
  it('CSV: one row per deferral the server sent, the contract columns', async () => {
    const lines = (await events(['--kind', 'rcpt-defer', '--format', 'csv', join(FIX, 'defer-pid-ms-port')]))
      .trim()
      .split('\n')
    expect(lines[0]).toBe(COLUMNS)
    expect(lines).toHaveLength(1 + 9)
    expect(lines[1]).toMatch(
      /^2026-11-25T20:1\d:\d\d\.\d{3}\+00:00,rcpt-defer,full1@example\.test,zzz@yandex\.ru,forward100p\.mail\.yandex\.net,,77\.88\.28\.100,41234,422,422 Mailbox <addr> is over quota,422 Mailbox full1@example\.test is over quota,.*mainlog,1$/,
    )
  })

  it('--ip and --recipient cut exactly', async () => {
    const rows = async (args: string[]) =>
      (await events(['--format', 'csv', ...args, join(FIX, 'defer-plain')])).trim().split('\n').slice(1).filter(Boolean)
    const all = await rows([])
    expect(all).toHaveLength(9)
    const v6 = await rows(['--ip', '2001:db8::/32'])
    const v4 = await rows(['--ip', '77.88.0.0/16'])
    expect(v6.every((r) => r.split(',')[6] === '2001:db8::25')).toBe(true)
    expect(v4.every((r) => r.split(',')[6] === '77.88.28.100')).toBe(true)
    const others = await rows(['--ip', '5.45.0.0/16', '--ip', '192.0.2.0/24'])
    expect(v6.length + v4.length + others.length).toBe(9)
    expect(await rows(['--recipient', '*full1*'])).toHaveLength(5)
    const both = await rows(['--recipient', '*full1*', '--ip', '2001:db8::/32'])
    expect(both.every((r) => r.includes('full1') && r.includes('2001:db8::25'))).toBe(true)
  })
})

describe('events formats on the samples', () => {
  it('raw: the source lines with file:line, both lines of a discard pair', async () => {
    const lines = (await events(['--format', 'raw', '--kind', 'discard-misconfig', SAMPLES])).trim().split('\n')
    expect(lines).toHaveLength(6)
    expect(lines[0]).toMatch(/mainlog\.1:5:2026-11-23 13:40:22\.315 \[21877\] configured error code/)
    expect(lines[1]).toMatch(/mainlog\.1:6:.*discarded by RCPT ACL/)
  })

  it('ndjson: one object per event', async () => {
    const objs = (await events(['--format', 'ndjson', '--kind', 'all', SAMPLES]))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(objs).toHaveLength(21)
    expect(Object.keys(objs[0])).toEqual(COLUMNS.split(','))
  })

  it('table: fits the width, cuts long cells with an ellipsis, never an IP address, no colour in a pipe', async () => {
    const text = await events(['--kind', 'all', SAMPLES], {where: {env: {COLUMNS: '100'}}})
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^time \(UTC\+00:00\)\s+kind\s+recipient\s+host\s+code\s+ip\s+reason$/)
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100)
    expect(text).toContain('…')
    expect(text).not.toContain('\x1b[')
    // Every address the samples hold, IPv6 too, whole, as the CSV has it.
    const ips = new Set(
      (await events(['--kind', 'all', '--format', 'csv', SAMPLES]))
        .trim()
        .split('\n')
        .slice(1)
        .map((r) => r.split(',')[6]!),
    )
    expect([...ips].some((ip) => ip.includes(':'))).toBe(true)
    for (const ip of ips) expect(text).toMatch(new RegExp(`  ${ip.replace(/\./g, '\\.')}(  |$)`, 'm'))
  })

  it('table: times in the zone reports use, named in the title; a change of offset is said', async () => {
    // Logged with their own offset (log_timezone), shown in Berlin time, across the end of summer time.
    const log = [
      '2026-10-25 00:30:00 +0000 H=mx.example.net [192.0.2.1] F=<s@example.net> temporarily rejected RCPT <a@example.org>: 422 full',
      '2026-10-25 01:30:00 +0000 H=mx.example.net [192.0.2.1] F=<s@example.net> temporarily rejected RCPT <a@example.org>: 422 full',
    ].join('\n')
    const text = await events(['--tz', 'Europe/Berlin', '-'], {input: log + '\n'})
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^time \(UTC\+02:00\)/)
    expect(lines[1]).toMatch(/^2026-10-25 02:30:00  rcpt-defer/)
    expect(lines[2]).toBe('-- times from here on in UTC+01:00')
    expect(lines[3]).toMatch(/^2026-10-25 02:30:00  rcpt-defer/)
    const utc = (await events(['--utc', '-'], {input: log + '\n'})).split('\n')
    expect(utc[0]).toMatch(/^time \(UTC\+00:00\)/)
    expect(utc[2]).toMatch(/^2026-10-25 01:30:00/)
  })

  it('--color always colours, NO_COLOR leaves auto alone', async () => {
    expect(await events(['--color', 'always', SAMPLES])).toContain('\x1b[33mrcpt-defer')
    const terminal = {stdoutIsTTY: true, env: {NO_COLOR: '1'}}
    expect(await events(['--color', 'auto', SAMPLES], {where: terminal})).not.toContain('\x1b[')
    expect(await events(['--color', 'auto', SAMPLES], {where: {stdoutIsTTY: true, env: {}}})).toContain('\x1b[')
  })
})
