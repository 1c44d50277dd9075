import {describe, expect, it} from 'vitest'
import {normalizeReason} from '../../../src/aggregate/reason.js'

describe('normalizeReason', () => {
  it('makes one reason of the same message for different users', () => {
    const a = normalizeReason('422 Mailbox yyy@stupin.su is over quota')
    expect(a).toBe('422 Mailbox <addr> is over quota')
    expect(normalizeReason('422 Mailbox petrova@example.net is over quota')).toBe(a)
  })
  it('keeps SMTP and enhanced codes, replaces addresses, IPs, ids and numbers', () => {
    expect(normalizeReason('452 4.2.2 <u@d.example> Quota exceeded (mailbox for user is full)')).toBe(
      '452 4.2.2 <addr> Quota exceeded (mailbox for user is full)',
    )
    expect(normalizeReason('Rejected because 203.0.113.77 is in a black list at zen.spamhaus.org')).toBe(
      'Rejected because <ip> is in a black list at zen.spamhaus.org',
    )
    expect(normalizeReason('greylisted host 2001:db8::1 for 300 seconds')).toBe('greylisted host <ip> for <n> seconds')
    expect(
      normalizeReason(
        'Could not complete recipient verify callout: 127.0.0.1 [127.0.0.1] : SMTP error from remote mail server after RCPT TO:<useri@domain.com>: 450 not right now',
      ),
    ).toBe(
      'Could not complete recipient verify callout: <ip> [ip] : SMTP error from remote mail server after RCPT TO:<addr>: 450 not right now',
    )
    expect(normalizeReason('message 16VDhn-000000001bo-D342 frozen')).toBe('message <id> frozen')
  })
  it('leaves plain text alone', () => {
    expect(normalizeReason('Unrouteable address')).toBe('Unrouteable address')
    expect(normalizeReason('')).toBe('')
  })
  it('is linear on hostile text and bounded in length', () => {
    const hostile = '@'.repeat(200_000) + '('.repeat(200_000) + ' '.repeat(100_000)
    const t = Date.now()
    const out = normalizeReason(hostile)
    expect(Date.now() - t).toBeLessThan(2000)
    expect(out.length).toBeLessThanOrEqual(301)
  })
})
