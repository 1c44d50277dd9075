// The check's answer: one Nagios status line `EXIM-REJECTS <STATE> - <what> | <perfdata>`,
// or the same as JSON for other monitors.

import {type CheckResult, STATE_CODE} from '../verdict/judge.js'
import type {Threshold} from '../verdict/thresholds.js'
import {type EventKind, KINDS} from '../kinds.js'
import {printable} from './text.js'
import {isoTime} from '../time/format.js'
import type {Writer} from './writer.js'

export interface CheckThresholds {
  warn?: Threshold
  crit?: Threshold
  warnRecipient?: Threshold
  critRecipient?: Threshold
}

const RATE_LABEL = {m: 'per_minute', h: 'per_hour'} as const

/** A figure with at most three decimals, as perfdata wants numbers. */
const num = (v: number): string => String(Math.round(v * 1000) / 1000)

/**
 * Perfdata for one figure and its thresholds, as given: a count range on the count's own label;
 * a rate range on a label of its own (`rcpt_defer_per_minute`), whose value is that rate.
 */
function measured(label: string, count: number, minutes: number, warn?: Threshold, crit?: Threshold): string[] {
  const onCount = (t?: Threshold): string => (t !== undefined && t.per === 'window' ? t.range : '')
  const out = [`${label}=${count};${onCount(warn)};${onCount(crit)};0`]
  for (const per of ['m', 'h'] as const) {
    const at = (t?: Threshold): string => (t !== undefined && t.per === per ? t.range : '')
    if (at(warn) === '' && at(crit) === '') continue
    const rate = per === 'm' ? count / minutes : (count * 60) / minutes
    out.push(`${label}_${RATE_LABEL[per]}=${num(rate)};${at(warn)};${at(crit)};0`)
  }
  return out
}

/** The check's perfdata: every kind's count in the window, and the thresholds as given. None are counters. */
export function perfdata(r: CheckResult, t: CheckThresholds): string {
  const minutes = Math.max(1, (r.window.until - r.window.since) / 60_000)
  // A discard is critical at any count.
  const kind = (k: EventKind, crit = ''): string => `${KINDS[k].perfdata}=${r.counts[k]};;${crit};0`
  const unguarded = Object.values(r.unguarded).reduce((a, b) => a + b, 0)
  return [
    ...measured(KINDS['rcpt-defer'].perfdata, r.counts['rcpt-defer'], minutes, t.warn, t.crit),
    kind('discard-misconfig', '0'),
    kind('delivery-quota'),
    `${KINDS['delivery-quota'].perfdata}_unguarded=${unguarded};0;;0`,
    kind('rcpt-reject'),
    kind('data-defer'),
    kind('data-reject'),
    ...measured('max_recipient_defer', r.topRecipient?.count ?? 0, minutes, t.warnRecipient, t.critRecipient),
    `lines=${r.input.lines};;;0`,
  ].join(' ')
}

export function renderStatusLine(r: CheckResult, out: Writer, perf: string): void {
  // Nagios reads the first line; `|` separates perfdata, so it may not appear in the text.
  const what = printable(r.findings.join('; ')).replace(/\|/g, '/')
  out.write(`EXIM-REJECTS ${r.state} - ${what} | ${perf}\n`)
}

export function renderCheckJson(r: CheckResult, out: Writer, tz: (t: number) => number): void {
  out.write(
    JSON.stringify(
      {
        state: r.state,
        code: STATE_CODE[r.state],
        summary: r.findings.join('; '),
        findings: r.findings,
        window: {
          since: isoTime(r.window.since, tz(r.window.since)),
          until: isoTime(r.window.until, tz(r.window.until)),
        },
        counts: r.counts,
        discarded: r.discarded,
        unguarded: r.unguarded,
        deferred: r.deferred,
        lines: r.input.lines,
        ...(r.probe ? {quotaStatus: r.probe} : {}),
      },
      null,
      2,
    ) + '\n',
  )
}
