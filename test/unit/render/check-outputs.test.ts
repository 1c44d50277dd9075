import {describe, expect, it} from 'vitest'
import type {CheckResult} from '../../../src/verdict/judge.js'
import {parseThreshold} from '../../../src/verdict/thresholds.js'
import {totalAccount} from '../../../src/input/account.js'
import {perfdata, renderStatusLine} from '../../../src/render/nagios.js'
import {renderPrometheus} from '../../../src/render/prometheus.js'
import {StringWriter} from '../../../src/render/writer.js'

const result = (over: Partial<CheckResult>): CheckResult => ({
  state: 'OK',
  findings: ['3 RCPT deferrals'],
  deferred: {'a@x': 3},
  discarded: {},
  unguarded: {},
  topRecipient: {recipient: 'a@x', count: 3},
  counts: {
    'rcpt-defer': 3,
    'rcpt-reject': 0,
    'discard-misconfig': 0,
    'delivery-quota': 0,
    'data-defer': 0,
    'data-reject': 0,
  },
  window: {since: 0, until: 3_600_000},
  input: totalAccount([], []),
  byKindRecipient: [{kind: 'rcpt-defer', recipient: 'a@x', count: 3}],
  ...over,
})

describe('status line', () => {
  it('is one line with perfdata, and log text cannot break it', () => {
    const w = new StringWriter()
    const r = result({state: 'CRITICAL', findings: ['dropped for evil|x\u001b[2J@y']})
    renderStatusLine(r, w, perfdata(r, {warn: parseThreshold('-w', '100'), crit: parseThreshold('-c', '5/m')}))
    expect(w.text).toBe(
      'EXIM-REJECTS CRITICAL - dropped for evil/x\\x1b[2J@y | rcpt_defer=3;100;;0 rcpt_defer_per_minute=0.05;;5;0 ' +
        'discard_misconfig=0;;0;0 delivery_quota=0;;;0 delivery_quota_unguarded=0;0;;0 rcpt_reject=0;;;0 ' +
        'data_defer=0;;;0 data_reject=0;;;0 max_recipient_defer=3;;;0 lines=0;;;0\n',
    )
  })
})

describe('perfdata', () => {
  const t = (s: string) => parseThreshold('-w', s)
  it.each([
    [{warn: t('10'), crit: t('20')}, 'rcpt_defer=3;10;20;0'],
    [{warn: t('10:'), crit: t('~:20')}, 'rcpt_defer=3;10:;~:20;0'],
    [{warn: t('@1:5'), crit: t('0:50')}, 'rcpt_defer=3;@1:5;0:50;0'],
    [
      {warn: t('2/m'), crit: t('120/h')},
      'rcpt_defer=3;;;0 rcpt_defer_per_minute=0.05;2;;0 rcpt_defer_per_hour=3;;120;0',
    ],
    [{warnRecipient: t('4'), critRecipient: t('@3:3')}, 'max_recipient_defer=3;4;@3:3;0'],
  ])('carries the thresholds as given: %j', (thresholds, expected) => {
    const perf = perfdata(result({}), thresholds)
    for (const part of expected.split(' ')) expect(perf.split(' ')).toContain(part)
  })

  it('has no counter unit: every value is of the window', () => {
    expect(perfdata(result({}), {})).not.toMatch(/\dc;/)
  })
})

describe('prometheus textfile', () => {
  it('writes gauges with kind labels and bounded recipient labels', () => {
    const text = renderPrometheus({
      counts: {'rcpt-defer': 6},
      byKindRecipient: [
        {kind: 'rcpt-defer', recipient: 'a@x', count: 3},
        {kind: 'rcpt-defer', recipient: 'b"q@x', count: 2},
        {kind: 'rcpt-defer', recipient: 'c@x', count: 1},
      ],
      recipientTop: 2,
      input: totalAccount([], []),
      window: {since: 0, until: 3_600_000},
      check: {state: 1, success: true, lastSuccess: 1_000_000},
      label: 'mx1',
      now: 1_000_000,
    })
    expect(text).toContain('# TYPE exim_rejects_events gauge\nexim_rejects_events{host="mx1",kind="rcpt-defer"} 6\n')
    expect(text).toContain('exim_rejects_recipient_events{host="mx1",kind="rcpt-defer",recipient="b\\"q@x"} 2\n')
    expect(text).toContain('exim_rejects_recipient_events{host="mx1",kind="rcpt-defer",recipient="other"} 1\n')
    expect(text).not.toContain('recipient="c@x"')
    expect(text).toContain('exim_rejects_check_state{host="mx1"} 1\n')
    expect(text).toContain('exim_rejects_window_seconds{host="mx1"} 3600\n')
  })

  it('a recipient spelled like the catch-all or the placeholder is quoted, never added to them', () => {
    const text = renderPrometheus({
      counts: {'rcpt-defer': 6},
      byKindRecipient: [
        {kind: 'rcpt-defer', recipient: 'other', count: 3},
        {kind: 'rcpt-defer', recipient: 'unknown', count: 2},
        {kind: 'rcpt-defer', recipient: '', count: 1},
      ],
      recipientTop: 3,
      input: totalAccount([], []),
      window: {since: 0, until: 3_600_000},
      now: 1_000_000,
    })
    expect(text).toContain('exim_rejects_recipient_events{kind="rcpt-defer",recipient="\\"other\\""} 3\n')
    expect(text).toContain('exim_rejects_recipient_events{kind="rcpt-defer",recipient="\\"unknown\\""} 2\n')
    expect(text).toContain('exim_rejects_recipient_events{kind="rcpt-defer",recipient="unknown"} 1\n')
    expect(text).not.toContain('recipient="other"}')
  })
})
