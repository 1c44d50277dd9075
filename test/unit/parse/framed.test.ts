import {describe, expect, it} from 'vitest'
import {Classifier} from '../../../src/events/classifier.js'
import {newFileAccount} from '../../../src/input/account.js'
import {JournalJsonLines, SyslogLines} from '../../../src/parse/framed.js'
import {LineScanner} from '../../../src/parse/scanner.js'
import {ZoneClock} from '../../../src/time/zone.js'
import type {EximEvent} from '../../../src/types.js'
import {identityHolds} from '../../helpers.js'

function run(text: string, kind: 'syslog' | 'json', reference = {year: 2026, month: 10}) {
  const zone = new ZoneClock({kind: 'utc'})
  const events: EximEvent[] = []
  const classifier = new Classifier({zone}, (e) => events.push(e))
  const acct = newFileAccount('syslog', 'main')
  classifier.beginFile('syslog', 'main')
  const ctx = {acct, candidate: classifier.candidate.bind(classifier), unparsed: () => {}, zone, reference}
  const framed = kind === 'syslog' ? new SyslogLines(ctx) : new JournalJsonLines(ctx)
  const scanner = new LineScanner(acct, {candidate: () => 'other', unparsed: () => {}}, (n) => n, 1 << 20, framed)
  scanner.push(Buffer.from(text))
  scanner.end()
  classifier.settle()
  return {events, acct}
}

const DEFER =
  'H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota'

describe('syslog pieces are bounded like lines', () => {
  it('an entry of endless pieces is cut at 1 MiB, counted oversized, every piece accounted', () => {
    const head = `Nov 25 13:16:26 mx exim[100]: [1/99999999] 2026-11-25 13:16:26 ${DEFER} `
    const piece = (n: number) => `Nov 25 13:16:26 mx exim[100]: [${n}/99999999] ${'x'.repeat(1000)}\n`
    let text = head + 'y'.repeat(900) + '\n'
    for (let n = 2; n <= 3000; n++) text += piece(n)
    const seen: number[] = []
    const zone = new ZoneClock({kind: 'utc'})
    const acct = newFileAccount('syslog', 'main')
    const ctx = {
      acct,
      candidate: (line: string) => (seen.push(line.length), 'other'),
      unparsed: () => {},
      zone,
      reference: {year: 2026, month: 10},
    }
    const scanner = new LineScanner(
      acct,
      {candidate: () => 'other', unparsed: () => {}},
      (n) => n,
      1 << 20,
      new SyslogLines(ctx),
    )
    scanner.push(Buffer.from(text))
    scanner.end()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeLessThanOrEqual(1 << 20)
    expect(seen[0]).toBeGreaterThan((1 << 20) - 2000)
    expect(acct.oversized).toBe(1)
    expect(acct.lines).toBe(3000)
    expect(identityHolds(acct)).toBe(true)
  })
})

describe('syslog-wrapped Exim lines', () => {
  it('with Exim timestamps: Exim time is used; other programs are other', () => {
    const {events, acct} = run(
      `Nov 25 13:16:26 mx exim[100]: 2026-11-25 13:16:26 ${DEFER}\nNov 25 13:16:27 mx sshd[5]: Accepted publickey\nnot syslog at all\n`,
      'syslog',
    )
    expect(events.map((e) => [e.kind, e.recipient, e.pid, e.time])).toEqual([
      ['rcpt-defer', 'yyy@stupin.su', 100, Date.UTC(2026, 10, 25, 13, 16, 26)],
    ])
    expect([acct.events, acct.other, acct.unparsed]).toEqual([1, 1, 1])
    expect(identityHolds(acct)).toBe(true)
  })

  it('without Exim timestamps: the syslog time, with the year stepped back across New Year', () => {
    const {events} = run(`Dec 31 23:59:58 mx exim[100]: ${DEFER}\nJan  1 00:00:03 mx exim[101]: ${DEFER}\n`, 'syslog', {
      year: 2027,
      month: 0,
    })
    expect(events.map((e) => new Date(e.time).toISOString())).toEqual([
      '2026-12-31T23:59:58.000Z',
      '2027-01-01T00:00:03.000Z',
    ])
  })

  it('syslog_duplication: the second copy of a rejection is a duplicate, a new rejection is not', () => {
    const line = `Nov 25 13:16:26 mx exim[100]: 2026-11-25 13:16:26 ${DEFER}\n`
    const conn =
      'Nov 25 13:16:27 mx exim[100]: 2026-11-25 13:16:27 SMTP connection from [77.88.28.100] closed by QUIT\n'
    const {events, acct} = run(line + line + line + line + conn, 'syslog')
    expect(events).toHaveLength(2)
    expect([acct.events, acct.duplicates, acct.other]).toEqual([2, 2, 1])
  })

  it('without duplication, repeated identical rejections all count', () => {
    const line = `Nov 25 13:16:26 mx exim[100]: 2026-11-25 13:16:26 ${DEFER}\n`
    const next =
      'Nov 25 13:16:26 mx exim[100]: 2026-11-25 13:16:26 1hanjs-0007Ab-Vx <= zzz@yandex.ru H=x [77.88.28.100] P=esmtp S=1\n'
    const {events} = run(line + next + line + next + line + line, 'syslog')
    expect(events).toHaveLength(4)
  })

  it('the discard pair with both copies (MAIN|PANIC and MAIN|REJECT)', () => {
    const digit =
      'Nov 25 13:16:26 mx exim[7]: 2026-11-25 13:16:26 configured error code starts with incorrect digit (expected 2) in "422 Mailbox a@x is over quota"\n'
    const discard =
      'Nov 25 13:16:26 mx exim[7]: 2026-11-25 13:16:26 H=[192.0.2.1] F=<s@x> RCPT <a@x>: discarded by RCPT ACL: 422 Mailbox a@x is over quota\n'
    const {events, acct} = run(digit + digit + discard + discard, 'syslog')
    expect(events.map((e) => [e.kind, e.recipient])).toEqual([['discard-misconfig', 'a@x']])
    expect([acct.events, acct.duplicates]).toEqual([2, 2])
  })

  it('joins [n/m] pieces before reading the entry', () => {
    const long = 'x'.repeat(40)
    const text =
      `Nov 25 13:16:26 mx exim[9]: [1/2] 2026-11-25 13:16:26 H=[192.0.2.1] F=<s@x> temporarily rejected RCPT <a@x>: 422 ${long}\n` +
      `Nov 25 13:16:26 mx exim[8]: 2026-11-25 13:16:26 SMTP connection from [192.0.2.2]\n` +
      `Nov 25 13:16:26 mx exim[9]: [2/2] ${long} tail\n`
    const {events, acct} = run(text, 'syslog')
    expect(events.map((e) => e.reason)).toEqual([`422 ${long}${long} tail`])
    expect([acct.lines, acct.events, acct.other]).toEqual([3, 2, 1])
  })
})

describe('journalctl -o json', () => {
  it('reads MESSAGE, _PID and __REALTIME_TIMESTAMP; bad JSON is unparsed', () => {
    const j = (msg: string | number[], pid = '42', us = '1795612586000000') =>
      JSON.stringify({__REALTIME_TIMESTAMP: us, _PID: pid, SYSLOG_IDENTIFIER: 'exim', _HOSTNAME: 'mx', MESSAGE: msg}) +
      '\n'
    const {events, acct} = run(j(DEFER) + j('2026-11-25 13:16:30 ' + DEFER) + j([72, 61]) + '{broken\n', 'json')
    expect(events.map((e) => [e.pid, e.time])).toEqual([
      [42, 1795612586000],
      [42, Date.UTC(2026, 10, 25, 13, 16, 30)],
    ])
    expect([acct.events, acct.other, acct.unparsed]).toEqual([2, 1, 1])
  })
})
