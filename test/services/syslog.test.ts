// Syslog files a real rsyslog received from a real Exim give the counts the SMTP sessions were
// answered, in all three formats, with and without duplication, Exim's timestamp and split lines.

import {readFileSync, utimesSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {report, reportJson} from './run.js'

const FIX = new URL('../fixtures/exim-4.96-syslog/', import.meta.url).pathname
const SCENARIOS = [
  'defer-syslog',
  'defer-syslog-nots',
  'defer-syslog-split',
  'discard-syslog',
  'discard-syslog-nodup',
  'nosocket-syslog',
]

function expected(scenario: string): Record<string, number> {
  const a = JSON.parse(readFileSync(join(FIX, scenario, 'answers.json'), 'utf8'))
  const want: Record<string, number> = {}
  for (const [r, n] of Object.entries(a.deferred as Record<string, number>)) want[`rcpt-defer ${r}`] = n
  for (const [r, n] of Object.entries(a.discarded as Record<string, number>)) want[`discard-misconfig ${r}`] = n
  // Without the quota check, over-quota mailboxes fail at delivery, once per accepted message.
  if (scenario.startsWith('nosocket'))
    for (const [r, n] of Object.entries(a.accepted as Record<string, number>))
      if (r.startsWith('full')) want[`delivery-quota ${r}`] = n
  return want
}

describe.each(SCENARIOS)('%s', (scenario) => {
  it.each(['syslog', 'syslog-iso', 'syslog-5424'])('%s', async (file) => {
    const j = await reportJson(['--kind', 'all', '--by', 'kind,recipient', join(FIX, scenario, file)])
    const got = Object.fromEntries(
      j.groups.map((g: {kind: string; recipient: string; count: number}) => [`${g.kind} ${g.recipient}`, g.count]),
    )
    expect(got).toEqual(expected(scenario))
    const f = j.input.files[0]
    expect(f.framing).toBe('syslog')
    expect(f.lines).toBe(f.events + f.duplicates + f.other + f.unparsed)
    expect(f.unparsed).toBe(0)
  })
})

describe('syslog without a year', () => {
  it('takes the year from the file and steps back across New Year', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-newyear-'))
    const f = join(dir, 'mail.log')
    const line = (stamp: string, r: string) =>
      `${stamp} mx exim[77]: H=mx.example [192.0.2.1] F=<s@example.org> temporarily rejected RCPT <${r}@example.net>: 422 Mailbox ${r}@example.net is over quota\n`
    writeFileSync(f, line('Dec 31 23:59:58', 'a') + line('Jan  1 00:00:03', 'b'))
    const jan2 = new Date('2027-01-02T12:00:00Z')
    utimesSync(f, jan2, jan2)
    const csv = await report(['--utc', '--by', 'recipient', '--format', 'csv', f])
    expect(csv.trim().split('\n').slice(1)).toEqual([
      'a@example.net,1,2026-12-31T23:59:58+00:00,2026-12-31T23:59:58+00:00',
      'b@example.net,1,2027-01-01T00:00:03+00:00,2027-01-01T00:00:03+00:00',
    ])
  })
})
