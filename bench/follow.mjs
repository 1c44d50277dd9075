#!/usr/bin/env node
// Following a growing log: the exporter and `events --follow` each start on an empty log, the bench
// appends a generated log of event lines to it as fast as it can, and times how long each takes
// to have read every line (the exporter: its /metrics counts them all; events: it printed every
// row), with its peak RSS. `LC_ALL=C grep -c` over the same file, timed in the same run, is the
// baseline. Run by `npm run bench`, or alone: node bench/follow.mjs [--lines 1M] [--runs 3].

import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const BENCH = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(BENCH, '..')
const CACHE = path.join(BENCH, '.cache')
const BIN = path.join(ROOT, 'bin', 'run.js')

const {values: opts} = parseArgs({
  options: {
    lines: {type: 'string', default: '1M'},
    runs: {type: 'string', default: '3'},
    recipients: {type: 'string', default: '100'},
    json: {type: 'boolean', default: false},
  },
})
const N = Math.round(
  Number(opts.lines.replace(/[kKmM]$/, '')) * ({k: 1e3, K: 1e3, m: 1e6, M: 1e6}[opts.lines.at(-1)] ?? 1),
)
const RUNS = Number(opts.runs)
const say = (s) => process.stderr.write(s + '\n')

// ---------------------------------------------------------------------------------------------
// The log: N lines, every one part of an event, a day of them. Deferrals to a million distinct
// mailboxes and rejections with thousands of distinct reasons, so that unbounded labels would show
// in the memory; discards (two lines each); quota failures at delivery, each a new message.

function generate(file) {
  let seed = 1
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  const b62 = (n, w) => {
    let s = ''
    for (let i = 0; i < w; i++, n = Math.floor(n / 62)) s = B62[n % 62] + s
    return s
  }
  const word = () => Array.from({length: 6}, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rand() * 26)]).join('')
  const words = Array.from({length: 5000}, word)
  const start = Date.UTC(2026, 10, 25)
  const stamp = (i) => new Date(start + Math.floor((i * 86_400_000) / N)).toISOString().replace('T', ' ').slice(0, 19)
  const counts = {'rcpt-defer': 0, 'rcpt-reject': 0, 'discard-misconfig': 0, 'delivery-quota': 0}
  const fd = fs.openSync(file + '.tmp', 'w')
  let buf = ''
  let written = 0
  for (let i = 0; written < N; i++) {
    const t = stamp(written)
    const ip = `198.51.${(i >> 8) & 255}.${i & 255}`
    const rcpt = `u${i}@example.net`
    const r = rand()
    if (r < 0.7) {
      buf += `${t} H=mx${i % 997}.example.org [${ip}] F=<s${i % 5003}@example.org> temporarily rejected RCPT <${rcpt}>: 422 Mailbox ${rcpt} is over quota\n`
      counts['rcpt-defer']++
      written++
    } else if (r < 0.8) {
      buf += `${t} H=(${words[i % 5000]}.example) [${ip}] F=<> rejected RCPT <${rcpt}>: 550 Rejected: ${words[Math.floor(rand() * 5000)]} policy\n`
      counts['rcpt-reject']++
      written++
    } else if (r < 0.9 && written + 2 <= N) {
      buf += `${t} configured error code starts with incorrect digit (expected 2) in "422 Mailbox ${rcpt} is over quota"\n`
      buf += `${t} H=mx.example.com [${ip}] F=<a@example.com> RCPT <${rcpt}>: discarded by RCPT ACL: 422 Mailbox ${rcpt} is over quota\n`
      counts['discard-misconfig']++
      written += 2
    } else {
      const id = `1x${b62(i, 4)}-${b62(i * 7, 6)}-${b62(i, 2)}`
      buf += `${t} ${id} == ${rcpt} R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<${rcpt}>: 452 4.2.2 <${rcpt}> Quota exceeded (mailbox for user is full)\n`
      counts['delivery-quota']++
      written++
    }
    if (buf.length > 1 << 20) (fs.writeSync(fd, buf), (buf = ''))
  }
  fs.writeSync(fd, buf)
  fs.closeSync(fd)
  fs.renameSync(file + '.tmp', file)
  fs.writeFileSync(file + '.json', JSON.stringify({lines: N, events: counts}) + '\n')
}

fs.mkdirSync(CACHE, {recursive: true})
const LOG = path.join(CACHE, `follow-${N}.log`)
if (!fs.existsSync(LOG + '.json')) {
  say(`bench: writing ${path.relative(ROOT, LOG)} (${N} event lines)`)
  generate(LOG)
}
const truth = JSON.parse(fs.readFileSync(LOG + '.json', 'utf8'))
const totalEvents = Object.values(truth.events).reduce((a, b) => a + b, 0)
const bytes = fs.statSync(LOG).size

// ---------------------------------------------------------------------------------------------
// One run of a follower: start it on an empty log, append the whole file, wait until it read it all.

const peakKb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function waitFor(child, what, test) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (test()) return (clearInterval(timer), resolve())
      if (child.exitCode !== null) (clearInterval(timer), reject(new Error(`${what}: exited ${child.exitCode}`)))
    }
    const timer = setInterval(check, 10)
  })
}

/** Appends the log in 1 MB writes, as fast as the disk takes them. */
function feed(target) {
  const fd = fs.openSync(LOG, 'r')
  const out = fs.openSync(target, 'a')
  const chunk = Buffer.allocUnsafe(1 << 20)
  for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length)) > 0;) fs.writeSync(out, chunk, 0, n)
  fs.closeSync(fd)
  fs.closeSync(out)
}

async function metricsTotal(url, name) {
  const text = await (await fetch(url)).text()
  let sum = 0
  const byKind = {}
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const v = Number(line.slice(line.lastIndexOf(' ') + 1))
    sum += v
    const kind = /kind="([^"]+)"/.exec(line)?.[1]
    if (kind) byKind[kind] = (byKind[kind] ?? 0) + v
  }
  return {sum, byKind}
}

const CONTENDERS = [
  {
    name: `exporter --recipients ${opts.recipients}`,
    args: (log) => ['exporter', '--listen', '127.0.0.1:0', '--recipients', opts.recipients, log],
    async run(child, err) {
      const url = /serving (http:\S+),/.exec(err())[1]
      for (;;) {
        const {sum} = await metricsTotal(url, 'exim_rejects_lines_total')
        if (sum >= N) break
        await sleep(20)
      }
      return (await metricsTotal(url, 'exim_rejects_events_total{')).byKind
    },
  },
  {
    name: 'events --follow --format csv',
    args: (log) => ['events', '--follow', '--debug', '--kind', 'all', '--format', 'csv', log],
    async run(child, _err, rows) {
      await waitFor(child, 'all rows', () => rows() >= totalEvents + 1)
      return null
    },
  },
]

async function runOnce(c) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exim-rejects-follow-bench-'))
  const log = path.join(dir, 'mainlog')
  fs.writeFileSync(log, '')
  const child = spawn(process.execPath, [BIN, ...c.args(log)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, TZ: 'UTC'},
  })
  let err = ''
  let rows = 0
  child.stderr.on('data', (d) => (err += d))
  child.stdout.on('data', (d) => {
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) rows++
  })
  try {
    await waitFor(child, 'readiness', () => /following \S+ from byte 0/.test(err))
    const t0 = process.hrtime.bigint()
    feed(log)
    const counted = await c.run(
      child,
      () => err,
      () => rows,
    )
    const secs = Number(process.hrtime.bigint() - t0) / 1e9
    return {secs, rssKb: peakKb(child.pid), counted}
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode !== null ? r() : child.on('close', r)))
    fs.rmSync(dir, {recursive: true, force: true})
  }
}

function grepOnce() {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('grep', ['-c', 'rejected RCPT', LOG], {env: {...process.env, LC_ALL: 'C'}})
  return {secs: Number(process.hrtime.bigint() - t0) / 1e9, ok: r.status === 0}
}

// ---------------------------------------------------------------------------------------------

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const load = os.loadavg()[0]
const results = CONTENDERS.map((c) => ({name: c.name, secs: [], rss: [], mismatch: null}))
const grep = []
grepOnce() // warm the page cache
for (let run = 0; run < RUNS; run++) {
  grep.push(grepOnce().secs)
  for (let k = 0; k < CONTENDERS.length; k++) {
    const i = (k + run) % CONTENDERS.length
    const r = await runOnce(CONTENDERS[i])
    results[i].secs.push(r.secs)
    results[i].rss.push(r.rssKb)
    if (r.counted && JSON.stringify(r.counted) !== JSON.stringify({...r.counted, ...truth.events}))
      results[i].mismatch = r.counted
  }
}
const g = median(grep)
const rows = [['follower', 'lines', 'median s', 'lines/s', 'x grep -c', 'peak RSS MB']]
rows.push(['LC_ALL=C grep -c (the whole file) *', String(N), g.toFixed(3), Math.round(N / g).toString(), '1.00', ''])
for (const r of results) {
  const s = median(r.secs)
  rows.push([
    r.name,
    String(N),
    s.toFixed(3),
    Math.round(N / s).toString(),
    (s / g).toFixed(2),
    (Math.max(...r.rss) / 1024).toFixed(1),
  ])
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
const table = [
  `follow bench: ${N} event lines (${(bytes / 1e6).toFixed(1)} MB) appended to an empty log; ${RUNS} runs, alternating; load ${load.toFixed(2)} at start`,
  ...rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')),
  ...results
    .filter((r) => r.mismatch)
    .map(
      (r) =>
        `check: ${r.name} counted ${JSON.stringify(r.mismatch)}, generator wrote ${JSON.stringify(truth.events)}: MISMATCH`,
    ),
  ...results
    .filter((r) => !r.mismatch && r.name.startsWith('exporter'))
    .map((r) => `check: ${r.name} counted every event the generator wrote: ok`),
].join('\n')
const report = {date: new Date().toISOString(), load, lines: N, bytes, runs: RUNS, grepSeconds: g, results}
fs.writeFileSync(path.join(CACHE, 'follow-last.json'), JSON.stringify(report, null, 2) + '\n')
if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n')
process[opts.json ? 'stderr' : 'stdout'].write('\n' + table + '\n')
if (results.some((r) => r.mismatch)) process.exitCode = 1
