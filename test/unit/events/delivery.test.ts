import {describe, expect, it} from 'vitest'
import {Classifier} from '../../../src/events/classifier.js'
import {isQuotaFailure, readDeliveryFailure, replyCode} from '../../../src/events/rules.js'
import {ZoneClock} from '../../../src/time/zone.js'
import {scan} from '../../helpers.js'

const ID = '2026-11-25 20:17:14 1xWJQY-0002c9-1I'

describe('delivery-quota', () => {
  it('reads the forms real transports write', () => {
    const text = [
      `${ID} == full1@example.test R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<full1@example.test>: 452 4.2.2 <full1@example.test> Quota exceeded (mailbox for user is full)`,
      `2026-11-25 20:17:19 [10119] 1xWJQd-0002dC-1D == full1@example.test R=dovecot_user T=dovecot_lmtp defer (-46): LMTP error after end of data: 452 4.2.2 <full1@example.test> Quota exceeded (mailbox for user is full)`,
      `2026-11-25 20:17:24 1xWJQi-0002eK-0r == full1@example.test <FULL1@Example.Test> R=dovecot_user T=dovecot_lmtp defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<FULL1@Example.Test>: 452 4.2.2 <FULL1@Example.Test> Quota exceeded (mailbox for user is full)`,
      `${ID} ** full2@example.test R=dovecot_user T=dovecot_lmtp: LMTP error after RCPT TO:<full2@example.test>: 552 5.2.2 <full2@example.test> Quota exceeded (mailbox for user is full)`,
      `1999-03-02 09:44:33 10HmaX-000000005vi-0000 == userx@test.ex R=r1 T=t1 defer (-22): mailbox is full (MTA-imposed quota exceeded while writing to /var/mail/userx)`,
      `1999-03-02 09:44:33 10HmaY-000000005vi-0000 ** user22@test.ex R=r1 : 552 5.2.2 mailbox full`,
    ].join('\n')
    const {events} = scan(text)
    expect(events.map((e) => [e.kind, e.recipient, e.code, e.ip])).toEqual([
      ['delivery-quota', 'full1@example.test', '452', ''],
      ['delivery-quota', 'full1@example.test', '452', ''],
      ['delivery-quota', 'full1@example.test', '452', '127.0.0.1'],
      ['delivery-quota', 'full2@example.test', '552', ''],
      ['delivery-quota', 'userx@test.ex', '', ''],
      ['delivery-quota', 'user22@test.ex', '552', ''],
    ])
  })

  it('counts a message once per recipient: later attempts, retry-time follow-ups and the final bounce complete it', () => {
    const text = [
      `${ID} == a@x R=u T=lmtp defer (-44): LMTP error after RCPT TO:<a@x>: 452 4.2.2 <a@x> Quota exceeded`,
      `${ID} == b@x R=u T=lmtp defer (-44): LMTP error after RCPT TO:<b@x>: 452 4.2.2 <b@x> Quota exceeded`,
      `2026-11-25 20:47:14 1xWJQY-0002c9-1I == a@x routing defer (-52): retry time not reached`,
      `2026-11-25 21:17:14 1xWJQY-0002c9-1I == a@x R=u T=lmtp defer (-44): LMTP error after RCPT TO:<a@x>: 452 4.2.2 <a@x> Quota exceeded`,
      `2026-11-26 20:17:14 1xWJQY-0002c9-1I ** a@x R=u T=lmtp: retry timeout exceeded`,
      `2026-11-25 21:17:15 1xWJZZ-0002c9-1I == a@x R=u T=lmtp defer (-44): LMTP error after RCPT TO:<a@x>: 452 4.2.2 <a@x> Quota exceeded`,
      `2026-11-25 21:17:16 1xWJZZ-0002c9-1J == c@x routing defer (-52): retry time not reached`,
    ].join('\n')
    const {events, acct} = scan(text)
    expect(events.map((e) => [e.recipient, e.msgid])).toEqual([
      ['a@x', '1xWJQY-0002c9-1I'],
      ['b@x', '1xWJQY-0002c9-1I'],
      ['a@x', '1xWJZZ-0002c9-1I'],
    ])
    expect(acct.byKind['delivery-quota']).toBe(6)
    expect(acct.other).toBe(1)
  })

  it('a long follow forgets failures past the horizon; those not yet past it still complete their event', () => {
    const events: string[] = []
    const classifier = new Classifier({zone: new ZoneClock({kind: 'utc'}), dedupe: false}, (ev) =>
      events.push(`${ev.msgid} ${ev.recipient}`),
    )
    classifier.beginFile('mainlog', 'main')
    const fail = (day: number, id: string) =>
      classifier.candidate(
        `2026-11-${day} 10:00:00 ${id} == a@x R=u T=lmtp defer (-44): LMTP error after RCPT TO:<a@x>: 452 4.2.2 <a@x> Quota exceeded`,
        1,
      )
    expect(fail(20, '1xOLDY-0002c9-1I')).toBe('delivery-quota')
    expect(fail(24, '1xNEWY-0002c9-1I')).toBe('delivery-quota')
    classifier.forgetQuotaBefore(Date.UTC(2026, 10, 22))
    // Forgotten: its next failure is a new event. Remembered: a retry of the same one.
    expect(fail(25, '1xOLDY-0002c9-1I')).toBe('delivery-quota')
    expect(fail(25, '1xNEWY-0002c9-1I')).toBe('delivery-quota')
    expect(events).toEqual(['1xOLDY-0002c9-1I a@x', '1xNEWY-0002c9-1I a@x', '1xOLDY-0002c9-1I a@x'])
  })

  it('remembers at most quotaKeep failures, forgetting the oldest', () => {
    const events: string[] = []
    const classifier = new Classifier({zone: new ZoneClock({kind: 'utc'}), dedupe: false, quotaKeep: 2}, (ev) =>
      events.push(ev.msgid),
    )
    classifier.beginFile('mainlog', 'main')
    const fail = (id: string) =>
      classifier.candidate(
        `2026-11-25 10:00:00 ${id} == a@x R=u T=lmtp defer (-44): LMTP error after RCPT TO:<a@x>: 452 4.2.2 <a@x> Quota exceeded`,
        1,
      )
    for (const id of ['1xAAAA-0002c9-1I', '1xBBBB-0002c9-1I', '1xCCCC-0002c9-1I']) fail(id)
    // A and B were remembered; C's arrival made A the one forgotten.
    fail('1xCCCC-0002c9-1I')
    fail('1xBBBB-0002c9-1I')
    fail('1xAAAA-0002c9-1I')
    expect(events).toEqual(['1xAAAA-0002c9-1I', '1xBBBB-0002c9-1I', '1xCCCC-0002c9-1I', '1xAAAA-0002c9-1I'])
  })

  it('other delivery failures are not quota', () => {
    const {events} = scan(
      `${ID} ** nouser@example.test R=dovecot_user T=dovecot_lmtp: LMTP error after RCPT TO:<nouser@example.test>: 550 5.1.1 <nouser@example.test> User doesn't exist\n` +
        `${ID} == zeus@example.dev R=dnslookup T=remote_smtp defer (113): No route to host H=mail.example.dev [192.0.2.93]: mail.example.dev [192.0.2.93]\n`,
    )
    expect(events).toHaveLength(0)
  })

  it('helpers', () => {
    expect(isQuotaFailure('452 4.2.2 Mailbox full')).toBe(true)
    expect(isQuotaFailure('Disk quota exceeded: mailbox is full')).toBe(true)
    expect(isQuotaFailure('550 5.1.1 User unknown')).toBe(false)
    expect(replyCode('SMTP error from remote mail server after RCPT TO:<a@b>: 451 Over-quota')).toBe('451')
    expect(readDeliveryFailure('== a@b R=x T=y defer (-1): z', 0)).toMatchObject({
      failed: false,
      address: 'a@b',
      message: 'z',
    })
  })
})
