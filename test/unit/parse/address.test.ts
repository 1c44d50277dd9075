import {describe, expect, it} from 'vitest'
import {bareAddressEnd, closingBracket, isMailbox, unquote} from '../../../src/parse/address.js'

describe('closingBracket', () => {
  it('closes a plain address at its first >', () => {
    const s = 'RCPT <a.b+c@example.org>: 422 full'
    expect(closingBracket(s, 5)).toBe(s.indexOf('>'))
  })

  it('skips > inside a quoted local part, backslash pairs and comments', () => {
    const quoted = '<"x> rejected RCPT <ceo@corp.example>: 550"@evil.example> tail'
    expect(quoted.slice(closingBracket(quoted, 0))).toBe('> tail')
    const escaped = '<a\\>b@example.org> tail'
    expect(escaped.slice(closingBracket(escaped, 0))).toBe('> tail')
    const comment = '<a(x>y)@example.org> tail'
    expect(comment.slice(closingBracket(comment, 0))).toBe('> tail')
  })

  it('is -1 when the > lies at or past the limit, or the quote never closes', () => {
    expect(closingBracket('<abc@d>', 0, 6)).toBe(-1)
    expect(closingBracket('<abc@d>', 0, 7)).toBe(6)
    expect(closingBracket('<"abc@d>', 0)).toBe(-1)
  })
})

describe('bareAddressEnd', () => {
  it('ends at a space or ": " outside quotes', () => {
    expect(bareAddressEnd('a@b.example: 550 no', 0)).toBe(11)
    expect(bareAddressEnd('"a b: c"@b.example rest', 0)).toBe(18)
    expect(bareAddressEnd('a@b.example', 0)).toBe(11)
  })
})

describe('unquote', () => {
  it('drops quotes and reads backslash pairs as the character', () => {
    expect(unquote('"a b"@x.example')).toBe('a b@x.example')
    expect(unquote('a\\"b@x.example')).toBe('a"b@x.example')
    expect(unquote('plain@x.example')).toBe('plain@x.example')
  })
})

describe('isMailbox', () => {
  it.each([
    'user@example.org',
    'first.last+tag@mail.example.org',
    "o'hara@example.org",
    '"a > b"@example.org',
    '"x> rejected RCPT <admin@example.org>: 550 Unknown user"@evil.example',
    'a\\ b@example.org',
    'user@[192.0.2.1]',
    'Пётр@пример.рф',
    // Exim lets dots run together, lead or trail ("many mailers permit it").
    '.user@example.org',
    'user.@example.org',
    'a..b@example.org',
  ])('accepts what Exim parses: %s', (a) => {
    expect(isMailbox(a)).toBe(true)
  })

  it.each([
    '',
    'no-at-sign',
    '@example.org',
    'user@',
    'a b@example.org',
    '"open@example.org',
    '"a"@b.example) [192.0.2.1] F=<x@y.example',
    'a@b c.example',
  ])('refuses what it cannot: %s', (a) => {
    expect(isMailbox(a)).toBe(false)
  })
})
