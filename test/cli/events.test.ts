import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN, runCli, SAMPLES} from './run-cli.js'

const FIX = new URL('../fixtures/exim-4.96/', import.meta.url).pathname
const COLUMNS = 'time,kind,recipient,sender,host,helo,ip,port,code,reason,message,file,line'

describe('events on logs a real Exim wrote', () => {
  it('CSV: one row per deferral the server sent, the contract columns', () => {
    const r = runCli(['events', '--kind', 'rcpt-defer', '--format', 'csv', join(FIX, 'defer-pid-ms-port')])
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe(COLUMNS)
    expect(lines).toHaveLength(1 + 9)
    expect(lines[1]).toMatch(
      /^2026-11-25T20:1\d:\d\d\.\d{3}\+00:00,rcpt-defer,full1@example\.test,zzz@yandex\.ru,forward100p\.mail\.yandex\.net,,77\.88\.28\.100,41234,422,422 Mailbox <addr> is over quota,422 Mailbox full1@example\.test is over quota,.*mainlog,1$/,
    )
  })

  it('--ip and --recipient cut exactly', () => {
    const rows = (args: string[]) =>
      runCli(['events', '--format', 'csv', ...args, join(FIX, 'defer-plain')])
        .stdout.trim()
        .split('\n')
        .slice(1)
        .filter(Boolean)
    const all = rows([])
    expect(all).toHaveLength(9)
    const v6 = rows(['--ip', '2001:db8::/32'])
    const v4 = rows(['--ip', '77.88.0.0/16'])
    expect(v6.every((r) => r.split(',')[6] === '2001:db8::25')).toBe(true)
    expect(v4.every((r) => r.split(',')[6] === '77.88.28.100')).toBe(true)
    expect(v6.length + v4.length + rows(['--ip', '5.45.0.0/16', '--ip', '192.0.2.0/24']).length).toBe(9)
    expect(rows(['--recipient', '*full1*'])).toHaveLength(5)
    expect(
      rows(['--recipient', '*full1*', '--ip', '2001:db8::/32']).every(
        (r) => r.includes('full1') && r.includes('2001:db8::25'),
      ),
    ).toBe(true)
  })
})

describe('events formats on the samples', () => {
  it('raw: the source lines with file:line, both lines of a discard pair', () => {
    const r = runCli(['events', '--format', 'raw', '--kind', 'discard-misconfig', SAMPLES])
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(6)
    expect(lines[0]).toMatch(/mainlog\.1:5:2026-11-23 13:40:22\.315 \[21877\] configured error code/)
    expect(lines[1]).toMatch(/mainlog\.1:6:.*discarded by RCPT ACL/)
  })

  it('ndjson: one object per event', () => {
    const r = runCli(['events', '--format', 'ndjson', '--kind', 'all', SAMPLES])
    const objs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(objs).toHaveLength(21)
    expect(Object.keys(objs[0])).toEqual(COLUMNS.split(','))
  })

  it('table: fits the width, cuts long cells with an ellipsis, no colour in a pipe', () => {
    const r = runCli(['events', SAMPLES], {env: {COLUMNS: '100'}})
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^time\s+kind\s+recipient\s+host\s+ip\s+code\s+reason$/)
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100)
    expect(r.stdout).toContain('…')
    expect(r.stdout).not.toContain('\x1b[')
  })

  it('--color always colours, NO_COLOR leaves auto alone', () => {
    expect(runCli(['events', '--color', 'always', SAMPLES]).stdout).toContain('\x1b[33mrcpt-defer')
    expect(runCli(['events', '--color', 'auto', SAMPLES], {env: {NO_COLOR: '1'}}).stdout).not.toContain('\x1b[')
  })
})

describe('a closed pipe ends the run quietly', () => {
  it('events --kind all --format csv BIG | head -1: exit 0, nothing on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-pipe-'))
    const big = join(dir, 'mainlog')
    const line = (i: number) =>
      `2026-11-25 10:00:00 H=mx.example [192.0.2.${i % 250}] F=<s@example.org> temporarily rejected RCPT <u${i}@example.net>: 422 Mailbox u${i}@example.net is over quota\n`
    writeFileSync(big, Array.from({length: 200_000}, (_, i) => line(i)).join(''))
    for (const args of [
      ['events', '--kind', 'all', '--format', 'csv'],
      ['events', '--format', 'raw'],
      ['events'],
      ['events', '--format', 'ndjson'],
      ['report', '--by', 'recipient', '--format', 'csv'],
      ['report', '--by', 'recipient', '--format', 'json'],
      ['report', '--by', 'recipient', '--format', 'ndjson'],
      ['report', '--by', 'recipient', '--top', '100000'],
      ['check', '--json', '--since', '2026-01-01'],
    ]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; node ${BIN} ${args.join(' ')} ${big} | head -1`], {
        encoding: 'utf8',
      })
      expect(r.stderr, args.join(' ')).toBe('')
      expect(r.status, args.join(' ')).toBe(0)
      expect(r.stdout.split('\n').length, args.join(' ')).toBe(2)
    }
  }, 60_000)
})
