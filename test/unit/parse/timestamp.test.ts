import {describe, expect, it} from 'vitest'
import {parseStamp, stampLength, stampOffset, stampTime} from '../../../src/parse/timestamp.js'

const len = (s: string): number => stampLength(Buffer.from(s), 0, Buffer.byteLength(s))

describe('stampLength', () => {
  it('reads the four forms Exim writes', () => {
    expect(len('2019-06-11 22:48:31 H=x')).toBe(19)
    expect(len('2017-07-30 18:51:05.712 H=x')).toBe(23)
    expect(len('2003-04-25 11:17:07 +0100 H=x')).toBe(25)
    expect(len('2020-06-20 02:32:57 -0200 H=x')).toBe(25)
    expect(len('2003-04-25 11:17:07.123 +0100 H=x')).toBe(29)
  })
  it('rejects what is not a timestamp', () => {
    expect(len('Jun 29 16:04:19 server exim[1234]: x')).toBe(0)
    expect(len('2019-06-11T22:48:31 x')).toBe(0)
    expect(len('2019-06-11 22:48:31')).toBe(0)
    expect(len('2019-06-11 22:48:3x x')).toBe(0)
    expect(len('')).toBe(0)
  })
  it('rejects a time that cannot exist, instead of reading it as another', () => {
    for (const s of [
      '2026-02-30 10:00:00 x',
      '2026-02-29 10:00:00 x',
      '2026-13-01 10:00:00 x',
      '2026-00-10 10:00:00 x',
      '2026-11-00 10:00:00 x',
      '2026-04-31 10:00:00 x',
      '2026-11-25 24:00:00 x',
      '2026-11-25 23:60:00 x',
      '2026-11-25 23:59:60 x',
      '0000-01-01 00:00:00 x',
      '2026-11-25 10:00:00 +9999 x',
      '2026-11-25 10:00:00 -1500 x',
      '2026-11-25 10:00:00 +0160 x',
    ])
      expect(len(s), s).toBe(0)
    for (const s of ['2024-02-29 10:00:00 x', '2000-02-29 23:59:59 x', '2026-11-25 10:00:00 +1400 x'])
      expect(len(s), s).toBeGreaterThan(0)
    expect(len('1900-02-29 10:00:00 x')).toBe(0)
    // The same checks when the line shares its minute with the one before.
    expect(parseStamp('2026-11-25 10:00:00 x').length).toBe(19)
    expect(parseStamp('2026-11-25 10:00:61 x').length).toBe(0)
    expect(parseStamp('2026-11-25 10:00:01 +9999 x').length).toBe(0)
  })
})

describe('parseStamp', () => {
  it('reads wall-clock time, milliseconds and offset', () => {
    const s = parseStamp('2003-04-25 11:17:07.123 +0130 x')
    expect(s.naive).toBe(Date.UTC(2003, 3, 25, 11, 17, 7, 123))
    expect(s.offset).toBe(90)
    expect(parseStamp('2020-06-20 02:32:57 -0200 x').offset).toBe(-120)
    expect(Number.isNaN(parseStamp('2019-06-11 22:48:31 x').offset)).toBe(true)
  })
})

describe('stampTime and stampOffset', () => {
  it('read from bytes what parseStamp reads from text, within a minute and across minutes', () => {
    const lines = [
      '2019-06-11 22:48:31 H=x',
      '2019-06-11 22:48:59 H=x',
      '2019-06-11 22:49:00 H=x',
      '2017-07-30 18:51:05.712 H=x',
      '2017-07-30 18:51:05.009 H=x',
      '2003-04-25 11:17:07 +0100 H=x',
      '2020-06-20 02:32:57 -0230 H=x',
      '2003-04-25 11:17:07.123 +0100 H=x',
      '2024-02-29 23:59:59.999 -1400 H=x',
    ]
    for (const line of lines) {
      // Bytes at an offset, as in a chunk.
      const b = Buffer.from(`xx${line}`)
      const n = stampLength(b, 2, b.length)
      const st = parseStamp(line)
      expect([stampTime(b, 2, n), stampOffset(b, 2, n)]).toEqual([st.naive, st.offset])
    }
  })
})
