import {describe, expect, it} from 'vitest'
import {identityHolds, scan} from '../../helpers.js'

const DEFER =
  '2019-06-11 22:48:31 H=forward100p.mail.yandex.net [77.88.28.100] X=TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256 CV=no F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota\n'
const ARRIVAL =
  '2019-06-11 22:48:40 1hanjs-0007Ab-Vx <= zzz@yandex.ru H=forward100p.mail.yandex.net [77.88.28.100] P=esmtps S=2048\n'

describe('LineScanner accounting', () => {
  it('counts every line once: events, other, unparsed', () => {
    const {acct} = scan(DEFER + ARRIVAL + 'garbage\n' + '\n' + DEFER)
    expect(acct.lines).toBe(5)
    expect([acct.events, acct.other, acct.unparsed]).toEqual([2, 1, 2])
    expect(identityHolds(acct)).toBe(true)
    expect(acct.byKind).toEqual({'rcpt-defer': 2})
  })

  it('gives the same result however the input is chunked', () => {
    const text = (DEFER + ARRIVAL).repeat(20) + 'tail without newline'
    const whole = scan(text)
    for (const chunk of [1, 2, 7, 64, 333]) {
      const r = scan(text, {chunk})
      expect(r.acct).toEqual(whole.acct)
      expect(r.events.map((e) => e.line)).toEqual(whole.events.map((e) => e.line))
    }
    expect(whole.acct.lines).toBe(41)
  })

  it('a line whose time cannot exist is unparsed, with a sample, not an event of another day', () => {
    const defer = 'H=mx [192.0.2.1] F=<s@x> temporarily rejected RCPT <r@x>: 422 over quota'
    const text = `2026-02-30 13:16:16 ${defer}\n2026-11-25 24:00:00 ${defer}\n2026-11-25 13:16:16 +9999 ${defer}\n2026-11-25 13:16:16 ${defer}\n`
    const {events, acct, samples} = scan(text)
    expect(events.map((e) => e.time)).toEqual([Date.UTC(2026, 10, 25, 13, 16, 16)])
    expect([acct.lines, acct.events, acct.unparsed]).toEqual([4, 1, 3])
    expect(samples.map((x) => x.line)).toEqual([1, 2, 3])
    expect(identityHolds(acct)).toBe(true)
  })

  it('checks the seconds and what follows of a line in the minute of the line before', () => {
    const rest = ' 1hanjs-0007Ab-Vx <= zzz@yandex.ru H=mx [192.0.2.1] P=esmtps S=2048'
    // The lines after the first chunk are counted in the scanner's quick loop.
    const stamps = [
      ...Array<string>(6).fill('2019-06-11 22:48:40'),
      '2019-06-11 22:48:41',
      '2019-06-11 22:48:60',
      '2019-06-11 22:48:4x',
      '2019-06-11 22:48:41.123',
      '2019-06-11 22:48:41 +0300',
      '2019-06-11 22:48:41 +9999',
      '2019-06-11 22:48:42.12',
      '2019-06-11 22:48',
    ]
    const text = stamps.map((t) => t + rest + '\n').join('')
    for (const chunk of [undefined, 1, 50, 300, 500]) {
      const {acct, samples} = scan(text, {chunk})
      expect([acct.lines, acct.other, acct.unparsed]).toEqual([14, 9, 5])
      expect(samples.map((x) => x.line)).toEqual([8, 9, 12, 13, 14])
    }
  })

  it('strips CR of CRLF lines', () => {
    const {events} = scan(DEFER.replace('\n', '\r\n'))
    expect(events[0]!.reason).toBe('422 Mailbox yyy@stupin.su is over quota')
  })

  it('takes reject-log header blocks and indented continuations as part of the entry', () => {
    const text = [
      '1999-03-02 09:44:33 10HmaX-000000005vi-0000 U=CALLER F=<> temporarily rejected after DATA: cannot verify recipient',
      'Envelope-from: <>',
      'Envelope-to: <data@test.ex>',
      'P Received: from CALLER (helo=test)',
      '\tby myhost.test.ex with local-smtp (Exim x.yz)',
      '  Subject: data1',
      'I Message-Id: <E10HmaX-000000005vi-0000@myhost.test.ex>',
      '2019-01-06 03:09:00 1gfhBW-0006xH-3H failed to write journal for a@b.c',
      ': No space left on device',
    ].join('\n')
    const {acct} = scan(text)
    expect([acct.lines, acct.events, acct.other, acct.unparsed]).toEqual([9, 1, 8, 0])
  })

  it('counts a line longer than the bound once, as oversized, and keeps going', () => {
    const long = '2019-06-11 22:48:31 ' + 'x'.repeat(5000) + '\n'
    const r = scan(long + DEFER, {maxLine: 1024, chunk: 700})
    expect(r.acct.lines).toBe(2)
    expect(r.acct.oversized).toBe(1)
    expect(r.events).toHaveLength(1)
    expect(r.events[0]!.line).toBe(2)
  })

  it('counts invalid UTF-8 lines and decodes them with replacement', () => {
    const bad = Buffer.concat([Buffer.from(DEFER.replace('yyy@stupin.su>', 'y\u00ffy@stupin.su>'), 'latin1')])
    const r = scan(Buffer.concat([bad, Buffer.from(ARRIVAL)]))
    expect(r.acct.invalidUtf8).toBe(1)
    expect(r.events[0]!.recipient).toBe('y\ufffdy@stupin.su')
  })

  it('keeps unparsed samples with their line numbers', () => {
    const r = scan(ARRIVAL + 'first junk\n' + ARRIVAL + 'second junk\n')
    expect(r.samples).toEqual([
      {file: 'mainlog', line: 2, text: 'first junk'},
      {file: 'mainlog', line: 4, text: 'second junk'},
    ])
  })

  it('records the first and last timestamp read', () => {
    const {acct} = scan(DEFER + ARRIVAL)
    expect(acct.firstTime).toBe(Date.UTC(2019, 5, 11, 22, 48, 31))
    expect(acct.lastTime).toBe(Date.UTC(2019, 5, 11, 22, 48, 40))
  })
})
