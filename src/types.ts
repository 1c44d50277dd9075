// Shared shapes of the pipeline: what every stage hands the next.
// Stages import types from here, never each other's internals.

import type {EventKind} from './kinds.js'

export {DEFAULT_KINDS, EVENT_KINDS, type EventKind} from './kinds.js'

export const LOG_TYPES = ['main', 'reject', 'panic'] as const
export type LogType = (typeof LOG_TYPES)[number]

/** One event, built from one log line (or a discard pair). Strings are fresh copies, never slices of a chunk. */
export interface EximEvent {
  kind: EventKind
  /** Epoch milliseconds. */
  time: number
  /** Minutes east of UTC in which the log wrote this time; used to print it back the way the log had it. */
  tz: number
  /** Process id when the log carried one, else -1. */
  pid: number
  /** Exim message id, '' for RCPT-time events. */
  msgid: string
  /** Recipient as the client typed it, without angle brackets; '' when unknown. */
  recipient: string
  /** Envelope sender without angle brackets; '<>' for the null sender; '' when not logged. */
  sender: string
  /** Verified host name ('' if none). */
  hostName: string
  /** HELO/EHLO argument ('' if none). */
  helo: string
  ip: string
  /** Client port, '' when not logged. */
  port: string
  /** SMTP code the client was answered with (or the delivery reply's code). */
  code: string
  /** The message Exim logged for this event. */
  reason: string
  /** Input display name and 1-based physical line number of the line that made the event. */
  file: string
  line: number
  /** The log line(s) the event came from, kept only when a consumer asked for them. */
  raw?: RawLine[]
}

/** Where the reader hands each event it builds: a report's filter and counts, a printer, a check. */
export interface EventSink {
  event(ev: EximEvent): void
}

export interface RawLine {
  file: string
  line: number
  text: string
  /** The line as the file holds it (invalid UTF-8 and a CR kept), when read from a plain log. */
  bytes?: Buffer
}

/** Per-input line accounting: lines = events + duplicates + other + unparsed. */
export interface FileAccount {
  path: string
  logType: LogType
  compression: string
  /** Bytes of log text read (after decompression). */
  bytes: number
  /** Bytes read from disk when the input was compressed. */
  compressedBytes?: number
  /**
   * Bytes on disk left unread because the time window proves they hold nothing in it: before
   * where a seek started (--since), after where it stopped (--until), or the whole file.
   */
  bytesSkipped?: number
  lines: number
  events: number
  duplicates: number
  other: number
  unparsed: number
  oversized: number
  invalidUtf8: number
  /** Lines per event kind (a discard pair counts its two lines). */
  byKind: Record<string, number>
  /** Time of the first and last timestamped line, epoch ms, or NaN. */
  firstTime: number
  lastTime: number
  /** How the lines were wrapped: plain Exim log, syslog, or journald JSON. */
  framing: string
  /** Why the file was not read, when the time window proved it holds nothing in it. */
  skipped?: string
  /** Why reading stopped (with --keep-going): what came before is counted. */
  error?: string
}

export interface UnparsedSample {
  file: string
  line: number
  text: string
}

export interface InputAccount {
  files: FileAccount[]
  lines: number
  bytes: number
  /** Bytes the time window let the reader pass over (see FileAccount.bytesSkipped). */
  bytesSkipped: number
  events: number
  duplicates: number
  other: number
  unparsed: number
  oversized: number
  invalidUtf8: number
  byKind: Record<string, number>
  samples: UnparsedSample[]
}
