// Any bytes in, a clear answer out; nothing hostile reaches the admin's terminal or spreadsheet.

import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {BIN, runCli} from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-hard-'))
const ESC = '\x1b'
const BEL = '\x07'

const hostileLog =
  [
    `2026-11-25 10:00:00 H=(${ESC}]0;owned${BEL}${ESC}[2Jevil) [192.0.2.66] F=<a@example.org> temporarily rejected RCPT <victim@example.net>: 422 Mailbox victim@example.net is over quota`,
    `2026-11-25 10:00:01 H=mx.example [192.0.2.7] F=<=cmd|'/c calc'!A1@x.example> temporarily rejected RCPT <=HYPERLINK("http://evil.example/?x","click")@example.net>: 422 Mailbox full`,
    `2026-11-25 10:00:02 H=mx.example [192.0.2.7] F=<+1@x.example> temporarily rejected RCPT <@evil@example.net>: 451 ${ESC}[31mred\u202etxt.exe`,
  ].join('\n') + '\n'
const hostile = join(dir, 'mainlog')
writeFileSync(hostile, hostileLog)

describe('output safety', () => {
  it('no CSV cell starts with a formula character (report and events), unless --csv-raw', () => {
    const cells = (csv: string) =>
      csv
        .trim()
        .split('\n')
        .flatMap((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')))
    const report = runCli(['report', '--by', 'recipient,sender,reason', '--format', 'csv', hostile]).stdout
    const events = runCli(['events', '--format', 'csv', hostile]).stdout
    for (const out of [report, events]) {
      expect(out.toLowerCase()).toContain(`'=hyperlink`)
      for (const c of cells(out)) expect(c, c).not.toMatch(/^[=+\-@\t\r]/)
    }
    expect(runCli(['events', '--format', 'csv', '--csv-raw', hostile]).stdout).toMatch(/,"=hyperlink\(""http/)
  })

  it('escape sequences in log text never reach the terminal raw', () => {
    for (const args of [
      ['report'],
      ['report', '--by', 'helo,reason'],
      ['events'],
      ['events', '--format', 'table', '--color', 'always'],
    ]) {
      const out = runCli([...args, hostile]).stdout
      expect(out, args.join(' ')).not.toContain(`${ESC}]`)
      expect(out, args.join(' ')).not.toContain(`${ESC}[2J`)
      expect(out, args.join(' ')).not.toContain(BEL)
      expect(out, args.join(' ')).not.toContain('\u202e')
    }
    expect(runCli(['events', hostile]).stdout).toContain('\\x1b]0;owned\\x07')
  })

  it('raw lines: as logged into a pipe, escaped on a terminal', () => {
    expect(runCli(['events', '--format', 'raw', hostile]).stdout).toContain(`${ESC}]0;owned${BEL}`)
    const tty = spawnSync('script', ['-qec', `node ${BIN} events --format raw ${hostile}`, '/dev/null'], {
      encoding: 'utf8',
    })
    if (tty.error) return // no util-linux script here
    expect(tty.stdout).toContain('\\x1b]0;owned\\x07')
    expect(tty.stdout).not.toContain(`${ESC}]0;`)
  })

  it('JSON and NDJSON stay exact', () => {
    const j = JSON.parse(runCli(['report', '--json', '--by', 'helo', hostile]).stdout)
    expect(j.groups.map((g: {helo: string}) => g.helo)).toContain(`${ESC}]0;owned${BEL}${ESC}[2Jevil`)
  })
})

describe('any bytes in', () => {
  it('300 kB of random bytes and a 2 MB line: exit 0, every byte and line accounted for', () => {
    const f = join(dir, 'noise')
    const noise = randomBytes(300 * 1024)
    const long = Buffer.from(
      '2026-11-25 10:00:00 H=x [192.0.2.1] F=<a@b> rejected RCPT <c@d>: ' + 'y'.repeat(2 * 1024 * 1024) + '\n',
    )
    const data = Buffer.concat([noise, Buffer.from('\n'), long, Buffer.from(hostileLog)])
    writeFileSync(f, data)
    const r = runCli(['report', '--json', '--kind', 'all', f])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const i = JSON.parse(r.stdout).input
    let nl = 0
    for (const c of data) if (c === 10) nl++
    expect(i.bytes).toBe(data.length)
    expect(i.lines).toBe(nl)
    expect(i.lines).toBe(i.events + i.duplicates + i.other + i.unparsed)
    expect(i.oversized).toBe(1)
    expect(i.invalidUtf8).toBeGreaterThan(0)
    expect(i.samples.length).toBeGreaterThan(0)
  })

  it('a truncated gzip: exit 2, one line naming it, no stack trace', () => {
    const f = join(dir, 'mainlog.1.gz')
    const gz = gzipSync(hostileLog.repeat(2000))
    writeFileSync(f, gz.subarray(0, gz.length >> 1))
    const r = runCli(['report', f])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^exim-rejects: .*mainlog\.1\.gz: corrupt or truncated gzip data \(.*\)\n$/)
  })

  it('--keep-going counts the readable inputs, names the others, exits 2', () => {
    const r = runCli(['report', '--keep-going', '--format', 'csv', '--by', 'recipient', hostile, join(dir, 'missing')])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`exim-rejects: ${join(dir, 'missing')}: no such file or directory\n`)
    expect(r.stdout).toMatch(/\nvictim@example\.net,1,/)
  })

  it('--debug shows the stack trace, and only then', () => {
    const f = join(dir, 'cut.gz')
    writeFileSync(f, gzipSync(hostileLog).subarray(0, 20))
    expect(runCli(['report', f]).stderr).not.toMatch(/\n\s+at /)
    expect(runCli(['report', '--debug', f]).stderr).toMatch(/\n\s+at /)
  })
})

describe('signals', () => {
  it('Ctrl-C stops a report with exit status 130', async () => {
    const child = spawn(process.execPath, [BIN, 'report', '-'], {stdio: ['pipe', 'pipe', 'pipe']})
    child.stdin.write(hostileLog)
    await new Promise((r) => setTimeout(r, 1000))
    child.kill('SIGINT')
    const code = await new Promise((r) => child.on('close', (c) => r(c)))
    expect(code).toBe(130)
  })
})

describe('output that cannot be written', () => {
  it('a full disk: exit 2, one line, no stack', () => {
    const r = spawnSync('bash', ['-c', `node ${BIN} report ${hostile} > /dev/full`], {encoding: 'utf8'})
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('exim-rejects: cannot write output: ENOSPC: no space left on device, write\n')
  })
})
