import {describe, expect, it} from 'vitest'
import {Aggregator} from '../../src/aggregate/aggregator.js'
import {countHeld, emptyLinks, linksFromWire, linksToWire} from '../../src/quota-links.js'
import type {EximEvent} from '../../src/types.js'

const ev = (over: Partial<EximEvent>): EximEvent => ({
  kind: 'rcpt-defer',
  time: 5000,
  tz: 0,
  pid: -1,
  msgid: '',
  recipient: 'a@x.example',
  sender: 's@y',
  hostName: '',
  helo: '',
  ip: '192.0.2.1',
  port: '',
  code: '422',
  reason: '422 Mailbox a@x.example is over quota',
  file: 'mainlog',
  line: 1,
  ...over,
})
const quota = (over: Partial<EximEvent>): EximEvent =>
  ev({
    kind: 'delivery-quota',
    msgid: '1xWJQY-0002c9-1I',
    hostName: '',
    ip: '',
    reason: '452 4.2.2 Quota exceeded',
    ...over,
  })

/** countHeld's findings, as JSON carries them. */
function held(agg: Aggregator, events: EximEvent[], tables: number) {
  const links = emptyLinks()
  countHeld(agg, events, tables, links)
  return linksToWire({...links, failures: links.counted.map((c) => ({key: c.key, time: c.time}))})!
}

describe('countHeld', () => {
  it('counts the held failures, and tells their groups as they were without them', () => {
    const agg = new Aggregator([['recipient', 'host'], ['recipient']])
    agg.add(ev({time: 5000}))
    agg.add(ev({time: 7000}))
    const failures = [
      quota({time: 3000}),
      quota({time: 9000, msgid: '1xWJQY-0002c9-1X'}),
      quota({time: 6000, recipient: 'b@x.example'}),
    ]
    const {counted, without} = held(agg, failures, 2)
    expect(counted).toEqual([
      ['1xWJQY-0002c9-1I|a@x.example', 3000, 0, [['a@x.example', ''], ['a@x.example']]],
      ['1xWJQY-0002c9-1X|a@x.example', 9000, 0, [['a@x.example', ''], ['a@x.example']]],
      ['1xWJQY-0002c9-1I|b@x.example', 6000, 0, [['b@x.example', ''], ['b@x.example']]],
    ])
    // a@ by host had no group yet (its rejections came from 192.0.2.1); by recipient it had two events.
    expect(without).toEqual([
      [0, ['a@x.example', ''], 0, null, 0, null, 0],
      [1, ['a@x.example'], 2, 5000, 0, 7000, 0],
      [0, ['b@x.example', ''], 0, null, 0, null, 0],
      [1, ['b@x.example'], 0, null, 0, null, 0],
    ])
    const rows = agg.result()[1]!.rows.map((r) => [r.keys[0], r.count, r.first, r.last])
    expect(rows).toEqual([
      ['a@x.example', 4, 3000, 9000],
      ['b@x.example', 1, 6000, 6000],
    ])
    expect(agg.totals.get('delivery-quota')).toBe(3)
  })

  it('a failure that finds its table full is counted in, and taken back from, the (other) group', () => {
    // c@ first, then a@ in its place: a@ is held, c@ in (other).
    const agg = new Aggregator([['recipient']], 1)
    agg.add(ev({time: 6000, recipient: 'c@x.example'}))
    agg.add(ev({time: 5000}))
    const {counted, without} = held(agg, [quota({time: 3000, recipient: 'b@x.example'}), quota({time: 8000})], 1)
    expect(counted!.map(([, , , rows]) => rows)).toEqual([[['(other)']], [['a@x.example']]])
    expect(without).toEqual([
      [0, ['(other)'], 1, 6000, 0, 6000, 0],
      [0, ['a@x.example'], 1, 5000, 0, 5000, 0],
    ])
    expect(agg.result()[0]!.rows.map((r) => [r.keys[0], r.count, r.first, r.last])).toEqual([
      ['a@x.example', 2, 5000, 8000],
      ['(other)', 2, 3000, 6000],
    ])
  })
})

describe('the links on the wire', () => {
  it('come back as they went, and empty links are not written', () => {
    const links = emptyLinks()
    expect(linksToWire(links)).toBeUndefined()
    links.failures.push({key: 'M|a@x.example', time: 3000})
    links.followUps.push({file: 1, key: 'N|b@x.example', time: 4000})
    links.counted.push({key: 'M|a@x.example', time: 3000, tz: 180, groups: [['a@x.example']]})
    links.without.push({table: 0, keys: ['a@x.example'], count: 0, first: null, firstTz: 0, last: null, lastTz: 0})
    const wire = JSON.parse(JSON.stringify(linksToWire(links)))
    expect(wire.failures).toEqual([['M|a@x.example', 3000]])
    expect(linksFromWire(wire, 2, 4)).toEqual(links)
    // A follow-up in a file the report does not list, a group in a table it does not have.
    expect(linksFromWire(wire, 1, 4)).toBeNull()
    expect(linksFromWire(wire, 2, 0)).toBeNull()
  })
})
