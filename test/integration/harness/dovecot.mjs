// A private Dovecot for the harness: its own base_dir, state_dir, passwd-file users, a count
// quota, the quota-status policy service (as in the Exim + Dovecot quota-status article) and
// LMTP. It never touches /etc/dovecot or the system instance; stop() always tears it down.

import {chmod, chown, mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises'
import {createServer, connect} from 'node:net'
import {join} from 'node:path'
import {HarnessError, awaitExitOrKill, run, tail, waitFor} from './proc.mjs'

/** @typedef {import('./index.mjs').ToolInfo} ToolInfo */
/** @typedef {import('./index.mjs').MailUser} MailUser */
/** @typedef {import('./index.mjs').DovecotInstance} DovecotInstance */

/** Messages a full mailbox holds; its quota rule allows exactly this many. */
const FULL_MESSAGES = 3

/** Instances not yet stopped, so an interrupted run can still tear them down. */
const live = new Set()

/** Stops every Dovecot this process started and has not stopped yet. */
export async function stopAllDovecots() {
  await Promise.all([...live].map((stop) => stop()))
}

/** @type {readonly MailUser[]} */
export const DEFAULT_USERS = Object.freeze([
  // full1 answers 452 4.2.2 at LMTP time (quota_full_tempfail), full2 answers 552 5.2.2.
  {address: 'full1@example.test', full: true, tempfail: true},
  {address: 'full2@example.test', full: true, tempfail: false},
  {address: 'ok1@example.test', full: false},
  {address: 'ok2@example.test', full: false},
])

/**
 * Writes the configuration and mailboxes under `dir`, starts `dovecot -c <conf>`, waits for its
 * sockets and checks that quota-status answers OVER for full mailboxes and OK otherwise.
 *
 * @param {{
 *   dir: string,
 *   info: ToolInfo,
 *   users?: readonly MailUser[],
 *   lmtpTcp?: boolean,
 *   lmtpRcptCheckQuota?: boolean,
 *   hostname?: string,
 * }} opts
 * @returns {Promise<DovecotInstance>}
 */
export async function startDovecot(opts) {
  const {dir, info} = opts
  const users = opts.users ?? DEFAULT_USERS
  const baseDir = join(dir, 'run')
  const stateDir = join(dir, 'state')
  const mailRoot = join(dir, 'mail')
  const conf = join(dir, 'dovecot.conf')
  const logFile = join(dir, 'dovecot.log')
  const passwd = join(dir, 'users')
  for (const d of [dir, baseDir, stateDir, mailRoot]) {
    await mkdir(d, {recursive: true})
    await chmod(d, 0o755)
  }

  await writeFile(passwd, users.map(passwdLine).join(''), {mode: 0o644})
  for (const user of users) await makeMailbox(mailRoot, user, info)

  const lmtpPort = opts.lmtpTcp ? await freePort() : undefined
  const instanceName = `exim-rejects-it-${process.pid}-${Date.now().toString(36)}`
  await writeFile(
    conf,
    dovecotConf({
      baseDir,
      stateDir,
      mailRoot,
      logFile,
      passwd,
      instanceName,
      info,
      lmtpPort,
      lmtpRcptCheckQuota: opts.lmtpRcptCheckQuota ?? true,
      hostname: opts.hostname ?? 'mx.example.test',
    }),
    {mode: 0o644},
  )

  const quotaStatusSocket = join(baseDir, 'exim-quota-status')
  const lmtpSocket = join(baseDir, 'lmtp')
  const pidFile = join(baseDir, 'master.pid')

  const logTail = async () => {
    try {
      return tail(await readFile(logFile, 'utf8'))
    } catch {
      return '(no dovecot log)'
    }
  }

  const started = await run(info.dovecot, ['-c', conf], {timeoutMs: 20_000})
  if (started.code !== 0) {
    throw new HarnessError(`dovecot -c ${conf} failed (exit ${started.code})`, {
      detail: `${started.stderr.trim()}\n${await logTail()}`,
    })
  }

  /** @type {number | undefined} */
  let masterPid
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    live.delete(stop)
    masterPid ??= await readPid(pidFile)
    try {
      await run(info.doveadm, ['-c', conf, 'stop'], {timeoutMs: 10_000})
    } catch {
      // fall through to the signal below
    }
    if (masterPid !== undefined) await awaitExitOrKill(masterPid, 'dovecot to exit')
  }

  live.add(stop)
  try {
    masterPid = await waitFor(() => readPid(pidFile), {timeoutMs: 10_000, what: `${pidFile}`})
    await waitFor(() => exists(quotaStatusSocket), {timeoutMs: 10_000, what: quotaStatusSocket})
    await waitFor(() => exists(lmtpSocket), {timeoutMs: 10_000, what: lmtpSocket})
    // Self-check, the same conversation as `printf 'recipient=u@d\n\n' | socat STDIO UNIX:<socket>`.
    for (const user of users) {
      const want = user.full ? 'OVER' : 'OK'
      const got = await queryQuotaStatus(quotaStatusSocket, user.address, 1024)
      if (got.action !== want) {
        throw new HarnessError(`quota-status answered action=${got.action} for ${user.address}, expected ${want}`, {
          detail: `raw answer: ${JSON.stringify(got.raw)}\n${await logTail()}`,
        })
      }
    }
    const nouser = await queryQuotaStatus(quotaStatusSocket, 'nobody-here@example.test', 1024)
    if (nouser.action !== 'NOUSER') {
      throw new HarnessError(`quota-status answered ${nouser.raw.trim()} for an unknown user, expected NOUSER`)
    }
    const full = users.find((u) => u.full)
    if (info.socat && full) {
      // The article's own check, with the client it used.
      const r = await run(info.socat, ['-t', '5', 'STDIO', `UNIX-CONNECT:${quotaStatusSocket}`], {
        input: `recipient=${full.address}\n\n`,
        timeoutMs: 10_000,
      })
      if (!/action=OVER/.test(r.stdout)) {
        throw new HarnessError(
          `socat check of ${quotaStatusSocket} for ${full.address} got ${JSON.stringify(r.stdout)}`,
          {
            detail: r.stderr,
          },
        )
      }
    }
  } catch (err) {
    await stop()
    if (err instanceof HarnessError) {
      throw new HarnessError(`${err.message}\n${await logTail()}`, {cause: err})
    }
    throw err
  }

  return {
    conf,
    dir,
    baseDir,
    logFile,
    quotaStatusSocket,
    lmtpSocket,
    lmtpPort,
    users,
    stop,
    queryQuotaStatus: (recipient, size) => queryQuotaStatus(quotaStatusSocket, recipient, size),
  }
}

/**
 * Speaks the Postfix policy protocol to quota-status the way Exim's ${readsocket} does:
 * write the request, half-close, read until Dovecot closes.
 *
 * @param {string} socketPath
 * @param {string} recipient
 * @param {number} [size]
 * @returns {Promise<{ action: string, raw: string }>}
 */
export function queryQuotaStatus(socketPath, recipient, size) {
  const request = `${size === undefined ? '' : `size=${size}\n`}recipient=${recipient}\n\n`
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath)
    let raw = ''
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new HarnessError(`no answer from quota-status at ${socketPath} within 5 s`))
    }, 5_000)
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.end(request))
    sock.on('data', (d) => {
      raw += d
    })
    sock.on('error', (err) => {
      clearTimeout(timer)
      reject(new HarnessError(`quota-status socket ${socketPath}: ${err.message}`, {cause: err}))
    })
    sock.on('close', () => {
      clearTimeout(timer)
      resolve({action: /action=(\S+)/.exec(raw)?.[1] ?? '', raw})
    })
  })
}

/** @param {MailUser} user */
function passwdLine(user) {
  // user:password:uid:gid:gecos:home:shell:extra; uid/gid/home come from userdb default_fields.
  const extra = []
  if (user.full) extra.push(`userdb_quota_rule=*:messages=${FULL_MESSAGES}`)
  if (user.tempfail) extra.push('userdb_quota_full_tempfail=yes')
  return `${user.address}:{PLAIN}not-used::::::${extra.join(' ')}\n`
}

/**
 * Creates user's Maildir; a full user's gets exactly FULL_MESSAGES messages.
 *
 * @param {string} mailRoot @param {MailUser} user @param {ToolInfo} info
 */
async function makeMailbox(mailRoot, user, info) {
  const [local, domain] = splitAddress(user.address)
  const home = join(mailRoot, domain)
  const userHome = join(home, local)
  const maildir = join(userHome, 'Maildir')
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), {recursive: true})
  if (user.full) {
    for (let i = 1; i <= FULL_MESSAGES; i += 1) {
      const body = [
        'From: filler@example.org',
        `To: ${user.address}`,
        `Subject: mailbox filler ${i}`,
        'Date: Tue, 11 Jun 2019 22:00:00 +0500',
        `Message-ID: <filler-${i}.${local}@example.org>`,
        '',
        'This message only takes up quota.',
        '',
      ].join('\n')
      await writeFile(join(maildir, 'cur', `1560272400.M${i}P1.harness,S=${body.length}:2,S`), body)
    }
  }
  for (const path of [home, userHome, maildir, ...['cur', 'new', 'tmp'].map((s) => join(maildir, s))]) {
    await chown(path, info.mailUid, info.mailGid)
  }
  if (user.full) {
    for (const f of await readdir(join(maildir, 'cur'))) {
      await chown(join(maildir, 'cur', f), info.mailUid, info.mailGid)
    }
  }
}

/** @param {string} address @returns {[string, string]} */
function splitAddress(address) {
  const at = address.lastIndexOf('@')
  if (at <= 0) throw new HarnessError(`not a mail address: ${address}`)
  return [address.slice(0, at), address.slice(at + 1)]
}

/**
 * @param {{ baseDir: string, stateDir: string, mailRoot: string, logFile: string, passwd: string,
 *   instanceName: string, info: ToolInfo, lmtpPort: number | undefined,
 *   lmtpRcptCheckQuota: boolean, hostname: string }} o
 */
function dovecotConf(o) {
  const lmtpInet =
    o.lmtpPort === undefined
      ? ''
      : `
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${o.lmtpPort}
  }`
  return `# Private Dovecot instance for the exim-rejects integration tests.
base_dir = ${o.baseDir}
state_dir = ${o.stateDir}
instance_name = ${o.instanceName}
hostname = ${o.hostname}
protocols = lmtp
listen = 127.0.0.1
log_path = ${o.logFile}
ssl = no
default_internal_user = dovecot
default_login_user = dovenull
mail_uid = ${o.info.mailUid}
mail_gid = ${o.info.mailGid}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_plugins = $mail_plugins quota
lmtp_rcpt_check_quota = ${o.lmtpRcptCheckQuota ? 'yes' : 'no'}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${o.passwd}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${o.passwd}
  default_fields = home=${o.mailRoot}/%d/%n
}

plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=10M:messages=1000
  quota_status_success = OK
  quota_status_nouser = NOUSER
  quota_status_overquota = OVER
}

service quota-status {
  executable = quota-status -p postfix
  unix_listener exim-quota-status {
    mode = 0660
    user = ${o.info.eximUser}
    group = ${o.info.eximGroup}
  }
  client_limit = 1
}

service lmtp {
  unix_listener lmtp {
    mode = 0666
  }${lmtpInet}
}
`
}

/** @param {string} path */
async function exists(path) {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** @param {string} pidFile @returns {Promise<number | undefined>} */
async function readPid(pidFile) {
  try {
    const pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = addr && typeof addr === 'object' ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}
