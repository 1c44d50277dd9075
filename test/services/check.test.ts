// check's verdict on logs a real Exim wrote: the findings, the window, the thresholds.

import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
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

const PERL_CHECK = fileURLToPath(new URL('../tools/check-perfdata.pl', import.meta.url))
const monitoringPlugin = spawnSync('perl', ['-MMonitoring::Plugin', '-e', '1']).status === 0

describe('perfdata, read by Monitoring::Plugin', () => {
  it.each([
    ['-w', '8', '-c', '20'],
    ['-w', '10:', '-c', '~:20'],
    ['-w', '@5:10', '-c', '0:50'],
    ['-w', '5/m', '-c', '600/h'],
    ['--warning-recipient', '3', '--critical-recipient', '@4:6'],
    ['--warning-recipient', '1:/m', '-c', '2.5:'],
  ])('%s %s %s %s', async (...thresholds) => {
    const {text} = await check([...NOW, ...thresholds, join(FIX, 'defer-plain')])
    const perf = text.slice(text.indexOf(' | ') + 3).trim()
    // The thresholds as given, on the figure they are about.
    for (let i = 0; i < thresholds.length; i += 2) {
      const range = thresholds[i + 1]!.replace(/\/(m|h)$/, '')
      expect(perf).toMatch(new RegExp(`(^| )\\w+=[\\d.]+;[^ ]*${range.replace(/[.]/g, '\\.')}`))
    }
    if (!monitoringPlugin) return console.warn('Monitoring::Plugin not installed: perfdata not parsed')
    const r = spawnSync('perl', [PERL_CHECK], {input: text, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(perf.split(' ').length)
  })
})
