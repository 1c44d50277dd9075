import {describe, expect, it} from 'vitest'
import {isoInstant, isoOffset} from '../../../src/time/iso.js'

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?([+-]\d\d:\d\d|Z)$/
/** What the reader must agree with: the shape reports write, as Date.parse reads it. */
const expected = (s: string): number => (ISO.test(s) ? Date.parse(s) : NaN)

describe('isoInstant', () => {
  it('reads every day of every month, in every shape, as Date.parse does', () => {
    for (const year of ['2026', '2024', '1970', '9999', '0050', '0100'])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++)
          for (const tail of ['Z', '.007Z', '+03:00', '.999-09:30', '+14:00', '-23:59', '+24:00', '+00:60'])
            for (const time of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60']) {
              const s = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time}${tail}`
              expect(Object.is(isoInstant(s), expected(s)), s).toBe(true)
            }
  })

  it('is NaN for what no report writes', () => {
    for (const s of [
      '',
      '2026-11-24',
      '2026-11-24T10:00:00',
      '2026-11-24 10:00:00Z',
      '2026-11-24T10:00:00.5Z',
      '+2026-11-24T10:00:00Z',
      '2026-1a-24T10:00:00Z',
      '2026-11-24T10:00:00+0300',
      '2026-11-24T10:00:00z',
    ])
      expect(isoInstant(s), s).toBeNaN()
  })
})

describe('isoOffset', () => {
  it('is the offset written, in minutes east', () => {
    expect(isoOffset('2026-11-24T10:00:00+03:00')).toBe(180)
    expect(isoOffset('2026-11-24T10:00:00.123-09:30')).toBe(-570)
    expect(isoOffset('2026-11-24T10:00:00Z')).toBe(0)
  })
})
