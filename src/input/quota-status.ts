// Asks Dovecot's quota-status service what the RCPT ACL asks it: the request `${readsocket}` sends
// over the unix socket (`size=...`, `recipient=...`, a blank line; Postfix's policy protocol), then
// reads the answer until Dovecot closes. The only connection the tool ever makes.

import {nodeNet} from '../lazy-node.js'

/** What a quota-status answer means to the ACL. */
export type QuotaAnswer = 'OK' | 'OVER' | 'NOUSER'

export interface QuotaProbe {
  socket: string
  recipient: string
  /** The answer's meaning; null when there was none, or none the ACL could read. */
  answer: QuotaAnswer | null
  /** The `action=` value as received ('' when none). */
  action: string
  /** Why there is no answer: refused, no such socket, timed out, or what came back. */
  problem?: string
  ms: number
}

/**
 * The meaning of an `action=` value: the article's OK/OVER/NOUSER, or Dovecot's defaults for
 * Postfix (`OK` or `DUNNO`, `552 5.2.2 Mailbox is full`, `REJECT Unknown user`); null otherwise.
 */
export function answerOf(action: string): QuotaAnswer | null {
  const a = action.trim()
  if (/^(?:OK|DUNNO)$/i.test(a)) return 'OK'
  if (/^NOUSER$/i.test(a) || /^(?:REJECT|[45]\d\d)\b.*(?:unknown user|no such user|5\.1\.1)/i.test(a)) return 'NOUSER'
  if (/^OVER$/i.test(a) || /^(?:REJECT|DEFER|DEFER_IF_PERMIT|[45]\d\d)\b.*(?:quota|full|[45]\.2\.2)/i.test(a))
    return 'OVER'
  return null
}

export function askQuotaStatus(socket: string, recipient: string, timeoutMs: number): Promise<QuotaProbe> {
  const started = Date.now()
  return new Promise((resolve) => {
    let raw = ''
    let settled = false
    const done = (problem?: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      sock.destroy()
      const action = /(?:^|\n)action=([^\n]*)/.exec(raw)?.[1] ?? ''
      const answer = problem === undefined ? answerOf(action) : null
      const why = problem ?? (answer === null ? `answered ${JSON.stringify(raw.trim().slice(0, 200))}` : undefined)
      resolve({
        socket,
        recipient,
        answer,
        action,
        ...(why === undefined ? {} : {problem: why}),
        ms: Date.now() - started,
      })
    }
    const timer = setTimeout(() => done(`did not answer within ${timeoutMs / 1000} s`), timeoutMs)
    const sock = nodeNet().connect(socket)
    sock.setEncoding('utf8')
    // size=0: is the mailbox over its quota now, whatever a message would add.
    sock.on('connect', () => sock.end(`size=0\nrecipient=${recipient}\n\n`))
    sock.on('data', (d: string) => {
      raw += d
      if (raw.length > 64 * 1024) done('answered more than 64 kB')
    })
    sock.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT'
          ? 'does not exist'
          : err.code === 'ECONNREFUSED'
            ? 'refused the connection (is Dovecot running?)'
            : err.code === 'EACCES'
              ? 'cannot be opened (permission denied)'
              : `failed: ${err.message}`
      done(why)
    })
    sock.on('close', () => done())
  })
}
