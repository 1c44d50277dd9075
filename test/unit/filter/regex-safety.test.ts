import {describe, expect, it} from 'vitest'
import {reasonMatcher} from '../../../src/filter/predicate.js'
import {backtrackRisk} from '../../../src/filter/regex-safety.js'

describe('--reason /regex/ safety', () => {
  it('refuses what can backtrack for ever: repeated groups holding a repetition or alternatives, backreferences', () => {
    for (const re of [
      '(a+)+$',
      '(a|aa)+$',
      '(a|a)*b',
      '(.*a){11,}',
      '(\\w+\\s?)*$',
      '((ab)+c)*',
      '(?:x+y?)+z',
      '(a)\\1',
      '(?<q>a)\\k<q>',
    ])
      expect(backtrackRisk(re), re).not.toBeNull()
  })

  it('allows what a filter needs', () => {
    for (const re of [
      'over quota',
      '^4\\d\\d ',
      '(?:mailbox|quota) (is )?full',
      '(ab)+',
      'a+b*c?',
      '[(a+)+]+',
      '\\(a+\\)+',
      '(\\d+\\.){3}\\d+',
      '(a+)?b',
      'x{2,5}',
      '(?<=RCPT )<[^>]+>',
    ])
      expect(backtrackRisk(re), re).toBeNull()
  })

  it('a refused /regex/ is a usage error that says why and how to write it instead', () => {
    expect(() => reasonMatcher('/(a+)+$/')).toThrow(
      /^--reason: expected a \/regex\/ that runs in time on any message; this one has a repeated group/,
    )
    const m = reasonMatcher('/quota (exceeded|full)/i')
    expect(m('452 4.2.2 Quota exceeded')).toBe(true)
  })
})
