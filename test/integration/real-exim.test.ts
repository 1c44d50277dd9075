// End to end against a real Exim 4 and a real Dovecot quota-status: the harness answers every
// RCPT for real and records the replies; the built CLI's verdict and per-recipient counts are
// held against those replies. Skips (with the reason) where Exim, Dovecot or root are missing.

import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN} from '../cli/run-cli.js'
import type {ScenarioOptions, ScenarioResult} from './harness/index.mjs'
import {probe, runScenario} from './harness/index.mjs'

const probed = await probe()
if (!probed.ok) console.warn(`real Exim/Dovecot tests skipped: ${probed.reason}`)

const TIMEOUT = 120_000

function cli(args: string[]): {code: number; stdout: string; stderr: string} {
  const r = spawnSync(process.execPath, [BIN, ...args], {encoding: 'utf8', timeout: 60_000})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}

/** recipient -> count of one kind, from the JSON report over the scenario's main, reject and panic logs. */
function reportByRecipient(logDir: string, kind: string): Record<string, number> {
  const r = cli(['report', logDir, '--kind', kind, '--by', 'recipient', '--format', 'json'])
  expect(r.code, r.stderr).toBe(0)
  const report = JSON.parse(r.stdout) as {groups: {recipient: string; count: number}[]; input: Record<string, number>}
  expect(report.input.lines).toBe(
    report.input.events + report.input.duplicates + report.input.other + report.input.unparsed,
  )
  return Object.fromEntries(report.groups.map((g) => [g.recipient, g.count]))
}

function scenario(opts: ScenarioOptions): () => ScenarioResult {
  const state: {r?: ScenarioResult} = {}
  beforeAll(async () => {
    state.r = await runScenario(opts)
  }, TIMEOUT)
  afterAll(async () => {
    await state.r?.cleanup()
  })
  return () => {
    if (!state.r) throw new Error('scenario did not run')
    return state.r
  }
}

const VARIANTS: {name: string; opts: Partial<ScenarioOptions>; prefix: RegExp}[] = [
  {name: 'default log_selector', opts: {}, prefix: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?![[+-])/},
  {
    name: '+pid +millisec +incoming_port',
    opts: {logSelector: '+pid +millisec +incoming_port'},
    prefix: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[\d+\] /,
  },
  {
    name: 'log_timezone',
    opts: {logTimezone: true, timezone: 'Asia/Yekaterinburg'},
    prefix: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0500 /,
  },
]

/** Over-quota mailboxes whose RCPT was accepted: what reaches delivery when the ACL does not stop it. */
const overQuotaAccepted = (r: ScenarioResult): Record<string, number> =>
  Object.fromEntries(Object.entries(r.summary.accepted).filter(([rcpt]) => rcpt.startsWith('full')))

const CASES = [
  {verb: 'defer', state: 'OK', code: 0, kind: 'rcpt-defer', expected: (r: ScenarioResult) => r.summary.deferred},
  {
    verb: 'discard',
    state: 'CRITICAL',
    code: 2,
    kind: 'discard-misconfig',
    expected: (r: ScenarioResult) => r.summary.discarded,
  },
  {verb: 'nosocket', state: 'WARNING', code: 1, kind: 'delivery-quota', expected: overQuotaAccepted},
] as const

describe.skipIf(!probed.ok)('real Exim + Dovecot quota-status', () => {
  for (const c of CASES) {
    for (const v of VARIANTS) {
      describe(`ACL ${c.verb}, ${v.name}`, () => {
        const get = scenario({verb: c.verb, ...v.opts})

        it('Exim wrote the log format asked for', () => {
          for (const line of readFileSync(get().mainlog, 'utf8').trimEnd().split('\n')) expect(line).toMatch(v.prefix)
        })

        it(`report counts ${c.kind} per recipient exactly as the SMTP sessions were answered`, () => {
          const r = get()
          const want = c.expected(r)
          expect(Object.keys(want).length).toBeGreaterThan(0)
          expect(reportByRecipient(r.logDir, c.kind)).toEqual(want)
          // and nothing of the other two kinds
          for (const other of CASES.filter((o) => o.kind !== c.kind))
            expect(reportByRecipient(r.logDir, other.kind)).toEqual({})
        })

        it(`check says ${c.state}`, () => {
          const r = get()
          const res = cli(['check', r.logDir])
          expect(res.stdout).toMatch(new RegExp(`^EXIM-REJECTS ${c.state} - `))
          expect(res.stdout.trim().split('\n')).toHaveLength(1)
          expect(res.code).toBe(c.code)
          const json = JSON.parse(cli(['check', '--json', r.logDir]).stdout)
          if (c.verb === 'discard') expect(json.discarded).toEqual(c.expected(r))
          if (c.verb === 'nosocket')
            expect(Object.keys(json.unguarded).sort()).toEqual(Object.keys(c.expected(r)).sort())
          if (c.verb === 'defer') expect(json.deferred).toEqual(c.expected(r))
        })
      })
    }
  }

  it('check exits 3 (UNKNOWN) on a missing file', () => {
    const res = cli(['check', join(probed.ok ? '/nonexistent' : '/', 'mainlog')])
    expect(res.code).toBe(3)
    expect(res.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - .*mainlog: no such file or directory\n$/)
  })
})
