// Counters in the Prometheus text exposition format, for node_exporter's textfile collector.
// Values are counts over the window this run read (gauges: a later run may read another window).
// Recipient labels are opt-in and bounded: the top N per kind, the rest summed as "other" (a
// recipient spelled so is shown quoted).

import {labelOf, OTHER} from '../aggregate/label.js'
import type {EventKind, InputAccount} from '../types.js'

/** What a run counted; a check that failed before counting has none. */
export interface PromCounts {
  counts: Partial<Record<EventKind, number>>
  byKindRecipient?: {kind: EventKind; recipient: string; count: number}[]
  /** Recipients labelled per kind; undefined for no recipient label. */
  recipientTop?: number
  input: InputAccount
  window: {since: number | null; until: number | null}
}

/** How a check run went, so that a failing or stale check shows on a dashboard. */
export interface PromCheck {
  /** Nagios state code: 3 (UNKNOWN) when the check failed. */
  state: number
  success: boolean
  /** When a run last succeeded (epoch ms), this one or an earlier one; null when none did. */
  lastSuccess: number | null
}

export interface PromInput extends Partial<PromCounts> {
  check?: PromCheck
  label?: string | null
  now: number
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

export function renderPrometheus(p: PromInput): string {
  const base = p.label ? `host="${esc(p.label)}"` : ''
  const labels = (...pairs: string[]): string => {
    const all = [base, ...pairs].filter(Boolean)
    return all.length ? `{${all.join(',')}}` : ''
  }
  const out: string[] = []
  const metric = (name: string, help: string, rows: [string, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    for (const [l, v] of rows) out.push(`${name}${l} ${v}`)
  }
  if (p.input !== undefined && p.counts !== undefined) {
    metric(
      'exim_rejects_events',
      'Events in the window read, by kind.',
      Object.entries(p.counts).map(([k, n]) => [labels(`kind="${esc(k)}"`), n ?? 0]),
    )
    if (p.recipientTop !== undefined && p.byKindRecipient) {
      const rows: [string, number][] = []
      for (const kind of Object.keys(p.counts) as EventKind[]) {
        const of = p.byKindRecipient.filter((r) => r.kind === kind)
        const top = of.slice(0, p.recipientTop)
        for (const r of top)
          rows.push([labels(`kind="${esc(kind)}"`, `recipient="${esc(labelOf(r.recipient))}"`), r.count])
        const rest = of.slice(p.recipientTop).reduce((a, r) => a + r.count, 0)
        if (of.length > p.recipientTop) rows.push([labels(`kind="${esc(kind)}"`, `recipient="${OTHER}"`), rest])
      }
      metric(
        'exim_rejects_recipient_events',
        `Events by kind and recipient: the top ${p.recipientTop} recipients per kind, the rest as recipient="other".`,
        rows,
      )
    }
    const i = p.input
    metric('exim_rejects_lines', 'Log lines read, by how they were used.', [
      [labels('use="events"'), i.events],
      [labels('use="duplicates"'), i.duplicates],
      [labels('use="other"'), i.other],
      [labels('use="unparsed"'), i.unparsed],
    ])
    metric('exim_rejects_bytes', 'Bytes of log text read.', [[labels(), i.bytes]])
    if (p.window !== undefined && p.window.since !== null && p.window.until !== null) {
      metric('exim_rejects_window_seconds', 'Length of the time window counted.', [
        [labels(), (p.window.until - p.window.since) / 1000],
      ])
    }
  }
  if (p.check !== undefined) {
    const c = p.check
    metric('exim_rejects_check_state', 'Verdict of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.', [
      [labels(), c.state],
    ])
    metric(
      'exim_rejects_check_success',
      'Whether the check could read its logs and come to a verdict (1) or not (0).',
      [[labels(), c.success ? 1 : 0]],
    )
    if (c.lastSuccess !== null) {
      metric('exim_rejects_check_last_success_timestamp_seconds', 'When a check last came to a verdict.', [
        [labels(), Math.floor(c.lastSuccess / 1000)],
      ])
    }
  }
  metric('exim_rejects_last_run_timestamp_seconds', 'When these numbers were written.', [
    [labels(), Math.floor(p.now / 1000)],
  ])
  return out.join('\n') + '\n'
}
