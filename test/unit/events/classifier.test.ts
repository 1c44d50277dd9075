import {describe, expect, it} from 'vitest'
import {ZoneClock} from '../../../src/time/zone.js'
import {identityHolds, scan, scanAll} from '../../helpers.js'

const defer = (ts: string, rcpt: string, host = 'H=forward100p.mail.yandex.net [77.88.28.100]') =>
  `${ts} ${host} X=TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256 CV=no F=<zzz@yandex.ru> temporarily rejected RCPT <${rcpt}>: 422 Mailbox ${rcpt} is over quota\n`
const digit = (ts: string, rcpt: string) =>
  `${ts} configured error code starts with incorrect digit (expected 2) in "422 Mailbox ${rcpt} is over quota"\n`
const discard = (ts: string, rcpt: string, host = 'H=forward104j.mail.yandex.net [5.45.198.247]') =>
  `${ts} ${host} F=<zzz@yandex.ru> RCPT <${rcpt}>: discarded by RCPT ACL: 422 Mailbox ${rcpt} is over quota\n`

describe('rcpt-defer and rcpt-reject', () => {
  it('reads the seed line', () => {
    const {events} = scan(defer('2019-06-11 22:48:31', 'yyy@stupin.su'))
    expect(events).toHaveLength(1)
    const e = events[0]!
    expect(e).toMatchObject({
      kind: 'rcpt-defer',
      recipient: 'yyy@stupin.su',
      sender: 'zzz@yandex.ru',
      hostName: 'forward100p.mail.yandex.net',
      ip: '77.88.28.100',
      code: '422',
      reason: '422 Mailbox yyy@stupin.su is over quota',
      line: 1,
      pid: -1,
    })
    expect(e.time).toBe(Date.UTC(2019, 5, 11, 22, 48, 31))
  })

  it('keeps the recipient as the client wrote it, and answers the default code when the message has none', () => {
    const {events} = scan(
      '2024-12-25 15:43:28 H=xxx.example.com [192.0.2.123] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no F=<A@example.com> temporarily rejected RCPT <Email@RealAddress.com>\n',
    )
    expect(events[0]).toMatchObject({
      recipient: 'Email@RealAddress.com',
      code: '451',
      reason: '',
      sender: 'A@example.com',
    })
  })

  it('tells deny from defer and keeps 5xx codes', () => {
    const {events} = scan(
      '2017-05-01 07:42:42 H=some.rev.dns (the.helo) [192.0.2.3] F=<a@b.c> rejected RCPT <x@d.e>: 550 5.1.1 Unknown user\n2017-05-01 07:42:43 H=(ylmf-pc) [192.0.2.4] F=<a@b.c> rejected RCPT <x@d.e>: Unrouteable address\n',
    )
    expect(events.map((e) => [e.kind, e.code])).toEqual([
      ['rcpt-reject', '550'],
      ['rcpt-reject', '550'],
    ])
    expect(events[1]!.helo).toBe('ylmf-pc')
  })

  it('reads pid, milliseconds and the log offset', () => {
    const {events} = scan(
      '2026-08-30 19:09:12.612 +0300 [15057] H=a.b [2001:db8::7]:5555 F=<s@t> temporarily rejected RCPT <r@q>: 451 later\n',
    )
    expect(events[0]).toMatchObject({pid: 15057, tz: 180, ip: '2001:db8::7', port: '5555', code: '451'})
    expect(events[0]!.time).toBe(Date.UTC(2026, 7, 30, 16, 9, 12, 612))
  })

  it('uses the given zone for times without an offset', () => {
    const {events} = scan(defer('2019-06-11 22:48:31', 'a@b'), {
      zone: new ZoneClock({kind: 'named', name: 'Europe/Moscow'}),
    })
    expect(events[0]!.tz).toBe(180)
    expect(events[0]!.time).toBe(Date.UTC(2019, 5, 11, 19, 48, 31))
  })

  it('reads unbracketed and cut RCPT arguments', () => {
    const {events} = scan(
      '1999-03-02 09:44:33 U=CALLER F=<s4@other.ex> temporarily rejected RCPT r4@other.ex: Could not complete recipient verify callout\n',
    )
    expect(events[0]).toMatchObject({
      recipient: 'r4@other.ex',
      reason: 'Could not complete recipient verify callout',
      ip: '',
    })
    const cut = 'a'.repeat(99)
    const r = scan(`2019-06-11 22:48:31 H=[192.0.2.1] F=<x@y> rejected RCPT <${cut}: 550 <not@this> unknown\n`)
    expect(r.events[0]!.recipient).toBe(cut)
  })

  it('data-time rejections', () => {
    const {events} = scan(
      '2026-11-24 09:12:30 16VEwq-000000002Kx-1aB7 H=mail.example.org [192.0.2.10] F=<anna@example.org> rejected after DATA: virus found\n1999-03-02 09:44:33 10HmaX-000000005vi-0000 U=CALLER F=<> temporarily rejected after DATA: cannot verify\n',
    )
    expect(events.map((e) => [e.kind, e.msgid, e.code])).toEqual([
      ['data-reject', '16VEwq-000000002Kx-1aB7', '550'],
      ['data-defer', '10HmaX-000000005vi-0000', '451'],
    ])
  })

  it('counts lines of kinds not wanted by their kind, without making their events', () => {
    const text =
      defer('2019-06-11 22:48:31', 'a@b') +
      '2017-05-01 07:42:42 H=h.example [192.0.2.3] F=<a@b.c> rejected RCPT <x@d.e>: 550 Unknown user\n'
    const {events, acct} = scan(text, {wanted: new Set(['rcpt-reject'])})
    expect(events.map((e) => [e.kind, e.recipient])).toEqual([['rcpt-reject', 'x@d.e']])
    expect(acct.byKind).toEqual({'rcpt-defer': 1, 'rcpt-reject': 1})
    expect(identityHolds(acct)).toBe(true)
  })

  it('is not fooled by the phrase elsewhere in a line', () => {
    const {events, acct} = scan(
      '2019-06-11 22:48:31 1hanjs-0007Ab-Vx <= a@b H=x [192.0.2.1] T="temporarily rejected RCPT <x@y>"\n' +
        '2019-06-11 22:48:31 rejected EHLO from (x) [192.0.2.1]: syntactically invalid argument(s): bad\n' +
        '2019-06-11 22:48:31 H=(x) [192.0.2.1] F=<a@b> rejected MAIL <a@b>: no\n',
    )
    expect(events).toHaveLength(0)
    expect(acct.other).toBe(3)
  })
})

describe('discard-misconfig', () => {
  it('pairs the digit line with the discard: one event, two event lines', () => {
    const {events, acct} = scan(
      digit('2019-06-11 22:35:32', 'yyy@stupin.su') + discard('2019-06-11 22:35:32', 'yyy@stupin.su'),
    )
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      kind: 'discard-misconfig',
      recipient: 'yyy@stupin.su',
      hostName: 'forward104j.mail.yandex.net',
      ip: '5.45.198.247',
      sender: 'zzz@yandex.ru',
      code: '250',
      line: 2,
    })
    expect(acct.byKind).toEqual({'discard-misconfig': 2})
    expect(identityHolds(acct)).toBe(true)
  })

  it('pairs interleaved sessions by text, and by pid when logged', () => {
    const text =
      digit('2019-06-11 22:35:32', 'a@x') +
      digit('2019-06-11 22:35:32', 'b@x') +
      discard('2019-06-11 22:35:32', 'b@x', 'H=[192.0.2.2]') +
      discard('2019-06-11 22:35:33', 'a@x', 'H=[192.0.2.1]')
    const {events} = scan(text)
    expect(events.map((e) => [e.recipient, e.ip, e.reason])).toEqual([
      ['b@x', '192.0.2.2', '422 Mailbox b@x is over quota'],
      ['a@x', '192.0.2.1', '422 Mailbox a@x is over quota'],
    ])
    const withPid =
      '2019-06-11 22:35:32 [11] configured error code starts with incorrect digit (expected 2) in "422 full"\n' +
      '2019-06-11 22:35:32 [22] configured error code starts with incorrect digit (expected 2) in "422 full"\n' +
      '2019-06-11 22:35:32 [22] H=[192.0.2.22] F=<s@x> RCPT <b@x>: discarded by RCPT ACL: 422 full\n' +
      '2019-06-11 22:35:32 [11] H=[192.0.2.11] F=<s@x> RCPT <a@x>: discarded by RCPT ACL: 422 full\n'
    expect(scan(withPid).events.map((e) => [e.recipient, e.pid])).toEqual([
      ['b@x', 22],
      ['a@x', 11],
    ])
  })

  it('counts an unpaired digit line once, with the recipient unknown', () => {
    const {events} = scan(digit('2019-06-11 22:35:32', 'yyy@stupin.su') + defer('2019-06-11 22:40:00', 'q@r'))
    expect(events.map((e) => [e.kind, e.recipient])).toEqual([
      ['discard-misconfig', ''],
      ['rcpt-defer', 'q@r'],
    ])
  })

  it('ignores digit lines for deny and defer, and discards with a proper message', () => {
    const {events} = scan(
      '1999-03-02 09:44:33 configured error code starts with incorrect digit (expected 5) in "299 Wrong code"\n' +
        '1999-03-02 09:44:33 H=(test) [127.0.0.1] F=<x@y> rejected RCPT <user6@test.ex>: 550 Wrong code\n' +
        '1999-03-02 09:44:33 U=CALLER F=<ok@x.y> RCPT <discard@p.q>: discarded by RCPT ACL: discard message 1\n' +
        '1999-03-02 09:44:33 H=localhost (primary.test.ex) [127.0.0.1] F=<CALLER@test.ex> RCPT <userx@domA.ex>: discarded by RCPT ACL\n',
    )
    expect(events.map((e) => e.kind)).toEqual(['rcpt-reject'])
  })

  it('reads a discard with ESMTP options after the address', () => {
    const line =
      '2019-06-11 22:35:32 H=[192.0.2.1] F=<s@x> RCPT <A@x> NOTIFY=NEVER ORCPT=rfc822;a@x: discarded by RCPT ACL: 422 Mailbox a@x is over quota\n'
    const {events} = scan(digit('2019-06-11 22:35:32', 'a@x') + line)
    expect(events.map((e) => [e.recipient, e.ip])).toEqual([['A@x', '192.0.2.1']])
  })

  it('a reject log alone still shows the discard by its wrong code', () => {
    const {events} = scan(discard('2019-06-11 22:35:32', 'yyy@stupin.su'), {logType: 'reject'})
    expect(events.map((e) => [e.kind, e.recipient])).toEqual([['discard-misconfig', 'yyy@stupin.su']])
  })
})

describe('main, reject and panic logs read together', () => {
  const main =
    digit('2019-06-11 22:35:32', 'a@x') +
    discard('2019-06-11 22:35:32', 'a@x') +
    defer('2019-06-11 22:48:31', 'b@x') +
    defer('2019-06-11 22:48:31', 'b@x')
  const reject =
    discard('2019-06-11 22:35:32', 'a@x') + defer('2019-06-11 22:48:31', 'b@x') + defer('2019-06-11 22:48:31', 'b@x')
  const panic = digit('2019-06-11 22:35:32', 'a@x')

  it('counts each event once and the copies as duplicates', () => {
    const r = scanAll(
      [
        {text: main, name: 'mainlog', logType: 'main'},
        {text: reject, name: 'rejectlog', logType: 'reject'},
        {text: panic, name: 'paniclog', logType: 'panic'},
      ],
      {dedupe: true},
    )
    expect(r.events.map((e) => e.kind)).toEqual(['discard-misconfig', 'rcpt-defer', 'rcpt-defer'])
    expect(r.accts.map((a) => [a.events, a.duplicates])).toEqual([
      [4, 0],
      [0, 3],
      [0, 1],
    ])
  })

  it('keeps a reject-log event the main log does not have', () => {
    const r = scanAll(
      [
        {text: defer('2019-06-11 22:48:31', 'b@x'), logType: 'main'},
        {
          text: defer('2019-06-11 22:48:31', 'b@x') + defer('2019-06-11 22:48:31', 'b@x'),
          name: 'rejectlog',
          logType: 'reject',
        },
      ],
      {dedupe: true},
    )
    expect(r.events).toHaveLength(2)
    expect(r.accts[1]!.duplicates).toBe(1)
  })

  it('a reject log and a panic log without their main log count the discard once', () => {
    const r = scanAll(
      [
        {text: defer('2019-06-11 22:00:00', 'z@x'), logType: 'main'},
        {text: discard('2019-06-11 22:35:32', 'a@x'), name: 'rejectlog', logType: 'reject'},
        {text: panic, name: 'paniclog', logType: 'panic'},
      ],
      {dedupe: true},
    )
    expect(r.events.map((e) => [e.kind, e.recipient])).toEqual([
      ['rcpt-defer', 'z@x'],
      ['discard-misconfig', 'a@x'],
    ])
  })
})
