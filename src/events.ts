// The events service: one row per event, streamed in log order as the logs are read (or as a
// followed log grows), through the chosen event format. No oclif here.

import type {FilterOptions} from './filter/predicate.js'
import {buildPredicate} from './filter/predicate.js'
import {followSource, resolveSources} from './input/sources.js'
import {ZoneClock, type ZoneSpec} from './time/zone.js'
import {followLog, readLogs} from './pipeline.js'
import {safeCell} from './render/csv.js'
import {csvEvents} from './render/event-csv.js'
import type {EventSink} from './render/event-fields.js'
import {ndjsonEvents} from './render/event-ndjson.js'
import {rawEvents} from './render/event-raw.js'
import {tableEvents} from './render/event-table.js'
import {painter} from './render/text.js'
import type {Writer} from './render/writer.js'

export const EVENT_FORMATS = ['table', 'csv', 'ndjson', 'raw'] as const
export type EventFormat = (typeof EVENT_FORMATS)[number]

export interface EventsOptions {
  paths: string[]
  filter: FilterOptions
  zone: ZoneSpec
  format: EventFormat
  color: boolean
  /** Terminal width for the table. */
  width: number
  /** Standard output is a terminal (raw lines are then shown with control characters escaped). */
  terminal?: boolean
  /** CSV cells as logged, without the spreadsheet-formula guard. */
  csvRaw?: boolean
  keepGoing?: boolean
  onInputError?: (err: Error) => void
  follow: boolean
  signal?: AbortSignal
  stdin?: NodeJS.ReadableStream
  now?: Date
  pollMs?: number
}

export function eventSink(
  format: EventFormat,
  out: Writer,
  color: boolean,
  width: number,
  terminal = false,
  csvRaw = false,
): EventSink {
  const paint = painter(color)
  switch (format) {
    case 'table':
      return tableEvents(out, paint, width)
    case 'csv':
      return csvEvents(out, safeCell(csvRaw))
    case 'ndjson':
      return ndjsonEvents(out)
    case 'raw':
      return rawEvents(out, paint, terminal)
  }
}

export async function runEvents(opts: EventsOptions, out: Writer & {flush?(): void}): Promise<void> {
  const clock = new ZoneClock(opts.zone)
  const sink = eventSink(opts.format, out, opts.color, opts.width, opts.terminal, opts.csvRaw)
  const keep = buildPredicate(opts.filter)
  const onEvent = (ev: Parameters<EventSink['event']>[0]): void => {
    if (keep(ev)) sink.event(ev)
  }
  const read = {
    zone: clock,
    kinds: opts.filter.kinds,
    stdin: opts.stdin,
    since: opts.filter.since,
    until: opts.filter.until,
    now: opts.now,
    keepRaw: opts.format === 'raw',
    keepGoing: opts.keepGoing,
    onInputError: opts.onInputError,
  }
  if (opts.follow) {
    const src = await followSource(opts.paths)
    // Rows go out as they come when following, not when a buffer fills.
    await followLog(
      src,
      {
        ...read,
        fromStart: opts.filter.since !== undefined,
        signal: opts.signal,
        pollMs: opts.pollMs,
        onPoll: () => out.flush?.(),
      },
      (ev) => {
        onEvent(ev)
        out.flush?.()
      },
    )
  } else {
    await readLogs(
      await resolveSources(opts.paths, {keepGoing: opts.keepGoing, onError: opts.onInputError}),
      read,
      onEvent,
    )
  }
  sink.end()
}
