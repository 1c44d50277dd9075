// The exporter as a service manager runs it: it follows a log that grows and is rotated, serves
// counters that match what was written, answers its other pages, ends with exit 0 on SIGTERM, and
// fails at start with one line and exit 2. Each step waits for what it needs (the readiness line,
// a counter reaching its value), never for a fixed time.

import {appendFileSync, chmodSync, copyFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readsOf, scrape, scrapeUntil, total} from '../metrics.js'
import {installedCopy, runCli, type RunOptions, startCli, type Running} from './run-cli.js'

const at = (n: number) => `2026-11-25 10:00:${String(n % 60).padStart(2, '0')}`
const defer = (n: number, who = `u${n}`) =>
  `${at(n)} H=mx${n}.example [192.0.2.${n % 250}] F=<s@example.org> temporarily rejected RCPT <${who}@example.net>: 422 Mailbox ${who}@example.net is over quota\n`
const reject = (n: number) =>
  `${at(n)} H=mx${n}.example [192.0.2.${n % 250}] F=<s@example.org> rejected RCPT <r${n}@example.net>: Unrouteable address\n`
const discard = (n: number) =>
  `${at(n)} configured error code starts with incorrect digit (expected 2) in "422 Mailbox d${n}@example.net is over quota"\n` +
  `${at(n)} H=[192.0.2.${n % 250}] F=<s@example.org> RCPT <d${n}@example.net>: discarded by RCPT ACL: 422 Mailbox d${n}@example.net is over quota\n`
const other = (n: number) => `${at(n)} 1tAbCd-000${n}-AB Completed\n`

/** Starts the exporter on a free port; resolves once it serves and follows. */
async function exporter(args: string[], opts: RunOptions = {}): Promise<{f: Running; url: string}> {
  const f = startCli(['exporter', '--listen', '127.0.0.1:0', ...args], opts)
  await f.waitFor('the readiness line', (_, err) => /serving http:\/\/\S+\/metrics, following/.test(err))
  const url = /serving (http:\/\/\S+\/metrics),/.exec(f.stderr())![1]!
  return {f, url}
}

const tmpLog = (text: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-exporter-'))
  const log = join(dir, 'mainlog')
  writeFileSync(log, text)
  return {dir, log}
}

describe('exporter', () => {
  it('counts what is appended, across rename+create and copytruncate, each event once', async () => {
    const {log} = tmpLog(defer(0) + other(0))
    const {f, url} = await exporter([log])
    const events = (m: Map<string, number>) => total(m, 'exim_rejects_events_total')

    // What the log held before is not counted.
    let m = await scrape(url)
    expect(events(m)).toBe(0)
    expect(total(m, 'exim_rejects_lines_total')).toBe(0)
    // The discard counter is there from the start: its first increment is one increase() sees.
    expect(m.get('exim_rejects_events_total{kind="discard-misconfig",code="250"}')).toBe(0)

    appendFileSync(log, defer(1) + reject(2) + discard(3) + other(4))
    m = await scrapeUntil(f, url, 'three events', (m) => events(m) === 3)
    expect(m.get('exim_rejects_events_total{kind="rcpt-defer",code="422"}')).toBe(1)
    expect(m.get('exim_rejects_events_total{kind="rcpt-reject",code="550"}')).toBe(1)
    expect(m.get('exim_rejects_events_total{kind="discard-misconfig",code="250"}')).toBe(1)
    expect(m.get('exim_rejects_reason_events_total{kind="rcpt-defer",reason="422 Mailbox <addr> is over quota"}')).toBe(
      1,
    )
    expect(m.get('exim_rejects_last_event_timestamp_seconds{kind="rcpt-defer"}')).toBe(
      Date.UTC(2026, 10, 25, 10, 0, 1) / 1000,
    )

    // Lines written just before each rotation, before the exporter's next look, are not lost.
    appendFileSync(log, defer(5))
    renameSync(log, log + '.1')
    writeFileSync(log, defer(6))
    await scrapeUntil(f, url, 'the rotated file and the new one', (m) => events(m) === 5)
    appendFileSync(log, defer(7))
    copyFileSync(log, log + '.0')
    truncateSync(log, 0)
    appendFileSync(log, defer(8) + other(9))
    m = await scrapeUntil(
      f,
      url,
      'both rotations and the lines after them',
      (m) => events(m) === 7 && total(m, 'exim_rejects_lines_total') === 10,
    )
    expect(m.get('exim_rejects_events_total{kind="rcpt-defer",code="422"}')).toBe(5)
    expect(m.get('exim_rejects_log_rotations_total{how="rename"}')).toBe(1)
    expect(m.get('exim_rejects_log_rotations_total{how="truncate"}')).toBe(1)
    // Every line read is accounted for: 8 that made events (a discard is two), 2 others.
    expect(m.get('exim_rejects_lines_total{use="event"}')).toBe(8)
    expect(m.get('exim_rejects_lines_total{use="other"}')).toBe(2)
    expect(m.get('exim_rejects_lines_total{use="unparsed"}')).toBe(0)
    const bytes = [defer(1), reject(2), discard(3), other(4), defer(5), defer(6), defer(7), defer(8), other(9)]
    expect(m.get('exim_rejects_log_bytes_read_total')).toBe(Buffer.byteLength(bytes.join('')))
    expect(total(m, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(m.get('exim_rejects_log_truncations_unrecovered_total')).toBe(0)

    // Truncated with no copy beside it that holds what was read: said, and counted.
    truncateSync(log, 0)
    appendFileSync(log, defer(10))
    m = await scrapeUntil(f, url, 'the truncation without a copy', (m) => events(m) === 8)
    expect(m.get('exim_rejects_log_rotations_total{how="truncate"}')).toBe(2)
    expect(m.get('exim_rejects_log_truncations_unrecovered_total')).toBe(1)

    f.child.kill('SIGTERM')
    expect(await f.exit).toBe(0)
    expect(f.stderr()).toContain(`${log} was rotated`)
    expect(f.stderr()).toContain(`the rest of what it held was read from ${log}.0`)
    expect(f.stderr()).toContain(`${log} was truncated and no copy beside it holds what it got since the last read`)
  })

  it.runIf(process.getuid?.() === 0)(
    "waits out the moment logrotate's new file is not yet readable by its group",
    async () => {
      const {dir, log} = tmpLog('')
      chmodSync(dir, 0o755)
      chmodSync(log, 0o644)
      // As a user who reads the log only because of its mode, as the unit's DynamicUser does.
      const {f, url} = await exporter([log], {uid: 65534, gid: 65534, bin: installedCopy()})
      appendFileSync(log, defer(1))
      await scrapeUntil(f, url, 'the first event', (m) => total(m, 'exim_rejects_events_total') === 1)
      renameSync(log, log + '.1')
      writeFileSync(log, defer(2), {mode: 0o600})
      // The follower has looked at the new file, and could not open it, more than once.
      const reads = readsOf(f.child.pid!)
      await f.waitFor('two more polls', () => readsOf(f.child.pid!) >= reads + 2)
      chmodSync(log, 0o644)
      const m = await scrapeUntil(f, url, 'the new file', (m) => total(m, 'exim_rejects_events_total') === 2)
      expect(m.get('exim_rejects_log_rotations_total{how="rename"}')).toBe(1)
      f.child.kill('SIGTERM')
      expect(await f.exit).toBe(0)
    },
  )

  it('answers /, /-/healthy and /-/ready, and 404 elsewhere', async () => {
    const {log} = tmpLog('')
    const {f, url} = await exporter([log])
    const base = url.replace(/\/metrics$/, '')
    const page = await fetch(base + '/')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<a href="/metrics">')
    expect((await fetch(base + '/-/healthy')).status).toBe(200)
    expect((await fetch(base + '/-/ready')).status).toBe(200)
    expect((await fetch(base + '/nope')).status).toBe(404)
    expect((await fetch(url, {method: 'POST'})).status).toBe(405)
    const metrics = await fetch(url)
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
  })

  it('with --since, starts from what the log already holds in the window', async () => {
    const {dir, log} = tmpLog(defer(1) + defer(2))
    const {f, url} = await exporter(['--since', '2026-11-25T10:00:02', '--utc', dir])
    await scrapeUntil(f, url, 'the window', (m) => total(m, 'exim_rejects_lines_total') === 2)
    expect(total(await scrape(url), 'exim_rejects_events_total')).toBe(1)
    appendFileSync(log, defer(3))
    await scrapeUntil(f, url, 'the line appended', (m) => total(m, 'exim_rejects_events_total') === 2)
    f.child.kill('SIGTERM')
    expect(await f.exit).toBe(0)
  })

  it('bounds the labels a client chooses: reasons and recipients past the limit count as "other"', async () => {
    const {log} = tmpLog('')
    const {f, url} = await exporter(['--max-reasons', '1', '--recipients', '2', log])
    appendFileSync(log, defer(1, 'a') + reject(2) + defer(3, 'b') + defer(4, 'c') + defer(5, 'A'))
    const m = await scrapeUntil(f, url, 'five events', (m) => total(m, 'exim_rejects_events_total') === 5)
    expect(total(m, 'exim_rejects_reason_events_total', 'reason="other"')).toBe(1)
    expect(total(m, 'exim_rejects_reason_events_total', 'reason="422 Mailbox <addr> is over quota"')).toBe(4)
    expect(m.get('exim_rejects_recipient_events_total{kind="rcpt-defer",recipient="a@example.net"}')).toBe(2)
    expect(m.get('exim_rejects_recipient_events_total{kind="rcpt-defer",recipient="other"}')).toBe(2)
    expect(m.get('exim_rejects_recipient_events_total{kind="rcpt-reject",recipient="r2@example.net"}')).toBe(1)
    f.child.kill('SIGTERM')
    expect(await f.exit).toBe(0)
  })

  it('a recipient or reason spelled like the catch-all is shown quoted, never added to it', async () => {
    const {log} = tmpLog('')
    const {f, url} = await exporter(['--recipients', '5', log])
    appendFileSync(
      log,
      `${at(1)} H=mx1.example [192.0.2.1] F=<s@example.org> rejected RCPT <other>: other\n` +
        `${at(2)} H=mx2.example [192.0.2.2] F=<s@example.org> rejected RCPT <unknown>: Unrouteable address\n`,
    )
    const m = await scrapeUntil(f, url, 'both events', (m) => total(m, 'exim_rejects_events_total') === 2)
    expect(m.get('exim_rejects_recipient_events_total{kind="rcpt-reject",recipient="\\"other\\""}')).toBe(1)
    expect(m.get('exim_rejects_recipient_events_total{kind="rcpt-reject",recipient="\\"unknown\\""}')).toBe(1)
    expect(m.get('exim_rejects_reason_events_total{kind="rcpt-reject",reason="\\"other\\""}')).toBe(1)
    expect(total(m, 'exim_rejects_recipient_events_total', 'recipient="other"')).toBe(0)
    f.child.kill('SIGTERM')
    expect(await f.exit).toBe(0)
  })

  it('serves no per-recipient counters unless asked', async () => {
    const {log} = tmpLog('')
    const {f, url} = await exporter([log])
    appendFileSync(log, defer(1))
    const m = await scrapeUntil(f, url, 'the event', (m) => total(m, 'exim_rejects_events_total') === 1)
    expect([...m.keys()].some((k) => k.startsWith('exim_rejects_recipient_'))).toBe(false)
    f.child.kill('SIGTERM')
    expect(await f.exit).toBe(0)
  })

  it('fails at start with one line and exit 2: address taken, log missing, bad --listen', async () => {
    const {log} = tmpLog('')
    const taken = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    try {
      const port = (taken.address() as {port: number}).port
      const r = runCli(['exporter', '--listen', `127.0.0.1:${port}`, log])
      expect(r.code).toBe(2)
      expect(r.stderr).toBe(`exim-rejects: --listen 127.0.0.1:${port}: the address is already in use\n`)
    } finally {
      taken.close()
    }
    const missing = runCli(['exporter', '--listen', '127.0.0.1:0', log + '.nope'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(`exim-rejects: ${log}.nope: no such file or directory\n`)
    const bad = runCli(['exporter', '--listen', '10139', log])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^exim-rejects: --listen: expected ADDR:PORT.*\n$/)
  })
})
