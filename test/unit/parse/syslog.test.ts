import {describe, expect, it} from 'vitest'
import {deframeSyslog, pieceMark} from '../../../src/parse/syslog.js'

const msgOf = (l: string) => {
  const d = deframeSyslog(l)
  return d === null ? null : {...d, text: l.slice(d.msg)}
}

describe('deframeSyslog', () => {
  it('RFC 3164 with Exim timestamp kept', () => {
    const d = msgOf(
      'Nov 25 13:16:26 mx exim[25353]: 2026-11-25 13:16:26 H=a [192.0.2.1] F=<s@x> temporarily rejected RCPT <r@y>: 422 full',
    )!
    expect([d.host, d.ident, d.pid, d.yearless]).toEqual(['mx', 'exim', 25353, true])
    expect(d.text).toMatch(/^2026-11-25 13:16:26 H=a/)
    expect(d.naive).toBe(Date.UTC(2000, 10, 25, 13, 16, 26))
  })
  it('space-padded day and short-precise fractions', () => {
    expect(msgOf('Jun  9 16:04:19 server exim[1234]: x')!.naive).toBe(Date.UTC(2000, 5, 9, 16, 4, 19))
    expect(msgOf('Nov 25 13:16:26.123456 mx exim4[7]: x')!.naive).toBe(Date.UTC(2000, 10, 25, 13, 16, 26, 123))
  })
  it('ISO stamps: rsyslog file format and journalctl short-iso', () => {
    const a = msgOf('2024-03-24T02:04:32.263+00:00 mx exim[8001]: [8001] SMTP connection from [194.33.191.29]:20042')!
    expect([a.offset, a.pid, a.text]).toEqual([0, 8001, '[8001] SMTP connection from [194.33.191.29]:20042'])
    const b = msgOf('2026-11-25T13:16:26+0300 mx exim[25353]: x')!
    expect([b.offset, b.naive]).toEqual([180, Date.UTC(2026, 10, 25, 13, 16, 26)])
  })
  it('RFC 5424 with structured data', () => {
    const d = msgOf('<22>1 2026-11-25T13:16:26.5-05:00 mx exim 25353 - [meta x="a\\]b"] H=a rejected RCPT <r@y>')!
    expect([d.host, d.ident, d.pid, d.offset, d.text]).toEqual(['mx', 'exim', 25353, -300, 'H=a rejected RCPT <r@y>'])
  })
  it('a tag without a time (journal hybrid) and an ISO time with a space', () => {
    expect(msgOf('mail.example.com exim[3751842]: 2021-07-17 23:20:49 x')!.text).toBe('2021-07-17 23:20:49 x')
    expect(msgOf('2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: x')!.host).toBe('mx1.fqdn.local')
  })
  it('plain Exim lines are not syslog', () => {
    expect(deframeSyslog('2019-10-22 03:39:17 H=x [1.2.3.4] F=<a@b> rejected RCPT <c@d>: x')).toBeNull()
    expect(deframeSyslog('2019-06-11 22:48:40 1hanjs-0007Ab-Vx <= a@b H=x [192.0.2.1] P=esmtps S=2048')).toBeNull()
    expect(deframeSyslog('garbage')).toBeNull()
  })
})

describe('pieceMark', () => {
  it('reads [n/m] and [n\\m]', () => {
    expect(pieceMark('[1\\2] 2022-03-26 x', 0)).toEqual({n: 1, m: 2, newline: true, end: 6})
    expect(pieceMark('[2/2]  Suggested', 0)).toEqual({n: 2, m: 2, newline: false, end: 6})
    expect(pieceMark('[8001] SMTP', 0)).toBeNull()
    expect(pieceMark('[3/2] x', 0)).toBeNull()
  })
})
