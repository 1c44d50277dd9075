// The check's verdict: from what the window's events add up to, a Nagios state and the findings
// that make it, worst first. Pure: the health-check service reads and counts, renderers print.

import type {QuotaProbe} from '../input/quota-status.js'
import {type EventKind, KINDS} from '../kinds.js'
import type {InputAccount} from '../types.js'
import {alerts, crossed, type Threshold} from './thresholds.js'

export const STATES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const
export type State = (typeof STATES)[number]
/** Nagios plugin exit status of each state. */
export const STATE_CODE = Object.fromEntries(STATES.map((s, i) => [s, i])) as Record<State, number>

export interface KindRecipientCount {
  kind: EventKind
  recipient: string
  count: number
}

/** What was seen in the window. */
export interface Observed {
  counts: Record<EventKind, number>
  /** Events per kind and recipient, most first. */
  byKindRecipient: KindRecipientCount[]
  /** Quota failures of deliveries into this server's own mailboxes, per recipient. */
  localQuota: Record<string, number>
  input: InputAccount
  /** The inputs as they were named (`-` for standard input), for saying what was looked at. */
  looked: string[]
  /** What quota-status answered, when it was asked (--quota-socket). */
  probe?: QuotaProbe
  /** The logs were read up to here by the last run (--state): no new line is news, not ignorance. */
  resumed?: boolean
}

export interface Limits {
  since: number
  until: number
  /** Thresholds on RCPT deferrals in total. */
  warn?: Threshold
  crit?: Threshold
  /** Thresholds on the RCPT deferrals of the most deferred recipient. */
  warnRecipient?: Threshold
  critRecipient?: Threshold
  /** UNKNOWN when no log line falls in the window. */
  expectActivity: boolean
  /** What the window is, as the findings say it ("since the last run at ..."); default "in the last 1 hour". */
  span?: string
}

export interface CheckResult {
  state: State
  /** What the state is about, one clause per finding, worst first. */
  findings: string[]
  counts: Record<EventKind, number>
  /** Recipients whose mail was answered 250 and dropped ('' for a digit line without its discard). */
  discarded: Record<string, number>
  /** Recipients over quota at local delivery that were never deferred at RCPT time in the window. */
  unguarded: Record<string, number>
  /** RCPT deferrals per recipient. */
  deferred: Record<string, number>
  topRecipient: {recipient: string; count: number} | null
  window: {since: number; until: number}
  input: InputAccount
  /** Per kind and recipient, for --prom-file. */
  byKindRecipient: KindRecipientCount[]
  probe?: QuotaProbe
}

export function describeSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  return `${Math.round(ms / 60_000)}m`
}

function list(rec: Record<string, number>, max = 5): string {
  const names = Object.keys(rec).map((r) => (r === '' ? '(recipient unknown)' : r))
  return names.slice(0, max).join(', ') + (names.length > max ? `, and ${names.length - max} more` : '')
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * `9 RCPTs for 2 recipients answered 250 and silently dropped`: what the check, the summary and
 * the page say of dropped mail (the recipients left out when they are not known).
 */
export function droppedWords(rcpts: number, recipients: number | null): string {
  const who = recipients === null ? '' : ` for ${plural(recipients, 'recipient')}`
  return `${plural(rcpts, 'RCPT')}${who} ${KINDS['discard-misconfig'].outcome}`
}

export function judge(o: Observed, l: Limits): CheckResult {
  const rows = o.byKindRecipient
  const counts = o.counts
  const of = (kind: EventKind): Record<string, number> =>
    Object.fromEntries(rows.filter((r) => r.kind === kind).map((r) => [r.recipient, r.count]))
  const deferred = of('rcpt-defer')
  const discarded = of('discard-misconfig')
  const unguarded = Object.fromEntries(Object.entries(o.localQuota).filter(([r]) => !(r in deferred)))
  const top = rows.find((r) => r.kind === 'rcpt-defer')
  const minutes = Math.max(1, (l.until - l.since) / 60_000)
  const span = l.span ?? `in the last ${describeSpan(l.until - l.since)}`

  const crit: string[] = []
  const warn: string[] = []
  const unknown: string[] = []
  const dropped = counts['discard-misconfig']
  if (dropped > 0) {
    const words = droppedWords(dropped, Object.keys(discarded).length)
    crit.push(`${words} by a discard in the RCPT ACL (${list(discarded)})`)
  }
  const defers = counts['rcpt-defer']
  const total = `${defers} RCPT deferrals ${span}`
  if (alerts(l.crit, defers, minutes)) crit.push(`${total} (critical ${crossed(l.crit!)})`)
  else if (alerts(l.warn, defers, minutes)) warn.push(`${total} (warning ${crossed(l.warn!)})`)
  // The most deferred recipient; with none, a count of 0 (a range such as 1: may alert on that).
  const most = top ?? {recipient: 'no recipient', count: 0}
  const times = `${most.recipient} deferred ${most.count} times ${span}`
  if (alerts(l.critRecipient, most.count, minutes)) crit.push(`${times} (critical ${crossed(l.critRecipient!)})`)
  else if (alerts(l.warnRecipient, most.count, minutes)) warn.push(`${times} (warning ${crossed(l.warnRecipient!)})`)
  const p = o.probe
  if (p && p.answer === null) {
    const then = 'the RCPT ACL accepts every recipient, and quota failures move to delivery'
    crit.push(`quota-status at ${p.socket} ${p.problem}: ${then}`)
  }
  const ung = Object.keys(unguarded).length
  if (ung > 0) {
    const who = `${plural(ung, 'recipient')} ${KINDS['delivery-quota'].outcome}, never ${KINDS['rcpt-defer'].outcome}`
    warn.push(`quota check not firing at RCPT time: ${who} (${list(unguarded)})`)
  }
  const last = o.input.files.reduce((t, f) => (Number.isFinite(f.lastTime) ? Math.max(t, f.lastTime) : t), -Infinity)
  // Nothing read at all (an empty file, empty standard input): no reason to say OK. A set whose
  // files the window left unread did have lines, outside it.
  const readNothing = o.input.lines === 0 && !o.input.files.some((f) => f.skipped !== undefined) && !o.resumed
  const looked = o.looked.map((n) => (n === '-' ? 'standard input' : n)).join(', ')
  if (readNothing) unknown.push(`no log lines read from ${looked}`)
  else if (l.expectActivity && !(last >= l.since)) unknown.push(`no log lines ${span}`)

  const state: State = unknown.length ? 'UNKNOWN' : crit.length ? 'CRITICAL' : warn.length ? 'WARNING' : 'OK'
  const findings = [...unknown, ...crit, ...warn]
  if (findings.length === 0) {
    const rc = Object.keys(deferred).length
    const asked = p ? `; quota-status answers${p.answer === 'OK' ? '' : ` (${p.answer} for ${p.recipient})`}` : ''
    findings.push(
      `${plural(defers, 'RCPT deferral')} for ${plural(rc, 'recipient')} ${span}; ` +
        `no mail dropped, no quota failures at delivery${asked}`,
    )
  }
  return {
    state,
    findings,
    counts,
    discarded,
    unguarded,
    deferred,
    topRecipient: top ? {recipient: top.recipient, count: top.count} : null,
    window: {since: l.since, until: l.until},
    input: o.input,
    byKindRecipient: rows,
    ...(p ? {probe: p} : {}),
  }
}
