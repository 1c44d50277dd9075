// One scenario end to end: private Dovecot, private Exim config, a set of SMTP sessions,
// queue runs, then teardown. Returns where the logs are and what every RCPT was answered,
// so tests can hold the tool's counts against the SMTP truth.

import {chmod, chown, copyFile, mkdir, mkdtemp, realpath, rm, writeFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DEFAULT_USERS, startDovecot, stopAllDovecots} from './dovecot.mjs'
import {WORK_DIR_PREFIX, prepareExim, releaseAllExims} from './exim.mjs'
import {probe} from './probe.mjs'
import {HarnessError} from './proc.mjs'
import {startRemoteServer} from './remote.mjs'
import {HOSTILE_CLIENTS, HOSTILE_SESSIONS} from './scenarios.mjs'
import {runSmtpSession} from './smtp.mjs'
import {probeSyslog, startRsyslog, stopAllRsyslogs} from './syslog.mjs'
import {makeTlsMaterial} from './tls.mjs'

/** @typedef {import('./index.mjs').ScenarioOptions} ScenarioOptions */
/** @typedef {import('./index.mjs').ScenarioResult} ScenarioResult */
/** @typedef {import('./index.mjs').SessionSpec} SessionSpec */
/** @typedef {import('./index.mjs').RcptAnswer} RcptAnswer */
/** @typedef {import('./index.mjs').AnswerSummary} AnswerSummary */

/**
 * Six connections, fourteen RCPTs: over-quota and ordinary mailboxes mixed in one message,
 * IPv4 and IPv6 clients, a verified host name with and without a differing HELO, a bare HELO,
 * an IP-literal HELO, the null sender, a SIZE= parameter, an upper-case recipient, an unknown
 * user, and the same sender retrying the same over-quota recipient in a later connection.
 *
 * @type {readonly SessionSpec[]}
 */
export const DEFAULT_SESSIONS = Object.freeze([
  {
    ip: '77.88.28.100',
    port: 41234,
    hostName: 'forward100p.mail.yandex.net',
    helo: 'forward100p.mail.yandex.net',
    messages: [
      {sender: 'zzz@yandex.ru', recipients: ['full1@example.test', 'ok1@example.test', 'full2@example.test']},
      {sender: 'zzz@yandex.ru', size: 3072, recipients: ['ok2@example.test', 'full1@example.test']},
    ],
  },
  {
    ip: '2001:db8::25',
    port: 50025,
    helo: 'mail.example.org',
    messages: [
      {sender: 'alice@example.org', recipients: ['FULL1@Example.Test', 'ok2@example.test', 'nouser@example.test']},
    ],
  },
  {
    ip: '5.45.198.247',
    port: 38001,
    hostName: 'forward104j.mail.yandex.net',
    helo: 'forward104j.yandex.ru',
    messages: [{sender: 'zzz@yandex.ru', recipients: ['full2@example.test', 'full1@example.test']}],
  },
  {
    ip: '192.0.2.10',
    port: 25025,
    helo: '[192.0.2.10]',
    messages: [{sender: '', recipients: ['full2@example.test', 'ok1@example.test']}],
  },
  {
    ip: '77.88.28.100',
    port: 41301,
    hostName: 'forward100p.mail.yandex.net',
    helo: 'forward100p.mail.yandex.net',
    messages: [{sender: 'zzz@yandex.ru', recipients: ['full1@example.test', 'ok1@example.test']}],
  },
  {
    ip: '2001:db8::25',
    port: 50026,
    helo: 'mail.example.org',
    messages: [{sender: 'bob@example.org', size: 1500, recipients: ['ok1@example.test', 'full2@example.test']}],
  },
])

/**
 * Runs one scenario. Dovecot is always stopped and the trusted-config entry always removed
 * before this returns or throws; the work dir (logs included) stays until `cleanup()`, which
 * keeps it when KEEP=1. On failure the work dir is removed unless KEEP=1.
 *
 * @param {ScenarioOptions} opts
 * @returns {Promise<ScenarioResult>}
 */
export async function runScenario(opts) {
  if (!['defer', 'discard', 'nosocket', 'hostile'].includes(opts.verb)) {
    throw new HarnessError(`verb: expected defer, discard, nosocket or hostile, got ${JSON.stringify(opts.verb)}`)
  }
  const hostile = opts.verb === 'hostile'
  const probed = await probe()
  if (!probed.ok) throw new HarnessError(`cannot run the Exim/Dovecot harness: ${probed.reason}`)
  const info = probed.info
  /** @type {import('./index.mjs').SyslogInfo | undefined} */
  let syslogInfo
  if (opts.syslog) {
    const p = await probeSyslog()
    if (!p.ok) throw new HarnessError(`cannot run the syslog variant: ${p.reason}`)
    syslogInfo = p.info
  }
  const keep = opts.keep ?? process.env.KEEP === '1'
  const given = opts.sessions ?? (hostile ? HOSTILE_SESSIONS : DEFAULT_SESSIONS)
  const users = opts.users ?? DEFAULT_USERS

  const base = await realpath(opts.tmpRoot ?? tmpdir())
  const workDir = await mkdtemp(join(base, WORK_DIR_PREFIX))
  await chmod(workDir, 0o755)
  const cleanup = async () => {
    if (!keep) await rm(workDir, {recursive: true, force: true})
  }

  /** @type {Awaited<ReturnType<typeof startDovecot>> | undefined} */
  let dovecot
  /** @type {Awaited<ReturnType<typeof prepareExim>> | undefined} */
  let exim
  /** @type {Awaited<ReturnType<typeof startRsyslog>> | undefined} */
  let rsyslog
  /** @type {Awaited<ReturnType<typeof startRemoteServer>> | undefined} */
  let remote
  try {
    // The hostile scenario: client certificates, and the remote server mail for evil.example goes to.
    const tls = hostile
      ? await makeTlsMaterial(join(workDir, 'tls'), info, opts.tlsClients ?? HOSTILE_CLIENTS)
      : undefined
    if (hostile) remote = await startRemoteServer()
    /** @type {SessionSpec[]} */
    const sessions = given.map((s) =>
      s.tls?.client && tls
        ? {...s, tls: {...s.tls, cert: tls.clients[s.tls.client]?.cert, key: tls.clients[s.tls.client]?.key}}
        : s,
    )
    dovecot = await startDovecot({
      dir: join(workDir, 'dovecot'),
      info,
      users,
      lmtpTcp: opts.lmtp === 'tcp',
      lmtpRcptCheckQuota: opts.lmtpRcptCheckQuota ?? true,
    })
    exim = await prepareExim({
      dir: join(workDir, 'exim'),
      info,
      verb: opts.verb,
      quotaStatusSocket: dovecot.quotaStatusSocket,
      lmtpSocket: dovecot.lmtpSocket,
      lmtpPort: dovecot.lmtpPort,
      logSelector: opts.logSelector,
      logTimezone: opts.logTimezone,
      timezone: opts.timezone,
      extraMain: opts.extraMain,
      syslog: opts.syslog,
      rcptLogMessage: opts.rcptLogMessage,
      tls: tls && {cert: tls.cert, key: tls.key, ca: tls.ca},
      remote: remote && {ip: remote.ip, port: remote.port},
    })
    if (opts.syslog && syslogInfo) {
      rsyslog = await startRsyslog({
        dir: join(workDir, 'rsyslog'),
        logDir: exim.logDir,
        info: syslogInfo,
        hostname: opts.syslog.hostname,
        timezone: opts.syslog.timezone ?? opts.timezone,
      })
    }

    /** @type {import('./index.mjs').SessionResult[]} */
    const results = []
    for (let i = 0; i < sessions.length; i += 1) {
      results.push(
        await runSmtpSession({exim: info.exim, conf: exim.conf}, /** @type {SessionSpec} */ (sessions[i]), i),
      )
    }

    // Deliveries already ran (-odi); each queue run retries what was deferred, which gives
    // the repeated `==` lines a real server writes until the mailbox has room again.
    for (let q = 0; q < (opts.queueRuns ?? 1); q += 1) {
      const r = await exim.exec(['-qf'], {timeoutMs: 120_000})
      if (r.code !== 0) throw new HarnessError(`exim -qf exited with ${r.code}`, {detail: r.stderr})
    }
    const queue = await exim.exec(['-bp'], {timeoutMs: 30_000})

    // Everything Exim sent to /dev/log is on disk once this returns.
    await rsyslog?.flushAndStop()
    await remote?.stop()
    await dovecot.stop()
    await exim.release()

    // Exim creates a log file on first write only; make all three exist for readers
    // (not when syslog is the only destination: then there are no log files at all).
    const withFiles = !opts.syslog || (opts.syslog.files ?? true)
    for (const f of withFiles ? [exim.mainlog, exim.rejectlog, exim.paniclog] : []) {
      if (!existsSync(f)) {
        await writeFile(f, '', {mode: 0o640})
        await chown(f, info.eximUid, info.eximGid)
      }
    }
    for (const f of rsyslog ? Object.values(rsyslog.files) : []) {
      if (!existsSync(f)) await writeFile(f, '', {mode: 0o644})
    }
    const answers = results.flatMap((r) => r.answers)
    /** @type {ScenarioResult} */
    const result = {
      name: opts.name ?? opts.verb,
      verb: opts.verb,
      workDir,
      logDir: exim.logDir,
      mainlog: exim.mainlog,
      rejectlog: exim.rejectlog,
      paniclog: exim.paniclog,
      eximConf: exim.conf,
      dovecotConf: dovecot.conf,
      dovecotLog: dovecot.logFile,
      answers,
      sessions: results,
      queue: queue.stdout,
      summary: summarizeAnswers(answers),
      eximVersion: info.eximVersion,
      remote: remote && {ip: remote.ip, loopback: remote.loopback, deferred: [...remote.deferred]},
      dovecotVersion: info.dovecotVersion,
      syslog:
        rsyslog && opts.syslog
          ? {
              traditional: rsyslog.files.traditional,
              iso: rsyslog.files.iso,
              rfc5424: rsyslog.files.rfc5424,
              rsyslogConf: rsyslog.conf,
              otherLog: rsyslog.otherLog,
              rsyslogVersion: rsyslog.rsyslogVersion,
              timestamp: opts.syslog.timestamp ?? true,
              duplication: opts.syslog.duplication ?? true,
              files: opts.syslog.files ?? true,
            }
          : undefined,
      cleanup,
    }
    if (opts.outDir) await saveScenario(result, opts.outDir)
    return result
  } catch (err) {
    await remote?.stop().catch(() => {})
    await rsyslog?.stop().catch(() => {})
    await dovecot?.stop().catch(() => {})
    await exim?.release().catch(() => {})
    await cleanup().catch(() => {})
    throw err
  }
}

/**
 * Emergency teardown for signal handlers: stops every Dovecot and rsyslogd and removes every
 * trusted-config entry this process still holds. Work dirs are left for inspection.
 */
export async function teardownAll() {
  await Promise.allSettled([stopAllDovecots(), releaseAllExims(), stopAllRsyslogs()])
}

/**
 * Copies a finished scenario's logs and SMTP record into `outDir`: mainlog, rejectlog,
 * paniclog, answers.json, transcript.txt, exim.conf, dovecot.conf, dovecot.log, queue.txt;
 * with syslog also syslog, syslog-iso, syslog-5424 and rsyslog.conf.
 *
 * @param {ScenarioResult} r @param {string} outDir
 */
export async function saveScenario(r, outDir) {
  await mkdir(outDir, {recursive: true})
  /** @type {string[]} */
  const logs = []
  /** @type {Array<[string, string]>} */
  const copies = [
    [r.mainlog, 'mainlog'],
    [r.rejectlog, 'rejectlog'],
    [r.paniclog, 'paniclog'],
  ]
  if (r.syslog) {
    copies.push([r.syslog.traditional, 'syslog'], [r.syslog.iso, 'syslog-iso'], [r.syslog.rfc5424, 'syslog-5424'])
  }
  for (const [from, to] of copies) {
    if (!existsSync(from)) continue
    await copyFile(from, join(outDir, to))
    logs.push(to)
  }
  if (r.syslog) await copyFile(r.syslog.rsyslogConf, join(outDir, 'rsyslog.conf'))
  await copyFile(r.eximConf, join(outDir, 'exim.conf'))
  await copyFile(r.dovecotConf, join(outDir, 'dovecot.conf'))
  if (existsSync(r.dovecotLog)) await copyFile(r.dovecotLog, join(outDir, 'dovecot.log'))
  await writeFile(join(outDir, 'queue.txt'), r.queue)
  await writeFile(
    join(outDir, 'answers.json'),
    `${JSON.stringify(
      {
        scenario: r.name,
        verb: r.verb,
        exim: r.eximVersion,
        dovecot: r.dovecotVersion,
        ...(r.syslog
          ? {
              rsyslog: r.syslog.rsyslogVersion,
              syslog: {timestamp: r.syslog.timestamp, duplication: r.syslog.duplication, files: r.syslog.files},
            }
          : {}),
        summary: r.summary,
        answers: r.answers,
        messages: r.sessions.flatMap((s) => s.messages.map((m, i) => ({session: s.index, message: i, ...m}))),
      },
      null,
      2,
    )}\n`,
  )
  // Exim's logs are 0640; the copies are for reading by anyone.
  for (const f of logs) await chmod(join(outDir, f), 0o644)
  await writeFile(
    join(outDir, 'transcript.txt'),
    r.sessions
      .map((s) => [`# session ${s.index}: exim ${s.args.join(' ')}`, ...s.transcript, ''].join('\n'))
      .join('\n'),
  )
}

/**
 * Counts the answers per lower-cased recipient, the way the report keys them:
 * `deferred` = 4xx replies (what rcpt-defer should count), `discarded` = 250 replies that
 * carry the over-quota text (what discard-misconfig should count: the client was told OK),
 * `accepted` = plain 250 Accepted, `other` = anything else.
 *
 * @param {readonly RcptAnswer[]} answers
 * @returns {AnswerSummary}
 */
export function summarizeAnswers(answers) {
  /** @type {AnswerSummary} */
  const out = {deferred: {}, discarded: {}, accepted: {}, other: {}, total: answers.length}
  for (const a of answers) {
    const key = a.recipient.toLowerCase()
    /** @type {Record<string, number>} */
    let bucket
    if (a.code >= 400 && a.code < 500) bucket = out.deferred
    else if (a.code === 250 && /over quota/i.test(a.text)) bucket = out.discarded
    else if (a.code === 250) bucket = out.accepted
    else bucket = out.other
    bucket[key] = (bucket[key] ?? 0) + 1
  }
  return out
}
