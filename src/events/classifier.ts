// Turns candidate log lines into events: picks the rule for the line's shape, pairs the
// incorrect-digit line with the discard that follows it, and counts main-log events once when
// the reject and panic logs are read too. Emits events through a callback; does no I/O.

import {DISCARD_CODE, PHRASES} from '../kinds.js'
import {quotaKey} from '../quota-links.js'
import type {Identity} from '../parse/fields.js'
import {parsePrefix, type Prefix} from '../parse/prefix.js'
import type {ZoneClock} from '../time/zone.js'
import type {EventKind, EximEvent, LogType, RawLine} from '../types.js'
import {SeenEvents} from './dedupe.js'
import {
  type AclLine,
  hasAclVerb,
  isQuotaFailure,
  readAclLine,
  readDeliveryFailure,
  readIncorrectDigit,
  replyCode,
} from './rules.js'
import {answeredCode, leadingCode} from './smtp-code.js'

/**
 * How a line was used: it made (or completed) an event of a kind, repeated one, is other, or
 * is an event line that cannot be read (unparsed, kept as a sample).
 */
export type LineUse = EventKind | 'duplicate' | 'other' | 'unparsed'

export interface ClassifierOptions {
  zone: ZoneClock
  /** Keep each event's source lines (for raw output). */
  keepRaw?: boolean
  /** Remember main-log events so reject/panic copies count once (set when those logs are read too). */
  dedupe?: boolean
  /**
   * Message id + recipient of quota failures seen so far (with the time of the first), shared with
   * whoever read the input before.
   */
  quotaSeen?: Map<string, number>
  /** Remember at most this many quota failures, forgetting the oldest (a long follow; default: all). */
  quotaKeep?: number
  /**
   * A delivery line that would complete a quota event if its message and recipient had failed for
   * quota earlier: told, so that a reader of the input's earlier part can settle it.
   */
  onUnsettledFollowUp?: (key: string, time: number) => void
  /**
   * The rejection kinds whose events are wanted (default: all). A line of another kind is still
   * read and counted as that kind; only its event is not built.
   */
  wanted?: ReadonlySet<EventKind>
  /**
   * For a read that started past the top of its file: the time of a quota failure of this message
   * and recipient in the part not read, or undefined. A failure there makes this one a later attempt.
   */
  priorFailure?: (msgid: string, key: string) => number | undefined
}

/** An incorrect-digit line waiting for its discard (plain data: it may cross threads). */
export interface PendingDigit {
  naive: number
  pid: number
  message: string
  event: EximEvent
}

// The digit line and its discard are written by one process within the same second; anything
// further apart is not a pair.
const PAIR_WINDOW_MS = 1000
const PENDING_LIMIT = 1000

/**
 * How long, and how many of, the quota failures are remembered to tell their retries from new
 * failures across a long follow or runs with --state: Exim gives up on a message some days after
 * its first failure (the default retry rule ends at 4 days), and the count only matters on a
 * server with more than that in a week.
 */
export const QUOTA_HORIZON_MS = 7 * 24 * 3600_000
export const QUOTA_KEEP = 50_000

export class Classifier {
  private file = ''
  private logType: LogType = 'main'
  private pending: PendingDigit[] = []
  // The bytes of the line being classified, when the events keep their lines as written.
  private lineBytes: Buffer | undefined = undefined
  private readonly seen = new SeenEvents()
  // Message id + recipient of deliveries that failed for quota: later attempts and their
  // skipped-until-retry lines belong to the same event.
  private readonly quotaHit: Map<string, number>

  constructor(
    private readonly opts: ClassifierOptions,
    private readonly emit: (ev: EximEvent) => void,
  ) {
    this.quotaHit = opts.quotaSeen ?? new Map()
  }

  /** The main-log events remembered for de-duplication, to hand to another classifier. */
  seenDump(): [number, number][] {
    return this.seen.dump()
  }

  seenAbsorb(d: [number, number][]): void {
    this.seen.absorb(d)
  }

  beginFile(file: string, logType: LogType): void {
    this.file = file
    this.logType = logType
  }

  /**
   * Whether an incorrect-digit line still waits for a discard that may open an input whose first
   * line is at `first` (an instant; NaN when not known). Lines too old to pair with it are emitted now.
   */
  waitingFor(first: number): boolean {
    while (this.pending.length > 0 && this.pending[0]!.event.time < first - 2 * PAIR_WINDOW_MS)
      this.emit(this.pending.shift()!.event)
    return this.pending.length > 0
  }

  /** Gives up the incorrect-digit lines still waiting, for the reader of what comes next to take on. */
  handOver(): PendingDigit[] {
    return this.pending.splice(0)
  }

  /** Takes on incorrect-digit lines another classifier (of the input just before) handed over. */
  takeOver(waiting: PendingDigit[]): void {
    this.pending.push(...waiting)
  }

  /**
   * Forgets the quota failures of messages that failed before `time` (an instant): a long follow
   * keeps its memory flat. Exim gives up on a message some days after its first failure (the
   * default retry rule ends at 4 days), so a horizon past that loses no follow-up.
   */
  forgetQuotaBefore(time: number): void {
    // Failures are remembered in log order: the oldest come first.
    for (const [key, t] of this.quotaHit) {
      if (t >= time) break
      this.quotaHit.delete(key)
    }
  }

  /**
   * Emits what still waits for a line that may complete it (incorrect-digit lines without their
   * discard): at the end of the input, or when no more lines are coming for now. Not at the end
   * of each file: a rotated set's next file may start with the discard.
   */
  settle(): void {
    this.flushPending(Infinity)
  }

  /**
   * Classifies one timestamped line that carries an event phrase. `pre` is given when the time
   * and pid came from a wrapper (syslog, journald) rather than from the line itself.
   */
  candidate(s: string, lineNo: number, pre: Prefix = parsePrefix(s), bytes?: Buffer): LineUse {
    if (Number.isNaN(pre.naive)) return 'other'
    this.lineBytes = bytes
    this.flushPending(pre.naive - 2 * PAIR_WINDOW_MS)
    const t = pre.text
    if (pre.msgid !== '' && (s.startsWith('== ', t) || s.startsWith('** ', t))) return this.deliveryLine(s, lineNo, pre)
    if (s.startsWith(PHRASES.incorrectDigit, t)) return this.digitLine(s, lineNo, pre)
    // What the line is, read from its verb: an event phrase inside an address is data.
    const acl = readAclLine(s, t)
    // An ACL's verb where the identity block ends, but an argument that cannot be read: a line
    // to show as a sample, not to guess an event from.
    if (acl === null) return s.includes(PHRASES.rcpt, t) && hasAclVerb(s, t) ? 'unparsed' : 'other'
    return acl.verb === 'discarded' ? this.discardLine(s, lineNo, pre, acl) : this.rejectionLine(s, lineNo, pre, acl)
  }

  private rejectionLine(s: string, lineNo: number, pre: Prefix, r: AclLine): LineUse {
    const kind: EventKind =
      r.stage === 'rcpt' ? (r.temporary ? 'rcpt-defer' : 'rcpt-reject') : r.temporary ? 'data-defer' : 'data-reject'
    if (this.opts.dedupe && this.isCopy(`${kind}|${pre.naive}|${pre.pid}|${s.slice(pre.text)}`)) return 'duplicate'
    if (this.opts.wanted !== undefined && !this.opts.wanted.has(kind)) return kind
    const ev = this.makeEvent(kind, s, lineNo, pre)
    setParties(ev, r.recipient, r.id)
    ev.reason = r.message
    ev.code = answeredCode(r.message, r.temporary ? '451' : '550')
    this.emit(ev)
    return kind
  }

  private deliveryLine(s: string, lineNo: number, pre: Prefix): LineUse {
    const d = readDeliveryFailure(s, pre.text)
    if (d === null || d.address === '') return 'other'
    const recipient = d.address
    const key = quotaKey(pre.msgid, recipient)
    if (this.quotaHit.has(key)) {
      // A later attempt, the final bounce, or a skipped retry for the same message and mailbox.
      return d.failed || d.message.startsWith(PHRASES.retryNotReached) || isQuotaFailure(d.message)
        ? 'delivery-quota'
        : 'other'
    }
    if (!isQuotaFailure(d.message)) {
      if (d.failed || d.message.startsWith(PHRASES.retryNotReached))
        this.opts.onUnsettledFollowUp?.(key, this.opts.zone.instant(pre.naive, pre.offset))
      return 'other'
    }
    const prior = this.opts.priorFailure?.(pre.msgid, key)
    if (prior !== undefined) {
      this.quotaHit.set(key, prior)
      return 'delivery-quota'
    }
    if (this.opts.dedupe && this.isCopy(`delivery|${pre.naive}|${pre.pid}|${s.slice(pre.text)}`)) return 'duplicate'
    const ev = this.makeEvent('delivery-quota', s, lineNo, pre)
    this.quotaHit.set(key, ev.time)
    if (this.quotaHit.size > (this.opts.quotaKeep ?? Infinity)) this.quotaHit.delete(this.quotaHit.keys().next().value!)
    ev.recipient = recipient
    ev.reason = d.message
    ev.code = replyCode(d.message)
    if (d.id !== null) {
      ev.hostName = d.id.hostName
      ev.ip = d.id.ip
      ev.port = d.id.port
    }
    this.emit(ev)
    return 'delivery-quota'
  }

  private discardLine(s: string, lineNo: number, pre: Prefix, d: AclLine): LineUse {
    if (this.opts.dedupe && this.isCopy(`discard|${pre.naive}|${pre.pid}|${s.slice(pre.text)}`)) return 'duplicate'
    const digit = this.takePending(pre, d.message)
    // Without its digit line (a reject log read alone) the wrong code still shows in the message.
    const code = leadingCode(d.message)
    if (digit === null && (code === '' || code.charCodeAt(0) === 50)) return 'other'
    const ev = digit?.event ?? this.makeEvent('discard-misconfig', s, lineNo, pre)
    if (digit !== null) {
      // The pair is one event, told by the discard line: it has the recipient, host and sender.
      const own = this.makeEvent('discard-misconfig', s, lineNo, pre)
      ev.time = own.time
      ev.tz = own.tz
      ev.line = lineNo
      ev.file = this.file
      if (ev.raw) ev.raw.push(this.rawLine(s, lineNo))
    } else if (this.opts.dedupe) {
      this.seen.add(digitKey(pre.naive, pre.pid, d.message))
    }
    setParties(ev, d.recipient, d.id)
    if (d.message !== '') ev.reason = d.message
    this.emit(ev)
    return 'discard-misconfig'
  }

  private digitLine(s: string, lineNo: number, pre: Prefix): LineUse {
    const g = readIncorrectDigit(s, pre.text)
    // Only a 2 was expected for accept/discard; 4 and 5 are deny/defer lines that log their own rejection.
    if (g === null || g.expected !== '2') return 'other'
    const key = digitKey(pre.naive, pre.pid, g.message)
    if (this.opts.dedupe && this.logType !== 'main') {
      // The discard that followed may have been logged in the next second.
      if (this.seen.take(key) || this.seen.take(digitKey(pre.naive + 1000, pre.pid, g.message))) return 'duplicate'
    } else if (this.opts.dedupe) {
      this.seen.add(key)
    }
    const ev = this.makeEvent('discard-misconfig', s, lineNo, pre)
    ev.reason = g.message
    if (this.pending.length >= PENDING_LIMIT) this.flushPending(Infinity)
    this.pending.push({naive: pre.naive, pid: pre.pid, message: g.message, event: ev})
    return 'discard-misconfig'
  }

  /** The digit line a discard completes: same process, same second, preferably the same text. */
  private takePending(pre: Prefix, message: string): PendingDigit | null {
    let best = -1
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i]!
      if (p.pid !== pre.pid) continue
      if (pre.naive - p.naive > PAIR_WINDOW_MS || p.naive > pre.naive) continue
      if (p.message === message) {
        best = i
        break
      }
      if (best === -1 || i < best) best = i
    }
    if (best === -1) return null
    return this.pending.splice(best, 1)[0]!
  }

  /** Emits digit lines that found no discard before `before` (wall-clock ms) as events of their own. */
  private flushPending(before: number): void {
    while (this.pending.length > 0 && this.pending[0]!.naive < before) this.emit(this.pending.shift()!.event)
  }

  /** In a reject or panic log read with its main log, true when the main log had this event already. */
  private isCopy(key: string): boolean {
    if (!this.opts.dedupe) return false
    if (this.logType === 'main') {
      this.seen.add(key)
      return false
    }
    return this.seen.take(key)
  }

  private makeEvent(kind: EventKind, s: string, lineNo: number, pre: Prefix): EximEvent {
    const tz = this.opts.zone.offsetFor(pre.naive, pre.offset)
    const ev: EximEvent = {
      kind,
      time: pre.naive - tz * 60_000,
      tz,
      pid: pre.pid,
      msgid: pre.msgid,
      recipient: '',
      sender: '',
      hostName: '',
      helo: '',
      ip: '',
      port: '',
      code: kind === 'discard-misconfig' ? DISCARD_CODE : '',
      reason: '',
      file: this.file,
      line: lineNo,
    }
    if (this.opts.keepRaw) ev.raw = [this.rawLine(s, lineNo)]
    return ev
  }

  private rawLine(text: string, line: number): RawLine {
    const raw: RawLine = {file: this.file, line, text}
    // A copy of the chunk's bytes, made only for a line an event keeps.
    if (this.lineBytes !== undefined) raw.bytes = Buffer.from(this.lineBytes)
    return raw
  }

  /** Events keep their source lines (for raw output). */
  get keepsRaw(): boolean {
    return this.opts.keepRaw === true
  }
}

/** Recipient (as the client wrote it), sender and sending host of an event, from its line's identity block. */
function setParties(ev: EximEvent, recipient: string, id: Identity): void {
  ev.recipient = recipient
  ev.sender = id.sender ?? ''
  ev.hostName = id.hostName
  ev.helo = id.helo
  ev.ip = id.ip
  ev.port = id.port
}

function digitKey(naive: number, pid: number, message: string): string {
  return `digit|${naive - (naive % 1000)}|${pid}|${message}`
}
