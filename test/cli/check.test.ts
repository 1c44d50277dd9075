import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from './run-cli.js'

const FIX = new URL('../fixtures/exim-4.96/', import.meta.url).pathname
// The fixtures were written on 2026-11-25 around 20:12-20:18 UTC.
const NOW = ['--now', '2026-11-25T20:40:00Z']

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

  it('names the recipients whose mail was dropped', () => {
    const r = runCli(['check', ...NOW, join(FIX, 'discard-plain')])
    expect(r.stdout).toContain('9 RCPTs for 2 recipients answered 250 and silently dropped')
    expect(r.stdout).toContain('full1@example.test, full2@example.test')
  })

  it('the window: events older than --since do not count', () => {
    const r = runCli(['check', '--now', '2026-11-26T09:00:00Z', join(FIX, 'discard-plain')])
    expect(r.stdout).toMatch(/^EXIM-REJECTS OK - 0 RCPT deferrals/)
    const quiet = runCli(['check', '--now', '2026-11-26T09:00:00Z', '--expect-activity', join(FIX, 'discard-plain')])
    expect(quiet.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - no log lines in the last 1h/)
    expect(quiet.code).toBe(3)
  })

  it('thresholds on deferrals, in total and per recipient', () => {
    const w = runCli(['check', ...NOW, '--warn', '8', join(FIX, 'defer-plain')])
    expect(w.stdout).toMatch(/^EXIM-REJECTS WARNING - 9 RCPT deferrals in the last 1h \(warning above 8\)/)
    expect(w.code).toBe(1)
    const c = runCli(['check', ...NOW, '--warn', '8', '--crit-recipient', '4', join(FIX, 'defer-plain')])
    expect(c.stdout).toMatch(
      /^EXIM-REJECTS CRITICAL - full1@example\.test deferred 5 times in the last 1h \(critical above 4\); 9 RCPT deferrals/,
    )
    expect(c.code).toBe(2)
    const rate = runCli(['check', ...NOW, '--warn', '5/h', join(FIX, 'defer-plain')])
    expect(rate.code).toBe(1)
  })

  it('UNKNOWN, exit 3, on a missing file or a bad flag value', () => {
    const r = runCli(['check', '/nonexistent/mainlog'])
    expect(r.stdout).toBe('EXIM-REJECTS UNKNOWN - /nonexistent/mainlog: no such file or directory\n')
    expect(r.code).toBe(3)
    const b = runCli(['check', '--warn', 'many', join(FIX, 'defer-plain')])
    expect(b.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - --warn: expected/)
    expect(b.code).toBe(3)
  })

  it('--json and --prom-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-prom-'))
    const prom = join(dir, 'exim.prom')
    const r = runCli(['check', ...NOW, '--json', '--prom-file', prom, '--prom-recipients', join(FIX, 'nosocket-plain')])
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({state: 'WARNING', code: 1, unguarded: {'full1@example.test': 5, 'full2@example.test': 4}})
    const text = readFileSync(prom, 'utf8')
    expect(text).toContain('exim_rejects_events{kind="delivery-quota"} 9\n')
    expect(text).toContain('exim_rejects_recipient_events{kind="delivery-quota",recipient="full1@example.test"} 5\n')
    expect(text).toContain('exim_rejects_check_state 1\n')
  })
})
