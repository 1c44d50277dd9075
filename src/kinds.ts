// What an event kind is, in one table: what Exim wrote for it, what it means to an admin, how
// it is coloured on a terminal and on the page, and its name in Nagios perfdata. The phrases
// Exim writes for the lines that make events are spelled here and nowhere else: the scanner,
// the rules, the log-type sniffer and every renderer read them from this module.

/** The words of Exim's log lines that make events (smtp_in.c, acl.c, deliver.c). */
const REJECTED = 'rejected '
const DISCARDED_BY = 'discarded by '
export const PHRASES = {
  /** `... rejected RCPT <r>: msg`, `... rejected after DATA: msg`, and many rejections of other kinds. */
  rejected: REJECTED,
  /** What a `defer` verdict logs in front of `rejected `. */
  temporarilyRejected: `temporarily ${REJECTED}`,
  /** The command a rejection or discard is about, as logged after the verb. */
  rcpt: 'RCPT ',
  afterData: 'after DATA',
  /** Any ACL's discard (`discarded by MAIL ACL`, ...): a reject-log mark. */
  discardedBy: DISCARDED_BY,
  /** `... RCPT <r>: discarded by RCPT ACL: msg`: the sender was answered 250 and the mail dropped. */
  discarded: `${DISCARDED_BY}RCPT ACL`,
  /** smtp_message_code(): a configured message whose code's class is not the verdict's. */
  incorrectDigit: 'configured error code starts with incorrect digit (expected ',
  /** A delivery of a message whose earlier attempt failed, skipped until its retry time. */
  retryNotReached: 'retry time not reached',
} as const

export const EVENT_KINDS = [
  'rcpt-defer',
  'rcpt-reject',
  'discard-misconfig',
  'delivery-quota',
  'data-defer',
  'data-reject',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export const DEFAULT_KINDS: readonly EventKind[] = ['rcpt-defer', 'discard-misconfig']

/** What a discard answers the client, whatever message the ACL gave: the mail is accepted. */
export const DISCARD_CODE = '250'

/** The terminal colours the text formats use. */
export type TerminalColor = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan'

export interface KindInfo {
  /** What happened to the mail, in a few words: the verdicts and banners say it with counts. */
  outcome: string
  /** What it means to the admin, in a few words (summary, page, help). */
  meaning: string
  /** What Exim wrote (help, manual). */
  trigger: string
  /** Colour of the kind's name in the events table. */
  color: TerminalColor
  /** Colour of its bars and swatches on the HTML page. */
  htmlColor: string
  /** Its label in the check's Nagios perfdata. */
  perfdata: string
}

const OUTCOME: Record<EventKind, string> = {
  'rcpt-defer': 'deferred at RCPT',
  'rcpt-reject': 'rejected at RCPT',
  'discard-misconfig': 'answered 250 and silently dropped',
  'delivery-quota': 'over quota at delivery',
  'data-defer': 'deferred after DATA',
  'data-reject': 'rejected after DATA',
}

export const KINDS: Record<EventKind, KindInfo> = {
  'rcpt-defer': {
    outcome: OUTCOME['rcpt-defer'],
    meaning: `${OUTCOME['rcpt-defer']} (4xx): the sender will retry`,
    trigger: `${PHRASES.temporarilyRejected}${PHRASES.rcpt}<recipient>: message`,
    color: 'yellow',
    htmlColor: '#d29a00',
    perfdata: 'rcpt_defer',
  },
  'rcpt-reject': {
    outcome: OUTCOME['rcpt-reject'],
    meaning: `${OUTCOME['rcpt-reject']} (5xx)`,
    trigger: `${PHRASES.rejected}${PHRASES.rcpt}<recipient>: message`,
    color: 'cyan',
    htmlColor: '#5b7db1',
    perfdata: 'rcpt_reject',
  },
  'discard-misconfig': {
    outcome: OUTCOME['discard-misconfig'],
    meaning: `${OUTCOME['discard-misconfig']}: discard with a non-2xx message`,
    trigger: `${PHRASES.incorrectDigit}2) in "...", then ${PHRASES.rcpt}<recipient>: ${PHRASES.discarded}: message`,
    color: 'red',
    htmlColor: '#c62828',
    perfdata: 'discard_misconfig',
  },
  'delivery-quota': {
    outcome: OUTCOME['delivery-quota'],
    meaning: `${OUTCOME['delivery-quota']}: the RCPT-time check did not stop it`,
    trigger: '== or ** <recipient> ...: a deferral or failure saying the mailbox is full or over quota',
    color: 'magenta',
    htmlColor: '#8e44ad',
    perfdata: 'delivery_quota',
  },
  'data-defer': {
    outcome: OUTCOME['data-defer'],
    meaning: `${OUTCOME['data-defer']} (4xx)`,
    trigger: `${PHRASES.temporarilyRejected}${PHRASES.afterData}: message`,
    color: 'yellow',
    htmlColor: '#e6b84f',
    perfdata: 'data_defer',
  },
  'data-reject': {
    outcome: OUTCOME['data-reject'],
    meaning: `${OUTCOME['data-reject']} (5xx)`,
    trigger: `${PHRASES.rejected}${PHRASES.afterData}: message`,
    color: 'cyan',
    htmlColor: '#8fa9d0',
    perfdata: 'data_reject',
  },
}
