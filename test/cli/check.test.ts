import {spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN, installedCopy, runCli} from './run-cli.js'

const FIX = new URL('../fixtures/exim-4.96/', import.meta.url).pathname
// The fixtures were written on 2026-11-25 around 20:12-20:18 UTC.
const NOW = ['--now', '2026-11-25T20:40:00Z']

// The check as monitoring runs it: the state as its exit status, one status line, the textfile.
describe('check on logs a real Exim wrote', () => {
  it.each([
    ['defer-plain', 'OK', 0],
    ['defer-tz', 'OK', 0],
    ['discard-plain', 'CRITICAL', 2],
    ['discard-tz-ms-iface', 'CRITICAL', 2],
    ['nosocket-plain', 'WARNING', 1],
    ['nosocket-smtp-lmtp', 'WARNING', 1],
  ])('%s: %s', (scenario, state, code) => {
    const r = runCli(['check', ...NOW, join(FIX, scenario)])
    expect(r.stdout).toMatch(new RegExp(`^EXIM-REJECTS ${state} - [^\\n|]+ \\| rcpt_defer=\\d+;;;0 .*\\n$`))
    expect(r.code).toBe(code)
  })

  it('UNKNOWN, exit 3, on a missing file or a bad flag value', () => {
    const r = runCli(['check', '/nonexistent/mainlog'])
    expect(r.stdout).toBe('EXIM-REJECTS UNKNOWN - /nonexistent/mainlog: no such file or directory\n')
    expect(r.code).toBe(3)
    const b = runCli(['check', '--warning', 'many', join(FIX, 'defer-plain')])
    expect(b.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - --warning: expected/)
    expect(b.code).toBe(3)
    // A window that has not begun: a mistyped date, not "OK in the last -1620799m".
    const f = runCli(['check', '--since', '2030-01-01', '--now', '2026-12-01T00:00:00Z', join(FIX, 'defer-plain')])
    expect(f.stdout).toBe(
      'EXIM-REJECTS UNKNOWN - --since: expected a time before now (or give --until), got "2030-01-01"\n',
    )
    expect(f.code).toBe(3)
  })

  it('--json and --prom-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-prom-'))
    const prom = join(dir, 'exim.prom')
    const r = runCli(['check', ...NOW, '--json', '--prom-file', prom, '--prom-recipients', join(FIX, 'nosocket-plain')])
    expect(JSON.parse(r.stdout)).toMatchObject({state: 'WARNING', code: 1})
    expect(r.code).toBe(1)
    const text = readFileSync(prom, 'utf8')
    expect(text).toContain('exim_rejects_events{kind="delivery-quota"} 9\n')
    expect(text).toContain('exim_rejects_recipient_events{kind="delivery-quota",recipient="full1@example.test"} 5\n')
    expect(text).toContain('exim_rejects_check_state 1\n')
  })
})

// As NRPE, cron and systemd run it: no PATH, standard input /dev/null or closed, no terminal.
describe('check with nothing to read says UNKNOWN, never OK', () => {
  const nowhere = {EXIM_REJECTS_LOG_DIRS: '/nonexistent/exim4:/nonexistent/exim'}

  it.each(['null', 'closed'] as const)('no PATH, standard input %s, no log at the default places', (stdin) => {
    const r = runCli(['check'], {stdin, env: nowhere})
    expect(r.stdout).toMatch(
      /^EXIM-REJECTS UNKNOWN - no PATH given, standard input is (\/dev\/null|closed), and none of \/nonexistent\/exim4, \/nonexistent\/exim exists/,
    )
    expect(r.stdout.split('\n')).toHaveLength(2)
    expect(r.code).toBe(3)
  })

  it.runIf(process.getuid?.() === 0)('as a user who cannot read the default log directory', () => {
    // Debian's /var/log/exim4 is Debian-exim:adm 0750: the nagios user outside adm cannot read it.
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-nrpe-'))
    const logs = join(dir, 'exim4')
    mkdirSync(logs, {mode: 0o750})
    writeFileSync(join(logs, 'mainlog'), readFileSync(join(FIX, 'defer-plain', 'mainlog')))
    chmodSync(dir, 0o755)
    const r = runCli(['check'], {
      stdin: 'null',
      env: {EXIM_REJECTS_LOG_DIRS: logs},
      uid: 65534,
      gid: 65534,
      bin: installedCopy(),
    })
    expect(r.stdout).toBe(`EXIM-REJECTS UNKNOWN - ${logs}: permission denied\n`)
    expect(r.code).toBe(3)
    // The real default places, as the machine has them: absent, or not readable by nobody.
    const real = runCli(['check'], {stdin: 'null', uid: 65534, gid: 65534, bin: installedCopy()})
    expect(real.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - .*\/var\/log\/exim4/)
    expect(real.code).toBe(3)
  })

  it('an empty file, and empty standard input', () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'exim-rejects-empty-')), 'mainlog')
    writeFileSync(empty, '')
    const f = runCli(['check', empty])
    expect(f.stdout).toMatch(new RegExp(`^EXIM-REJECTS UNKNOWN - no log lines read from ${empty} \\| `))
    expect(f.code).toBe(3)
    const s = runCli(['check', '-'], {input: ''})
    expect(s.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - no log lines read from standard input \| /)
    expect(s.code).toBe(3)
  })

  it('an empty window in a log that has lines stays OK, unless --expect-activity', () => {
    const log = join(FIX, 'defer-plain')
    expect(runCli(['check', '--now', '2026-11-26T09:00:00Z', log]).code).toBe(0)
    expect(runCli(['check', '--now', '2026-11-26T09:00:00Z', '--expect-activity', log]).code).toBe(3)
  })

  it('an internal failure is UNKNOWN too: one status line, exit 3', () => {
    // An exception escapes from a callback while the logs are being read.
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-boom-'))
    const preload = join(dir, 'boom.cjs')
    writeFileSync(
      preload,
      `const fsp = require('fs/promises')
const open = fsp.open
fsp.open = (...a) => {
  if (String(a[0]).endsWith('mainlog')) setImmediate(() => { throw new TypeError('boom') })
  return open(...a)
}
require('module').syncBuiltinESMExports()
`,
    )
    const r = runCli(['check', ...NOW, join(FIX, 'defer-plain', 'mainlog')], {
      env: {NODE_OPTIONS: `--require ${preload}`},
    })
    expect(r.stdout).toBe('EXIM-REJECTS UNKNOWN - internal error: boom (run with --debug for details)\n')
    expect(r.code).toBe(3)
  })

  it('standard output on a full disk: exit 3', () => {
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${BIN}" check ${NOW.join(' ')} "${join(FIX, 'defer-plain')}" > /dev/full`],
      {
        encoding: 'utf8',
      },
    )
    expect(r.stderr).toMatch(/cannot write output: ENOSPC/)
    expect(r.status).toBe(3)
  })
})

const promtool = spawnSync('promtool', ['--version']).status === 0

describe('--prom-file is written on every run, failures included', () => {
  it.runIf(process.getuid?.() === 0)('a log that becomes unreadable: state 3, success 0, the last success kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-promfail-'))
    chmodSync(dir, 0o777)
    const log = join(dir, 'mainlog')
    writeFileSync(log, readFileSync(join(FIX, 'nosocket-plain', 'mainlog')))
    chmodSync(log, 0o644)
    const prom = join(dir, 'exim.prom')
    const asNobody = {uid: 65534, gid: 65534, bin: installedCopy()}
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(readFileSync(prom, 'utf8'))?.[1])

    const ok = runCli(['check', '--now', '2026-11-25T20:40:00Z', '--prom-file', prom, log], asNobody)
    expect(ok.code).toBe(1)
    expect(gauge('exim_rejects_check_state')).toBe(1)
    expect(gauge('exim_rejects_check_success')).toBe(1)
    const at = gauge('exim_rejects_check_last_success_timestamp_seconds')
    expect(at).toBe(Date.parse('2026-11-25T20:40:00Z') / 1000)
    const first = readFileSync(prom, 'utf8')

    chmodSync(log, 0)
    const failed = runCli(['check', '--prom-file', prom, log], asNobody)
    expect(failed.stdout).toBe(`EXIM-REJECTS UNKNOWN - ${log}: permission denied\n`)
    expect(failed.code).toBe(3)
    expect(gauge('exim_rejects_check_state')).toBe(3)
    expect(gauge('exim_rejects_check_success')).toBe(0)
    expect(gauge('exim_rejects_check_last_success_timestamp_seconds')).toBe(at)
    expect(gauge('exim_rejects_last_run_timestamp_seconds')).toBeGreaterThan(at)

    // And a bad flag value: the textfile says so too.
    const usage = runCli(['check', '--prom-file', prom, '--warning', 'lots', log], asNobody)
    expect(usage.code).toBe(3)
    expect(gauge('exim_rejects_check_success')).toBe(0)

    if (!promtool) return console.warn('promtool not installed: the textfiles were not linted')
    for (const text of [first, readFileSync(prom, 'utf8')]) {
      const lint = spawnSync('promtool', ['check', 'metrics'], {input: text, encoding: 'utf8'})
      expect(lint.stdout + lint.stderr, text).toBe('')
      expect(lint.status).toBe(0)
    }
  })
})
