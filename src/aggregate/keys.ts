// The group keys of --by, as one table: a name and how to read it off an event.
// A new grouping is one row here; flags, help and renderers all read this table.

import {isoTime} from '../time/format.js'
import type {EximEvent} from '../types.js'
import {normalizeReason} from './reason.js'

export const GROUP_KEYS = [
  'recipient',
  'domain',
  'sender',
  'host',
  'ip',
  'helo',
  'reason',
  'code',
  'kind',
  'hour',
  'day',
  'file',
] as const
export type GroupKey = (typeof GROUP_KEYS)[number]

export const DEFAULT_BY: readonly GroupKey[] = ['recipient', 'host']

/**
 * A recipient as reports group it: case-insensitively, as Exim compares addresses by default
 * (caseful_local_part is off), and shown in one spelling, lower case, whatever the client typed.
 */
export const recipientKey = (address: string): string => (HAS_UPPER.test(address) ? address.toLowerCase() : address)
const HAS_UPPER = /[A-Z\u00c0-\uffff]/

function domainOf(address: string): string {
  const at = address.lastIndexOf('@')
  return at === -1 ? '' : address.slice(at + 1).toLowerCase()
}

/** Sending host: its verified name, else its HELO in brackets, else its IP. */
export function hostLabel(ev: EximEvent): string {
  if (ev.hostName !== '') return ev.hostName
  if (ev.helo !== '') return `(${ev.helo})`
  return ev.ip
}

/** What each key is, in a few words (the manual). */
export const KEY_MEANINGS: Record<GroupKey, string> = {
  recipient: 'the recipient address, lower-cased (Exim compares addresses case-insensitively)',
  domain: "the recipient's domain, lower-cased",
  sender: 'the envelope sender as logged (<> for the null sender)',
  host: "the sending host's verified name, else its HELO in brackets, else its IP",
  ip: 'the IP address of the sending host (of the refusing server, for delivery-quota)',
  helo: 'the HELO/EHLO name the client gave',
  reason: 'the message, with addresses, numbers and ids normalised away (SMTP and enhanced codes kept)',
  code: 'the SMTP code the client was answered (422, 550, 250 for a discard)',
  kind: 'the event kind',
  hour: 'the hour of the event, YYYY-MM-DDTHH',
  day: 'the day of the event, YYYY-MM-DD',
  file: 'the log file the event was read from',
}

export const KEY_READERS: Record<GroupKey, (ev: EximEvent) => string> = {
  recipient: (ev) => recipientKey(ev.recipient),
  domain: (ev) => domainOf(ev.recipient),
  sender: (ev) => ev.sender,
  host: hostLabel,
  ip: (ev) => ev.ip,
  helo: (ev) => ev.helo,
  reason: (ev) => normalizeReason(ev.reason),
  code: (ev) => ev.code,
  kind: (ev) => ev.kind,
  hour: (ev) => isoTime(ev.time, ev.tz).slice(0, 13),
  day: (ev) => isoTime(ev.time, ev.tz).slice(0, 10),
  file: (ev) => ev.file,
}
