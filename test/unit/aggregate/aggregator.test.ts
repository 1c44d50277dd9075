import {describe, expect, it} from 'vitest'
import {Aggregator} from '../../../src/aggregate/aggregator.js'
import type {EximEvent} from '../../../src/types.js'

const ev = (over: Partial<EximEvent>): EximEvent => ({
  kind: 'rcpt-defer',
  time: Date.UTC(2026, 10, 24, 10, 0, 0),
  tz: 180,
  pid: -1,
  msgid: '',
  recipient: 'a@x.example',
  sender: 's@y',
  hostName: 'mx.y',
  helo: '',
  ip: '192.0.2.1',
  port: '',
  code: '422',
  reason: '422 Mailbox a@x.example is over quota',
  file: 'mainlog',
  line: 1,
  ...over,
})

describe('Aggregator', () => {
  it('counts groups with first and last seen, sorted by count then keys', () => {
    const agg = new Aggregator([['recipient', 'ip']])
    agg.add(ev({time: 3000}))
    agg.add(ev({time: 1000}))
    agg.add(ev({recipient: 'b@x.example', time: 2000}))
    agg.add(ev({recipient: 'a@x.example', ip: '192.0.2.2', time: 5000}))
    const [t] = agg.result()
    expect(t!.rows.map((r) => [...r.keys, r.count, r.first, r.last])).toEqual([
      ['a@x.example', '192.0.2.1', 2, 1000, 3000],
      ['a@x.example', '192.0.2.2', 1, 5000, 5000],
      ['b@x.example', '192.0.2.1', 1, 2000, 2000],
    ])
    expect(agg.totals.get('rcpt-defer')).toBe(4)
  })

  it('a table of one kind counts only that kind, beside a table of the same keys that counts all', () => {
    const agg = new Aggregator([['recipient'], {by: ['recipient'], kind: 'discard-misconfig'}])
    agg.add(ev({}))
    agg.add(ev({kind: 'discard-misconfig', recipient: 'b@x.example', time: 7000}))
    agg.add(ev({kind: 'discard-misconfig', recipient: 'b@x.example', time: 9000}))
    const [all, dropped] = agg.result()
    expect(all!.rows.map((r) => [...r.keys, r.count])).toEqual([
      ['b@x.example', 2],
      ['a@x.example', 1],
    ])
    expect(dropped!.rows.map((r) => [...r.keys, r.count, r.first, r.last])).toEqual([['b@x.example', 2, 7000, 9000]])
  })

  it('keeps keys exactly: non-ASCII text, lone surrogates (from merged JSON) and long values', () => {
    const odd = ['почта@пример.рф', 'x\ud800y@example.org', 'z'.repeat(30_000) + '@example.org', 'é@x']
    const agg = new Aggregator([['recipient']])
    for (const r of odd) agg.add(ev({recipient: r}))
    agg.add(ev({recipient: odd[1]!}))
    const rows = agg.result()[0]!.rows.map((r) => [r.keys[0], r.count])
    expect(rows).toEqual([[odd[1], 2], ...[odd[3], odd[2], odd[0]].sort().map((r) => [r, 1])])
  })

  it('counts five-minute buckets per kind, in and out of time order', () => {
    const agg = new Aggregator([['recipient']])
    const at = (m: number, s = 0) => Date.UTC(2026, 10, 24, 10, m, s)
    for (const t of [at(0), at(4, 59), at(5), at(1), at(9, 59), at(10)]) agg.add(ev({time: t}))
    agg.add(ev({time: at(6), kind: 'delivery-quota'}))
    const series = [...agg.series].map(([b, c]) => [(b - at(0)) / 60_000, c.reduce((a, n) => a + n, 0)])
    expect(series).toEqual([
      [0, 3],
      [5, 3],
      [10, 1],
    ])
  })

  it('a NUL or \\x01 in a value neither splits it nor merges two groups, also through dump and absorb', () => {
    const agg = new Aggregator([['recipient', 'ip']])
    // Joined naively with NUL, both would be "a\0b\0c".
    agg.add(ev({recipient: 'a', ip: 'b\u0000c'}))
    agg.add(ev({recipient: 'a\u0000b', ip: 'c'}))
    agg.add(ev({recipient: 'a\u00010', ip: '\u0001'}))
    agg.add(ev({recipient: 'a\u0000b', ip: 'c'}))
    const other = new Aggregator([['recipient', 'ip']])
    other.absorb(agg.dump())
    for (const a of [agg, other]) {
      expect(a.result()[0]!.rows.map((r) => [...r.keys, r.count])).toEqual([
        ['a\u0000b', 'c', 2],
        ['a', 'b\u0000c', 1],
        ['a\u00010', '\u0001', 1],
      ])
    }
    expect(agg.groupOf(0, ev({recipient: 'a\u0000b', ip: 'c'})).count).toBe(2)
  })

  it('tables asked for twice share their groups, and pass through dump and absorb once', () => {
    const a = new Aggregator([['recipient'], ['ip'], ['recipient']])
    a.add(ev({}))
    a.add(ev({recipient: 'b@x.example'}))
    a.add(ev({}))
    const b = new Aggregator([['recipient'], ['ip'], ['recipient']])
    b.absorb(a.dump())
    b.absorb(a.dump())
    for (const agg of [a, b]) {
      const [first, ips, again] = agg.result()
      expect(again!.rows.map((r) => [...r.keys, r.count])).toEqual(first!.rows.map((r) => [...r.keys, r.count]))
      expect(ips!.rows.map((r) => r.count)).toEqual([agg === a ? 3 : 6])
    }
    expect(b.result()[0]!.rows.map((r) => [...r.keys, r.count])).toEqual([
      ['a@x.example', 4],
      ['b@x.example', 2],
    ])
  })

  it('groups by every key in the table', () => {
    const agg = new Aggregator([
      ['domain'],
      ['host'],
      ['reason'],
      ['hour'],
      ['day'],
      ['kind'],
      ['code'],
      ['sender'],
      ['helo'],
      ['file'],
    ])
    agg.add(ev({}))
    agg.add(
      ev({recipient: 'b@x.example', reason: '422 Mailbox b@x.example is over quota', hostName: '', helo: 'laptop'}),
    )
    agg.add(ev({hostName: '', helo: '', ip: '2001:db8::9'}))
    const r = agg.result().map((t) => t.rows.map((row) => [row.keys.join('|'), row.count]))
    expect(r[0]).toEqual([['x.example', 3]])
    expect(r[1]).toEqual(
      [
        ['mx.y', 1],
        ['(laptop)', 1],
        ['2001:db8::9', 1],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    )
    expect(r[2]).toEqual([['422 Mailbox <addr> is over quota', 3]])
    expect(r[3]).toEqual([['2026-11-24T13', 3]])
    expect(r[4]).toEqual([['2026-11-24', 3]])
    expect(r[5]).toEqual([['rcpt-defer', 3]])
  })
})

describe('--max-groups keeps the heaviest groups', () => {
  /** Pseudo-random whole numbers below 2^32, the same on every run (mulberry32). */
  const random = (seed: number) => (): number => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
  const MAX = 50
  // MAX one-event recipients, then a recipient with 100 events: the heavy one comes last.
  const lateHeavy = (agg: Aggregator, at = 0): void => {
    for (let i = 0; i < MAX; i++) agg.add(ev({recipient: `one${i}@x.example`, time: at + i * 1000}))
    for (let i = 0; i < 100; i++) agg.add(ev({recipient: 'heavy@x.example', time: at + (MAX + i) * 1000}))
  }
  const sum = (rows: {count: number}[]): number => rows.reduce((n, r) => n + r.count, 0)

  it('a recipient with 100 events first seen after --max-groups others is shown with its count', () => {
    const agg = new Aggregator([['recipient']], MAX)
    lateHeavy(agg)
    const t = agg.result()[0]!
    // Its first event took the place of a one-event group, whose count it may be: shown, it
    // counts what it had from then on, exactly, and says by how much it may be more.
    expect(t.rows[0]).toMatchObject({keys: ['heavy@x.example'], count: 100, error: 1})
    // Its times are its own, from when it was kept, never the evicted group's.
    expect([t.rows[0]!.first, t.rows[0]!.last]).toEqual([MAX * 1000, (MAX + 99) * 1000])
    // Every event is in a row: the kept groups and (other) add up to the events counted.
    expect(t.rows.at(-1)!.keys).toEqual(['(other)'])
    expect(sum(t.rows)).toBe(MAX + 100)
    expect(t.folded).toBe(t.rows.at(-1)!.count)
    expect(t.rows.length).toBe(MAX + 1)
    // A group that was never evicted nor replaced is exact.
    for (const r of t.rows.slice(0, -1))
      if (r.keys[0] !== 'heavy@x.example') expect([r.count, r.error ?? 0]).toEqual([1, 0])
    // A recipient not shown had at most one event.
    expect([t.errorBound, t.limit]).toEqual([1, MAX])
  })

  it('under the limit: every count exact, no (other), nothing said of bounds', () => {
    const agg = new Aggregator([['recipient']], MAX + 1)
    lateHeavy(agg)
    const t = agg.result()[0]!
    expect(t.rows[0]).toMatchObject({keys: ['heavy@x.example'], count: 100, first: MAX * 1000})
    expect(t.rows.every((r) => (r.error ?? 0) === 0)).toBe(true)
    expect([t.folded, t.errorBound, t.rows.length]).toEqual([0, 0, MAX + 1])
  })

  it('the true count of every group lies between its count and its count plus its error', () => {
    // A skewed stream with many more keys than counters, in a fixed pseudo-random order.
    const truth = new Map<string, number>()
    const agg = new Aggregator([['recipient']], 20)
    const next = random(7)
    for (let i = 0; i < 5000; i++) {
      const seed = next()
      const r = `r${Math.floor(200 / (1 + (seed % 200)))}-${seed % 3 === 0 ? seed % 97 : 0}`
      truth.set(r, (truth.get(r) ?? 0) + 1)
      agg.add(ev({recipient: r, time: i}))
    }
    const t = agg.result()[0]!
    expect(sum(t.rows)).toBe(5000)
    expect(truth.size).toBeGreaterThan(100)
    expect(t.rows.some((r) => (r.error ?? 0) > 0)).toBe(true)
    for (const r of t.rows.slice(0, -1)) {
      const n = truth.get(r.keys[0]!)!
      expect(n).toBeGreaterThanOrEqual(r.count)
      expect(n).toBeLessThanOrEqual(r.count + (r.error ?? 0))
      expect(r.error ?? 0).toBeLessThanOrEqual(t.errorBound)
    }
    // A group not shown had at most errorBound events; the heaviest are all shown.
    const shown = new Set(t.rows.map((r) => r.keys[0]))
    for (const [k, n] of truth) if (!shown.has(k)) expect(n).toBeLessThanOrEqual(t.errorBound)
    expect(t.errorBound).toBeLessThanOrEqual(5000 / 20)
  })

  it('a dump absorbed by another gives the same as one aggregator when nothing is evicted', () => {
    const one = new Aggregator([['recipient']], 1000)
    lateHeavy(one)
    lateHeavy(one, 1e6)
    const a = new Aggregator([['recipient']], 1000)
    const b = new Aggregator([['recipient']], 1000)
    lateHeavy(a)
    lateHeavy(b, 1e6)
    a.absorb(b.dump())
    const rows = (x: Aggregator) => x.result()[0]!.rows.map((r) => [...r.keys, r.count, r.first, r.last, r.error ?? 0])
    expect(rows(a)).toEqual(rows(one))
  })

  it('dumps that evicted still bound every count, and add up to the events', () => {
    const truth = new Map<string, number>()
    const parts = [0, 1, 2].map(() => new Aggregator([['recipient']], 10))
    const next = random(11)
    for (let i = 0; i < 3000; i++) {
      const seed = next()
      // Each part has its own heavy keys, and shares some.
      const part = i % 3
      const r = seed % 4 === 0 ? `shared${seed % 5}` : `p${part}-${Math.floor(60 / (1 + (seed % 60)))}`
      truth.set(r, (truth.get(r) ?? 0) + 1)
      parts[part]!.add(ev({recipient: r, time: i}))
    }
    const [into, ...rest] = parts
    for (const p of rest) into!.absorb(p.dump())
    const t = into!.result()[0]!
    expect(sum(t.rows)).toBe(3000)
    expect(truth.size).toBeGreaterThan(30)
    expect(t.folded).toBeGreaterThan(0)
    for (const r of t.rows.slice(0, -1)) {
      const n = truth.get(r.keys[0]!)!
      expect(n, r.keys[0]).toBeGreaterThanOrEqual(r.count)
      expect(n, r.keys[0]).toBeLessThanOrEqual(r.count + (r.error ?? 0))
    }
    const shown = new Set(t.rows.map((r) => r.keys[0]))
    for (const [k, n] of truth) if (!shown.has(k)) expect(n, k).toBeLessThanOrEqual(t.errorBound)
  })
})
