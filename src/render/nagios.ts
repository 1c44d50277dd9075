// The check's answer: one Nagios status line `EXIM-REJECTS <STATE> - <what> | <perfdata>`,
// or the same as JSON for other monitors.

import {type CheckResult, STATE_CODE} from '../verdict/judge.js'
import type {Threshold} from '../verdict/thresholds.js'
import {type EventKind, KINDS} from '../kinds.js'
import {printable} from './text.js'
import {isoTime} from '../time/format.js'
import type {Writer} from './writer.js'

const perfValue = (t: Threshold | undefined): string => (t !== undefined && t.per === 'window' ? String(t.value) : '')

export function perfdata(
  r: CheckResult,
  t: {warn?: Threshold; crit?: Threshold; warnRecipient?: Threshold; critRecipient?: Threshold},
): string {
  // One label per kind, with its thresholds: a discard is critical at any count.
  const kind = (k: EventKind, warn = '', crit = ''): string => `${KINDS[k].perfdata}=${r.counts[k]};${warn};${crit};0`
  const unguarded = Object.values(r.unguarded).reduce((a, b) => a + b, 0)
  return [
    kind('rcpt-defer', perfValue(t.warn), perfValue(t.crit)),
    kind('discard-misconfig', '', '0'),
    kind('delivery-quota'),
    `${KINDS['delivery-quota'].perfdata}_unguarded=${unguarded};0;;0`,
    kind('rcpt-reject'),
    kind('data-defer'),
    kind('data-reject'),
    `max_recipient_defer=${r.topRecipient?.count ?? 0};${perfValue(t.warnRecipient)};${perfValue(t.critRecipient)};0`,
    `lines=${r.input.lines}c;;;0`,
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
      },
      null,
      2,
    ) + '\n',
  )
}
