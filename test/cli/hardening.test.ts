// Hostile and broken input as the command line meets it: raw lines on a terminal, exit codes and
// one-line errors, signals, an output that cannot be written.

import {spawnSync} from 'node:child_process'
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {hostileLog} from '../hostile.js'
import {BIN, installedCopy, runCli, SAMPLES, startCli} from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-hard-'))
const ESC = '\x1b'
const BEL = '\x07'

const hostile = join(dir, 'mainlog')
writeFileSync(hostile, hostileLog)

describe('a NUL byte in an event line (as an unclean shutdown leaves in a log)', () => {
  const line = (who: string, msg: string) =>
    `2026-11-25 13:16:16 H=mx [192.0.2.1] F=<s@x> temporarily rejected RCPT <${who}>: 422 ${msg}\n`
  const log = join(dir, 'nul-mainlog')
  writeFileSync(log, line('r@x', 'over\0quota') + line('r@x', 'over') + line('r\0q@x', 'over'))

  it('every format and key prints it as a value of its own, exit 0', () => {
    for (const by of ['recipient,host', 'domain', 'helo', 'reason', 'recipient,reason']) {
      for (const format of ['summary', 'csv', 'json', 'ndjson', 'html']) {
        const r = runCli(['report', '--by', by, '--format', format, log])
        expect(r.stderr, `${by} ${format}`).toBe('')
        expect(r.code, `${by} ${format}`).toBe(0)
      }
    }
    const json = JSON.parse(runCli(['report', '--by', 'recipient,reason', '--format', 'json', log]).stdout)
    expect(
      json.groups.map((g: {recipient: string; reason: string; count: number}) => [g.recipient, g.reason, g.count]),
    ).toEqual([
      // NUL sorts first.
      ['r\u0000q@x', '422 over', 1],
      ['r@x', '422 over', 1],
      ['r@x', '422 over\u0000quota', 1],
    ])
    // The summary shows it escaped, in its own column.
    expect(runCli(['report', '--by', 'reason', log]).stdout).toMatch(/^ +1 +422 over\\x00quota +2026/m)
  })
})

describe('a --reason /regex/ that could backtrack for minutes', () => {
  it('is refused at once, with how to write it instead (it used to run for minutes on a 35-byte message)', () => {
    const log = join(dir, 'redos-mainlog')
    writeFileSync(
      log,
      `2026-11-25 10:00:00 H=mx [192.0.2.1] F=<s@x> temporarily rejected RCPT <r@x>: 422 ${'a'.repeat(35)}!\n`,
    )
    const r = runCli(['report', '--reason', '/(a+)+$/', log])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^exim-rejects: --reason: expected a \/regex\/ that runs in time on any message; .*\n$/)
  })
})

describe('merge checks every value it reads', () => {
  const made = (args: string[]) => JSON.parse(runCli(['report', '--format', 'json', ...args, SAMPLES]).stdout)
  const write = (name: string, r: unknown) => {
    const f = join(dir, name)
    writeFileSync(f, JSON.stringify(r))
    return f
  }

  it('a count, a time or a key that no report writes is one error naming the file and the field', () => {
    const r = made([])
    for (const [edit, said] of [
      [(x: any) => (x.groups[0].count = 'lots'), 'groups[0].count: expected a count, got "lots"'],
      [(x: any) => (x.groups[1].count = -3), 'groups[1].count: expected a count, got -3'],
      [(x: any) => (x.groups[0].first = '2026-13-45T99:00:00+00:00'), 'groups[0].first: expected an ISO time'],
      [(x: any) => (x.totals['rcpt-defer'] = 1.5), 'totals.rcpt-defer: expected a count, got 1.5'],
      [(x: any) => delete x.groups[0].recipient, 'groups[0].recipient: expected a string, got nothing'],
    ] as const) {
      const copy = structuredClone(r)
      edit(copy)
      const f = write('edited.json', copy)
      const m = runCli(['merge', f, f])
      expect(m.code, said).toBe(2)
      expect(m.stderr, said).toMatch(
        new RegExp(`^exim-rejects: ${f.replace(/[.]/g, '\\.')}: ${said.replace(/[[\]().+]/g, '\\$&')}`),
      )
      expect(m.stderr.split('\n')).toHaveLength(2)
    }
  })

  it.each(['first', 'last'])('the %s group not JSON is the error JSON.parse gives for the file', (which) => {
    const text = JSON.stringify(made(['--label', 'mx1']), null, 2)
    // A count in the groups, the first of them or the last (read first, for what it says of the table).
    const at = which === 'first' ? text.indexOf('"count": ') : text.lastIndexOf('"count": ', text.indexOf('"tables"'))
    const broken = text.slice(0, at) + text.slice(at).replace(/("count": \d+)/, '$1x')
    expect(broken).not.toBe(text)
    const f = join(dir, 'broken.json')
    writeFileSync(f, broken)
    const m = runCli(['merge', f])
    expect(m.code).toBe(2)
    let said = ''
    try {
      JSON.parse(broken)
    } catch (err) {
      said = (err as Error).message
    }
    expect(m.stderr).toBe(`exim-rejects: ${f}: not JSON (${said})\n`)
  })

  it('a report laid out otherwise (one line, members in another order, braces and quotes in keys) merges alike', () => {
    // A sending host's HELO with braces, brackets and quotes, as a forged line may carry.
    const log = join(dir, 'odd-helo')
    writeFileSync(
      log,
      readFileSync(`${SAMPLES}/mainlog`, 'utf8') +
        '2026-11-24 12:00:00 H=(x}{"]\\[) [192.0.2.9] F=<s@x> temporarily rejected RCPT <r@x>: 422 full\n',
    )
    const args = ['--format', 'json', '--label', 'mx1', '--by', 'host,recipient', log]
    const r = JSON.parse(runCli(['report', ...args]).stdout)
    expect(r.groups.map((g: {host: string}) => g.host)).toContain('(x}{"]\\[)')
    const pretty = join(dir, 'pretty.json')
    writeFileSync(pretty, JSON.stringify(r, null, 2))
    const reordered = Object.fromEntries(Object.entries(r).reverse())
    const other = write('reordered.json', reordered)
    const expected = runCli(['merge', '--format', 'json', pretty]).stdout
    expect(JSON.parse(expected).groups).toEqual(r.groups)
    expect(runCli(['merge', '--format', 'json', other]).stdout).toBe(expected)
  })

  it('reports of different kinds or windows merge, with a warning', () => {
    const a = write('kinds-a.json', made([]))
    const b = write('kinds-b.json', made(['--kind', 'all', '--since', '2026-11-24']))
    const m = runCli(['merge', '--format', 'csv', a, b])
    expect(m.code).toBe(0)
    expect(m.stderr).toContain('counts discard-misconfig,rcpt-defer, ')
    expect(m.stderr).toContain('the merged counts of a kind come only from the reports that counted it')
    expect(m.stderr).toContain('the merged counts mix those windows')
    expect(runCli(['merge', a, a]).stderr).toBe('')
  })
})

describe('pipes as PATH: a named pipe, process substitution, /dev/stdin', () => {
  const expected = runCli(['report', '--format', 'csv', '--by', 'kind', `${SAMPLES}/mainlog`]).stdout

  it('reads them once, as streams, with the counts of the file', () => {
    const cases = [
      // The writer runs beside the reader, as when an admin types it; it gives up if no reader comes.
      `mkfifo "$D/fifo" && (timeout 60 sh -c 'cat "$L" > "$D/fifo"' &) && node "$B" report --format csv --by kind "$D/fifo"`,
      `node "$B" report --format csv --by kind <(gzip -c "$L")`,
      `cat "$L" | node "$B" report --format csv --by kind /dev/stdin`,
    ]
    for (const c of cases) {
      const d = mkdtempSync(join(dir, 'pipe-'))
      const r = spawnSync('bash', ['-c', c], {
        encoding: 'utf8',
        env: {...process.env, TZ: 'UTC', D: d, L: `${SAMPLES}/mainlog`, B: BIN},
        timeout: 60_000,
      })
      expect(r.stderr, c).toBe('')
      expect(r.status, c).toBe(0)
      expect(r.stdout, c).toBe(expected)
    }
  })
})

describe('outputs never destroy files', () => {
  const fresh = () => {
    const d = mkdtempSync(join(dir, 'out-'))
    copyFileSync(`${SAMPLES}/mainlog`, join(d, 'mainlog'))
    return d
  }
  const log = readFileSync(`${SAMPLES}/mainlog`)

  it('an output that is one of the logs read is refused before anything is read', () => {
    const d = fresh()
    for (const args of [
      ['report', '--output', join(d, 'mainlog'), join(d, 'mainlog')],
      ['report', '--format', 'html', '--output', join(d, 'mainlog'), d],
      ['report', '--prom-file', join(d, 'mainlog'), d],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(
        /^exim-rejects: --(output|prom-file) \S+mainlog: is one of the logs read/,
      )
      expect(readFileSync(join(d, 'mainlog')).equals(log), args.join(' ')).toBe(true)
    }
    const c = runCli(['check', '--prom-file', join(d, 'mainlog'), d])
    expect(c.code).toBe(3)
    expect(c.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - --prom-file \S+mainlog: is one of the logs read/)
    expect(readFileSync(join(d, 'mainlog')).equals(log)).toBe(true)
    expect(readdirSync(d)).toEqual(['mainlog'])
  })

  it.runIf(process.getuid?.() === 0)(
    'a file the user may write, in a directory they may not, is written in place',
    () => {
      const d = fresh()
      for (const x of [dir, d]) chmodSync(x, 0o755)
      chmodSync(join(d, 'mainlog'), 0o644)
      const out = join(d, 'page.html')
      writeFileSync(out, 'old')
      chownSync(out, 65534, 65534)
      const r = runCli(['report', '--format', 'html', '--output', out, join(d, 'mainlog')], {
        uid: 65534,
        gid: 65534,
        bin: installedCopy(),
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/i)
    },
  )

  it('a run that fails leaves the output file as it was, and no temporary file', () => {
    const d = fresh()
    const out = join(d, 'report.html')
    writeFileSync(out, "yesterday's report")
    const r = runCli(['report', '--format', 'html', '--output', out, join(d, 'missing')])
    expect(r.code).toBe(2)
    expect(readFileSync(out, 'utf8')).toBe("yesterday's report")
    expect(readdirSync(d).sort()).toEqual(['mainlog', 'report.html'])
    // A run that succeeds replaces it whole, keeping its mode.
    chmodSync(out, 0o640)
    expect(runCli(['report', '--format', 'html', '--output', out, d]).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/i)
    expect(statSync(out).mode & 0o777).toBe(0o640)
    expect(readdirSync(d).sort()).toEqual(['mainlog', 'report.html'])
  })
})

describe('output safety', () => {
  it('raw lines: as logged into a pipe, escaped on a terminal', () => {
    expect(runCli(['events', '--format', 'raw', hostile]).stdout).toContain(`${ESC}]0;owned${BEL}`)
    const tty = spawnSync('script', ['-qec', `node ${BIN} events --format raw ${hostile}`, '/dev/null'], {
      encoding: 'utf8',
    })
    if (tty.error) return // no util-linux script here
    expect(tty.stdout).toContain('\\x1b]0;owned\\x07')
    expect(tty.stdout).not.toContain(`${ESC}]0;`)
  })

  it('raw lines into a pipe are the bytes of the log: bytes that are not UTF-8 and a CR before the newline kept', () => {
    const stamp = '2026-11-25 13:16:16 H=mx [192.0.2.1] F=<s@x> '
    const lines = [
      Buffer.from(`${stamp}temporarily rejected RCPT <r@x>: 422 over quota\r\n`),
      Buffer.concat([
        Buffer.from(`${stamp}temporarily rejected RCPT <q@x>: 452 caf`),
        Buffer.from([0xe9, 0xff, 0xc3]),
        Buffer.from('\n'),
      ]),
      Buffer.from('2026-11-25 13:16:17 Start queue run: pid=1\n'),
    ]
    const log = join(dir, 'bytes-mainlog')
    writeFileSync(log, Buffer.concat(lines))
    const r = spawnSync(process.execPath, [BIN, 'events', '--format', 'raw', log], {
      env: {...process.env, NO_COLOR: '1'},
    })
    expect(r.status).toBe(0)
    const expected = Buffer.concat([
      Buffer.from(`${log}:1:`),
      lines[0]!.subarray(0, -1),
      Buffer.from(`\n${log}:2:`),
      lines[1]!,
    ])
    expect(r.stdout.toString('hex')).toBe(expected.toString('hex'))
  })
})

describe('any bytes in', () => {
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
    // A file that broke off while being read is not counted as read.
    const cut = join(dir, 'broken.gz')
    writeFileSync(cut, gzipSync(hostileLog).subarray(0, 40))
    const s = runCli(['report', '--keep-going', hostile, cut])
    expect(s.code).toBe(2)
    expect(s.stdout).toMatch(/^ {2}read {6}1 file, 3 lines, [\d.]+ .?B; 1 could not be read$/m)
  })

  it('--debug shows the stack trace, and only then', () => {
    const f = join(dir, 'cut.gz')
    writeFileSync(f, gzipSync(hostileLog).subarray(0, 20))
    expect(runCli(['report', f]).stderr).not.toMatch(/\n\s+at /)
    expect(runCli(['report', '--debug', f]).stderr).toMatch(/\n\s+at /)
  })
})

describe('signals', () => {
  // A report of 100,000 groups: its JSON (about 20 MB) takes a while to write, all of it in one go.
  const many = join(dir, 'many-mainlog')
  const rows: string[] = []
  for (let i = 0; i < 100_000; i++)
    rows.push(
      `2026-11-25 13:${String(((i / 60) % 60) | 0).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} ` +
        `H=mx${i % 97}.example [192.0.2.${i % 250}] F=<s@x> temporarily rejected RCPT <u${i}@x>: 422 over quota\n`,
    )
  writeFileSync(many, rows.join(''))

  it('Ctrl-C ends a report at once, as the shell expects (killed by SIGINT: status 130)', async () => {
    // Standard input stays open: the report is waiting for more of it when the signal comes.
    const f = startCli(['report', '--debug', '-'])
    f.child.stdin.write(hostileLog)
    await f.waitFor('the input to be opened', (_, err) => err.includes('exim-rejects: opening -'))
    f.child.kill('SIGINT')
    expect(await f.exit).toBe('SIGINT')
  })

  it('a signal ends a report while it writes its output, not after it wrote all of it', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const f = startCli(['report', '--by', 'recipient', '--format', 'json', many])
      await f.waitFor('the output to start', (out) => out.length > 0)
      f.child.kill(signal)
      expect(await f.exit).toBe(signal)
      expect(f.stdout()).not.toMatch(/\}\n$/)
    }
  })

  it('with --output, the signal leaves the file as it was and no temporary file', async () => {
    const sub = mkdtempSync(join(dir, 'signal-'))
    const target = join(sub, 'report.json')
    writeFileSync(target, 'before\n')
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const f = startCli(['report', '--debug', '--format', 'json', '--output', target, '-'])
      f.child.stdin.write(hostileLog)
      await f.waitFor('the input to be opened', (_, err) => err.includes('exim-rejects: opening -'))
      f.child.kill(signal)
      expect(await f.exit).toBe(signal)
      expect(readdirSync(sub)).toEqual(['report.json'])
      expect(readFileSync(target, 'utf8')).toBe('before\n')
    }
  })
})

describe('output that cannot be written', () => {
  it('a full disk: exit 2, one line, no stack', () => {
    const r = spawnSync('bash', ['-c', `node ${BIN} report ${hostile} > /dev/full`], {encoding: 'utf8'})
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('exim-rejects: cannot write output: ENOSPC: no space left on device, write\n')
  })
})
