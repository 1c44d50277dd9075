// Log lines a hostile client can make Exim write: terminal escape sequences in a HELO, spreadsheet
// formulas in addresses, a right-to-left override in a message.

const ESC = '\x1b'
const BEL = '\x07'

export const hostileLog =
  [
    `2026-11-25 10:00:00 H=(${ESC}]0;owned${BEL}${ESC}[2Jevil) [192.0.2.66] F=<a@example.org> temporarily rejected RCPT <victim@example.net>: 422 Mailbox victim@example.net is over quota`,
    `2026-11-25 10:00:01 H=mx.example [192.0.2.7] F=<=cmd|'/c calc'!A1@x.example> temporarily rejected RCPT <=HYPERLINK("http://evil.example/?x","click")@example.net>: 422 Mailbox full`,
    `2026-11-25 10:00:02 H=mx.example [192.0.2.7] F=<+1@x.example> temporarily rejected RCPT <@evil@example.net>: 451 ${ESC}[31mred\u202etxt.exe`,
  ].join('\n') + '\n'
