// The check service: is the quota ACL firing, is mail being lost? Reads the window (default the
// last hour), counts events per kind and recipient, and has the verdict judged. No oclif and no
// output here; the command renders the verdict.

import {Aggregator} from '../aggregate/aggregator.js'
import {recipientKey} from '../aggregate/keys.js'
import {askQuotaStatus} from '../input/quota-status.js'
import {resolveSources} from '../input/sources.js'
import {EVENT_KINDS, type EventKind} from '../kinds.js'
import type {EventSink} from '../types.js'
import {readWithState, type StateRun} from '../read/state-run.js'
import {offsetLabel, wallTime} from '../time/format.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import {type CheckResult, judge, type Limits} from '../verdict/judge.js'

export interface CheckOptions extends Limits {
  paths: string[]
  /** Ask Dovecot's quota-status on this socket too (--quota-socket). */
  quotaSocket?: string
  /** The recipient to ask about. */
  probeRecipient?: string
  /** How long to wait for its answer, as the ACL's readsocket does. */
  probeTimeoutMs?: number
  zone: ZoneSpec
  stdin?: NodeJS.ReadableStream
  /** Told as each input is opened. */
  onOpen?: (name: string) => void
  /** --state: check what is new since the last run (opened and committed by the caller). */
  state?: StateRun
}

const LOOPBACK = /^(?:127\.|::1$|localhost$)/

/** Asked about when no --probe-recipient is given: any answer (NOUSER, most likely) shows the service works. */
export const DEFAULT_PROBE_RECIPIENT = 'postmaster'

/** When the last run was, in the reports' zone, as the status line says it. */
function sinceWords(t: number, clock: ZoneClock): string {
  const tz = clock.offsetOfInstant(t)
  return `${wallTime(t, tz)} (${offsetLabel(tz)})`
}

export async function runCheck(given: CheckOptions): Promise<CheckResult> {
  const clock = new ZoneClock(given.zone)
  const state = given.state
  const lastRun = state?.lastRun ?? null
  // After a first run, the window is what is new since the last one, whatever its lines' times.
  const opts: CheckOptions =
    lastRun === null
      ? given
      : {...given, since: lastRun, until: state!.now, span: `since the last run at ${sinceWords(lastRun, clock)}`}
  const window = lastRun === null ? {since: opts.since, until: opts.until} : {since: -Infinity, until: Infinity}
  const found = await resolveSources(opts.paths)
  const agg = new Aggregator([['kind', 'recipient']])
  const localQuota: Record<string, number> = {}
  const read = {zone: clock, stdin: opts.stdin, ...window, onOpen: opts.onOpen}
  const probe = opts.quotaSocket
    ? askQuotaStatus(opts.quotaSocket, opts.probeRecipient ?? DEFAULT_PROBE_RECIPIENT, opts.probeTimeoutMs ?? 5000)
    : undefined
  const sink: EventSink = {
    event(ev) {
      if (ev.time < window.since || ev.time >= window.until) return
      agg.add(ev)
      // Only deliveries into this server's own mailboxes (no remote host, or one on loopback) tell about its ACL.
      if (ev.kind === 'delivery-quota' && (ev.ip === '' || LOOPBACK.test(ev.ip)))
        localQuota[recipientKey(ev.recipient)] = (localQuota[recipientKey(ev.recipient)] ?? 0) + 1
    },
  }
  const input = await readWithState(state, found, read, sink)
  const byKindRecipient = agg.result()[0]!.rows.map((r) => ({
    kind: r.keys[0] as EventKind,
    recipient: r.keys[1]!,
    count: r.count,
  }))
  const counts = Object.fromEntries(EVENT_KINDS.map((k) => [k, agg.totals.get(k) ?? 0])) as Record<EventKind, number>
  const looked = opts.paths
  return judge(
    {counts, byKindRecipient, localQuota, input, looked, probe: await probe, resumed: lastRun !== null},
    opts,
  )
}
