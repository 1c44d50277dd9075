// Thresholds in the Monitoring Plugins range syntax, of counts and of rates, at their boundaries.

import {describe, expect, it} from 'vitest'
import {alerts, crossed, parseThreshold} from '../../../src/verdict/thresholds.js'

const alertsAt = (range: string, count: number, minutes = 60) => alerts(parseThreshold('-w', range), count, minutes)

describe('ranges of counts', () => {
  it.each([
    // [range, count, alert?]: https://www.monitoring-plugins.org/doc/guidelines.html#THRESHOLDFORMAT
    ['10', 0, false],
    ['10', 10, false],
    ['10', 11, true],
    ['10:', 9, true],
    ['10:', 10, false],
    ['10:', 1e9, false],
    ['~:10', 10, false],
    ['~:10', 11, true],
    ['~:10', -5, false],
    ['10:20', 9, true],
    ['10:20', 10, false],
    ['10:20', 20, false],
    ['10:20', 21, true],
    ['@10:20', 9, false],
    ['@10:20', 10, true],
    ['@10:20', 20, true],
    ['@10:20', 21, false],
    ['0', 0, false],
    ['0', 1, true],
    ['2.5', 3, true],
  ] as const)('%s with %d: alert %s', (range, count, alert) => {
    expect(alertsAt(range, count)).toBe(alert)
  })

  it('keeps the range as given, for perfdata, and names what was crossed', () => {
    expect(parseThreshold('-w', ' @10:20 ')).toMatchObject({
      start: 10,
      end: 20,
      inside: true,
      per: 'window',
      range: '@10:20',
    })
    expect(crossed(parseThreshold('-w', '8'))).toBe('above 8')
    expect(crossed(parseThreshold('-w', '~:8'))).toBe('above 8')
    expect(crossed(parseThreshold('-w', '10:'))).toBe('below 10')
    expect(crossed(parseThreshold('-w', '10:20'))).toBe('outside 10:20')
    expect(crossed(parseThreshold('-w', '@10:20'))).toBe('within 10:20')
    expect(crossed(parseThreshold('-w', '5/m'))).toBe('above 5/m')
  })

  it.each(['', 'lots', '@', ':', '20:10', '1:2:3', '10:x', '--5', '5/s', '5/'])(
    'refuses %j with the flag named',
    (text) => {
      expect(() => parseThreshold('--warning', text)).toThrowError(
        /^--warning: expected a count or a Monitoring Plugins range/,
      )
    },
  )
})

describe('ranges of rates', () => {
  it('5/m over an hour: alerts above 300 events, not at 300', () => {
    expect(alertsAt('5/m', 300, 60)).toBe(false)
    expect(alertsAt('5/m', 301, 60)).toBe(true)
    // /min is the same unit
    expect(alertsAt('5/min', 301, 60)).toBe(true)
  })

  it('200/h over ten minutes: alerts above 33.3 events', () => {
    expect(alertsAt('200/h', 33, 10)).toBe(false)
    expect(alertsAt('200/h', 34, 10)).toBe(true)
  })

  it('a range of rates: 1/m: alerts below one a minute', () => {
    expect(alertsAt('1:/m', 59, 60)).toBe(true)
    expect(alertsAt('1:/m', 60, 60)).toBe(false)
    expect(parseThreshold('-c', '@1:2/h')).toMatchObject({start: 1, end: 2, inside: true, per: 'h', range: '@1:2'})
  })
})
