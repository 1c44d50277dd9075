// Property tests: whatever bytes come in, and however they are cut into chunks or files, the
// reader never throws, accounts for every line, and counts the same.

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {identityHolds, scan, scanAll} from '../../helpers.js'

const LINES = [
  '2019-06-11 22:48:31 H=forward100p.mail.yandex.net [77.88.28.100] X=TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256 CV=no F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota',
  '2019-06-11 22:48:32 H=(ylmf-pc) [203.0.113.77] F=<a@b.example> rejected RCPT <info@example.net>: Rejected because 203.0.113.77 is in a black list',
  // Exim writes the pair together: the incorrect-digit line, then the discard.
  '2019-06-11 22:48:33 [4242] configured error code starts with incorrect digit (expected 2) in "422 Mailbox q@example.net is over quota"\n' +
    '2019-06-11 22:48:33 [4242] H=mx.example [192.0.2.1] F=<s@x.example> RCPT <q@example.net>: discarded by RCPT ACL: 422 Mailbox q@example.net is over quota',
  '2019-06-11 22:48:34 1hanjs-0007Ab-Vx <= zzz@yandex.ru H=forward100p.mail.yandex.net [77.88.28.100] P=esmtps S=2048',
  '2019-06-11 22:48:35 1hanjs-0007Ab-Vx == full@example.net R=u T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<full@example.net>: 452 4.2.2 <full@example.net> Quota exceeded',
  '2019-06-11 22:48:36 1hanjs-0007Ab-Vx == full@example.net routing defer (-52): retry time not reached',
  '2019-06-11 22:48:37 16VEwq-000000002Kx-1aB7 H=mail.example.org [192.0.2.10] F=<anna@example.org> rejected after DATA: virus',
  'Envelope-from: <anna@example.org>',
  '  Subject: hello',
  'garbage that is not a log line',
  '',
]

const log = fc.array(fc.constantFrom(...LINES), {maxLength: 60}).map((ls) => ls.join('\n') + (ls.length ? '\n' : ''))

const newlines = (b: Buffer): number => {
  let n = 0
  for (const c of b) if (c === 10) n++
  return b.length > 0 && b[b.length - 1] !== 10 ? n + 1 : n
}

describe('any bytes', () => {
  it('never throw, and every line is accounted for', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 3000}), fc.integer({min: 1, max: 700}), (bytes, chunk) => {
        const buf = Buffer.from(bytes)
        const {acct} = scan(buf, {chunk})
        expect(identityHolds(acct)).toBe(true)
        expect(acct.lines).toBe(newlines(buf))
        expect(acct.bytes).toBe(buf.length)
      }),
      {numRuns: 300},
    )
  })

  it('log lines mixed with random bytes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...LINES),
            fc.string({maxLength: 200}),
            fc.uint8Array({maxLength: 100}).map((u) => Buffer.from(u).toString('latin1')),
          ),
          {maxLength: 40},
        ),
        (parts) => {
          const buf = Buffer.from(parts.join('\n'), 'latin1')
          const {acct} = scan(buf, {chunk: 97})
          expect(identityHolds(acct)).toBe(true)
          expect(acct.lines).toBe(newlines(buf))
        },
      ),
      {numRuns: 200},
    )
  })
})

describe('however the input is cut', () => {
  it('chunk boundaries change nothing', () => {
    fc.assert(
      fc.property(log, fc.array(fc.integer({min: 1, max: 400}), {minLength: 1, maxLength: 5}), (text, sizes) => {
        const whole = scan(text)
        for (const chunk of sizes) {
          const r = scan(text, {chunk})
          expect(r.acct).toEqual(whole.acct)
          expect(r.events).toEqual(whole.events)
        }
        expect(identityHolds(whole.acct)).toBe(true)
      }),
      {numRuns: 150},
    )
  })

  it('cutting one main log into two files changes nothing but the file names', () => {
    fc.assert(
      fc.property(log, fc.nat(), (text, at) => {
        const lines = text.split('\n').slice(0, -1)
        // A rotation falls between entries: never inside a multi-line entry, nor between an
        // incorrect-digit line and its discard (Exim writes them together).
        let cut = lines.length === 0 ? 0 : at % (lines.length + 1)
        while (cut < lines.length && (lines[cut]!.includes('discarded by') || !/^\d{4}-/.test(lines[cut]!))) cut++
        const a = lines
          .slice(0, cut)
          .map((l) => l + '\n')
          .join('')
        const b = lines
          .slice(cut)
          .map((l) => l + '\n')
          .join('')
        const one = scanAll([{text, name: 'mainlog'}])
        const two = scanAll([
          {text: a, name: 'mainlog'},
          {text: b, name: 'mainlog'},
        ])
        const strip = (evs: typeof one.events) => evs.map(({line: _l, ...e}) => e)
        expect(strip(two.events)).toEqual(strip(one.events))
        const sum = (k: 'lines' | 'events' | 'other' | 'unparsed') => two.accts.reduce((n, x) => n + x[k], 0)
        expect([sum('lines'), sum('events'), sum('other'), sum('unparsed')]).toEqual([
          one.accts[0]!.lines,
          one.accts[0]!.events,
          one.accts[0]!.other,
          one.accts[0]!.unparsed,
        ])
      }),
      {numRuns: 150},
    )
  })

  it('a reject log holding copies of any of the main log rejections adds nothing', () => {
    fc.assert(
      fc.property(log, fc.array(fc.boolean(), {maxLength: 60}), (text, pick) => {
        const copies = text
          .split('\n')
          .filter((l, i) => / rejected (RCPT|after DATA)|discarded by/.test(l) && pick[i % Math.max(1, pick.length)])
        const reject = copies.map((l) => l + '\n').join('')
        const main = scanAll([{text, name: 'mainlog', logType: 'main'}], {dedupe: true})
        const both = scanAll(
          [
            {text, name: 'mainlog', logType: 'main'},
            {text: reject, name: 'rejectlog', logType: 'reject'},
          ],
          {dedupe: true},
        )
        expect(both.events.length).toBe(main.events.length)
        expect(both.accts[1]!.duplicates).toBe(copies.length)
        for (const a of both.accts) expect(identityHolds(a)).toBe(true)
      }),
      {numRuns: 150},
    )
  })
})
