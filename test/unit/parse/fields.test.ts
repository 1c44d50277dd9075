import {describe, expect, it} from 'vitest'
import {parseIdentity, plainIp} from '../../../src/parse/fields.js'

const id = (s: string) => {
  const r = parseIdentity(s, 0)
  return {...r, verb: s.slice(r.end)}
}

describe('parseIdentity', () => {
  it('name, helo, IPv4 and port', () => {
    const r = id('H=mail.example.com (helo.example.com) [192.0.2.7]:41234 F=<a@b.c> rejected RCPT <x@y>')
    expect([r.hostName, r.helo, r.ip, r.port, r.sender]).toEqual([
      'mail.example.com',
      'helo.example.com',
      '192.0.2.7',
      '41234',
      'a@b.c',
    ])
    expect(r.verb).toBe('rejected RCPT <x@y>')
  })
  it('HELO only, and an IP literal as HELO', () => {
    const r = id(
      'H=([10.11.10.11]) [123.45.56.67] X=TLS1.2:ECDHE_RSA_AES_128_GCM_SHA256:128 CV=no F=<my@email.com> A=dovecot_plain:my@email.com temporarily rejected RCPT <e@x.com>: greylisted',
    )
    expect([r.hostName, r.helo, r.ip]).toEqual(['', '[10.11.10.11]', '123.45.56.67'])
    expect(r.verb).toMatch(/^temporarily rejected RCPT/)
  })
  it('bare address, IPv6 with port, interface', () => {
    const r = id('H=[2001:db8::1]:25 I=[2001:db8::25]:25 F=<> temporarily rejected RCPT <u@d>')
    expect([r.ip, r.port, r.sender]).toEqual(['2001:db8::1', '25', '<>'])
  })
  it('verified name equal to HELO (no parentheses)', () => {
    const r = id('H=mail-lj1-x22f.google.com [2a00:1450:4864:20::22f] rejected connection')
    expect([r.hostName, r.helo, r.ip]).toEqual(['mail-lj1-x22f.google.com', '', '2a00:1450:4864:20::22f'])
    expect(r.verb).toBe('rejected connection')
  })
  it('quoted DN and SNI, unquoted SNI, SPF word', () => {
    const r = id(
      'H=a.b [192.0.2.1] X=TLS1.3:x:256 CV=yes DN="C=US,O=Org Name,CN=a.b" SNI="mx.example" F=<s@a.b> SPF=temperror temporarily rejected RCPT <r@c.d>',
    )
    expect([r.hostName, r.sender]).toEqual(['a.b', 's@a.b'])
    expect(r.verb).toMatch(/^temporarily rejected RCPT/)
    expect(id('H=a.b [192.0.2.1] SNI=mx.example F=<s@a.b> rejected RCPT <r@c.d>').verb).toMatch(/^rejected RCPT/)
  })
  it('local senders: U= without H=, and F= without brackets', () => {
    const r = id('U=CALLER F=<s4@other.ex> temporarily rejected RCPT r4@other.ex: Could not complete')
    expect([r.ident, r.ip, r.sender]).toEqual(['CALLER', '', 's4@other.ex'])
    expect(id('H=x.y [192.0.2.9] F=menace@list.example rejected RCPT dir@example.ru').sender).toBe(
      'menace@list.example',
    )
  })
  it('a HELO containing spaces and parentheses ends at the address', () => {
    const r = id('H=(evil (x) y) [192.0.2.66] F=<a@b> rejected RCPT <c@d>')
    expect([r.helo, r.ip]).toEqual(['evil (x) y', '192.0.2.66'])
  })
  it('stops at a broken address block', () => {
    const r = id('H=(relay.test.corp) [4.4.4.4: SMTP error')
    expect(r.ip).toBe('')
  })
  it('maps IPv4-mapped IPv6 to IPv4', () => {
    expect(plainIp('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(plainIp('2001:db8::1')).toBe('2001:db8::1')
  })
})
