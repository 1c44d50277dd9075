// The events service: one row per event, streamed in log order as the logs are read (or as a
// followed log grows), through the chosen event format. No oclif here.

import {buildPredicate, type FilterOptions} from '../filter/predicate.js'
import {followSource, resolveSources} from '../input/sources.js'
import {followLog} from '../read/follow-log.js'
import {readWithState, type StateRun} from '../read/state-run.js'
import {EVENT_PRINTERS, type EventFormat, type PrintContext} from '../render/event-formats.js'
import type {Writer} from '../render/writer.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'
import type {EventSink} from '../types.js'

export interface EventsOptions extends Omit<PrintContext, 'tz' | 'now'> {
  paths: string[]
  filter: FilterOptions
  zone: ZoneSpec
  format: EventFormat
  keepGoing?: boolean
  onInputError?: (err: Error) => void
  /** Told as each input is opened. */
  onOpen?: (name: string) => void
  follow: boolean
  signal?: AbortSignal
  /** Told once a followed log is open: from then on every line appended is read. */
  onFollowing?: (name: string, position: number) => void
  /** Told when the followed log was rotated or truncated (`copy`: where the rest was read from). */
  onRestart?: (name: string, how: 'rotated' | 'truncated', copy?: string) => void
  stdin?: NodeJS.ReadableStream
  now?: Date
  pollMs?: number
  /** --state: read only what is new since the last run (opened and committed by the caller). */
  state?: StateRun
}

export async function runEvents(opts: EventsOptions, out: Writer & {flush?(): void}): Promise<void> {
  const clock = new ZoneClock(opts.zone)
  const format = EVENT_PRINTERS[opts.format]
  const tz = (t: number): number => clock.offsetOfInstant(t)
  const printer = format.open(out, {...opts, tz, now: (opts.now ?? new Date()).getTime()})
  const state = opts.state
  // After a first run, the window is what is new since the last one: --since no longer applies.
  const resumed = state !== undefined && !state.first
  const filter = resumed ? {...opts.filter, since: undefined, until: undefined} : opts.filter
  const keep = buildPredicate(filter)
  const sink: EventSink = {
    event(ev) {
      if (keep(ev)) printer.event(ev)
    },
  }
  const read = {
    zone: clock,
    kinds: opts.filter.kinds,
    stdin: opts.stdin,
    since: filter.since,
    until: filter.until,
    now: opts.now,
    keepRaw: format.rawLines,
    // CSV, NDJSON and raw lines show each event's line number; the table does not.
    lineNumbers: opts.format !== 'table',
    keepGoing: opts.keepGoing,
    onInputError: opts.onInputError,
    onOpen: opts.onOpen,
  }
  if (opts.follow) {
    const src = await followSource(opts.paths)
    // Rows go out as they come when following, not when a buffer fills.
    const follow = {
      ...read,
      fromStart: opts.filter.since !== undefined,
      lineNumbers: true,
      signal: opts.signal,
      pollMs: opts.pollMs,
      onPoll: () => out.flush?.(),
      onReady: opts.onFollowing,
      onRestart: (how: 'rotated' | 'truncated', copy?: string) => opts.onRestart?.(src.name, how, copy),
    }
    await followLog(src, follow, {
      event(ev) {
        sink.event(ev)
        out.flush?.()
      },
    })
  } else {
    const sources = await resolveSources(opts.paths, {keepGoing: opts.keepGoing, onError: opts.onInputError})
    await readWithState(state, sources, read, sink)
  }
  printer.end()
}
