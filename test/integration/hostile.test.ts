// A real Exim, driven by clients that send hostile text: quoted local parts holding `>`, `: `,
// `<`, Exim's phrases and fake line tails, in senders and recipients; mixed case; junk HELOs
// (helo_accept_junk_hosts) holding `) [ip] F=<...>`; subjects and TLS peer names (DN, SNI) with
// log-like text, under log_selector = +all; remote addresses that imitate a local quota
// deferral, deferred by a remote server. The truth is what Exim answered: every count must be
// exact per kind, recipient and IP, and events must show each address as the client wrote it.

import {spawnSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN} from '../cli/run-cli.js'
import type {ScenarioResult} from './harness/index.mjs'
import {probe, runScenario} from './harness/index.mjs'

const probed = await probe()
if (!probed.ok) console.warn(`hostile-input test skipped: ${probed.reason}`)

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {encoding: 'utf8', timeout: 60_000})
  expect(r.stderr).toBe('')
  return {code: r.status, stdout: r.stdout}
}

/** The argument as Exim logs it: at most 100 bytes. */
const logged = (rcpt: string): string => {
  const arg = Buffer.from(`<${rcpt}>`)
  return arg.length <= 100 ? rcpt : arg.subarray(1, 100).toString('utf8')
}

describe.skipIf(!probed.ok)('hostile clients, real Exim', () => {
  let r: ScenarioResult
  beforeAll(async () => {
    r = await runScenario({verb: 'hostile'})
  }, 180_000)
  afterAll(async () => {
    await r?.cleanup()
  })

  /** Kind, recipient and IP of every event the SMTP answers and the remote server say there was. */
  function truth(): Record<string, number> {
    const want: Record<string, number> = {}
    const add = (kind: string, recipient: string, ip: string) => {
      const key = `${kind} ${recipient.toLowerCase()} ${ip}`
      want[key] = (want[key] ?? 0) + 1
    }
    for (const a of r.answers) {
      if (a.code >= 400 && a.code < 500) add('rcpt-defer', logged(a.recipient), a.ip)
      else if (a.code >= 500) add('rcpt-reject', logged(a.recipient), a.ip)
      else if (/is over quota/.test(a.text)) add('discard-misconfig', a.recipient, a.ip)
    }
    for (const s of r.sessions)
      for (const m of s.messages) if (m.dataCode !== undefined && m.dataCode >= 500) add('data-reject', '', s.spec.ip)
    // One event per message and address, however often the remote server deferred it.
    for (const address of new Set(r.remote!.deferred)) add('delivery-quota', address, r.remote!.ip)
    return want
  }

  it('the scenario answered every class it was built for', () => {
    const codes = r.answers.map((a) => a.code)
    expect(codes).toContain(422)
    expect(codes).toContain(550)
    expect(r.answers.some((a) => a.code === 250 && /is over quota/.test(a.text))).toBe(true)
    expect(r.remote!.deferred.length).toBeGreaterThan(0)
  })

  it('report counts each kind, recipient and IP exactly as Exim answered', () => {
    const j = JSON.parse(
      cli(['report', '--kind', 'all', '--by', 'kind,recipient,ip', '--format', 'json', r.logDir]).stdout,
    )
    const got = Object.fromEntries(
      j.groups.map((g: {kind: string; recipient: string; ip: string; count: number}) => [
        `${g.kind} ${g.recipient} ${g.ip}`,
        g.count,
      ]),
    )
    expect(got).toEqual(truth())
    expect(j.input.unparsed).toBe(0)
    expect(j.input.lines).toBe(j.input.events + j.input.duplicates + j.input.other + j.input.unparsed)
  })

  it('events show every recipient and sender exactly as the client wrote them', () => {
    const rows = cli(['events', '--kind', 'all', '--format', 'ndjson', r.logDir])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {kind: string; recipient: string; sender: string; ip: string})
      .filter((e) => e.kind.startsWith('rcpt-') || e.kind === 'discard-misconfig')
      .map((e) => `${e.kind} ${e.recipient} ${e.sender} ${e.ip}`)
      .sort()
    const want = r.answers
      .filter((a) => a.code !== 250 || /is over quota/.test(a.text))
      .map((a) => {
        const kind = a.code === 250 ? 'discard-misconfig' : a.code < 500 ? 'rcpt-defer' : 'rcpt-reject'
        return `${kind} ${a.code === 250 ? a.recipient : logged(a.recipient)} ${a.sender === '' ? '<>' : a.sender} ${a.ip}`
      })
      .sort()
    expect(rows).toEqual(want)
  })

  it('check: CRITICAL for the dropped mail, and no quota warning from remote deferrals', () => {
    const res = cli(['check', '--since', '1d', r.logDir])
    expect(res.stdout).toMatch(/^EXIM-REJECTS CRITICAL - 2 RCPTs for 2 recipients answered 250 and silently dropped/)
    if (!r.remote!.loopback) expect(res.stdout).not.toContain('quota check not firing')
    expect(res.code).toBe(2)
  })
})
