import {tz} from '@date-fns/tz/tz'
import {parseISO} from 'date-fns/parseISO'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseBy, parseKinds, parseListen, parseWindow, parseZone} from '../../../src/cli/options.js'
import {parseWhen} from '../../../src/cli/window.js'
import {EximRejectsError} from '../../../src/errors.js'

const NOW = new Date('2026-11-25T13:16:26Z')

describe('--kind and --by', () => {
  it('default, lists and all', () => {
    expect(parseKinds(undefined)).toEqual(['rcpt-defer', 'discard-misconfig'])
    expect(parseKinds('all')).toHaveLength(6)
    expect(parseBy('recipient, ip')).toEqual(['recipient', 'ip'])
  })
  it('names the flag and the bad value', () => {
    expect(() => parseKinds('rcpt-defer,bogus')).toThrowError(/--kind: expected .*got "bogus"/)
    expect(() => parseBy('mailbox')).toThrowError(EximRejectsError)
  })
})

describe('--since/--until', () => {
  const utc = {kind: 'utc'} as const
  it('relative spans, today, yesterday, ISO', () => {
    expect(parseWhen('--since', '90m', NOW, utc)).toBe(NOW.getTime() - 90 * 60_000)
    expect(parseWhen('--since', '2h', NOW, utc)).toBe(NOW.getTime() - 2 * 3_600_000)
    expect(parseWhen('--since', '7d', NOW, utc)).toBe(NOW.getTime() - 7 * 86_400_000)
    expect(parseWhen('--since', 'today', NOW, utc)).toBe(Date.UTC(2026, 10, 25))
    expect(parseWhen('--since', 'yesterday', NOW, utc)).toBe(Date.UTC(2026, 10, 24))
    expect(parseWhen('--since', '2026-11-24T08:00', NOW, utc)).toBe(Date.UTC(2026, 10, 24, 8))
    expect(parseWhen('--since', '2026-11-24T08:00+03:00', NOW, utc)).toBe(Date.UTC(2026, 10, 24, 5))
  })
  it('reads an ISO value under --utc as date-fns does in tz("UTC"), in every form it takes', () => {
    const ref = (v: string) => parseISO(v, {in: tz('UTC')}).getTime()
    const digits = (n: number, w: number) => String(n).padStart(w, '0')
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({min: 1970, max: 2100}),
          mo: fc.integer({min: 0, max: 13}),
          d: fc.integer({min: 0, max: 32}),
          h: fc.integer({min: 0, max: 24}),
          mi: fc.integer({min: 0, max: 60}),
          s: fc.integer({min: 0, max: 60}),
          ms: fc.integer({min: 0, max: 999}),
          shape: fc.constantFrom('date', 'hour', 'minute', 'second', 'milli', 'space', 'compact'),
          zone: fc.constantFrom('', 'Z', '+03:00', '-0530', '+05', '-11:30'),
        }),
        ({y, mo, d, h, mi, s, ms, shape, zone}) => {
          const date = `${y}-${digits(mo, 2)}-${digits(d, 2)}`
          const time = {
            date: '',
            hour: `T${digits(h, 2)}`,
            minute: `T${digits(h, 2)}:${digits(mi, 2)}`,
            second: `T${digits(h, 2)}:${digits(mi, 2)}:${digits(s, 2)}`,
            milli: `T${digits(h, 2)}:${digits(mi, 2)}:${digits(s, 2)}.${digits(ms, 3)}`,
            space: ` ${digits(h, 2)}:${digits(mi, 2)}`,
            compact: `T${digits(h, 2)}${digits(mi, 2)}${digits(s, 2)}`,
          }[shape]
          const v = `${date}${time}${time === '' ? '' : zone}`
          let expected: number | 'refused'
          try {
            const t = ref(v)
            expected = Number.isNaN(t) ? 'refused' : t
          } catch {
            expected = 'refused'
          }
          let got: number | 'refused'
          try {
            got = parseWhen('--since', v, NOW, utc)
          } catch {
            got = 'refused'
          }
          expect(got, v).toBe(expected)
        },
      ),
      {numRuns: 3000},
    )
  })
  it('reads dates in the chosen zone', () => {
    expect(parseWhen('--since', 'today', NOW, {kind: 'named', name: 'Europe/Moscow'})).toBe(Date.UTC(2026, 10, 24, 21))
    expect(parseWhen('--since', '2026-11-24', NOW, {kind: 'named', name: 'Europe/Moscow'})).toBe(
      Date.UTC(2026, 10, 23, 21),
    )
  })
  it('refuses nonsense with a usage error', () => {
    expect(() => parseWhen('--since', 'last tuesday', NOW, utc)).toThrowError(/--since: expected/)
    expect(() => parseWhen('--since', '2026-13-45', NOW, utc)).toThrowError(/--since/)
    expect(() => parseWindow('today', 'yesterday', NOW, utc)).toThrowError(/--until/)
  })
  it('checks zones', () => {
    expect(parseZone(false, 'Europe/Moscow')).toEqual({kind: 'named', name: 'Europe/Moscow'})
    expect(() => parseZone(false, 'Mars/Olympus')).toThrowError(/--tz/)
  })
})

describe('--listen', () => {
  it('takes ADDR:PORT, [IPv6]:PORT and :PORT (every interface)', () => {
    expect(parseListen('127.0.0.1:10139')).toEqual({host: '127.0.0.1', port: 10139})
    expect(parseListen('[::1]:9999')).toEqual({host: '::1', port: 9999})
    expect(parseListen('localhost:0')).toEqual({host: 'localhost', port: 0})
    expect(parseListen(':10139')).toEqual({port: 10139})
  })

  it('refuses anything else with the usage error', () => {
    for (const bad of ['10139', '127.0.0.1', '::1:80', '[::1]', 'host:65536', 'host:-1', 'a:b', '']) {
      expect(() => parseListen(bad), bad).toThrow(EximRejectsError)
      expect(() => parseListen(bad), bad).toThrow(/^--listen: expected ADDR:PORT/)
    }
  })
})
