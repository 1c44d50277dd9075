// A report that reads a file in parallel ranges counts exactly what one reader counts: events, groups,
// first/last times, line accounting, samples, and the cross-range cases (a discard pair near a
// cut, quota failures and their follow-ups in different ranges, main-log events a reject log repeats).

import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
// Worker threads run the built code, so this test does too (npm test builds first).
import {Aggregator} from '../../../dist/aggregate/aggregator.js'
import type {GroupKey} from '../../../dist/aggregate/keys.js'
import {buildPredicate} from '../../../dist/filter/predicate.js'
import {resolveSources} from '../../../dist/input/sources.js'
import {EVENT_KINDS} from '../../../dist/kinds.js'
import {splitRanges} from '../../../dist/parallel/split.js'
import {readLogs} from '../../../dist/read/read-logs.js'
import {reportParts} from '../../../dist/services/report-parts.js'
import {ZoneClock} from '../../../dist/time/zone.js'

const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-ranges-'))
const BLOCKS = 60_000

function ts(i: number): string {
  const d = new Date(Date.UTC(2026, 10, 25, 0, 0, 0) + i * 1000)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}

/** A 16-character message id for block b. */
const mid = (b: number): string => `A${String(b).padStart(5, '0')}-0001Qh-1B`

/** A main log with every cross-range case, repeated so that any cut lands among them. */
function mainlog(blocks: number): string {
  let s = ''
  for (let b = 0; b < blocks; b++) {
    const t = ts(b * 10)
    const id = mid(b)
    s += `${t} H=mx${b % 7}.example [192.0.2.${b % 200}] F=<s@example.org> temporarily rejected RCPT <u${b % 13}@example.net>: 422 Mailbox u${b % 13}@example.net is over quota\n`
    s += `${t} ${id} <= s@example.org H=mx.example [192.0.2.1] P=esmtp S=100\n`
    // Incorrect-digit pairs a few megabytes apart, so that cuts fall between them and near them.
    if (b % 9000 === 4500 || b % 9000 === 4501) {
      s += `${t} configured error code starts with incorrect digit (expected 2) in "422 Mailbox d${b}@example.net is over quota"\n`
      s += `${t} H=[192.0.2.9] F=<s@example.org> RCPT <d${b}@example.net>: discarded by RCPT ACL: 422 Mailbox d${b}@example.net is over quota\n`
    }
    if (b % 3 === 0)
      s += `${t} ${id} == q@example.net R=u T=lmtp defer (-44): LMTP error after RCPT TO:<q@example.net>: 452 4.2.2 <q@example.net> Quota exceeded\n`
    // follow-ups of an earlier message's quota failure, far from it
    // a later attempt at an old message, failing for quota again: the same event, not a new one
    if (b % 3 === 0 && b > 4500)
      s += `${t} ${mid(b - 4500)} == q@example.net R=u T=lmtp defer (-44): LMTP error after RCPT TO:<q@example.net>: 452 4.2.2 <q@example.net> Quota exceeded\n`
    if (b % 3 === 2 && b > 3000)
      s += `${t} ${mid(b - 3001)} == q@example.net routing defer (-52): retry time not reached\n`
    if (b % 3 === 1 && b > 6000) s += `${t} ${mid(b - 6001)} ** q@example.net R=u T=lmtp: retry timeout exceeded\n`
    if (b % 11 === 0) s += `not a log line ${b}\n  continuation\n`
  }
  return s
}

const TABLES: GroupKey[][] = [['kind', 'recipient', 'ip'], ['reason'], ['host']]

async function read(paths: string[], threads: number) {
  const zone = new ZoneClock({kind: 'utc'})
  const agg = new Aggregator(TABLES)
  const filter = {kinds: [...EVENT_KINDS]}
  const keep = buildPredicate({kinds: new Set(EVENT_KINDS)})
  const parts = reportParts(agg, {filter, tables: TABLES}, {minBytes: 1, threads})
  const input = await readLogs(
    await resolveSources(paths),
    {zone, parts},
    {
      event(ev) {
        if (keep(ev)) agg.add(ev)
      },
    },
  )
  // Rows are views on the aggregator's columns: compare what they show.
  const result = agg.result().map((t) => ({
    ...t,
    rows: t.rows.map((r) => ({
      keys: r.keys,
      count: r.count,
      first: r.first,
      firstTz: r.firstTz,
      last: r.last,
      lastTz: r.lastTz,
    })),
  }))
  return {input, result, totals: [...agg.totals].sort()}
}

describe('reading in ranges', () => {
  const main = join(dir, 'mainlog')
  writeFileSync(main, mainlog(BLOCKS))

  it.each([2, 3, 4, 7])(
    '%i ranges count exactly what one reader counts',
    async (threads) => {
      const ranges = await splitRanges(main, Buffer.byteLength(mainlog(BLOCKS)), threads)
      expect(ranges.length).toBeGreaterThan(1)
      const one = await read([main], 1)
      const many = await read([main], threads)
      expect(many.totals).toEqual(one.totals)
      expect(many.result).toEqual(one.result)
      expect(many.input).toEqual(one.input)
    },
    60_000,
  )

  it('with a reject log read after it, the copies are still recognised', async () => {
    const reject = join(dir, 'rejectlog')
    writeFileSync(
      reject,
      mainlog(BLOCKS)
        .split('\n')
        .filter((l) => / rejected RCPT | discarded by /.test(l))
        .join('\n') + '\n',
    )
    const one = await read([main, reject], 1)
    const many = await read([main, reject], 4)
    expect(many.input).toEqual(one.input)
    expect(many.result).toEqual(one.result)
    expect(one.input.files[1]!.duplicates).toBe(one.input.files[1]!.lines)
  }, 60_000)

  it('a file whose first line completes the incorrect-digit line the file before ended with', async () => {
    const t = ts(BLOCKS * 10)
    const older = join(dir, 'mainlog.1')
    writeFileSync(
      older,
      `${t} ${mid(0)} <= s@example.org H=mx.example [192.0.2.1] P=esmtp S=100\n${t} configured error code starts with incorrect digit (expected 2) in "422 Mailbox r@example.net is over quota"\n`,
    )
    const newer = join(dir, 'mainlog-after')
    writeFileSync(
      newer,
      `${t} H=[192.0.2.9] F=<s@example.org> RCPT <r@example.net>: discarded by RCPT ACL: 422 Mailbox r@example.net is over quota\n` +
        mainlog(BLOCKS),
    )
    const one = await read([older, newer], 1)
    const many = await read([older, newer], 4)
    expect(many.totals).toEqual(one.totals)
    expect(many.result).toEqual(one.result)
    expect(many.input).toEqual(one.input)
    // One event for the pair, with the recipient its discard line names.
    const alone = await read([newer], 1)
    const kind = (r: typeof one) => r.totals.find(([k]) => k === 'discard-misconfig')?.[1]
    expect(kind(one)).toBe(kind(alone)! + 1)
    const pair = one.result[0]!.rows.filter((r) => r.keys[1] === 'r@example.net')
    expect(pair.map((r) => [r.keys, r.count])).toEqual([[['discard-misconfig', 'r@example.net', '192.0.2.9'], 1]])
  }, 60_000)

  it('cuts only at timestamped lines, away from incorrect-digit lines', async () => {
    const text = mainlog(BLOCKS)
    const ranges = await splitRanges(main, Buffer.byteLength(text), 5)
    const buf = Buffer.from(text)
    for (const [start] of ranges.slice(1)) {
      expect(buf[start - 1]).toBe(10)
      expect(buf.toString('latin1', start, start + 4)).toBe('2026')
      expect(buf.subarray(Math.max(0, start - (1 << 20)), start).includes('configured error code')).toBe(false)
    }
  })
})
