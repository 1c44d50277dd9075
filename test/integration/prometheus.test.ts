// A real Prometheus (Debian's prometheus package, its own configuration and storage in a
// temporary directory, loopback only, scraping every second) scrapes the exporter while the test
// appends the main logs a real Exim 4.96 wrote (test/fixtures) to a log and rotates it in the
// middle, by rename+create and by copytruncate, each just after lines the exporter has not yet
// read. Prometheus' query API must then give, per kind and code, the counts the batch report
// reads from everything written, and increase() over the run the counts written during it: none
// lost, none counted twice.

import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  truncateSync,
  watch,
  writeFileSync,
} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it, onTestFinished} from 'vitest'
import {runCli, startCli} from '../cli/run-cli.js'
import {scrapeUntil, total} from '../metrics.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/exim-4.96/', import.meta.url))
const prometheus = spawnSync('prometheus', ['--version']).status === 0
if (!prometheus) console.warn('prometheus not installed: the exporter was not scraped by a real Prometheus')

/** Real Exim main logs: deferrals at RCPT, discards, and quota failures at delivery. */
const LOGS = ['defer-plain', 'discard-plain', 'nosocket-plain', 'discard-pid-ms-port', 'nosocket-smtp-lmtp'].map((d) =>
  readFileSync(join(FIXTURES, d, 'mainlog'), 'utf8'),
)
const MESSAGE_ID = /\b([0-9A-Za-z]{6}-[0-9A-Za-z]{6}-)[0-9A-Za-z]{2}\b/g
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
let replays = 0
/**
 * One of the logs, as if Exim had received its messages again: each replay gets message ids of
 * its own (a second delivery failure of the same message would be a retry, not a new event).
 */
function replay(i: number): string {
  const n = replays++
  return LOGS[i]!.replace(MESSAGE_ID, (_, head: string) => head + BASE62[Math.floor(n / 62)]! + BASE62[n % 62]!)
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const {port} = s.address() as {port: number}
  await new Promise((r) => s.close(r))
  return port
}

type Vector = {metric: Record<string, string>; value: [number, string]}[]

/** An instant query through Prometheus' HTTP API, at `time` (Unix seconds) if given. */
async function query(api: string, promql: string, time?: number): Promise<Vector> {
  const params = new URLSearchParams({query: promql, ...(time === undefined ? {} : {time: String(time)})})
  const res = await fetch(`${api}/api/v1/query?${params}`)
  const body = (await res.json()) as {status: string; data: {result: Vector}; error?: string}
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`)
  return body.data.result
}

/** Resolves at Prometheus' next write to its write-ahead log: a scrape's samples have been stored. */
type NextScrape = () => Promise<void>

/**
 * Watches Prometheus' storage for its WAL writes (the directory must exist before it starts).
 * Only the WAL: the query log beside it is written by every query this test makes.
 */
function walWrites(data: string): NextScrape {
  let waiting: (() => void)[] = []
  const w = watch(data, {recursive: true}, (_event, name) => {
    if (!String(name).startsWith('wal')) return
    const wake = waiting
    waiting = []
    for (const f of wake) f()
  })
  onTestFinished(() => w.close())
  return () => new Promise<void>((resolve) => waiting.push(resolve))
}

/** Queries until `test` holds for the result, again after each scrape Prometheus stores. */
async function queryUntil(
  api: string,
  scraped: NextScrape,
  what: string,
  promql: string,
  test: (v: Vector) => boolean,
): Promise<Vector> {
  let last: Vector = []
  // A generous bound: only a Prometheus that stopped scraping reaches it, never a slow one.
  const fail = (): Error => new Error(`timed out waiting for ${what}: ${promql} = ${JSON.stringify(last)}`)
  let timer!: NodeJS.Timeout
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(fail()), 60_000)))
  try {
    for (;;) {
      const next = scraped()
      last = await query(api, promql).catch(() => [] as Vector)
      if (test(last)) return last
      await Promise.race([next, deadline])
    }
  } finally {
    clearTimeout(timer)
  }
}

/** kind/code -> value, from a vector summed by kind and code. */
const byKindCode = (v: Vector) =>
  Object.fromEntries(v.map((s) => [`${s.metric.kind}/${s.metric.code}`, Number(s.value[1])]))

/** What the batch report counts in `text`, by kind/code (the reading checked against Exim's answers elsewhere). */
function reported(dir: string, text: string): Record<string, number> {
  const file = join(dir, 'written.log')
  writeFileSync(file, text)
  const r = runCli(['report', '--kind', 'all', '--by', 'kind,code', '--format', 'csv', file])
  expect(r.code, r.stderr).toBe(0)
  const rows = r.stdout.trim().split('\n').slice(1)
  return Object.fromEntries(rows.map((row) => row.split(',')).map(([k, c, n]) => [`${k}/${c}`, Number(n)]))
}

function startPrometheus(dir: string, target: string, port: number): {p: ChildProcess; scraped: NextScrape} {
  const config = join(dir, 'prometheus.yml')
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: exim-rejects',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  )
  const data = join(dir, 'data')
  mkdirSync(data)
  const scraped = walWrites(data)
  const p = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    {stdio: ['ignore', 'ignore', 'pipe']},
  )
  onTestFinished(() => {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
  })
  return {p, scraped}
}

describe('the exporter scraped by a real Prometheus', () => {
  it.runIf(prometheus)(
    'counters and increase() equal what was written, across rename+create and copytruncate',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-prometheus-'))
      const log = join(dir, 'mainlog')
      // Before the run: one of each log, counted through --since, so that every series Prometheus
      // sees exists (with a sample) before the run starts, and increase() needs no extrapolation.
      const before = LOGS.map((_, i) => replay(i)).join('')
      writeFileSync(log, before)
      const exporter = startCli(['exporter', '--listen', '127.0.0.1:0', '--since', '2000-01-01', log])
      await exporter.waitFor('the exporter', (_, e) => /serving http:\S+, following/.test(e))
      const url = /serving (http:\S+),/.exec(exporter.stderr())![1]!
      const lines = (text: string) => text.split('\n').length - 1
      await scrapeUntil(
        exporter,
        url,
        'the log before the run',
        (m) => total(m, 'exim_rejects_lines_total') === lines(before),
      )

      const port = await freePort()
      const api = `http://127.0.0.1:${port}`
      const {p: prom, scraped} = startPrometheus(dir, new URL(url).host, port)
      let promErr = ''
      prom.stderr!.on('data', (d) => (promErr += d))
      const expected0 = reported(dir, before)
      const n0 = Object.values(expected0).reduce((a, b) => a + b, 0)
      // The sample that holds the state before the run: its time starts the increase() range.
      const [s0] = await queryUntil(
        api,
        scraped,
        `the first scrape (prometheus said: ${promErr})`,
        'max(timestamp(exim_rejects_events_total))',
        (v) => v.length === 1,
      )
      await queryUntil(
        api,
        scraped,
        'the count before the run',
        'sum(exim_rejects_events_total)',
        (v) => Number(v[0]?.value[1]) === n0,
      )
      const t0 = Number((await query(api, 'max(timestamp(exim_rejects_events_total))'))[0]!.value[1])
      expect(t0).toBeGreaterThanOrEqual(Number(s0!.value[1]))

      // The run: each real log appended in pieces cut mid-line; rotations right after an append.
      let written = ''
      const append = (text: string) => {
        for (let i = 0; i < text.length; i += 997) appendFileSync(log, text.slice(i, i + 997))
        written += text
      }
      const readAll = (what: string) =>
        scrapeUntil(exporter, url, what, (m) => total(m, 'exim_rejects_lines_total') === lines(before + written))
      append(replay(0) + replay(1))
      await readAll('the first logs')
      append(replay(2))
      renameSync(log, log + '.1')
      writeFileSync(log, '')
      append(replay(3))
      await readAll('the old file and the new one')
      append(replay(4) + replay(0))
      copyFileSync(log, log + '.0')
      truncateSync(log, 0)
      append(replay(1) + replay(2))
      await readAll('the copy and the truncated file')

      const expected = reported(dir, before + written)
      const during = reported(dir, written)
      const n = Object.values(expected).reduce((a, b) => a + b, 0)
      expect(n).toBeGreaterThan(n0)
      await queryUntil(
        api,
        scraped,
        'the final count',
        'sum(exim_rejects_events_total)',
        (v) => Number(v[0]?.value[1]) === n,
      )
      const t1 = Number((await query(api, 'max(timestamp(exim_rejects_events_total))'))[0]!.value[1])

      const counters = byKindCode(await query(api, 'sum by (kind, code) (exim_rejects_events_total)', t1))
      expect(counters).toEqual(expected)
      // Samples at both ends of the range: increase() is the difference, without extrapolation.
      const range = `${Math.round((t1 - t0) * 1000)}ms`
      const increase = byKindCode(
        await query(api, `sum by (kind, code) (increase(exim_rejects_events_total[${range}]))`, t1),
      )
      expect(increase).toEqual(during)
      const rotations = await query(api, 'exim_rejects_log_rotations_total', t1)
      expect(Object.fromEntries(rotations.map((s) => [s.metric.how, Number(s.value[1])]))).toEqual({
        rename: 1,
        truncate: 1,
      })
      const lineCount = await query(api, 'sum(exim_rejects_lines_total)', t1)
      expect(Number(lineCount[0]!.value[1])).toBe(lines(before + written))

      // Nothing more arrives later: two more scrapes, the same count.
      await queryUntil(
        api,
        scraped,
        'two more scrapes',
        'max(timestamp(exim_rejects_events_total))',
        (v) => Number(v[0]?.value[1]) >= t1 + 2,
      )
      expect(Number((await query(api, 'sum(exim_rejects_events_total)'))[0]!.value[1])).toBe(n)
      expect(Number((await query(api, 'up{job="exim-rejects"}'))[0]!.value[1])).toBe(1)

      exporter.child.kill('SIGTERM')
      expect(await exporter.exit).toBe(0)
      prom.kill('SIGTERM')
    },
    120_000,
  )
})
