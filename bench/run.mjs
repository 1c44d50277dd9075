#!/usr/bin/env node
// `npm run bench`: times the CLI against grep, cat and zcat|grep (and eximstats when installed) on a
// large generated mainlog and its gzip, alternating contenders run by run. Prints a table of medians
// and writes the same as JSON to bench/.cache/last.json (and to stdout with --json).

import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const BENCH = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(BENCH, '..')
const CACHE = path.join(BENCH, '.cache')
const BIN = path.join(ROOT, 'bin', 'run.js')
const FLOOR = path.join(BENCH, 'floor.mjs')
const NODE = process.execPath

const USAGE = `usage: npm run bench -- [options]

  --size N            size of the generated mainlog (default $BENCH_SIZE or 1G)
  --runs N            timed repetitions per contender, median reported (default 5)
  --short-runs N      repetitions of the rows that time short runs (window, state; default 15, at least --runs)
  --seed N            generator seed (default 1)
  --recipients N      distinct mailboxes in the generated log (generator default)
  --pid --millisec    generator log_selector variants
  --tz +HHMM          generator log_timezone offset
  --msgid 16|23       generator message-id format
  --in-flight N       generator sessions in flight (default 8: the log's last hour is about 1% of it)
  --eximstats-size N  prefix of the log given to eximstats (default 50M)
  --only GROUP        time only the rows of one input: log, gz, window, state or prefix (state also times --version)
  --follow-lines N    event lines appended for the follow bench (bench/follow.mjs; default 1M, 0: none)
  --keep-env          run the contenders with NODE_EXTRA_CA_CERTS and NODE_OPTIONS, when set (default: without)
  --json              print the JSON result on stdout (the table goes to stderr)`

let opts
try {
  opts = parseArgs({
    options: {
      size: {type: 'string', default: process.env.BENCH_SIZE || '1G'},
      runs: {type: 'string', default: '5'},
      'short-runs': {type: 'string', default: '15'},
      seed: {type: 'string', default: '1'},
      recipients: {type: 'string'},
      pid: {type: 'boolean', default: false},
      millisec: {type: 'boolean', default: false},
      tz: {type: 'string'},
      msgid: {type: 'string'},
      'in-flight': {type: 'string', default: '8'},
      'eximstats-size': {type: 'string', default: '50M'},
      'follow-lines': {type: 'string', default: '1M'},
      only: {type: 'string'},
      json: {type: 'boolean', default: false},
      'keep-env': {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
    strict: true,
  }).values
} catch (e) {
  process.stderr.write(`bench: ${e.message}\n${USAGE}\n`)
  process.exit(2)
}
if (opts.help) {
  process.stdout.write(USAGE + '\n')
  process.exit(0)
}

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(String(s).trim())
  if (!m) {
    process.stderr.write(`bench: bad size ${s}\n`)
    process.exit(2)
  }
  return Math.round(Number(m[1]) * {'': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40}[m[2].toUpperCase()])
}
// Cache names use the same units the option takes, so `--size 1G` and `--size 1024M` share a file.
function sizeName(bytes) {
  for (const [u, m] of [
    ['G', 2 ** 30],
    ['M', 2 ** 20],
    ['K', 2 ** 10],
  ])
    if (bytes % m === 0) return `${bytes / m}${u}`
  return String(bytes)
}

const SIZE = parseSize(opts.size)
const RUNS = Number(opts.runs)
if (!Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write('bench: --runs must be a positive integer\n')
  process.exit(2)
}
const SHORT_RUNS = Math.max(RUNS, Number(opts['short-runs']))
if (!Number.isInteger(SHORT_RUNS)) {
  process.stderr.write('bench: --short-runs must be a positive integer\n')
  process.exit(2)
}
const PREFIX = parseSize(opts['eximstats-size'])

// Everything goes to stderr while running, so `--json` keeps stdout clean.
const say = (s) => process.stderr.write(s + '\n')

// ---------------------------------------------------------------------------------------------
// Inputs: generated log, its gzip, a prefix for eximstats; all cached under bench/.cache/.

const genArgs = ['--seed', String(Number(opts.seed))]
// The generator's own hash is part of the key: a changed generator never reuses an old log.
const GEN_HASH = createHash('sha256')
  .update(fs.readFileSync(path.join(BENCH, 'generate.mjs')))
  .digest('hex')
  .slice(0, 8)
let key = `mainlog-${GEN_HASH}-${sizeName(SIZE)}-s${Number(opts.seed)}`
if (opts.recipients) (genArgs.push('--recipients', opts.recipients), (key += `-r${opts.recipients}`))
if (opts.pid) (genArgs.push('--pid'), (key += '-pid'))
if (opts.millisec) (genArgs.push('--millisec'), (key += '-ms'))
if (opts.tz) (genArgs.push('--tz', opts.tz), (key += `-tz${opts.tz}`))
if (opts.msgid) (genArgs.push('--msgid', opts.msgid), (key += `-id${opts.msgid}`))
// A busy MX that writes about 1% of a 1 GB log in an hour: the window rows read that hour.
genArgs.push('--in-flight', opts['in-flight'])
key += `-f${Number(opts['in-flight'])}`

fs.mkdirSync(CACHE, {recursive: true})
// Logs from an older generator are dead weight (often gigabytes).
for (const f of fs.readdirSync(CACHE)) {
  if (f.startsWith('mainlog-') && !f.startsWith(`mainlog-${GEN_HASH}-`)) fs.rmSync(path.join(CACHE, f), {force: true})
}
const LOG = path.join(CACHE, key + '.log')
const TRUTH = LOG + '.truth.json'
const GZ = LOG + '.gz'

function readTruth() {
  try {
    const t = JSON.parse(fs.readFileSync(TRUTH, 'utf8'))
    return fs.statSync(LOG).size === t.mainlog.bytes ? t : null
  } catch {
    return null
  }
}

let truth = readTruth()
if (!truth) {
  // The generator writes the truth file last, so a log without one is an interrupted run.
  say(`bench: generating ${path.relative(ROOT, LOG)} (${sizeName(SIZE)})`)
  const r = spawnSync(NODE, [path.join(BENCH, 'generate.mjs'), '--size', String(SIZE), '--out', LOG, ...genArgs], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  truth = r.status === 0 ? readTruth() : null
  if (!truth) {
    say('bench: generating the log failed')
    process.exit(1)
  }
}
if (!fs.existsSync(GZ) || fs.statSync(GZ).mtimeMs < fs.statSync(LOG).mtimeMs) {
  say(`bench: gzip -c ${path.basename(LOG)}`)
  const tmp = GZ + '.tmp'
  const fd = fs.openSync(tmp, 'w')
  const r = spawnSync('gzip', ['-c', LOG], {stdio: ['ignore', fd, 'inherit']})
  fs.closeSync(fd)
  if (r.status !== 0) {
    say('bench: gzip failed')
    process.exit(1)
  }
  fs.renameSync(tmp, GZ)
}

function findEximstats() {
  if (fs.existsSync('/usr/sbin/eximstats')) return '/usr/sbin/eximstats'
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir || '.', 'eximstats')
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return p
    } catch {}
  }
  return null
}
const EXIMSTATS = findEximstats()

const bytesOfLog = () => fs.statSync(LOG).size
// First PREFIX bytes of the log, cut back to a line end (the whole log when it is smaller).
function prefixFile() {
  if (bytesOfLog() <= PREFIX) return LOG
  const file = `${LOG}.prefix-${sizeName(PREFIX)}`
  if (fs.existsSync(file) && fs.statSync(file).mtimeMs >= fs.statSync(LOG).mtimeMs) return file
  const fd = fs.openSync(LOG, 'r')
  const buf = Buffer.alloc(Math.min(PREFIX, fs.statSync(LOG).size))
  const n = fs.readSync(fd, buf, 0, buf.length, 0)
  fs.closeSync(fd)
  const end = buf.lastIndexOf(10, n - 1) + 1
  fs.writeFileSync(file + '.tmp', buf.subarray(0, end))
  fs.renameSync(file + '.tmp', file)
  return file
}
const PREFIX_FILE = EXIMSTATS ? prefixFile() : null

if (!fs.existsSync(path.join(ROOT, 'dist'))) {
  say('bench: dist/ missing, running npm run build')
  const r = spawnSync('npm', ['run', 'build'], {cwd: ROOT, stdio: ['ignore', 2, 'inherit']})
  if (r.status !== 0) {
    say('bench: npm run build failed')
    process.exit(1)
  }
}
// Newest mtime under dist/: others may rebuild while a long run is going on, which mixes builds.
function distStamp() {
  let max = 0
  const walk = (d) => {
    for (const e of fs.readdirSync(d, {withFileTypes: true})) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else max = Math.max(max, fs.statSync(p).mtimeMs)
    }
  }
  try {
    walk(path.join(ROOT, 'dist'))
  } catch {}
  return max
}
// ---------------------------------------------------------------------------------------------
// --state: a check on the log as the last run left it (nothing new), and one after 10 MB were
// appended to it, against a check that reads a 10 MB log whole. Each state is made by a first
// run; the appended-to log is a copy of all but the log's last 10 MB, which are appended after
// the first run (cached with its state: its device and inode are in the state).

const APPEND = Math.min(10 * 2 ** 20, Math.floor(SIZE / 2))
const EVER = '2000-01-01'
function lineStart(file, at) {
  const fd = fs.openSync(file, 'r')
  const buf = Buffer.alloc(64 * 1024)
  const n = fs.readSync(fd, buf, 0, buf.length, at)
  fs.closeSync(fd)
  return at + buf.subarray(0, n).indexOf(10) + 1
}
function stateRun(state, file) {
  const r = spawnSync(NODE, [BIN, 'check', '--since', EVER, '--state', state, file], {cwd: ROOT, stdio: 'ignore'})
  // check's exit status is its verdict (0-2); 3 is UNKNOWN, a failure.
  if (r.status === null || r.status > 2) {
    say(`bench: check --state ${path.basename(file)} failed (exit ${r.status})`)
    process.exit(1)
  }
}
const CUT = lineStart(LOG, bytesOfLog() - APPEND)
const TAIL = `${LOG}.tail-${sizeName(APPEND)}`
const GROWN = `${LOG}.grown-${sizeName(APPEND)}`
const STATE_UNCHANGED = path.join(CACHE, 'state-unchanged.json')
const STATE_BEHIND = `${GROWN}.state.json`
const STATE_RUN = path.join(CACHE, 'state-appended.json')
if (!fs.existsSync(TAIL) || fs.statSync(TAIL).mtimeMs < fs.statSync(LOG).mtimeMs) {
  const fd = fs.openSync(LOG, 'r')
  const buf = Buffer.alloc(bytesOfLog() - CUT)
  fs.readSync(fd, buf, 0, buf.length, CUT)
  fs.closeSync(fd)
  fs.writeFileSync(TAIL + '.tmp', buf)
  fs.renameSync(TAIL + '.tmp', TAIL)
}
fs.rmSync(STATE_UNCHANGED, {force: true})
stateRun(STATE_UNCHANGED, LOG)
// A state made by an older build may be of an older format, which the tool reads its own way.
const stateVersion = (f) => JSON.parse(fs.readFileSync(f, 'utf8').split('\n', 1)[0]).version
if (
  !fs.existsSync(STATE_BEHIND) ||
  fs.statSync(STATE_BEHIND).mtimeMs < fs.statSync(LOG).mtimeMs ||
  stateVersion(STATE_BEHIND) !== stateVersion(STATE_UNCHANGED)
) {
  say(`bench: making ${path.basename(GROWN)} and its state ${sizeName(APPEND)} behind`)
  fs.rmSync(STATE_BEHIND, {force: true})
  fs.copyFileSync(LOG, GROWN)
  fs.truncateSync(GROWN, CUT)
  stateRun(STATE_BEHIND, GROWN)
  fs.appendFileSync(GROWN, fs.readFileSync(TAIL))
}

const distBefore = distStamp()
const hasEvents = spawnSync(NODE, [BIN, 'events', '--help'], {cwd: ROOT, stdio: 'ignore'}).status === 0

// ---------------------------------------------------------------------------------------------
// Contenders. `group` names the input and its baseline; every ratio is against the baseline of
// the same group, on the same bytes.

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`
const bytesOf = (f) => fs.statSync(f).size
const groups = {
  log: {file: LOG, bytes: bytesOf(LOG), label: path.basename(LOG)},
  gz: {file: GZ, bytes: bytesOf(LOG), gzBytes: bytesOf(GZ), label: path.basename(GZ)},
}
groups.state = {file: LOG, bytes: bytesOf(TAIL), label: 'check --state'}
if (PREFIX_FILE) groups.prefix = {file: PREFIX_FILE, bytes: bytesOf(PREFIX_FILE), label: path.basename(PREFIX_FILE)}

/**
 * The timestamps that start the lines of bytes `[pos, pos + length)` of a file, as offsets and in
 * `--since`'s form (a line the block starts inside of is left out).
 */
function lineStamps(fd, pos, length) {
  const buf = Buffer.alloc(length)
  const text = buf.toString('latin1', 0, fs.readSync(fd, buf, 0, length, pos))
  const stamps = []
  for (const m of text.matchAll(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)/gm))
    if (pos === 0 || m.index > 0) stamps.push({at: pos + m.index, iso: `${m[1]}T${m[2]}`})
  return stamps
}

/**
 * An hour before the log's last timestamp, as `--since` takes it (the generated log is UTC wall
 * time, read with --utc): the window `check --since 1h` reads when run right after the log's end.
 */
function lastHourOf(file) {
  const fd = fs.openSync(file, 'r')
  const size = fs.fstatSync(fd).size
  const length = Math.min(size, 64 * 1024)
  const last = Date.parse(lineStamps(fd, size - length, length).at(-1).iso + 'Z')
  fs.closeSync(fd)
  return new Date(last - 3600_000).toISOString().slice(0, 19)
}
const SINCE = lastHourOf(LOG)

/**
 * Bytes from the first line at or after `since` to the end: what the window rows must read. The
 * generated log's times never decrease: blocks are read back from the end until one starts before
 * `since`.
 */
function bytesFrom(file, since) {
  const fd = fs.openSync(file, 'r')
  const size = fs.fstatSync(fd).size
  const step = 1 << 20
  let start = size
  for (let pos = size; pos > 0;) {
    pos = Math.max(0, pos - step)
    const stamps = lineStamps(fd, pos, Math.min(step, size - pos))
    const first = stamps.find((st) => st.iso >= since)
    if (first !== undefined) start = first.at
    if (first !== stamps[0]) break
  }
  fs.closeSync(fd)
  return size - start
}
const WINDOW_BYTES = bytesFrom(LOG, SINCE)
groups.window = {file: LOG, bytes: bytesOf(LOG), label: path.basename(LOG)}

const rel = (f) => path.relative(ROOT, f)
const contenders = [
  // grep's output is piped to us: GNU grep stops reading early when stdout is /dev/null.
  {
    name: "LC_ALL=C grep -c 'rejected RCPT'",
    group: 'log',
    baseline: true,
    cmd: ['grep', '-c', 'rejected RCPT', LOG],
    env: {LC_ALL: 'C'},
    capture: true,
  },
  {name: 'cat', group: 'log', cmd: ['cat', LOG]},
  // Node's own floor for the same work: every line end and timestamp, nothing decoded (bench/floor.mjs).
  {name: 'node floor (lines, timestamps)', group: 'log', cmd: [NODE, FLOOR, LOG], capture: true, floor: true},
  {name: 'report --format summary', group: 'log', cmd: [NODE, BIN, 'report', '--format', 'summary', LOG]},
  {name: 'report --format csv', group: 'log', cmd: [NODE, BIN, 'report', '--format', 'csv', LOG]},
  {
    name: 'events --format csv',
    group: 'log',
    cmd: [NODE, BIN, 'events', '--format', 'csv', LOG],
    skip: hasEvents ? null : '`events --help` does not exit 0 (no events command yet)',
  },
  {
    name: "zcat | LC_ALL=C grep -c 'rejected RCPT'",
    group: 'gz',
    baseline: true,
    cmd: ['sh', '-c', `zcat ${q(GZ)} | LC_ALL=C grep -c 'rejected RCPT'`],
    capture: true,
  },
  {name: 'report --format csv FILE.gz', group: 'gz', cmd: [NODE, BIN, 'report', '--format', 'csv', GZ]},
  // Start-up and the last hour of the log: what a check run every few minutes costs. Its ratio to
  // `--version` (the tool starting and doing nothing) says how little of the log a window reads.
  {name: 'node -e 0', group: 'window', baseline: true, cmd: [NODE, '-e', '0']},
  {name: 'exim-rejects --version', group: 'window', cmd: [NODE, BIN, '--version']},
  // The same without the code cache the build writes (bin/run.js): what the cache saves.
  {
    name: 'exim-rejects --version, no code cache',
    group: 'window',
    cmd: [NODE, BIN, '--version'],
    env: {EXIM_REJECTS_CODE_CACHE: '/nonexistent/cli.v8cache'},
  },
  {
    name: 'node floor, last hour',
    group: 'window',
    cmd: [NODE, FLOOR, LOG, String(bytesOf(LOG) - WINDOW_BYTES)],
    capture: true,
    floor: true,
  },
  {
    name: `check --since ${SINCE} (last hour)`,
    group: 'window',
    cmd: [NODE, BIN, 'check', '--utc', '--since', SINCE, LOG],
    // A check's exit status is its verdict (0-2), every one of them a finished run; UNKNOWN (3)
    // is a check that could not judge (a damaged state file, a log it cannot read): a failure.
    okCodes: [0, 1, 2],
  },
  {
    name: 'check --state, log unchanged',
    group: 'state',
    cmd: [NODE, BIN, 'check', '--state', STATE_UNCHANGED, LOG],
    okCodes: [0, 1, 2],
  },
  {
    name: `check, a ${sizeName(APPEND)} log read whole`,
    group: 'state',
    cmd: [NODE, BIN, 'check', '--since', EVER, TAIL],
    baseline: true,
    okCodes: [0, 1, 2],
  },
  {
    name: `check --state, ${sizeName(APPEND)} appended`,
    group: 'state',
    cmd: [NODE, BIN, 'check', '--state', STATE_RUN, GROWN],
    okCodes: [0, 1, 2],
    // Every run starts where the first run left the log: its last 10 MB new.
    setup: () => fs.copyFileSync(STATE_BEHIND, STATE_RUN),
  },
]
if (PREFIX_FILE) {
  contenders.push(
    {
      name: "LC_ALL=C grep -c 'rejected RCPT'",
      group: 'prefix',
      baseline: true,
      cmd: ['grep', '-c', 'rejected RCPT', PREFIX_FILE],
      env: {LC_ALL: 'C'},
      capture: true,
    },
    {name: 'eximstats', group: 'prefix', cmd: [EXIMSTATS, PREFIX_FILE]},
  )
} else {
  contenders.push({
    name: 'eximstats',
    group: 'prefix',
    cmd: null,
    skip: 'eximstats not installed (/usr/sbin/eximstats or PATH)',
  })
}
for (const c of contenders) {
  c.runs = []
  c.rss = []
  c.outputs = []
  c.failures = []
}

// ---------------------------------------------------------------------------------------------
// Running one command: wall time from spawn to exit, peak RSS from GNU time or /proc.

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null

// What cron and NRPE give a run on a mail server: no NODE_EXTRA_CA_CERTS (Node reads and parses
// every certificate it names before any script runs: 50 ms of each start on a machine that sets
// it, a cost the tool, which makes no TLS connection, never asks for) and no NODE_OPTIONS (its V8
// flags would make V8 refuse the code cache). --keep-env times with the environment as it is.
const DROPPED_ENV = opts['keep-env'] ? [] : ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter((k) => k in process.env)
const RUN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !DROPPED_ENV.includes(k)))
const rssFile = path.join(os.tmpdir(), `exim-rejects-bench-${process.pid}.rss`)

function procPeakKb(pid) {
  // VmHWM of the process and of its descendants (a shell pipeline), best effort.
  let max = 0
  const visit = (p, depth) => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))
      if (m) max = Math.max(max, Number(m[1]))
      if (depth < 4)
        for (const c of fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ').filter(Boolean))
          visit(c, depth + 1)
    } catch {}
  }
  visit(pid, 0)
  return max
}

function runOnce(c) {
  return new Promise((resolve) => {
    const argv = TIME ? [TIME, '-f', '%M', '-o', rssFile, ...c.cmd] : c.cmd
    const t0 = process.hrtime.bigint()
    const child = spawn(argv[0], argv.slice(1), {
      cwd: ROOT,
      env: {...RUN_ENV, ...(c.env ?? {})},
      stdio: ['ignore', c.capture ? 'pipe' : 'ignore', 'pipe'],
    })
    let out = ''
    let err = ''
    if (c.capture) child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => {
      if (err.length < 4000) err += d
    })
    let peak = 0
    const poll = TIME ? null : setInterval(() => (peak = Math.max(peak, procPeakKb(child.pid))), 20)
    child.on('close', (code, signal) => {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9
      if (poll) clearInterval(poll)
      let rssKb = peak
      if (TIME) {
        try {
          rssKb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop())
        } catch {}
        // GNU time reports the child's own exit status as "Command exited with non-zero status".
        err = err.replace(/^Command exited with non-zero status \d+\n?/m, '')
      }
      resolve({secs, code, signal, rssKb, out: out.trim(), err: err.trim()})
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Warm the page cache, then alternate: every run goes through all contenders, starting one later
// each time so no contender always follows the same neighbour.

const LOAD_AT_START = Math.round(os.loadavg()[0] * 100) / 100
for (const g of Object.values(groups)) spawnSync('cat', [g.file], {stdio: ['ignore', 'ignore', 'ignore']})

for (const c of contenders) {
  // The state rows are read against --version, timed in the window group.
  const wanted =
    opts.only === undefined || c.group === opts.only || (opts.only === 'state' && c.name === 'exim-rejects --version')
  if (!wanted) c.skip ??= `not in --only ${opts.only}`
}
const active = contenders.filter((c) => !c.skip)
// The short runs (a start, a check of an hour) take a tenth of a second or so, where the noise of a
// shared machine is a third of the time: they get more rounds, cheaply, of their own.
const isShort = (c) => c.group === 'window' || c.group === 'state'
const shortActive = active.filter(isShort)
for (let r = 0; r < SHORT_RUNS; r++) {
  const round = r < RUNS ? active : shortActive
  for (let i = 0; i < round.length; i++) {
    const c = round[(i + r) % round.length]
    c.setup?.()
    const res = await runOnce(c)
    // grep exits 1 when it counts zero matches; that is still a valid timing.
    const ok = res.code === 0 || (c.capture && res.code === 1) || (c.okCodes ?? []).includes(res.code)
    if (ok) {
      c.runs.push(res.secs)
      c.rss.push(res.rssKb)
      if (c.capture) c.outputs.push(res.out)
    } else {
      c.failures.push({code: res.code, signal: res.signal, stderr: res.err.slice(0, 500)})
    }
    say(
      `bench: run ${r + 1}/${isShort(c) ? SHORT_RUNS : RUNS} ${c.name} [${c.group}] ${ok ? res.secs.toFixed(3) + ' s' : `FAILED (exit ${res.code ?? res.signal})`}`,
    )
  }
}
try {
  fs.unlinkSync(rssFile)
} catch {}

// ---------------------------------------------------------------------------------------------
// Results

const median = (xs) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const round = (x, d) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d)

const results = contenders.map((c) => {
  const g = groups[c.group]
  const med = median(c.runs)
  const base = contenders.find((b) => b.group === c.group && b.baseline)
  const baseMed = base ? median(base.runs) : null
  return {
    name: c.name,
    group: c.group,
    floor: c.floor ?? undefined,
    input: g ? g.file : null,
    command: c.cmd ? c.cmd.map((a) => (path.isAbsolute(a) && a.startsWith(ROOT) ? rel(a) : a)).join(' ') : null,
    baseline: Boolean(c.baseline),
    bytes: g ? g.bytes : null,
    runs: c.runs.map((x) => round(x, 4)),
    medianSeconds: round(med, 4),
    minSeconds: round(c.runs.length ? Math.min(...c.runs) : null, 4),
    maxSeconds: round(c.runs.length ? Math.max(...c.runs) : null, 4),
    // Throughput is of the uncompressed log, also for the gzip contenders.
    mbPerSecond: med ? round(g.bytes / 1e6 / med, 1) : null,
    ratioToBaseline: med && baseMed ? round(med / baseMed, 2) : null,
    baselineName: base ? base.name : null,
    peakRssMb: c.rss.length ? round(Math.max(...c.rss) / 1024, 1) : null,
    output: c.capture && c.outputs.length ? c.outputs[0] : undefined,
    failures: c.failures.length ? c.failures : undefined,
    skipped: c.skip ?? undefined,
  }
})

const distRebuilt = distStamp() !== distBefore

// grep's counts double as a check that the generator's truth file describes this log.
const checks = []
// The window rows against the tool's own start-up, and the start-up against Node's.
const med = (name) => results.find((r) => r.group === 'window' && r.name.startsWith(name))?.medianSeconds ?? null
const [nodeS, versionS, checkS] = [med('node -e 0'), med('exim-rejects --version'), med('check --since')]
const window = {
  since: SINCE,
  bytes: WINDOW_BYTES,
  shareOfLog: round(WINDOW_BYTES / bytesOf(LOG), 4),
  checkOverVersion: checkS && versionS ? round(checkS / versionS, 2) : null,
  versionOverNode: versionS && nodeS ? round(versionS / nodeS, 2) : null,
}
const expect = truth.grep['rejected RCPT']
for (const r of results) {
  if (r.output === undefined || r.group === 'prefix' || r.floor) continue
  checks.push({
    what: `${r.name} on ${r.group}`,
    expected: expect,
    got: Number(r.output),
    ok: Number(r.output) === expect,
  })
}

// The floor program must have seen every line of the log.
{
  const floor = results.find((r) => r.floor && r.group === 'log' && r.output !== undefined)
  if (floor)
    checks.push({
      what: `${floor.name}: lines`,
      expected: truth.mainlog.lines,
      got: parseInt(floor.output, 10),
      ok: parseInt(floor.output, 10) === truth.mainlog.lines,
    })
}

function gitHead() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: ROOT, encoding: 'utf8'})
  return r.status === 0 ? r.stdout.trim() : null
}
const cpus = os.cpus()
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus.length,
    model: cpus[0]?.model ?? null,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    peakRssFrom: TIME ? '/usr/bin/time -f %M' : '/proc/<pid>/status VmHWM (polled)',
    loadAtStart: LOAD_AT_START,
    loadAtEnd: round(os.loadavg()[0], 2),
    environmentDropped: DROPPED_ENV,
  },
  tool: {name: pkg.name, version: pkg.version, commit: gitHead()},
  input: {
    log: rel(LOG),
    bytes: groups.log.bytes,
    lines: truth.mainlog.lines,
    gzBytes: groups.gz.gzBytes,
    prefixBytes: groups.prefix?.bytes ?? null,
    generator: truth.options,
    events: truth.events,
  },
  runsPerContender: RUNS,
  runsPerShortContender: SHORT_RUNS,
  window,
  distRebuiltDuringRun: distRebuilt,
  results,
  checks,
}

const MB = (b) => (b / 1e6).toFixed(1)
const inputLabel = (r) =>
  r.group === 'log'
    ? `log ${MB(groups.log.bytes)} MB`
    : r.group === 'gz'
      ? `gz ${MB(groups.gz.gzBytes)} MB`
      : r.group === 'state'
        ? `state, log ${MB(groups.log.bytes)} MB`
        : r.group === 'window'
          ? r.name.includes('last hour')
            ? `log ${MB(groups.log.bytes)} MB, last hour`
            : 'none'
          : `prefix ${MB(r.bytes ?? PREFIX)} MB`
const rows = [['contender', 'input', 'median s', 'min-max s', 'MB/s', 'x base', 'peak RSS MB']]
for (const r of results) {
  if (r.skipped) {
    rows.push([r.name, inputLabel(r), 'skipped', '', '', '', ''])
    continue
  }
  if (r.medianSeconds == null) {
    rows.push([r.name, inputLabel(r), 'failed', '', '', '', ''])
    continue
  }
  rows.push([
    r.name + (r.baseline ? ' *' : ''),
    inputLabel(r),
    r.medianSeconds.toFixed(3),
    `${r.minSeconds.toFixed(2)}-${r.maxSeconds.toFixed(2)}`,
    r.mbPerSecond.toFixed(1),
    r.ratioToBaseline?.toFixed(2) ?? '',
    r.peakRssMb.toFixed(1),
  ])
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
const fmtRow = (row) =>
  row
    .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
    .join('  ')
    .trimEnd()

const lines = []
lines.push(`exim-rejects bench  ${report.date}`)
lines.push(
  `machine: ${report.machine.cpus} x ${report.machine.model}, ${report.machine.memoryGb} GB, ${report.machine.platform}, node ${report.machine.node}; load ${report.machine.loadAtStart} at start, ${report.machine.loadAtEnd} at end`,
  ...(DROPPED_ENV.length > 0
    ? [`env:     contenders run without ${DROPPED_ENV.join(', ')} (as cron and NRPE run them; --keep-env keeps them)`]
    : []),
)
lines.push(`tool:    ${pkg.name} ${pkg.version}${report.tool.commit ? ` (${report.tool.commit})` : ''}`)
lines.push(
  `input:   ${rel(LOG)}: ${MB(groups.log.bytes)} MB, ${truth.mainlog.lines} lines; gzip ${MB(groups.gz.gzBytes)} MB` +
    (groups.prefix ? `; eximstats prefix ${MB(groups.prefix.bytes)} MB` : ''),
)
lines.push(
  `runs:    ${RUNS} per contender (${SHORT_RUNS} for the window and state rows), alternating; median wall time; MB/s of uncompressed log; x base = time / time of the * row of the same input`,
)
lines.push('')
lines.push(fmtRow(rows[0]))
lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
for (const row of rows.slice(1)) lines.push(fmtRow(row))
lines.push('')
for (const r of results) {
  if (r.skipped && !r.skipped.startsWith('not in --only')) lines.push(`note: ${r.name} skipped: ${r.skipped}`)
  if (r.failures)
    lines.push(
      `note: ${r.name} failed ${r.failures.length} time(s): exit ${r.failures[0].code ?? r.failures[0].signal}: ${r.failures[0].stderr.split('\n')[0]}`,
    )
}
if (window.checkOverVersion !== null)
  lines.push(
    `window: check --since (last hour: ${MB(window.bytes)} MB, ${round(window.shareOfLog * 100, 2)}% of the log) = ` +
      `${window.checkOverVersion}x exim-rejects --version; ` +
      `--version = ${window.versionOverNode}x node -e 0`,
  )
{
  const med = (name) => results.find((r) => r.name === name)?.medianSeconds
  const version = med('exim-rejects --version')
  const unchanged = med('check --state, log unchanged')
  const whole = med(`check, a ${sizeName(APPEND)} log read whole`)
  const appended = med(`check --state, ${sizeName(APPEND)} appended`)
  if (version && unchanged)
    lines.push(
      `state: check --state on the unchanged log takes ${(unchanged / version).toFixed(2)}x --version (goal: at most 1.5)`,
    )
  if (whole && appended)
    lines.push(
      `state: check --state after ${sizeName(APPEND)} appended takes ${(appended / whole).toFixed(2)}x a check of a ${sizeName(APPEND)} log read whole (goal: at most 1.5)`,
    )
}
{
  // How far the tool is from what Node itself needs for the lines it reads.
  const med = (name) => results.find((r) => r.name.startsWith(name))?.medianSeconds
  const floorLog = med('node floor (lines')
  const floorHour = med('node floor, last hour')
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a')
  const parts = []
  if (floorLog)
    parts.push(
      `report summary ${ratio(med('report --format summary'), floorLog)}, csv ${ratio(med('report --format csv'), floorLog)} the node floor of the log`,
    )
  if (floorHour)
    parts.push(
      `check --since ${ratio(med('check --since'), floorHour)} the node floor of the last hour (${ratio(floorHour, med('node -e 0'))} node -e 0)`,
    )
  if (parts.length > 0) lines.push(`floor:  ${parts.join('; ')}`)
}
if (distRebuilt) lines.push('note: dist/ was rebuilt during the run: the timings of the CLI mix builds')
for (const c of checks)
  lines.push(`check: ${c.what} counted ${c.got}, generator wrote ${c.expected}: ${c.ok ? 'ok' : 'MISMATCH'}`)
const table = lines.join('\n') + '\n'

fs.writeFileSync(path.join(CACHE, 'last.json'), JSON.stringify(report, null, 2) + '\n')
if (opts.json) {
  process.stderr.write('\n' + table)
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
} else {
  process.stdout.write('\n' + table)
}

// Following a growing log (the exporter against events --follow): a bench of its own, same runs.
if (opts['follow-lines'] !== '0') {
  const args = [path.join(BENCH, 'follow.mjs'), '--lines', opts['follow-lines'], '--runs', String(RUNS)]
  const r = spawnSync(NODE, args, {cwd: ROOT, stdio: ['ignore', opts.json ? 2 : 1, 2]})
  if (r.status !== 0) process.exitCode = 1
}
