// Client-made text (HELO, addresses, ACL messages) cannot make parsing slow: a pathological
// 100 kB line costs about what the same bytes of ordinary log lines cost.

import {describe, expect, it} from 'vitest'
import {normalizeReason} from '../../../src/aggregate/reason.js'
import {scan} from '../../helpers.js'

const PLAIN =
  '2019-06-11 22:48:31 H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota\n'
const SIZE = 100_000

function cost(text: string): number {
  // Best of a few runs: the machine is shared; a regex gone quadratic would be 1000x slower, not 2x.
  let best = Infinity
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint()
    const {events} = scan(text)
    for (const e of events) normalizeReason(e.reason)
    best = Math.min(best, Number(process.hrtime.bigint() - t))
  }
  return best
}

const prefix = '2019-06-11 22:48:31 '
const hostile: Record<string, string> = {
  'parentheses in the HELO': `${prefix}H=(${'('.repeat(SIZE)} [192.0.2.1] F=<a@b> temporarily rejected RCPT <x@y>: 451 no\n`,
  brackets: `${prefix}H=${'['.repeat(SIZE)} F=<a@b> rejected RCPT <x@y>: no\n`,
  spaces: `${prefix}H=x [192.0.2.1] F=<a@b> temporarily rejected RCPT <x@y>: 422 ${' '.repeat(SIZE)}x\n`,
  'at signs in the recipient': `${prefix}H=x [192.0.2.1] F=<a@b> temporarily rejected RCPT <${'@'.repeat(SIZE)}>: 422 ${'@'.repeat(SIZE)}\n`,
  'an unterminated sender': `${prefix}H=x [192.0.2.1] F=<${'a> '.repeat(SIZE / 3)} rejected RCPT <x@y>: no\n`,
  'fields without end': `${prefix}${'X='.repeat(SIZE / 2)} rejected RCPT <x@y>\n`,
  'a discard with no end': `${prefix}H=x [192.0.2.1] F=<a@b> RCPT <${'<'.repeat(SIZE)}: discarded by RCPT ACL: 422 ${'"'.repeat(SIZE)}\n`,
  'a digit line full of quotes': `${prefix}configured error code starts with incorrect digit (expected 2) in "${'\\"'.repeat(SIZE / 2)}"\n`,
  'a delivery line of colons': `${prefix}1hanjs-0007Ab-Vx == a@b R=x T=y defer (-44)${': '.repeat(SIZE / 2)}quota\n`,
  'an address-like reason': `${prefix}H=x [192.0.2.1] F=<a@b> temporarily rejected RCPT <x@y>: ${'a.'.repeat(SIZE / 2)}@\n`,
}

describe('parsing stays linear on hostile lines', () => {
  const plain = PLAIN.repeat(Math.ceil(SIZE / PLAIN.length))
  const base = cost(plain)
  for (const [name, line] of Object.entries(hostile)) {
    it(name, () => {
      expect(cost(line)).toBeLessThan(base * 20 + 5e6)
    })
  }
})
