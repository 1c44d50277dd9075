// Asking quota-status as the RCPT ACL does: the request on the wire, and what each answer means,
// against a unix socket server that answers as Dovecot would (or does not).

import {mkdtempSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {answerOf, askQuotaStatus} from '../../../src/input/quota-status.js'

let server: Server | undefined
afterEach(() => server?.close())

/** A socket whose server hands each request to `reply`; resolves with its path once listening. */
function serve(reply: (request: string, end: (answer: string) => void, sock: import('node:net').Socket) => void) {
  const path = join(mkdtempSync(join(tmpdir(), 'exim-rejects-qs-')), 'quota-status')
  // Half-open, as Dovecot: the client's end of its request does not end the answer.
  server = createServer({allowHalfOpen: true}, (sock) => {
    let request = ''
    sock.setEncoding('utf8')
    sock.on('data', (d) => {
      request += d
      if (request.endsWith('\n\n')) reply(request, (answer) => sock.end(answer), sock)
    })
    sock.on('error', () => {})
  })
  return new Promise<{path: string; requests: string[]}>((resolve) =>
    server!.listen(path, () => resolve({path, requests: []})),
  )
}

describe('askQuotaStatus', () => {
  it('sends what readsocket sends and reads the action', async () => {
    const seen: string[] = []
    const {path} = await serve((request, end) => {
      seen.push(request)
      end(request.includes('full@') ? 'action=OVER\n\n' : 'action=OK\n\n')
    })
    expect(await askQuotaStatus(path, 'full@example.test', 5000)).toMatchObject({answer: 'OVER', action: 'OVER'})
    expect(await askQuotaStatus(path, 'ok@example.test', 5000)).toMatchObject({answer: 'OK', action: 'OK'})
    expect(seen[0]).toBe('size=0\nrecipient=full@example.test\n\n')
  })

  it('no answer within the timeout', async () => {
    const {path} = await serve(() => {})
    const r = await askQuotaStatus(path, 'a@example.test', 300)
    expect(r).toMatchObject({answer: null, problem: 'did not answer within 0.3 s'})
    expect(r.ms).toBeGreaterThanOrEqual(290)
  })

  it('an answer the ACL cannot read, and a closed connection', async () => {
    const {path} = await serve((request, end, sock) => (request.includes('quiet') ? sock.destroy() : end('hello\n')))
    expect(await askQuotaStatus(path, 'a@example.test', 5000)).toMatchObject({
      answer: null,
      problem: 'answered "hello"',
    })
    expect(await askQuotaStatus(path, 'quiet@example.test', 5000)).toMatchObject({answer: null, problem: 'answered ""'})
  })

  it('no such socket', async () => {
    const r = await askQuotaStatus('/nonexistent/quota-status', 'a@example.test', 5000)
    expect(r).toMatchObject({answer: null, problem: 'does not exist'})
  })
})

describe('answerOf', () => {
  it.each([
    ['OK', 'OK'],
    ['DUNNO', 'OK'],
    ['OVER', 'OVER'],
    ['552 5.2.2 Mailbox is full', 'OVER'],
    ['DEFER 4.2.2 over quota', 'OVER'],
    ['NOUSER', 'NOUSER'],
    ['REJECT Unknown user', 'NOUSER'],
    ['FAIL', null],
    ['', null],
    ['451 4.3.0 Temporary internal failure', null],
  ] as const)('%j means %s', (action, meaning) => {
    expect(answerOf(action)).toBe(meaning)
  })
})
