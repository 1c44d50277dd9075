// The same logs, written by a real Exim, read in every form an admin may hold them, give the
// same counts: main log alone, main+reject+panic, a rotated set with gzip and bzip2 members,
// standard input, syslog with and without Exim's timestamp, journalctl short-iso and json.

import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {beforeAll, describe, expect, it} from 'vitest'
import {parsePrefix} from '../../src/parse/prefix.js'
import {report, reportJson} from './run.js'

const FIXTURES = new URL('../fixtures/exim-4.96/', import.meta.url).pathname
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

interface Logs {
  main: string[]
  reject: string[]
  panic: string[]
}

function load(scenario: string): Logs {
  const lines = (f: string) =>
    readFileSync(join(FIXTURES, scenario, f), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
  return {main: lines('mainlog'), reject: lines('rejectlog'), panic: lines('paniclog')}
}

/** recipient -> count for one kind, from `report --format csv --by kind,recipient`. */
async function counts(args: string[], input?: string): Promise<Record<string, number>> {
  const csv = await report(['--utc', '--kind', 'all', '--by', 'kind,recipient', '--format', 'csv', ...args], {input})
  const out: Record<string, number> = {}
  for (const row of csv.trim().split('\n').slice(1)) {
    const [kind, rcpt, n] = row.split(',')
    out[`${kind} ${rcpt}`] = Number(n)
  }
  return out
}

/** The text syslog gets: Exim's line, minus its timestamp when syslog_timestamp = false. */
function syslogBody(line: string, keepStamp: boolean): {body: string; pid: number; wall: string} {
  const p = parsePrefix(line)
  const wall = line.slice(0, 19)
  // Exim's timestamp: date, time (with optional .mmm) and the optional offset.
  const m = /^\S+ \S+( [+-]\d{4})? /.exec(line)!
  return {body: keepStamp ? line : line.slice(m[0].length), pid: p.pid === -1 ? 4242 : p.pid, wall}
}

/** The syslog file an Exim with syslog_duplication would write: MAIN|REJECT and MAIN|PANIC lines twice. */
function toSyslog(logs: Logs, form: 'bsd' | 'bsd-nots' | 'iso'): string {
  const copies = new Set([...logs.reject.filter((l) => /^\d{4}-/.test(l)), ...logs.panic])
  const out: string[] = []
  for (const line of logs.main) {
    const {body, pid, wall} = syslogBody(line, form !== 'bsd-nots')
    const [date, time] = wall.split(' ') as [string, string]
    const [, mo, d] = date.split('-')
    const prefix =
      form === 'iso'
        ? `${date}T${time}+0000 mx exim[${pid}]: `
        : `${MONTHS[Number(mo) - 1]} ${d!.replace(/^0/, ' ')} ${time} mx exim[${pid}]: `
    out.push(prefix + body)
    if (copies.has(line)) out.push(prefix + body)
  }
  return out.join('\n') + '\n'
}

function toJournalJson(logs: Logs): string {
  return (
    logs.main
      .map((line) => {
        const {body, pid} = syslogBody(line, false)
        const t = Date.parse(line.slice(0, 19).replace(' ', 'T') + 'Z')
        return JSON.stringify({
          __REALTIME_TIMESTAMP: String(t * 1000),
          _PID: String(pid),
          SYSLOG_IDENTIFIER: 'exim',
          _HOSTNAME: 'mx',
          MESSAGE: body,
        })
      })
      .join('\n') + '\n'
  )
}

const SCENARIOS = ['defer-plain', 'defer-pid-ms-port', 'discard-plain', 'discard-pid-ms-port']

describe.each(SCENARIOS)('%s read in every form', (scenario) => {
  const logs = load(scenario)
  const dir = mkdtempSync(join(tmpdir(), `exim-rejects-${scenario}-`))
  const src = join(FIXTURES, scenario)
  let expected: Record<string, number>
  beforeAll(async () => {
    expected = await counts([join(src, 'mainlog')])
  })

  it('the main log alone matches what the SMTP sessions were answered', async () => {
    const answers = JSON.parse(readFileSync(join(src, 'answers.json'), 'utf8'))
    const want: Record<string, number> = {}
    for (const [r, n] of Object.entries(answers.deferred as Record<string, number>)) want[`rcpt-defer ${r}`] = n
    for (const [r, n] of Object.entries(answers.discarded as Record<string, number>)) want[`discard-misconfig ${r}`] = n
    const got = Object.fromEntries(
      Object.entries(expected).filter(([k]) => k.startsWith('rcpt-defer') || k.startsWith('discard-misconfig')),
    )
    expect(got).toEqual(want)
  })

  it('main + reject + panic logs together', async () => {
    expect(await counts([join(src, 'mainlog'), join(src, 'rejectlog'), join(src, 'paniclog')])).toEqual(expected)
    expect(await counts([src])).toEqual(expected)
  })

  it('a rotated set with gzip and bzip2 members', async () => {
    const d = join(dir, 'rotated')
    mkdirSync(d)
    // Cut where no discard pair is split: a pair is written in one go, before any rotation.
    const cut = (n: number) => {
      let i = Math.floor(logs.main.length * n)
      while (i < logs.main.length && /discarded by RCPT ACL/.test(logs.main[i]!)) i++
      return i
    }
    const [a, b] = [cut(1 / 3), cut(2 / 3)]
    writeFileSync(join(d, 'mainlog.2.gz'), gzipSync(logs.main.slice(0, a).join('\n') + '\n'))
    writeFileSync(join(d, 'mainlog.1'), logs.main.slice(a, b).join('\n') + '\n')
    expect(spawnSync('bzip2', [join(d, 'mainlog.1')]).status).toBe(0)
    writeFileSync(join(d, 'mainlog'), logs.main.slice(b).join('\n') + '\n')
    writeFileSync(join(d, 'rejectlog'), readFileSync(join(src, 'rejectlog')))
    writeFileSync(join(d, 'paniclog'), readFileSync(join(src, 'paniclog')))
    expect(await counts([d])).toEqual(expected)
  })

  it('a rotated set cut between an incorrect-digit line and its discard', async () => {
    const d = join(dir, 'rotated-pair')
    mkdirSync(d)
    // Each file after the first starts with a discard whose incorrect-digit line ended the one before.
    const cuts = logs.main.flatMap((l, i) => (/discarded by RCPT ACL/.test(l) && i > 0 ? [i] : []))
    const [a, b] =
      cuts.length > 1
        ? [cuts[0]!, cuts.at(-1)!]
        : cuts.length === 1
          ? [cuts[0]!, cuts[0]! + 1]
          : [Math.floor(logs.main.length / 3), Math.floor((logs.main.length * 2) / 3)]
    writeFileSync(join(d, 'mainlog.2.gz'), gzipSync(logs.main.slice(0, a).join('\n') + '\n'))
    writeFileSync(join(d, 'mainlog.1'), logs.main.slice(a, b).join('\n') + '\n')
    writeFileSync(join(d, 'mainlog'), logs.main.slice(b).join('\n') + '\n')
    writeFileSync(join(d, 'rejectlog'), readFileSync(join(src, 'rejectlog')))
    writeFileSync(join(d, 'paniclog'), readFileSync(join(src, 'paniclog')))
    expect(await counts([d])).toEqual(expected)
    expect(await counts([join(d, 'mainlog.2.gz'), join(d, 'mainlog.1'), join(d, 'mainlog')])).toEqual(expected)
  })

  it('standard input', async () => {
    expect(await counts(['-'], readFileSync(join(src, 'mainlog'), 'utf8'))).toEqual(expected)
  })

  it.each(['bsd', 'bsd-nots', 'iso'] as const)(
    'syslog (%s) with duplicated MAIN|REJECT and MAIN|PANIC lines',
    async (form) => {
      const f = join(dir, `syslog-${form}`)
      writeFileSync(f, toSyslog(logs, form))
      expect(await counts([f])).toEqual(expected)
    },
  )

  it('journalctl -o json', async () => {
    const f = join(dir, 'journal.json')
    writeFileSync(f, toJournalJson(logs))
    expect(await counts([f])).toEqual(expected)
  })
})

describe('a compressed log larger than its first look', () => {
  // The first bytes are decompressed to tell what the input is; the decompressor started for
  // that look must not be left running (a tool blocked on a full pipe would keep the run alive).
  const main = readFileSync(join(FIXTURES, 'defer-plain', 'mainlog'), 'utf8')
  const copies = 1000
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-big-'))
  const defers = (main.match(/temporarily rejected RCPT/g) ?? []).length * copies

  it.each([
    ['bzip2', '.bz2'],
    ['xz', '.xz'],
    ['zstd', '.zst'],
    ['gzip', '.gz'],
  ])('%s', async (tool, ext) => {
    const f = join(dir, `big-${tool}`)
    writeFileSync(f, main.repeat(copies))
    const c = spawnSync(tool, ['-1', '-f', f])
    if (c.error) return // the tool is not installed here; .ci/run installs it
    const j = await reportJson(['--kind', 'rcpt-defer', f + ext])
    expect(j.totals['rcpt-defer']).toBe(defers)
  })
})

describe('a directory of many rotated files', () => {
  it('reads each whole and apart (read buffers pass from file to file), plain and gzip alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-many-'))
    const line = (i: number) =>
      `2026-11-${String((i % 28) + 1).padStart(2, '0')} 10:00:00 H=mx [192.0.2.1] F=<s@x> temporarily rejected RCPT <r${i}@x>: 422 over quota\n`
    // Files larger than one read buffer, so that a buffer reused too early would show.
    const text = (i: number) => Array.from({length: 1500}, (_, k) => line(i * 10_000 + k)).join('')
    writeFileSync(join(dir, 'mainlog'), text(0))
    for (let i = 1; i <= 40; i++) {
      const t = text(i)
      writeFileSync(join(dir, `mainlog.${i}${i % 3 === 0 ? '.gz' : ''}`), i % 3 === 0 ? gzipSync(t) : t)
    }
    const r = await reportJson(['--by', 'recipient', '--format', 'json', dir])
    expect(r.input.files).toHaveLength(41)
    expect(r.totals['rcpt-defer']).toBe(41 * 1500)
    expect(r.groups).toHaveLength(41 * 1500)
    expect(new Set(r.groups.map((g: {recipient: string}) => g.recipient)).size).toBe(41 * 1500)
  })
})
