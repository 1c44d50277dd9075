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

  it('table: fits the width, cuts long cells with an ellipsis, no colour in a pipe', async () => {
    const text = await events([SAMPLES], {where: {env: {COLUMNS: '100'}}})
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^time\s+kind\s+recipient\s+host\s+ip\s+code\s+reason$/)
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100)
    expect(text).toContain('…')
    expect(text).not.toContain('\x1b[')
  })

  it('--color always colours, NO_COLOR leaves auto alone', async () => {
    expect(await events(['--color', 'always', SAMPLES])).toContain('\x1b[33mrcpt-defer')
    const terminal = {stdoutIsTTY: true, env: {NO_COLOR: '1'}}
    expect(await events(['--color', 'auto', SAMPLES], {where: terminal})).not.toContain('\x1b[')
    expect(await events(['--color', 'auto', SAMPLES], {where: {stdoutIsTTY: true, env: {}}})).toContain('\x1b[')
  })
})
