// The check service: is the quota ACL firing, is mail being lost? Reads the window (default the
// last hour), counts events per kind and recipient, and turns them into a Nagios verdict.
// No oclif and no output here; the command renders the verdict.

import {Aggregator} from './aggregate/aggregator.js'
import {usageError} from './errors.js'
import {resolveSources} from './input/sources.js'
import {ZoneClock, type ZoneSpec} from './time/zone.js'
import {readLogs} from './pipeline.js'
import {EVENT_KINDS, type EventKind, type InputAccount} from './types.js'

export const STATES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const
export type State = (typeof STATES)[number]

/** A count, or a rate per minute or per hour (`20`, `5/m`, `100/h`). */
export interface Threshold {
  value: number
  per: 'window' | 'm' | 'h'
  text: string
}

export function parseThreshold(flag: string, text: string): Threshold {
  const m = /^(\d+(?:\.\d+)?)(?:\/(m|min|h))?$/.exec(text.trim())
  if (m === null) throw usageError(flag, 'a count (20) or a rate per minute or hour (5/m, 100/h)', text)
  return {value: Number(m[1]), per: m[2] === undefined ? 'window' : m[2] === 'h' ? 'h' : 'm', text}
}

export interface CheckOptions {
  paths: string[]
  zone: ZoneSpec
  since: number
  until: number
  /** Thresholds on RCPT deferrals in total. */
  warn?: Threshold
  crit?: Threshold
  /** Thresholds on the RCPT deferrals of the most deferred recipient. */
  warnRecipient?: Threshold
  critRecipient?: Threshold
  expectActivity: boolean
  stdin?: NodeJS.ReadableStream
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
  byKindRecipient: {kind: EventKind; recipient: string; count: number}[]
}

const LOOPBACK = /^(?:127\.|::1$|localhost$)/

function exceeds(t: Threshold | undefined, count: number, minutes: number): boolean {
  if (t === undefined) return false
  const v = t.per === 'window' ? count : t.per === 'm' ? count / minutes : (count * 60) / minutes
  return v > t.value
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

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const clock = new ZoneClock(opts.zone)
  const sources = await resolveSources(opts.paths)
  const agg = new Aggregator([['kind', 'recipient']])
  const unguardedCandidates: Record<string, number> = {}
  const input = await readLogs(
    sources,
    {zone: clock, stdin: opts.stdin, since: opts.since, until: opts.until},
    (ev) => {
      if (ev.time < opts.since || ev.time >= opts.until) return
      agg.add(ev)
      // Only deliveries into this server's own mailboxes (no remote host, or one on loopback) tell about its ACL.
      if (ev.kind === 'delivery-quota' && (ev.ip === '' || LOOPBACK.test(ev.ip)))
        unguardedCandidates[ev.recipient] = (unguardedCandidates[ev.recipient] ?? 0) + 1
    },
  )
  const rows = agg.result()[0]!.rows.map((r) => ({kind: r.keys[0] as EventKind, recipient: r.keys[1]!, count: r.count}))
  const counts = Object.fromEntries(EVENT_KINDS.map((k) => [k, agg.totals.get(k) ?? 0])) as Record<EventKind, number>
  const of = (kind: EventKind): Record<string, number> =>
    Object.fromEntries(rows.filter((r) => r.kind === kind).map((r) => [r.recipient, r.count]))
  const deferred = of('rcpt-defer')
  const discarded = of('discard-misconfig')
  const unguarded = Object.fromEntries(Object.entries(unguardedCandidates).filter(([r]) => !(r in deferred)))
  const top = rows.find((r) => r.kind === 'rcpt-defer')
  const minutes = Math.max(1, (opts.until - opts.since) / 60_000)
  const span = `the last ${describeSpan(opts.until - opts.since)}`

  const crit: string[] = []
  const warn: string[] = []
  const unknown: string[] = []
  const dropped = counts['discard-misconfig']
  if (dropped > 0) {
    const n = Object.keys(discarded).length
    crit.push(
      `${dropped} RCPT${dropped === 1 ? '' : 's'} for ${n} recipient${n === 1 ? '' : 's'} answered 250 and silently dropped by a discard in the RCPT ACL (${list(discarded)})`,
    )
  }
  const defers = counts['rcpt-defer']
  if (exceeds(opts.crit, defers, minutes))
    crit.push(`${defers} RCPT deferrals in ${span} (critical above ${opts.crit!.text})`)
  else if (exceeds(opts.warn, defers, minutes))
    warn.push(`${defers} RCPT deferrals in ${span} (warning above ${opts.warn!.text})`)
  if (top && exceeds(opts.critRecipient, top.count, minutes))
    crit.push(`${top.recipient} deferred ${top.count} times in ${span} (critical above ${opts.critRecipient!.text})`)
  else if (top && exceeds(opts.warnRecipient, top.count, minutes))
    warn.push(`${top.recipient} deferred ${top.count} times in ${span} (warning above ${opts.warnRecipient!.text})`)
  const ung = Object.keys(unguarded).length
  if (ung > 0) {
    warn.push(
      `quota check not firing at RCPT time: ${ung} recipient${ung === 1 ? '' : 's'} over quota at delivery, never deferred at RCPT (${list(unguarded)})`,
    )
  }
  const last = Math.max(...input.files.map((f) => (Number.isFinite(f.lastTime) ? f.lastTime : -Infinity)))
  if (opts.expectActivity && !(last >= opts.since)) unknown.push(`no log lines in ${span}`)

  const state: State = unknown.length ? 'UNKNOWN' : crit.length ? 'CRITICAL' : warn.length ? 'WARNING' : 'OK'
  const findings = [...unknown, ...crit, ...warn]
  if (findings.length === 0) {
    const rc = Object.keys(deferred).length
    findings.push(
      `${defers} RCPT deferral${defers === 1 ? '' : 's'} for ${rc} recipient${rc === 1 ? '' : 's'} in ${span}; no mail dropped, no quota failures at delivery`,
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
    window: {since: opts.since, until: opts.until},
    input,
    byKindRecipient: rows,
  }
}
