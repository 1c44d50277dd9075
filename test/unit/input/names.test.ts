import {describe, expect, it} from 'vitest'
import {compareAge, parseLogName} from '../../../src/input/names.js'

describe('parseLogName', () => {
  it('knows the Debian, RHEL/FreeBSD, cPanel and datestamped names', () => {
    for (const [name, type] of [
      ['mainlog', 'main'],
      ['rejectlog', 'reject'],
      ['paniclog', 'panic'],
      ['main.log', 'main'],
      ['reject.log', 'reject'],
      ['exim_mainlog', 'main'],
      ['mainlog.1', 'main'],
      ['mainlog.2.gz', 'main'],
      ['main.log-20261124', 'main'],
      ['main.log-20261124.gz', 'main'],
      ['main.log.0.bz2', 'main'],
      ['rejectlog.3.xz', 'reject'],
      ['mainlog.20261124', 'main'],
      ['paniclog.1.zst', 'panic'],
    ] as const)
      expect(parseLogName(name)?.logType, name).toBe(type)
    for (const name of ['syslog', 'mail.log', 'mainlog.bak', 'exim.conf', 'mainlogx'])
      expect(parseLogName(name), name).toBeNull()
  })
  it('orders a rotated set oldest first', () => {
    const names = ['mainlog', 'mainlog.1', 'mainlog.10.gz', 'mainlog.2.gz']
    const sorted = [...names].sort((a, b) => compareAge(parseLogName(a)!.age, parseLogName(b)!.age))
    expect(sorted).toEqual(['mainlog.10.gz', 'mainlog.2.gz', 'mainlog.1', 'mainlog'])
    const dated = ['main.log', 'main.log-20261124.gz', 'main.log-20261117.gz']
    expect([...dated].sort((a, b) => compareAge(parseLogName(a)!.age, parseLogName(b)!.age))).toEqual([
      'main.log-20261117.gz',
      'main.log-20261124.gz',
      'main.log',
    ])
  })
})
