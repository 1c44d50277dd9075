// check --quota-socket against a real Dovecot quota-status (the harness's private Dovecot, with
// the article's configuration): OK for a mailbox under its quota, OVER for a full one, and
// CRITICAL, within the timeout, when the socket path is wrong or Dovecot is stopped.

import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN} from '../cli/run-cli.js'
import type {DovecotInstance, ProbeResult} from './harness/index.mjs'
import {probe, startDovecot} from './harness/index.mjs'

const probed: ProbeResult = await probe()
if (!probed.ok) console.warn(`quota-status probe tests skipped: ${probed.reason}`)

// A log the ACL handled well: on its own, check says OK.
const LOG = new URL('../fixtures/exim-4.96/defer-plain/mainlog', import.meta.url).pathname
const NOW = ['--now', '2026-11-25T20:40:00Z']

function check(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'check', ...NOW, ...args, LOG], {encoding: 'utf8', timeout: 60_000})
  return {code: r.status, stdout: r.stdout}
}

/** How long the probe itself took, by check's own measure (process start-up aside). */
function probeMs(args: string[]): number {
  const r = spawnSync(process.execPath, [BIN, 'check', ...NOW, '--json', ...args, LOG], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  return JSON.parse(r.stdout).quotaStatus.ms
}

describe.skipIf(!probed.ok)('check --quota-socket with a real Dovecot', () => {
  let dovecot: DovecotInstance
  beforeAll(async () => {
    if (!probed.ok) return
    dovecot = await startDovecot({dir: mkdtempSync(join(tmpdir(), 'exim-rejects-probe-')), info: probed.info})
  }, 120_000)
  afterAll(async () => {
    await dovecot?.stop()
  })

  it('a mailbox under its quota: OK, the service answers', () => {
    const r = check(['--quota-socket', dovecot.quotaStatusSocket, '--probe-recipient', 'ok1@example.test'])
    expect(r.stdout).toMatch(/^EXIM-REJECTS OK - .*; quota-status answers \|/)
    expect(r.code).toBe(0)
  })

  it('a full mailbox: the OVER answer, still OK (the service works)', () => {
    const r = check(['--quota-socket', dovecot.quotaStatusSocket, '--probe-recipient', 'full1@example.test'])
    expect(r.stdout).toMatch(/^EXIM-REJECTS OK - .*quota-status answers \(OVER for full1@example\.test\)/)
    expect(r.code).toBe(0)
    const args = ['--json', '--quota-socket', dovecot.quotaStatusSocket, '--probe-recipient', 'full1@example.test']
    const j = JSON.parse(check(args).stdout)
    expect(j.quotaStatus).toMatchObject({answer: 'OVER', action: 'OVER', recipient: 'full1@example.test'})
  })

  it('an unknown recipient (the default probe): NOUSER, OK', () => {
    const r = check(['--quota-socket', dovecot.quotaStatusSocket])
    expect(r.stdout).toMatch(/quota-status answers \(NOUSER for postmaster\)/)
    expect(r.code).toBe(0)
  })

  it('a wrong socket path: CRITICAL, at once', () => {
    const args = ['--quota-socket', join(dovecot.baseDir, 'no-such-socket'), '--probe-timeout', '5s']
    const r = check(args)
    expect(r.stdout).toMatch(
      /^EXIM-REJECTS CRITICAL - quota-status at \S+no-such-socket does not exist: the RCPT ACL accepts every recipient/,
    )
    expect(r.code).toBe(2)
    expect(probeMs(args)).toBeLessThanOrEqual(5000)
  })

  it('Dovecot stopped: CRITICAL within the timeout', async () => {
    const socket = dovecot.quotaStatusSocket
    await dovecot.stop()
    const args = ['--quota-socket', socket, '--probe-recipient', 'ok1@example.test', '--probe-timeout', '2s']
    const r = check(args)
    expect(r.stdout).toMatch(
      /^EXIM-REJECTS CRITICAL - quota-status at \S+ (does not exist|refused the connection|did not answer within 2 s)/,
    )
    expect(r.code).toBe(2)
    // The timeout's own timer may fire a little late on a busy machine.
    expect(probeMs(args)).toBeLessThan(2000 + 1000)
  })
})
