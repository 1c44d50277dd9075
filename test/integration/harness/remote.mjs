// A remote mail server for the hostile scenario: Exim delivers the mail for evil.example to it
// over SMTP, and it answers RCPT for an address holding "full" with 452 4.2.2 Mailbox is full
// (and every other with 250), so the log gets real `==` deferrals of remote addresses. It listens
// on an address of this machine that is not loopback when there is one: a delivery to loopback
// looks like a local one (LMTP over TCP).

import {createServer} from 'node:net'
import {networkInterfaces} from 'node:os'

/**
 * @returns {Promise<{ ip: string, port: number, loopback: boolean, deferred: string[], stop: () => Promise<void> }>}
 */
export async function startRemoteServer() {
  const ip =
    Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1'
  /** Every RCPT address answered 452, as sent (a message deferred twice shows twice). */
  const deferred = []
  const sockets = new Set()
  const server = createServer((sock) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => {})
    sock.setEncoding('latin1')
    let buf = ''
    let inData = false
    const say = (/** @type {string} */ line) => sock.write(`${line}\r\n`)
    say('220 mx.evil.example ESMTP fake')
    sock.on('data', (d) => {
      buf += d
      let nl
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl).replace(/\r$/, '')
        buf = buf.slice(nl + 1)
        if (inData) {
          if (line === '.') {
            inData = false
            say('250 OK queued')
          }
          continue
        }
        const cmd = line.slice(0, 4).toUpperCase()
        if (cmd === 'EHLO' || cmd === 'HELO') say('250 mx.evil.example')
        else if (cmd === 'MAIL') say('250 OK')
        else if (cmd === 'RCPT') {
          const address = line.slice(line.indexOf('<') + 1, line.lastIndexOf('>'))
          if (/full/i.test(address)) {
            deferred.push(address)
            say('452 4.2.2 Mailbox is full')
          } else say('250 OK')
        } else if (cmd === 'DATA') {
          inData = true
          say('354 go ahead')
        } else if (cmd === 'QUIT') {
          say('221 bye')
          sock.end()
        } else if (cmd === 'RSET' || cmd === 'NOOP') say('250 OK')
        else say('500 what')
      }
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, ip, () => resolve(undefined))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    ip,
    port,
    loopback: ip.startsWith('127.'),
    deferred,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve(undefined))
      }),
  }
}
