import {describe, expect, it} from 'vitest'
import {msgidLength, parsePrefix} from '../../../src/parse/prefix.js'

describe('parsePrefix', () => {
  it('reads pid and both message id lengths', () => {
    const a = parsePrefix('2026-08-30 19:09:12.612 [15057] 16VDhn-000000001bo-D342 <= a@b')
    expect(a.pid).toBe(15057)
    expect(a.msgid).toBe('16VDhn-000000001bo-D342')
    expect('2026-08-30 19:09:12.612 [15057] 16VDhn-000000001bo-D342 <= a@b'.slice(a.text)).toBe('<= a@b')
    const b = parsePrefix('2019-01-06 03:08:59 1gfiaO-0008Tb-OK spool file write error')
    expect(b.pid).toBe(-1)
    expect(b.msgid).toBe('1gfiaO-0008Tb-OK')
  })
  it('accepts [pid/nn] and leaves lines without an id alone', () => {
    const p = parsePrefix('2019-06-11 22:48:31 [1234/3] H=a [1.2.3.4] rejected RCPT <x@y>')
    expect(p.pid).toBe(1234)
    expect(p.msgid).toBe('')
    expect('2019-06-11 22:48:31 [1234/3] H=a [1.2.3.4] rejected RCPT <x@y>'.slice(p.text)).toMatch(/^H=a/)
  })
  it('does not take a word for a message id', () => {
    expect(msgidLength('SMTP connection from', 0)).toBe(0)
    expect(msgidLength('abcdef-ghijkl-mn', 0)).toBe(16)
    expect(msgidLength('abcdef-ghijkl-mnx', 0)).toBe(0)
  })
})
