import {describe, expect, it} from 'vitest'
import {detectFraming, detectLogType} from '../../../src/parse/detect.js'

const b = (s: string) => Buffer.from(s)

describe('detectFraming', () => {
  it('plain, syslog, journald JSON', () => {
    expect(detectFraming(b('2026-11-24 06:14:03 H=a [192.0.2.1] rejected RCPT <a@b>\n'), true)).toBe('plain')
    expect(
      detectFraming(b('Nov 24 06:14:03 mx exim[5]: 2026-11-24 06:14:03 H=a [192.0.2.1] rejected RCPT <a@b>\n'), true),
    ).toBe('syslog')
    expect(detectFraming(b('2026-11-24T06:14:03+0300 mx exim[5]: H=a\n'), true)).toBe('syslog')
    expect(detectFraming(b('{"MESSAGE":"x","_PID":"5","__REALTIME_TIMESTAMP":"1"}\n'), true)).toBe('journal-json')
  })
})

describe('detectLogType', () => {
  it('tells main, reject and panic logs by content', () => {
    expect(detectLogType(b('2026-11-24 06:14:03 1hanjs-0007Ab-Vx <= a@b H=x [192.0.2.1] P=esmtp S=1\n'), true)).toBe(
      'main',
    )
    expect(
      detectLogType(
        b(
          '2026-11-24 06:14:03 H=x [192.0.2.1] F=<a@b> rejected RCPT <c@d>: no\n2026-11-24 06:14:04 H=x [192.0.2.1] F=<a@b> temporarily rejected RCPT <c@d>: later\n',
        ),
        true,
      ),
    ).toBe('reject')
    expect(
      detectLogType(
        b(
          '2026-11-24 06:14:03 16VEwq-000000002Kx-1aB7 H=x [192.0.2.1] F=<a@b> rejected after DATA: virus\nEnvelope-from: <a@b>\n',
        ),
        true,
      ),
    ).toBe('reject')
    expect(
      detectLogType(
        b('2026-11-24 06:14:03 configured error code starts with incorrect digit (expected 2) in "422 x"\n'),
        true,
      ),
    ).toBe('panic')
    expect(detectLogType(b('junk\n'), true)).toBeNull()
  })
})
