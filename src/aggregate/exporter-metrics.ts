// The exporter's counters: what a followed log has shown since the exporter started, as
// Prometheus counters that only ever grow (rate() and increase() work on them). Label values a
// client can choose (reasons, recipients) are bounded: the first N distinct values seen get a
// series each, the rest count under "other", so that a flood of crafted addresses cannot grow the
// exporter's memory or Prometheus' index without bound. A value is never moved between series:
// that would make a counter go down.

import {Counter, Gauge, Registry, collectDefaultMetrics} from 'prom-client'
import {DISCARD_CODE} from '../kinds.js'
import type {EximEvent, InputAccount} from '../types.js'
import {KEY_READERS, recipientKey} from './keys.js'
import {labelOf, OTHER} from './label.js'

export interface ExporterMetricsOptions {
  /** Distinct normalised reasons with a series of their own. */
  maxReasons: number
  /** Distinct recipients with a series of their own; 0: no per-recipient counters. */
  recipients: number
  version: string
  /** The log followed, as its build_info-like info series names it. */
  log: string
}

/** Keeps the first `max` distinct values; any other is OTHER. */
class BoundedLabel {
  private readonly kept = new Set<string>()
  constructor(private readonly max: number) {}
  of(value: string): string {
    if (this.kept.has(value)) return value
    if (this.kept.size >= this.max) return OTHER
    this.kept.add(value)
    return value
  }
}

/** A metric's children by label values, so that the hot path does not hash labels per event. */
class Children<C> {
  private readonly byKey = new Map<string, C>()
  constructor(private readonly make: (values: string[]) => C) {}
  // The first value is always a kind, which holds no NUL: the joined key is one per list of values.
  of(...values: string[]): C {
    const key = values.join('\u0000')
    let child = this.byKey.get(key)
    if (child === undefined) {
      child = this.make(values)
      this.byKey.set(key, child)
    }
    return child
  }
}

type CounterChild = {inc(n?: number): void}

const LINE_USES = ['event', 'duplicate', 'other', 'unparsed'] as const
const ACCOUNT_FIELD = {event: 'events', duplicate: 'duplicates', other: 'other', unparsed: 'unparsed'} as const

export class ExporterMetrics {
  readonly registry = new Registry()
  private readonly events: Children<CounterChild>
  private readonly reasons: Children<CounterChild>
  private readonly byRecipient?: Children<CounterChild>
  private readonly reasonLabel: BoundedLabel
  private readonly recipientLabel: BoundedLabel
  private readonly lastEvent: Children<{set(v: number): void}>
  private readonly lines: Counter<'use'>
  private readonly bytes: Counter
  private readonly rotations: Counter<'how'>
  private readonly unrecovered: Counter
  private readonly counted = {lines: {event: 0, duplicate: 0, other: 0, unparsed: 0}, bytes: 0}

  constructor(opts: ExporterMetricsOptions) {
    const registers = [this.registry]
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
      new Counter({name, help, labelNames, registers})
    const children = <L extends string>(m: Counter<L>) => new Children((v) => m.labels(...v) as CounterChild)
    this.events = children(
      counter('exim_rejects_events_total', 'Events read from the log, by kind and SMTP code', ['kind', 'code']),
    )
    this.reasons = children(
      counter(
        'exim_rejects_reason_events_total',
        `Events by kind and normalised reason (the first ${opts.maxReasons} reasons seen; the rest as "${OTHER}")`,
        ['kind', 'reason'],
      ),
    )
    if (opts.recipients > 0)
      this.byRecipient = children(
        counter(
          'exim_rejects_recipient_events_total',
          `Events by kind and recipient (the first ${opts.recipients} recipients seen; the rest as "${OTHER}")`,
          ['kind', 'recipient'],
        ),
      )
    this.reasonLabel = new BoundedLabel(opts.maxReasons)
    this.recipientLabel = new BoundedLabel(opts.recipients)
    const last = new Gauge({
      name: 'exim_rejects_last_event_timestamp_seconds',
      help: 'Time the log gives for the last event of each kind, as a Unix timestamp',
      labelNames: ['kind'],
      registers,
    })
    this.lastEvent = new Children((v) => last.labels(...v))
    this.lines = counter('exim_rejects_lines_total', 'Log lines read, by what they were used for', ['use'])
    this.bytes = new Counter({
      name: 'exim_rejects_log_bytes_read_total',
      help: 'Bytes of log text read',
      registers,
    })
    this.rotations = counter(
      'exim_rejects_log_rotations_total',
      'Rotations of the followed log seen: a new file at its path (rename) or the file truncated (copytruncate)',
      ['how'],
    )
    this.unrecovered = new Counter({
      name: 'exim_rejects_log_truncations_unrecovered_total',
      help:
        'Truncations of the followed log (copytruncate) after which no plain copy beside it held what was ' +
        'written since the last read: those lines were not read',
      registers,
    })
    const info = new Gauge({
      name: 'exim_rejects_exporter_info',
      help: 'The exporter version and the log it follows (always 1)',
      labelNames: ['version', 'log'],
      registers,
    })
    info.set({version: opts.version, log: opts.log}, 1)
    // Series with known labels start at zero, so that their first line or rotation is an increase:
    // the first discard too (its code is always the same), which an alert must not miss.
    this.events.of('discard-misconfig', DISCARD_CODE).inc(0)
    for (const use of LINE_USES) this.lines.labels(use).inc(0)
    for (const how of ['rename', 'truncate']) this.rotations.labels(how).inc(0)
    collectDefaultMetrics({register: this.registry})
  }

  event(ev: EximEvent): void {
    this.events.of(ev.kind, ev.code).inc()
    this.reasons.of(ev.kind, this.reasonLabel.of(labelOf(KEY_READERS.reason(ev)))).inc()
    this.byRecipient?.of(ev.kind, this.recipientLabel.of(labelOf(recipientKey(ev.recipient)))).inc()
    this.lastEvent.of(ev.kind).set(ev.time / 1000)
  }

  /** Brings the line and byte counters up to the reader's accounting so far (it only grows). */
  account(acct: InputAccount): void {
    for (const use of LINE_USES) {
      const now = acct[ACCOUNT_FIELD[use]]
      const delta = now - this.counted.lines[use]
      if (delta > 0) this.lines.labels(use).inc(delta)
      this.counted.lines[use] = now
    }
    const delta = acct.bytes - this.counted.bytes
    if (delta > 0) this.bytes.inc(delta)
    this.counted.bytes = acct.bytes
  }

  rotated(how: 'rotated' | 'truncated', copy?: string): void {
    this.rotations.labels(how === 'rotated' ? 'rename' : 'truncate').inc()
    if (how === 'truncated' && copy === undefined) this.unrecovered.inc()
  }

  /** The text Prometheus scrapes, and its content type. */
  async scrape(): Promise<{body: string; contentType: string}> {
    return {body: await this.registry.metrics(), contentType: this.registry.contentType}
  }
}
