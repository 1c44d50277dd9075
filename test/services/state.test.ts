// --state: runs between which the logs are appended to, rotated (rename+create, the rotated file
// compressed a cycle later), copytruncated and truncated add up to one read of everything the logs
// were ever written: nothing lost, nothing twice, a discard pair cut by a run still one event.

import {appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync} from 'node:fs'
import {mkdirSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {afterEach, describe, expect, it} from 'vitest'
import {check, events, report} from './run.js'

type Log = 'main' | 'reject' | 'panic'
const FILE: Record<Log, string> = {main: 'mainlog', reject: 'rejectlog', panic: 'paniclog'}

/** A small seeded generator (mulberry32): a failure names its seed, and the seed replays it. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const BASE = Date.UTC(2026, 10, 24, 6, 0, 0)
const stamp = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

/**
 * Exim's lines in the order Exim writes them, each to its log: a rejection to the main log then
 * the reject log, the incorrect-digit line to the main and panic logs, then its discard to the main
 * and reject logs, a delivery that failed for quota and its later retries to the main log only.
 */
function* eximUnits(rand: () => number): Generator<[Log, string][]> {
  const failed: {id: string; rcpt: string}[] = []
  for (let i = 0; ; i++) {
    const t = `${stamp(BASE + i * 1000)} [${10000 + (i % 7)}]`
    const rcpt = `user${Math.floor(rand() * 5)}@example.net`
    const host = 'H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru>'
    const msgid = `1xWJQd-000${String(i).padStart(3, '0')}-1D`
    const r = rand()
    if (r < 0.25) {
      const line = `${t} ${host} temporarily rejected RCPT <${rcpt}>: 422 Mailbox ${rcpt} is over quota`
      yield [
        ['main', line],
        ['reject', line],
      ]
    } else if (r < 0.35) {
      const line = `${t} ${host} rejected RCPT <${rcpt}>: 550 Unrouteable address`
      yield [
        ['main', line],
        ['reject', line],
      ]
    } else if (r < 0.5) {
      const digit = `${t} configured error code starts with incorrect digit (expected 2) in "422 Mailbox ${rcpt} is over quota"`
      const discard = `${t} ${host} RCPT <${rcpt}>: discarded by RCPT ACL: 422 Mailbox ${rcpt} is over quota`
      yield [
        ['main', digit],
        ['panic', digit],
        ['main', discard],
        ['reject', discard],
      ]
    } else if (r < 0.6) {
      failed.push({id: msgid, rcpt})
      yield [
        [
          'main',
          `${t} ${msgid} == ${rcpt} R=dovecot_user T=dovecot_lmtp defer (-46): LMTP error after end of data: 452 4.2.2 <${rcpt}> Quota exceeded (mailbox for user is full)`,
        ],
      ]
    } else if (r < 0.72 && failed.length > 0) {
      const f = failed[Math.floor(rand() * failed.length)]!
      yield [
        [
          'main',
          rand() < 0.5
            ? `${t} ${f.id} == ${f.rcpt} routing defer (-52): retry time not reached`
            : `${t} ${f.id} == ${f.rcpt} R=dovecot_user T=dovecot_lmtp defer (-46): LMTP error after end of data: 452 4.2.2 <${f.rcpt}> Quota exceeded (mailbox for user is full)`,
        ],
      ]
    } else {
      yield [
        ['main', `${t} ${msgid} <= zzz@yandex.ru H=forward100p.mail.yandex.net [77.88.28.100] P=esmtp S=510`],
        ['main', `${t} ${msgid} Completed`],
      ]
    }
  }
}

/** The rotated files of a log, newest first: `mainlog.1`, `mainlog.2.gz`, ... */
function rotated(dir: string, log: Log): {n: number; gz: boolean}[] {
  return readdirSync(dir)
    .map((f) => new RegExp(`^${FILE[log]}\\.(\\d+)(\\.gz)?$`).exec(f))
    .filter((m) => m !== null)
    .map((m) => ({n: Number(m[1]), gz: m[2] !== undefined}))
    .sort((a, b) => a.n - b.n)
}

/** logrotate with delaycompress: `.N.gz` -> `.N+1.gz`, `.1` -> `.2.gz` (compressed now), the log -> `.1`. */
function shift(dir: string, log: Log): void {
  const base = join(dir, FILE[log])
  for (const r of rotated(dir, log).reverse()) {
    if (r.gz) renameSync(`${base}.${r.n}.gz`, `${base}.${r.n + 1}.gz`)
    else {
      writeFileSync(`${base}.${r.n + 1}.gz`, gzipSync(readFileSync(`${base}.${r.n}`)))
      rmSync(`${base}.${r.n}`)
    }
  }
}

const COUNTED = ['lines', 'events', 'duplicates', 'other', 'unparsed']

type Op = 'write' | 'rotate' | 'copytruncate' | 'truncate' | 'gzip'

/** Every event a listing printed, without where it was found (a file and line of that run's files). */
const found = (ndjson: string): string[] =>
  ndjson
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const {file: _f, line: _l, ...ev} = JSON.parse(l) as Record<string, unknown>
      return JSON.stringify(ev)
    })

/** The text of line `n` of a log file as it is now, decompressed. */
function lineOf(path: string, n: number): string {
  const raw = readFileSync(path)
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString()
  return text.split('\n')[n - 1] ?? ''
}

let dirs: string[] = []
afterEach(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
  dirs = []
})

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'exim-rejects-state-'))
  dirs.push(d)
  return d
}

describe('events --state', () => {
  it.each(Array.from({length: 40}, (_, i) => i + 1))(
    'seed %i: appends, rotations, compressions, copytruncates and truncations between runs add up to one read of all',
    async (seed) => {
      const rand = rng(seed)
      const root = tempDir()
      const logs = join(root, 'logs')
      const all = join(root, 'all')
      const state = join(root, 'state.json')
      for (const d of [logs, all]) {
        rmSync(d, {recursive: true, force: true})
        mkdirSync(d, {recursive: true})
        for (const log of Object.keys(FILE) as Log[]) writeFileSync(join(d, FILE[log]), '')
      }
      // The directory, or (odd seeds) each log by name: its rotated files are then found beside it.
      const inputs = seed % 2 === 0 ? [logs] : Object.values(FILE).map((f) => join(logs, f))
      const units = eximUnits(rand)
      // Lines go out in Exim's order, a run may come between any two of them.
      let queue: [Log, string][] = []
      const write = (): void => {
        if (queue.length === 0) queue = units.next().value as [Log, string][]
        const [to, text] = queue.shift()!
        appendFileSync(join(logs, FILE[to]), text + '\n')
        appendFileSync(join(all, FILE[to]), text + '\n')
      }
      const reportState = join(root, 'report-state.json')
      const counted: Record<string, number> = {}
      const totals: Record<string, number> = {}
      const run = async (n: number, sinceRun: Op[]): Promise<void> => {
        const notes: string[] = []
        const out = await events(['--kind', 'all', '--format', 'ndjson', '--utc', '--state', state, ...inputs], {
          onNote: (m) => notes.push(m),
        })
        // Rotations never lose the place; only a truncated log is read from its start, and said so.
        if (!sinceRun.includes('truncate')) expect(notes, `seed ${seed} run ${n}`).toEqual([])
        // Each event names the line it was found on, numbered from the top of its file.
        for (const l of out.split('\n').filter(Boolean)) {
          const ev = JSON.parse(l) as {file: string; line: number; recipient: string; kind: string}
          expect(lineOf(ev.file, ev.line), `seed ${seed} run ${n}`).toContain(ev.recipient)
        }
        union.push(...found(out))
        // A report with a state of its own: every line accounted for once, in the run that read it.
        const r = JSON.parse(await report(['--json', '--kind', 'all', '--utc', '--state', reportState, ...inputs]))
        const i = r.input as Record<string, number>
        expect(i.lines, `seed ${seed} run ${n}`).toBe(i.events! + i.duplicates! + i.other! + i.unparsed!)
        for (const k of COUNTED) counted[k] = (counted[k] ?? 0) + i[k]!
        for (const [k, v] of Object.entries(r.totals as Record<string, number>)) totals[k] = (totals[k] ?? 0) + v
        expect(existsSync(`${state}.lock`)).toBe(false)
      }
      const union: string[] = []
      const done: (Op | '|')[] = []
      // A first run reads a log given by name, not what was rotated out of it before: it starts on empty logs.
      if (seed % 2 === 1) await run(0, [])
      for (let n = 1; n <= 12; n++) {
        const ops = Math.floor(rand() * 4)
        const sinceRun: Op[] = []
        for (let k = 0; k < ops; k++) {
          const log = (['main', 'main', 'reject', 'panic'] as const)[Math.floor(rand() * 4)]!
          const path = join(logs, FILE[log])
          const r = rand()
          // A log cut short loses what it was not read of: only where nothing was written since the last run.
          const op: Op = r < 0.55 ? 'write' : r < 0.75 ? 'rotate' : r < 0.9 ? 'copytruncate' : 'truncate'
          if (op === 'write') {
            for (let n = 1 + Math.floor(rand() * 25); n > 0; n--) write()
          } else if (op === 'rotate') {
            shift(logs, log)
            renameSync(path, `${path}.1`)
            writeFileSync(path, '')
          } else if (op === 'copytruncate') {
            shift(logs, log)
            copyFileSync(path, `${path}.1`)
            truncateSync(path, 0)
          } else if (!sinceRun.includes('write')) {
            truncateSync(path, 0)
          } else continue
          sinceRun.push(op)
          // Without delaycompress: the file just rotated out is compressed at once.
          if ((op === 'rotate' || op === 'copytruncate') && rand() < 0.3) {
            writeFileSync(`${path}.1.gz`, gzipSync(readFileSync(`${path}.1`)))
            rmSync(`${path}.1`)
            sinceRun.push('gzip')
          }
        }
        done.push(...sinceRun, '|')
        await run(n, sinceRun)
      }
      // The last Exim wrote is complete: a digit line at the very end waits for its discard.
      while (queue.length > 0) write()
      await run(-1, [])
      const whole = found(await events(['--kind', 'all', '--format', 'ndjson', '--utc', all]))
      const full = JSON.parse(await report(['--json', '--kind', 'all', '--utc', all]))
      expect(counted, `seed ${seed}`).toEqual(Object.fromEntries(COUNTED.map((k) => [k, full.input[k]])))
      expect(totals, `seed ${seed}`).toEqual(full.totals)
      const missing = [...whole]
      for (const e of union) missing.splice(missing.indexOf(e), missing.indexOf(e) === -1 ? 0 : 1)
      expect(union.length, `seed ${seed}: ${done.join(' ')}: ${missing.join('\n')}`).toBe(whole.length)
      expect([...union].sort(), `seed ${seed}: ${done.join(' ')}`).toEqual([...whole].sort())
    },
  )
})

describe('--state', () => {
  const T = '2026-12-02 10:00:00 [4242]'
  const digit = `${T} configured error code starts with incorrect digit (expected 2) in "422 Mailbox full@example.net is over quota"`
  const discard = `${T} H=mx.example.org [192.0.2.7] F=<a@example.org> RCPT <full@example.net>: discarded by RCPT ACL: 422 Mailbox full@example.net is over quota`
  const defer = (t: string, r: string) =>
    `${t} [4243] H=mx.example.org [192.0.2.7] F=<a@example.org> temporarily rejected RCPT <${r}>: 422 Mailbox ${r} is over quota\n`

  it('a discard pair cut by a run is one event, told by the run that reads the discard', async () => {
    const logs = tempDir()
    const state = join(logs, '.state')
    writeFileSync(join(logs, 'mainlog'), `${defer('2026-12-02 09:59:58', 'a@example.net')}${digit}\n`)
    const args = ['--kind', 'all', '--format', 'ndjson', '--utc', '--state', state, logs]
    const first = found(await events(args))
    expect(first.map((e) => JSON.parse(e).kind)).toEqual(['rcpt-defer'])
    appendFileSync(join(logs, 'mainlog'), `${discard}\n${defer('2026-12-02 10:00:05', 'b@example.net')}`)
    const second = (await events(args))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
    expect(second.map((e) => [e.kind, e.recipient, e.line])).toEqual([
      ['discard-misconfig', 'full@example.net', 3],
      ['rcpt-defer', 'b@example.net', 4],
    ])
  })

  it('check: the first run reads --since, the next what is new since it, and says so', async () => {
    const logs = tempDir()
    const state = join(logs, '.state')
    const main = join(logs, 'mainlog')
    writeFileSync(main, defer('2026-12-02 08:00:00', 'old@example.net') + defer('2026-12-02 09:30:00', 'a@example.net'))
    const at = (now: string) => ['--utc', '--now', now, '--state', state, logs]
    const first = await check(at('2026-12-02T10:00:00Z'))
    expect(first.text).toMatch(/^EXIM-REJECTS OK - 1 RCPT deferral for 1 recipient in the last 1h;/)
    // Nothing new: OK, the logs were read up to here (not UNKNOWN, as a read of nothing at all is).
    const quiet = await check(at('2026-12-02T10:05:00Z'))
    expect(quiet.text).toMatch(
      /^EXIM-REJECTS OK - 0 RCPT deferrals for 0 recipients since the last run at 2026-12-02 10:00:00 \(UTC\+00:00\);/,
    )
    expect((await check(['--expect-activity', ...at('2026-12-02T10:06:00Z')])).text).toMatch(
      /^EXIM-REJECTS UNKNOWN - no log lines since the last run at 2026-12-02 10:05:00/,
    )
    appendFileSync(main, `${digit}\n${discard}\n` + defer('2026-12-02 10:07:00', 'b@example.net'))
    const next = await check(at('2026-12-02T10:10:00Z'))
    expect(next.result.state).toBe('CRITICAL')
    expect(next.result.counts['rcpt-defer']).toBe(1)
    expect(next.result.discarded).toEqual({'full@example.net': 1})
    expect(next.text).toContain('1 RCPT for 1 recipient answered 250 and silently dropped by a discard')
  })

  it('report: each run counts what is new, and the line accounting holds', async () => {
    const logs = tempDir()
    const state = join(logs, '.state')
    writeFileSync(join(logs, 'mainlog'), defer('2026-12-02 09:00:00', 'a@example.net'))
    const args = ['--json', '--utc', '--state', state, logs]
    const one = JSON.parse(await report(args))
    expect([one.totals['rcpt-defer'], one.input.lines]).toEqual([1, 1])
    appendFileSync(join(logs, 'mainlog'), defer('2026-12-02 09:01:00', 'b@example.net') + `${T} Start queue run\n`)
    const two = JSON.parse(await report(args))
    expect(two.groups.map((g: {recipient: string}) => g.recipient)).toEqual(['b@example.net'])
    expect(two.input).toMatchObject({lines: 2, events: 1, duplicates: 0, other: 1, unparsed: 0})
  })

  it('refuses what it cannot go with: --until, --follow, standard input', async () => {
    const logs = tempDir()
    const state = join(logs, '.state')
    await expect(events(['--state', state, '--until', 'today', logs])).rejects.toThrow('--state: not with --until')
    await expect(events(['--state', state, '-f', logs])).rejects.toThrow('--state: not with --follow')
    await expect(events(['--state', state, '--keep-going', logs])).rejects.toThrow('--state: not with --keep-going')
    await expect(events(['--state', state, '-'], {input: ''})).rejects.toThrow(
      '--state: standard input can be read only once',
    )
    expect(existsSync(state)).toBe(false)
  })
})
