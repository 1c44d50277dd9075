import {describe, expect, it} from 'vitest'
import {parseStamp, stampLength} from '../../../src/parse/timestamp.js'

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
