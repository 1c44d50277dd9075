// The columns of one event row, shared by the event formats (the contract's CSV order).

import {hostLabel} from '../aggregate/keys.js'
import {normalizeReason} from '../aggregate/reason.js'
import type {EventSink, EximEvent} from '../types.js'
import {isoTime} from '../time/format.js'

export const EVENT_COLUMNS = [
  'time',
  'kind',
  'recipient',
  'sender',
  'host',
  'helo',
  'ip',
  'port',
  'code',
  'reason',
  'message',
  'file',
  'line',
] as const
export type EventColumn = (typeof EVENT_COLUMNS)[number]

export function eventRecord(ev: EximEvent): Record<EventColumn, string | number> {
  return {
    time: isoTime(ev.time, ev.tz),
    kind: ev.kind,
    recipient: ev.recipient,
    sender: ev.sender,
    host: hostLabel(ev),
    helo: ev.helo,
    ip: ev.ip,
    port: ev.port,
    code: ev.code,
    reason: normalizeReason(ev.reason),
    message: ev.reason,
    file: ev.file,
    line: ev.line,
  }
}

/** An event format: a sink that prints each event as it comes, and ends the output. */
export interface EventPrinter extends EventSink {
  end(): void
}
