// Log lines built the way Exim writes them (smtp_in.c, deliver.c), from senders, recipients and
// HELOs a hostile client chooses: quoted local parts holding `>`, `: `, log phrases and whole
// fake line tails; junk HELOs holding `) [ip] F=<...>`; mixed case. Each is read back, in plain,
// syslog and journald framing, and must give exactly the fields that went in, as one event.

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {Classifier} from '../../../src/events/classifier.js'
import {newFileAccount} from '../../../src/input/account.js'
import type {Framing} from '../../../src/parse/detect.js'
import {scannerFor} from '../../../src/read/scanner-for.js'
import {ZoneClock} from '../../../src/time/zone.js'
import type {EximEvent, UnparsedSample} from '../../../src/types.js'

const zone = new ZoneClock({kind: 'utc'})

/** Reads `lines` (without timestamps: the framing adds them) and returns the events and unparsed samples. */
function read(lines: string[], framing: Framing): {events: EximEvent[]; samples: UnparsedSample[]} {
  const stamp = '2026-11-25 10:00:01'
  const text = lines
    .map((l) => {
      if (framing === 'plain') return `${stamp} ${l}`
      if (framing === 'syslog') return `Nov 25 10:00:01 mx exim[4242]: ${stamp} ${l}`
      const us = String(Date.parse('2026-11-25T10:00:01Z') * 1000)
      return JSON.stringify({
        __REALTIME_TIMESTAMP: us,
        _PID: '4242',
        SYSLOG_IDENTIFIER: 'exim',
        MESSAGE: `${stamp} ${l}`,
      })
    })
    .join('\n')
  const events: EximEvent[] = []
  const samples: UnparsedSample[] = []
  const classifier = new Classifier({zone}, (ev) => events.push(ev))
  const acct = newFileAccount('mainlog', 'main')
  classifier.beginFile('mainlog', 'main')
  const input = {name: 'mainlog', logType: 'main' as const, framing, mtime: Date.parse('2026-11-26T00:00:00Z')}
  const scanner = scannerFor(input, acct, classifier, samples, {zone})
  scanner.push(Buffer.from(text + '\n'))
  scanner.end()
  classifier.settle()
  expect(acct.lines).toBe(acct.events + acct.duplicates + acct.other + acct.unparsed)
  return {events, samples}
}

// Pieces a hostile client puts into what it sends: Exim's own phrases and punctuation.
const PIECES = [
  '>',
  '> ',
  '>: ',
  '<',
  '<"',
  '">',
  ': ',
  ' ',
  ':',
  '(',
  ')',
  ') [',
  '[',
  ']',
  '@',
  '=',
  ',',
  ';',
  'rejected RCPT ',
  'temporarily rejected RCPT ',
  'discarded by RCPT ACL',
  'rejected after DATA',
  'F=<',
  'H=',
  'R=dovecot_user ',
  'T=dovecot_lmtp ',
  'defer (-44): ',
  '452 4.2.2 Mailbox is full',
  'quota',
  '422 ',
  '550 ',
  'x',
  'Mailbox',
  'A',
  'é',
  // What an unclean shutdown or a terminal attack leaves: NUL and the other C0 and C1 controls.
  '\u0000',
  '\u0001',
  '\t',
  '\u001b[2J',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u202e',
]
const text = (max: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({unit: 'grapheme-ascii', maxLength: 6})), {maxLength: max})
    .map((p) => p.join('').replace(/[\r\n]/g, ''))

/** A fake line tail, as an attacker would hide one: identity fields, a verb and an address. */
const fakeTail = fc
  .tuple(fc.constantFrom('rejected', 'temporarily rejected'), fc.constantFrom('victim@example.test', 'a@b'))
  .map(([verb, r]) => `) [192.0.2.66] F=<a@evil.example> ${verb} RCPT <${r}>: 550 no`)

/** A local part as the client writes it: quoted (anything, `"` and `\` escaped, other characters sometimes too) or an atom. */
const localPart = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        text(8),
        fakeTail.map((t) => t.slice(1)),
      ),
      fc.boolean(),
    )
    .map(([t, extra]) => {
      let q = ''
      for (const ch of t) q += ch === '"' || ch === '\\' || (extra && ch === '>') ? `\\${ch}` : ch
      return `"${q}"`
    }),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,12}$/),
)
const domain = fc.stringMatching(/^[a-z0-9]{1,8}(\.[a-z0-9]{1,6}){0,2}$/).map((d) => d + '.example')
const address = fc.tuple(localPart, domain, fc.boolean()).map(([l, d, up]) => `${l}@${up ? d.toUpperCase() : d}`)
const helo = fc.oneof(
  fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
  // helo_accept_junk_hosts: anything, a fake `) [ip] F=<...> ... RCPT <...>` included.
  fc.tuple(text(6), fakeTail, text(3)).map(([a, t, b]) => `${a}${t}${b}`),
  text(10),
)
const host = fc.record({
  name: fc.option(fc.stringMatching(/^[a-z0-9-]{1,10}\.example$/), {nil: undefined}),
  helo: fc.option(helo, {nil: undefined}),
  ip: fc.constantFrom('192.0.2.10', '2001:db8::25', '77.88.28.100'),
  port: fc.option(fc.integer({min: 1, max: 65535}), {nil: undefined}),
})
function unquoted(address: string): string {
  let out = ''
  for (let k = 0; k < address.length; k++) {
    const c = address[k]!
    if (c === '"') continue
    out += c === '\\' && k + 1 < address.length ? address[++k] : c
  }
  return out
}

/** `H=name (helo) [ip]:port` as host_build_sender_fullhost writes it. */
function fullHost(h: {name?: string; helo?: string; ip: string; port?: number}): string {
  const addr = `[${h.ip}]${h.port === undefined ? '' : `:${h.port}`}`
  const helo = h.helo !== undefined && h.helo !== h.name ? `(${h.helo}) ` : ''
  return `H=${h.name === undefined ? '' : `${h.name} `}${helo}${addr}`
}

const FRAMINGS: Framing[] = ['plain', 'syslog', 'journal-json']

const truncate100 = (s: string): string =>
  Buffer.from(s)
    .subarray(0, 100)
    .toString('utf8')
    .replace(/\uFFFD$/, '')

describe('hostile senders, recipients and HELOs read back exactly', () => {
  it.each(FRAMINGS)('RCPT defer and reject (%s)', (framing) => {
    fc.assert(
      fc.property(host, address, address, fc.boolean(), (h, sender, rcpt, temporary) => {
        const arg = `<${rcpt}>`
        // Exim logs at most 100 bytes of the argument.
        const logged = Buffer.byteLength(arg) > 100 ? truncate100(arg) : arg
        if (logged !== arg && Buffer.byteLength(logged) !== 100) return // a character cut in two
        const code = temporary ? '422' : '550'
        const msg = `${code} Mailbox ${unquoted(rcpt)} is over quota`
        const line = `${fullHost(h)} F=<${sender}> ${temporary ? 'temporarily ' : ''}rejected RCPT ${logged}: ${msg}`
        const {events, samples} = read([line], framing)
        expect(samples).toEqual([])
        expect(events).toHaveLength(1)
        expect(events[0]).toMatchObject({
          kind: temporary ? 'rcpt-defer' : 'rcpt-reject',
          recipient: logged === arg ? rcpt : logged.slice(1),
          sender,
          hostName: h.name ?? '',
          helo: h.helo !== undefined && h.helo !== h.name ? h.helo : '',
          ip: h.ip,
          port: h.port === undefined ? '' : String(h.port),
          reason: msg,
          code,
        })
      }),
      {numRuns: 400},
    )
  })

  it.each(FRAMINGS)('discard pairs, with ESMTP options after the address (%s)', (framing) => {
    fc.assert(
      fc.property(host, address, address, fc.boolean(), (h, sender, rcpt, notify) => {
        const msg = `422 Mailbox ${unquoted(rcpt)} is over quota`
        const q = msg.replace(/[\\"]/g, (c) => `\\${c}`)
        const digit = `configured error code starts with incorrect digit (expected 2) in "${q}"`
        const options = notify ? ' NOTIFY=NEVER ORCPT=rfc822;x+3Ay' : ''
        const line = `${fullHost(h)} F=<${sender}> RCPT <${rcpt}>${options}: discarded by RCPT ACL: ${msg}`
        const {events, samples} = read([digit, line], framing)
        expect(samples).toEqual([])
        expect(events).toHaveLength(1)
        expect(events[0]).toMatchObject({
          kind: 'discard-misconfig',
          recipient: rcpt,
          sender,
          ip: h.ip,
          reason: msg,
          code: '250',
        })
      }),
      {numRuns: 300},
    )
  })

  it.each(FRAMINGS)('DATA rejections (%s)', (framing) => {
    fc.assert(
      fc.property(host, address, fc.boolean(), text(6), (h, sender, temporary, words) => {
        const msg = `${temporary ? '451' : '550'} ${words}`
        const line = `${fullHost(h)} F=<${sender}> ${temporary ? 'temporarily ' : ''}rejected after DATA: ${msg}`
        const {events} = read([line], framing)
        expect(events).toHaveLength(1)
        expect(events[0]).toMatchObject({kind: temporary ? 'data-defer' : 'data-reject', sender, ip: h.ip, reason: msg})
      }),
      {numRuns: 300},
    )
  })

  it.each(FRAMINGS)('delivery failures of quoted remote addresses that imitate a local one (%s)', (framing) => {
    fc.assert(
      fc.property(address, fc.boolean(), fc.boolean(), (rcpt, failed, quota) => {
        // deliver.c logs the local part unquoted, then the address as written when they differ.
        const plain = unquoted(rcpt)
        const logged = plain === rcpt ? plain : `${plain} <${rcpt}>`
        const reply = quota ? '452 4.2.2 Mailbox is full' : '550 5.1.1 User unknown'
        const what = failed
          ? `** ${logged} R=dnslookup T=remote_smtp H=mx.evil.example [198.51.100.7] : `
          : `== ${logged} R=dnslookup T=remote_smtp defer (-44) H=mx.evil.example [198.51.100.7]: `
        const line = `1vAbCd-000000001a2-B3cD ${what}SMTP error from remote mail server after RCPT TO:<${rcpt}>: ${reply}`
        const {events} = read([line], framing)
        expect(events).toHaveLength(quota ? 1 : 0)
        if (!quota) return
        expect(events[0]).toMatchObject({
          kind: 'delivery-quota',
          recipient: rcpt,
          ip: '198.51.100.7',
          hostName: 'mx.evil.example',
        })
      }),
      {numRuns: 300},
    )
  })
})

describe('the cases that were read wrong', () => {
  const read1 = (line: string) => read([line], 'plain').events
  it('a sender whose quoted local part holds `> rejected RCPT <...>: 550 ...`', () => {
    const [ev, ...rest] = read1(
      'H=mx.example [192.0.2.1] F=<"x> rejected RCPT <admin@example.org>: 550 Unknown user"@evil.example> temporarily rejected RCPT <real@example.test>: 422 Mailbox real@example.test is over quota',
    )
    expect(rest).toEqual([])
    expect(ev).toMatchObject({
      kind: 'rcpt-defer',
      recipient: 'real@example.test',
      sender: '"x> rejected RCPT <admin@example.org>: 550 Unknown user"@evil.example',
    })
  })

  it('a sender holding the discard phrase does not hide a deferral', () => {
    const [ev] = read1(
      'H=mx.example [192.0.2.1] F=<"discarded by RCPT ACL"@evil.example> temporarily rejected RCPT <real@example.test>: 422 full',
    )
    expect(ev).toMatchObject({kind: 'rcpt-defer', recipient: 'real@example.test'})
  })

  it('a recipient whose quoted local part holds `>: 422 `', () => {
    const [ev] = read1(
      'H=mx.example [192.0.2.1] F=<s@x.example> temporarily rejected RCPT <"a>: 422 b"@example.org>: 422 Mailbox a>: 422 b@example.org is over quota',
    )
    expect(ev).toMatchObject({
      recipient: '"a>: 422 b"@example.org',
      reason: '422 Mailbox a>: 422 b@example.org is over quota',
    })
  })

  it('a junk HELO holding `) [ip] F=<...> rejected RCPT <...>`', () => {
    const [ev, ...rest] = read1(
      'H=(x) [6.6.6.6] F=<a@b.example> rejected RCPT <victim@example.test>: 550 no) [192.0.2.1] F=<s@x.example> temporarily rejected RCPT <real@example.test>: 422 full',
    )
    expect(rest).toEqual([])
    expect(ev).toMatchObject({
      kind: 'rcpt-defer',
      recipient: 'real@example.test',
      ip: '192.0.2.1',
      helo: 'x) [6.6.6.6] F=<a@b.example> rejected RCPT <victim@example.test>: 550 no',
    })
  })

  it('a quoted recipient an ACL message echoes, holding a whole fake tail', () => {
    const lp = 'y) [6.6.6.6] F=<a@b.example> rejected RCPT <victim@example.test>: 550 no'
    const [ev] = read1(
      `H=(x) [192.0.2.1] F=<s@x.example> temporarily rejected RCPT <"${lp}"@example.test>: 422 Mailbox ${lp}@example.test is over quota`,
    )
    expect(ev).toMatchObject({kind: 'rcpt-defer', recipient: `"${lp}"@example.test`, ip: '192.0.2.1', helo: 'x'})
  })

  it('a remote address imitating a local LMTP quota deferral', () => {
    const lp =
      'x R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<ceo@corp.example>: 452 4.2.2 Mailbox is full'
    const [ev] = read1(
      `1vAbCd-000000001a2-B3cD == ${lp}@evil.example <"${lp}"@evil.example> R=dnslookup T=remote_smtp defer (-44) H=mx.evil.example [198.51.100.7]: SMTP error from remote mail server after RCPT TO:<"${lp}"@evil.example>: 550 5.1.1 unknown`,
    )
    // The remote server said 550 user unknown: no quota failure, whatever the address says.
    expect(ev).toBeUndefined()
  })
})
