// check's verdict on logs a real Exim wrote: the findings, the window, the thresholds.

import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {check, FIXTURES} from './run.js'

const FIX = join(FIXTURES, 'exim-4.96')
// The fixtures were written on 2026-11-25 around 20:12-20:18 UTC.
const NOW = ['--now', '2026-11-25T20:40:00Z']

describe('check on logs a real Exim wrote', () => {
  it('names the recipients whose mail was dropped', async () => {
    const {text} = await check([...NOW, join(FIX, 'discard-plain')])
    expect(text).toContain('9 RCPTs for 2 recipients answered 250 and silently dropped')
    expect(text).toContain('full1@example.test, full2@example.test')
  })

  it('the window: events older than --since do not count', async () => {
    const {text} = await check(['--now', '2026-11-26T09:00:00Z', join(FIX, 'discard-plain')])
    expect(text).toMatch(/^EXIM-REJECTS OK - 0 RCPT deferrals/)
    const quiet = await check(['--now', '2026-11-26T09:00:00Z', '--expect-activity', join(FIX, 'discard-plain')])
    expect(quiet.text).toMatch(/^EXIM-REJECTS UNKNOWN - no log lines in the last 1h/)
    expect(quiet.result.state).toBe('UNKNOWN')
  })

  it('thresholds on deferrals, in total and per recipient', async () => {
    const w = await check([...NOW, '--warn', '8', join(FIX, 'defer-plain')])
    expect(w.text).toMatch(/^EXIM-REJECTS WARNING - 9 RCPT deferrals in the last 1h \(warning above 8\)/)
    expect(w.result.state).toBe('WARNING')
    const c = await check([...NOW, '--warn', '8', '--crit-recipient', '4', join(FIX, 'defer-plain')])
    expect(c.text).toMatch(
      /^EXIM-REJECTS CRITICAL - full1@example\.test deferred 5 times in the last 1h \(critical above 4\); 9 RCPT deferrals/,
    )
    expect(c.result.state).toBe('CRITICAL')
    const rate = await check([...NOW, '--warn', '5/h', join(FIX, 'defer-plain')])
    expect(rate.result.state).toBe('WARNING')
  })

  it('--json: the verdict and what it is about', async () => {
    const {text} = await check([...NOW, '--json', join(FIX, 'nosocket-plain')])
    const j = JSON.parse(text)
    expect(j).toMatchObject({state: 'WARNING', code: 1, unguarded: {'full1@example.test': 5, 'full2@example.test': 4}})
  })
})
