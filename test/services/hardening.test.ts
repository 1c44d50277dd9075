// Any bytes in, a clear answer out; nothing hostile reaches the admin's terminal or spreadsheet.

import {randomBytes} from 'node:crypto'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {hostileLog} from '../hostile.js'
import {events, report, reportJson} from './run.js'

const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-hard-'))
const ESC = '\x1b'
const BEL = '\x07'
const hostile = join(dir, 'mainlog')
writeFileSync(hostile, hostileLog)

describe('output safety', () => {
  it('no CSV cell starts with a formula character (report and events), unless --csv-raw', async () => {
    const cells = (csv: string) =>
      csv
        .trim()
        .split('\n')
        .flatMap((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')))
    const byGroup = await report(['--by', 'recipient,sender,reason', '--format', 'csv', hostile])
    const byEvent = await events(['--format', 'csv', hostile])
    for (const out of [byGroup, byEvent]) {
      expect(out.toLowerCase()).toContain(`'=hyperlink`)
      for (const c of cells(out)) expect(c, c).not.toMatch(/^[=+\-@\t\r]/)
    }
    expect(await events(['--format', 'csv', '--csv-raw', hostile])).toMatch(/,"=HYPERLINK\(""http/)
  })

  it('escape sequences in log text never reach the terminal raw', async () => {
    for (const args of [
      ['report'],
      ['report', '--by', 'helo,reason'],
      ['events'],
      ['events', '--format', 'table', '--color', 'always'],
    ]) {
      const [command, ...rest] = args
      const out = await (command === 'report' ? report : events)([...rest, hostile])
      expect(out, args.join(' ')).not.toContain(`${ESC}]`)
      expect(out, args.join(' ')).not.toContain(`${ESC}[2J`)
      expect(out, args.join(' ')).not.toContain(BEL)
      expect(out, args.join(' ')).not.toContain('\u202e')
    }
    expect(await events([hostile])).toContain('\\x1b]0;owned\\x07')
  })

  it('invisible and direction-changing characters are shown escaped on the terminal, exact in JSON', async () => {
    const sneaky = ['\u061c', '\u200b', '\u2060', '\ufeff', '\u2028']
    const file = join(dir, 'invisible-mainlog')
    writeFileSync(
      file,
      `2026-11-25 10:00:00 H=(mx${sneaky.join('')}.example) [192.0.2.8] F=<a@example.org> temporarily rejected RCPT <v@example.net>: 422 full${sneaky.join('')}\n`,
    )
    for (const out of [await report(['--by', 'helo,reason', file]), await events([file])])
      for (const c of sneaky) {
        expect(out).not.toContain(c)
        expect(out).toContain(`\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      }
    const j = await reportJson(['--by', 'helo', file])
    expect(j.groups[0].helo).toBe(`mx${sneaky.join('')}.example`)
  })

  it('JSON and NDJSON stay exact', async () => {
    const j = await reportJson(['--by', 'helo', hostile])
    expect(j.groups.map((g: {helo: string}) => g.helo)).toContain(`${ESC}]0;owned${BEL}${ESC}[2Jevil`)
  })
})

describe('any bytes in', () => {
  it('300 kB of random bytes and a 2 MB line: exit 0, every byte and line accounted for', async () => {
    const f = join(dir, 'noise')
    const noise = randomBytes(300 * 1024)
    const long = Buffer.from(
      '2026-11-25 10:00:00 H=x [192.0.2.1] F=<a@b> rejected RCPT <c@d>: ' + 'y'.repeat(2 * 1024 * 1024) + '\n',
    )
    const data = Buffer.concat([noise, Buffer.from('\n'), long, Buffer.from(hostileLog)])
    writeFileSync(f, data)
    const i = (await reportJson(['--kind', 'all', f])).input
    let nl = 0
    for (const c of data) if (c === 10) nl++
    expect(i.bytes).toBe(data.length)
    expect(i.lines).toBe(nl)
    expect(i.lines).toBe(i.events + i.duplicates + i.other + i.unparsed)
    expect(i.oversized).toBe(1)
    expect(i.invalidUtf8).toBeGreaterThan(0)
    expect(i.samples.length).toBeGreaterThan(0)
  })
})
