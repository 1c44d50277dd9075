// Drives one SMTP conversation with `exim -bs` over stdin/stdout, as if from a given client
// IP/port/host name, and records what Exim answered to every RCPT. It waits for each reply
// before the next command (no pipelining), so the answers map one-to-one onto recipients.

import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {Duplex} from 'node:stream'
import {connect as tlsConnect} from 'node:tls'
import {HarnessError} from './proc.mjs'

/** @typedef {import('./index.mjs').SessionSpec} SessionSpec */
/** @typedef {import('./index.mjs').RcptAnswer} RcptAnswer */
/** @typedef {import('./index.mjs').SessionResult} SessionResult */

/**
 * Command-line options that make `exim -bs` behave as an SMTP connection from the session's
 * client: -oMa address.port, -oMs verified host name, -oMi local interface, and an empty
 * -oMt so the caller's login (root) does not show up as U=root.
 *
 * @param {SessionSpec} s
 * @returns {string[]}
 */
export function sessionArgs(s) {
  const args = ['-bs', '-odi', '-oMa', `${s.ip}.${s.port ?? 25025}`, '-oMt', '']
  if (s.hostName) args.push('-oMs', s.hostName)
  args.push('-oMi', `${s.interface ?? '192.0.2.25'}.25`)
  return args
}

/**
 * @param {{ exim: string, conf: string }} target
 * @param {SessionSpec} spec
 * @param {number} index       position of the session in its scenario (copied into answers)
 * @param {{ replyTimeoutMs?: number, sessionTimeoutMs?: number }} [opts]
 * @returns {Promise<SessionResult>}
 */
export async function runSmtpSession(target, spec, index, opts = {}) {
  const replyTimeoutMs = opts.replyTimeoutMs ?? 30_000
  const sessionTimeoutMs = opts.sessionTimeoutMs ?? 120_000
  const args = ['-C', target.conf, ...sessionArgs(spec)]
  const child = spawn(target.exim, args, {stdio: ['pipe', 'pipe', 'pipe']})
  /** @type {string[]} */
  const transcript = []
  let stderr = ''
  let buffer = ''
  /** @type {string[]} */
  const lines = []
  /** @type {(() => void) | undefined} */
  let wake
  let closed = false
  /** @type {Error | undefined} */
  let spawnError

  /** @param {string} d */
  const received = (d) => {
    buffer += d
    let nl
    while ((nl = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, nl).replace(/\r$/, ''))
      buffer = buffer.slice(nl + 1)
    }
    wake?.()
  }
  // What Exim writes goes to the reader, or, after STARTTLS, to the TLS layer.
  /** @type {Duplex | undefined} */
  let tlsTransport
  child.stdout.on('data', (/** @type {Buffer} */ d) =>
    tlsTransport ? tlsTransport.push(d) : received(d.toString('utf8')),
  )
  /** @type {(text: string) => void} */
  let write = (text) => child.stdin.write(text)
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d
  })
  child.stdin.on('error', () => {})
  // 'exit', not 'close': a delivery process forked by exim may still hold stdout open.
  /** @type {(v: { code: number | null, signal: NodeJS.Signals | null }) => void} */
  let markExited = () => {}
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) => {
    markExited = resolve
  })
  child.on('exit', (code, signal) => markExited({code, signal}))
  child.on('close', () => {
    closed = true
    wake?.()
  })
  child.on('error', (err) => {
    spawnError = err
    closed = true
    markExited({code: null, signal: null})
    wake?.()
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), sessionTimeoutMs)

  /** @returns {Promise<{ code: number, text: string, lines: string[] }>} */
  const readReply = async () => {
    /** @type {string[]} */
    const got = []
    const deadline = Date.now() + replyTimeoutMs
    for (;;) {
      while (lines.length) {
        const line = /** @type {string} */ (lines.shift())
        transcript.push(`S: ${line}`)
        got.push(line)
        const m = /^(\d{3})([ -])/.exec(line) ?? /^(\d{3})$/.exec(line)
        if (!m) throw fail(`unexpected line from exim: ${JSON.stringify(line)}`)
        if (m[2] !== '-') {
          return {code: Number(m[1]), text: got.map((l) => l.slice(4)).join('\n'), lines: got}
        }
      }
      if (spawnError) throw fail(`cannot start ${target.exim}: ${spawnError.message}`)
      if (closed) throw fail('exim closed the session before replying')
      const left = deadline - Date.now()
      if (left <= 0) throw fail(`no SMTP reply within ${replyTimeoutMs} ms`)
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left)
        wake = () => {
          clearTimeout(t)
          wake = undefined
          resolve(undefined)
        }
      })
    }
  }
  /** @param {string} line */
  const send = (line) => {
    transcript.push(`C: ${line}`)
    write(`${line}\r\n`)
  }
  /** STARTTLS over exim's stdin and stdout, with the client certificate and SNI the session asks for. */
  const startTls = async () => {
    const t = /** @type {NonNullable<SessionSpec['tls']>} */ (spec.tls)
    await expect('STARTTLS', 2)
    tlsTransport = new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        child.stdin.write(chunk, cb)
      },
    })
    const sock = tlsConnect({
      socket: tlsTransport,
      servername: t.servername,
      rejectUnauthorized: false,
      ...(t.cert ? {cert: readFileSync(t.cert), key: readFileSync(/** @type {string} */ (t.key))} : {}),
    })
    sock.setEncoding('utf8').on('data', received)
    sock.on('error', (err) => {
      spawnError = err
      wake?.()
    })
    await new Promise((resolve, reject) => {
      sock.once('secureConnect', () => resolve(undefined))
      sock.once('error', reject)
    })
    write = (text) => sock.write(text)
    transcript.push('C: (TLS)')
  }
  /** @param {string} message */
  const fail = (message) =>
    new HarnessError(`SMTP session ${index} (${spec.ip}): ${message}`, {
      detail: `${transcript.slice(-12).join('\n')}${stderr ? `\nstderr: ${stderr.trim()}` : ''}`,
    })
  /** @param {string} cmd @param {number} want */
  const expect = async (cmd, want) => {
    send(cmd)
    const r = await readReply()
    if (Math.floor(r.code / 100) !== want) throw fail(`${cmd.split(' ')[0]} answered ${r.code} ${r.text}`)
    return r
  }

  /** @type {RcptAnswer[]} */
  const answers = []
  /** @type {SessionResult['messages']} */
  const messages = []
  try {
    const banner = await readReply()
    if (banner.code !== 220) throw fail(`banner ${banner.code} ${banner.text}`)
    await expect(`EHLO ${spec.helo}`, 2)
    if (spec.tls) {
      await startTls()
      await expect(`EHLO ${spec.helo}`, 2)
    }
    let m = 0
    for (const msg of spec.messages) {
      const size = msg.size === undefined ? '' : ` SIZE=${msg.size}`
      await expect(`MAIL FROM:<${msg.sender}>${size}`, 2)
      let accepted = 0
      for (const rcpt of msg.recipients) {
        send(`RCPT TO:<${rcpt}>`)
        const r = await readReply()
        answers.push({
          session: index,
          message: m,
          ip: spec.ip,
          port: spec.port ?? 25025,
          hostName: spec.hostName,
          helo: spec.helo,
          sender: msg.sender,
          recipient: rcpt,
          code: r.code,
          text: r.text,
        })
        if (r.code === 250) accepted += 1
      }
      if (accepted === 0) {
        // A real client has nothing to send; DATA would only earn "503 valid RCPT command must precede DATA".
        await expect('RSET', 2)
        messages.push({sender: msg.sender, dataCode: undefined, dataText: undefined, messageId: undefined})
      } else {
        await expect('DATA', 3)
        const body = messageBody(spec, msg, index, m)
        for (const line of body) transcript.push(`C: ${line}`)
        write(`${body.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}\r\n.\r\n`)
        transcript.push('C: .')
        const r = await readReply()
        messages.push({
          sender: msg.sender,
          dataCode: r.code,
          dataText: r.text,
          messageId: /id=(\S+)/.exec(r.text)?.[1],
        })
      }
      m += 1
    }
    await expect('QUIT', 2)
    if (tlsTransport) tlsTransport.push(null)
    child.stdin.end()
    const {code} = await exited
    if (code !== 0) throw fail(`exim -bs exited with status ${code}`)
  } catch (err) {
    child.kill('SIGKILL')
    await exited
    throw err
  } finally {
    clearTimeout(killer)
  }
  return {index, spec, answers, messages, transcript, args}
}

/**
 * @param {SessionSpec} spec @param {import('./index.mjs').MessageSpec} msg
 * @param {number} s @param {number} m
 */
function messageBody(spec, msg, s, m) {
  const sender = msg.sender
  const rcpts = msg.recipients
  return [
    `From: ${sender === '' ? 'Mail Delivery System <MAILER-DAEMON@example.org>' : `<${sender}>`}`,
    `To: ${rcpts.map((r) => `<${r}>`).join(', ')}`,
    `Subject: ${msg.subject ?? `harness session ${s} message ${m}`}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <harness-${process.pid}-${Date.now()}-${s}-${m}@${spec.helo.replace(/[^A-Za-z0-9.-]/g, '') || 'x'}>`,
    '',
    'Test message sent by the exim-rejects integration harness.',
  ]
}
