// What SMTP code a client was answered with, from the message Exim logged.
// Exim keeps a configured leading code only when its first digit matches the class of the answer
// (smtp_in.c smtp_message_code); otherwise it answers with the default for the ACL outcome.

/** The leading three-digit code of `msg` (`"422"` for `"422 Mailbox ..."`), or ''. */
export function leadingCode(msg: string): string {
  if (msg.length < 3) return ''
  for (let i = 0; i < 3; i++) {
    const c = msg.charCodeAt(i)
    if (c < 48 || c > 57) return ''
  }
  const after = msg.charCodeAt(3)
  return Number.isNaN(after) || after === 32 || after === 45 ? msg.slice(0, 3) : ''
}

/** The code the client saw: the message's own code when its class matches, else the default. */
export function answeredCode(msg: string, fallback: string): string {
  const c = leadingCode(msg)
  return c !== '' && c.charCodeAt(0) === fallback.charCodeAt(0) ? c : fallback
}
