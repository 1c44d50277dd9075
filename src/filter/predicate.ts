// Options -> one predicate over events. Different filters combine with AND; a filter given
// several times matches any of its values (OR).

import {backtrackRisk} from './regex-safety.js'
import {usageError} from '../errors.js'
import type {EventKind, EximEvent} from '../types.js'
import {globMatcher, type Matcher} from './glob.js'
import {ipMatcher} from './ip.js'

export interface FilterOptions {
  kinds: ReadonlySet<EventKind>
  /** Epoch ms, inclusive; undefined for no bound. */
  since?: number
  /** Epoch ms, exclusive. */
  until?: number
  recipient?: string[]
  sender?: string[]
  host?: string[]
  domain?: string[]
  ip?: string[]
  reason?: string[]
}

export type EventPredicate = (ev: EximEvent) => boolean

const anyOf =
  (matchers: Matcher[]): Matcher =>
  (s) =>
    matchers.some((m) => m(s))

/** `--reason`: a case-insensitive substring, or `/regex/flags`. */
export function reasonMatcher(spec: string): Matcher {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(spec)
  if (m === null) {
    const needle = spec.toLowerCase()
    return (s) => s.toLowerCase().includes(needle)
  }
  let re: RegExp
  try {
    re = new RegExp(m[1]!, m[2]!.replace(/[gy]/g, ''))
  } catch (err) {
    throw usageError('--reason', `a substring or a valid /regex/ (${(err as Error).message})`, spec)
  }
  const risk = backtrackRisk(m[1]!)
  if (risk !== null)
    throw usageError(
      '--reason',
      `a /regex/ that runs in time on any message; this one has ${risk}, which can take exponential time ` +
        '(write (a|b)+ as [ab]+, (x+)+ as x+)',
      spec,
    )
  return (s) => re.test(s)
}

const domainOf = (addr: string): string => addr.slice(addr.lastIndexOf('@') + 1)

export function buildPredicate(f: FilterOptions): EventPredicate {
  const tests: EventPredicate[] = [(ev) => f.kinds.has(ev.kind)]
  if (f.since !== undefined) {
    const since = f.since
    tests.push((ev) => ev.time >= since)
  }
  if (f.until !== undefined) {
    const until = f.until
    tests.push((ev) => ev.time < until)
  }
  if (f.recipient?.length) {
    const m = anyOf(f.recipient.map(globMatcher))
    tests.push((ev) => m(ev.recipient))
  }
  if (f.sender?.length) {
    const m = anyOf(f.sender.map(globMatcher))
    tests.push((ev) => m(ev.sender))
  }
  if (f.domain?.length) {
    const m = anyOf(f.domain.map(globMatcher))
    tests.push((ev) => ev.recipient.includes('@') && m(domainOf(ev.recipient)))
  }
  if (f.host?.length) {
    // The sending host's verified name or its HELO.
    const m = anyOf(f.host.map(globMatcher))
    tests.push((ev) => (ev.hostName !== '' && m(ev.hostName)) || (ev.helo !== '' && m(ev.helo)))
  }
  if (f.ip?.length) {
    const m = ipMatcher(f.ip)
    tests.push((ev) => m(ev.ip))
  }
  if (f.reason?.length) {
    const m = anyOf(f.reason.map(reasonMatcher))
    tests.push((ev) => m(ev.reason))
  }
  return (ev) => {
    for (const t of tests) if (!t(ev)) return false
    return true
  }
}
