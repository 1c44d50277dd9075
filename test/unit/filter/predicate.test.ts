import {describe, expect, it} from 'vitest'
import {globMatch} from '../../../src/filter/glob.js'
import {ipMatcher} from '../../../src/filter/ip.js'
import {buildPredicate, reasonMatcher} from '../../../src/filter/predicate.js'
import type {EximEvent} from '../../../src/types.js'

const ev = (over: Partial<EximEvent>): EximEvent => ({
  kind: 'rcpt-defer',
  time: 0,
  tz: 0,
  pid: -1,
  msgid: '',
  recipient: 'petrova@example.net',
  sender: 's@yandex.ru',
  hostName: 'forward100p.mail.yandex.net',
  helo: '',
  ip: '77.88.28.100',
  port: '',
  code: '422',
  reason: '422 Mailbox petrova@example.net is over quota',
  file: 'mainlog',
  line: 1,
  ...over,
})
const all = new Set(['rcpt-defer', 'discard-misconfig'] as const)

describe('globs', () => {
  it('* and ?, case-insensitive, anchored', () => {
    expect(globMatch('*petrova*', 'petrova@example.net')).toBe(true)
    expect(globMatch('p?trova@*', 'petrova@example.net')).toBe(true)
    expect(globMatch('petrova', 'petrova@example.net')).toBe(false)
    expect(globMatch('*@example.net', 'x@example.net.evil')).toBe(false)
    expect(buildPredicate({kinds: all, recipient: ['*PETROVA*']})(ev({}))).toBe(true)
  })
  it('stays fast on hostile text', () => {
    const t = Date.now()
    globMatch('*a*a*a*a*a*b', 'a'.repeat(20000))
    expect(Date.now() - t).toBeLessThan(1000)
  })
})

describe('--ip', () => {
  it('addresses and CIDR blocks, both families, edges included', () => {
    const m = ipMatcher(['77.88.0.0/16', '2001:db8::/32', '192.0.2.7'])
    expect(m('77.88.0.0')).toBe(true)
    expect(m('77.88.255.255')).toBe(true)
    expect(m('77.89.0.0')).toBe(false)
    expect(m('77.87.255.255')).toBe(false)
    expect(m('2001:db8::25')).toBe(true)
    expect(m('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true)
    expect(m('2001:db9::')).toBe(false)
    expect(m('192.0.2.7')).toBe(true)
    expect(m('192.0.2.8')).toBe(false)
    expect(m('')).toBe(false)
    expect(m('V4NET.0.0.1')).toBe(false)
  })
  it('IPv4-mapped IPv6 matches as IPv4, both ways', () => {
    expect(ipMatcher(['77.88.0.0/16'])('::ffff:77.88.28.100')).toBe(true)
    expect(ipMatcher(['::ffff:77.88.0.0/112'])('77.88.28.100')).toBe(true)
  })
  it('refuses what is not an address', () => {
    for (const bad of ['77.88.0.0/33', '2001:db8::/129', 'mail.example.com', '1.2.3.4/8/9', '1.2.3.4/x'])
      expect(() => ipMatcher([bad])).toThrowError(/--ip: expected/)
  })
})

describe('filters combine', () => {
  it('AND across flags, OR within one', () => {
    const p = buildPredicate({kinds: all, recipient: ['nobody*', '*petrova*'], ip: ['77.88.0.0/16']})
    expect(p(ev({}))).toBe(true)
    expect(p(ev({ip: '192.0.2.1'}))).toBe(false)
    expect(p(ev({recipient: 'ivanov@example.net'}))).toBe(false)
    expect(buildPredicate({kinds: all, host: ['*.yandex.net']})(ev({}))).toBe(true)
    expect(buildPredicate({kinds: all, host: ['laptop']})(ev({hostName: '', helo: 'LAPTOP'}))).toBe(true)
    expect(buildPredicate({kinds: all, domain: ['example.*']})(ev({}))).toBe(true)
    expect(buildPredicate({kinds: all, sender: ['*@gmail.com']})(ev({}))).toBe(false)
    expect(buildPredicate({kinds: new Set(['rcpt-reject'] as const)})(ev({}))).toBe(false)
  })
  it('--reason: substring or /regex/', () => {
    expect(reasonMatcher('OVER QUOTA')('422 Mailbox x is over quota')).toBe(true)
    expect(reasonMatcher('/^4\\d\\d /')('422 Mailbox')).toBe(true)
    expect(reasonMatcher('/quota$/i')('OVER QUOTA')).toBe(true)
    expect(() => reasonMatcher('/[/')).toThrowError(/--reason: expected/)
  })
})
