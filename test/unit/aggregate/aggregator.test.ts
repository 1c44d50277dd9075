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
