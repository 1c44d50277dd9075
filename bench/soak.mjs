#!/usr/bin/env node
// A long follow: a busy log written at --rate lines a second for --minutes, rotated once a minute
// (rename+create, copytruncate, delete+recreate in turn), followed by `events --follow` and by the
// exporter (scraped every 15 s) side by side. Samples each one's resident memory every 15 s and
// checks that the follower printed every deferral, once. Memory should stay flat: the followers
// keep no per-poll garbage and forget quota failures past their horizon.
//
//   node bench/soak.mjs [--minutes 10] [--rate 5000]

import {spawn} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {setTimeout as sleep} from 'node:timers/promises'

const {values} = parseArgs({
  options: {minutes: {type: 'string', default: '10'}, rate: {type: 'string', default: '5000'}},
})
const minutes = Number(values.minutes)
const rate = Number(values.rate)
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const WRITER = fileURLToPath(new URL('../test/tools/busy-log.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-soak-'))
const log = join(dir, 'mainlog')
const PORT = 10239

const rss = (pid) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
const started = (child, what) =>
  new Promise((resolve) => child.stderr.on('data', (d) => String(d).includes(what) && resolve()))

const touch = spawn('sh', ['-c', `: > ${log}`])
await new Promise((r) => touch.on('close', r))
const events = spawn(process.execPath, [BIN, 'events', '--follow', '--debug', '--format', 'csv', '--kind', 'all', log])
let printed = 0
let tail = ''
const seen = new Set()
let twice = 0
events.stdout.on('data', (d) => {
  const text = tail + d
  const lines = text.split('\n')
  tail = lines.pop()
  for (const l of lines) {
    const m = /,(u\d+)@example\.net,/.exec(l)
    if (m === null) continue
    if (seen.has(m[1])) twice++
    seen.add(m[1])
    printed++
  }
})
const exporter = spawn(process.execPath, [BIN, 'exporter', '--listen', `127.0.0.1:${PORT}`, log])
await Promise.all([started(events, 'following '), started(exporter, 'serving ')])

const lines = Math.round(minutes * 60 * rate)
const writer = spawn(
  process.execPath,
  [WRITER, log, '--lines', String(lines), '--rate', String(rate), '--rotate-every', String(rate * 60)],
  {stdio: ['ignore', 'pipe', 'inherit']},
)
let done = false
const finished = new Promise((r) => writer.on('close', r)).then(() => (done = true))
const samples = []
const t0 = Date.now()
console.log('   s  events-follow MB  exporter MB  printed')
while (!done) {
  await fetch(`http://127.0.0.1:${PORT}/metrics`)
    .then((r) => r.text())
    .catch(() => '')
  const s = {t: Math.round((Date.now() - t0) / 1000), events: rss(events.pid), exporter: rss(exporter.pid), printed}
  samples.push(s)
  console.log(
    `${String(s.t).padStart(4)}  ${s.events.toFixed(1).padStart(16)}  ${s.exporter.toFixed(1).padStart(11)}  ${printed}`,
  )
  await Promise.race([sleep(15_000), finished])
}
// Let the follower read what is left, then stop both.
let last = -1
while (printed !== last) {
  last = printed
  await sleep(1000)
}
// Every deferral the files hold at the end must have been printed (a deleted file's are gone,
// and copytruncate's race leaves some lines in neither file).
const held = readdirSync(dir).flatMap((n) => [
  ...readFileSync(join(dir, n), 'utf8').matchAll(/rejected RCPT <(u\d+)@/g),
])
const missed = held.filter((m) => !seen.has(m[1])).length
events.kill('SIGINT')
exporter.kill('SIGTERM')
await Promise.all([new Promise((r) => events.on('close', r)), new Promise((r) => exporter.on('close', r))])
const later = samples.filter((s) => s.t >= 60)
const range = (k) =>
  `${Math.min(...later.map((s) => s[k])).toFixed(1)}-${Math.max(...later.map((s) => s[k])).toFixed(1)} MB`
console.log(`written ${lines} lines (${lines / 2} deferrals) in ${minutes} min; printed ${printed}, twice ${twice}`)
console.log(`of the ${held.length} deferrals the files hold at the end, not printed: ${missed}`)
console.log(`RSS after the first minute: events --follow ${range('events')}, exporter ${range('exporter')}`)
rmSync(dir, {recursive: true, force: true})
