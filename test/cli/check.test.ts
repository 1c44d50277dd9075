import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from './run-cli.js'

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
    const b = runCli(['check', '--warn', 'many', join(FIX, 'defer-plain')])
    expect(b.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - --warn: expected/)
    expect(b.code).toBe(3)
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
