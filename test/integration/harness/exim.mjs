// A private Exim configuration for the harness: spool and logs in a temp dir, the RCPT ACL
// from the quota-status article with a chosen verb, and delivery to the private Dovecot over
// LMTP. Owns the entry in Exim's TRUSTED_CONFIG_LIST for the lifetime of one configuration.

import {chmod, chown, mkdir, open, readFile, rename, stat, unlink, writeFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {HarnessError, run, sleep} from './proc.mjs'

/** @typedef {import('./index.mjs').ToolInfo} ToolInfo */
/** @typedef {import('./index.mjs').Verb} Verb */
/** @typedef {import('./index.mjs').EximInstance} EximInstance */

/** release() functions of configurations still listed in TRUSTED_CONFIG_LIST. */
const live = new Set()

/** Removes every configuration this process registered and has not released yet. */
export async function releaseAllExims() {
  await Promise.all([...live].map((release) => release()))
}

/** Marks temp dirs this harness creates, so stale trusted-config entries can be pruned. */
export const WORK_DIR_PREFIX = 'exim-rejects-it-'

/**
 * Renders the Exim configuration.
 *
 * `verb` decides the over-quota statement of the RCPT ACL: `defer` (the article's choice),
 * `discard` (the mistake the article warns about), or `nosocket`: `defer` again but asking a
 * socket path that does not exist, so readsocket yields `action=FAIL` and every recipient is
 * accepted; over-quota mail is then refused by Dovecot at LMTP time.
 *
 * @param {{
 *   verb: Verb,
 *   logDir: string,
 *   spoolDir: string,
 *   quotaStatusSocket: string,
 *   lmtpSocket: string,
 *   lmtpPort?: number,
 *   eximUser: string,
 *   logSelector?: string,
 *   logTimezone?: boolean,
 *   timezone?: string,
 *   primaryHostname?: string,
 *   extraMain?: string,
 *   syslog?: import('./index.mjs').SyslogOptions,
 *   rcptLogMessage?: string,
 *   tls?: { cert: string, key: string, ca: string },
 *   remote?: { ip: string, port: number },
 * }} o
 * @returns {string}
 */
export function eximConfig(o) {
  if (o.verb === 'hostile') return hostileConfig(o)
  const aclVerb = o.verb === 'discard' ? 'discard' : 'defer'
  const socket = o.verb === 'nosocket' ? `${o.quotaStatusSocket}-missing` : o.quotaStatusSocket
  const files = o.syslog?.files ?? true
  const logFilePath = !o.syslog ? `${o.logDir}/%slog` : files ? `${o.logDir}/%slog : syslog` : 'syslog'
  const syslogLines = o.syslog
    ? [
        '# Also to syslog (facility mail, ident "exim": syslog_facility/syslog_processname defaults).',
        `syslog_timestamp = ${(o.syslog.timestamp ?? true) ? 'true' : 'false'}`,
        `syslog_duplication = ${(o.syslog.duplication ?? true) ? 'true' : 'false'}`,
      ]
    : []
  const main = [
    '# Private Exim configuration for the exim-rejects integration tests.',
    `primary_hostname = ${o.primaryHostname ?? 'mx.example.test'}`,
    'qualify_domain = example.test',
    'domainlist local_domains = example.test',
    '',
    `log_file_path = ${logFilePath}`,
    ...syslogLines,
    `spool_directory = ${o.spoolDir}`,
    o.logSelector ? `log_selector = ${o.logSelector}` : '# log_selector: default',
    `log_timezone = ${o.logTimezone ? 'true' : 'false'}`,
    o.timezone ? `timezone = ${o.timezone}` : '# timezone: system default',
    '',
    "# As in Debian's stock configuration: no environment warnings, no ident callbacks.",
    'keep_environment =',
    'rfc1413_hosts =',
    '',
    'acl_smtp_rcpt = acl_check_rcpt',
    o.extraMain ?? '',
  ]

  const acl = `
begin acl

acl_check_rcpt:

  # Mailbox quota check through Dovecot's quota-status service.
  ${aclVerb} message = 422 Mailbox $local_part@$domain is over quota
         domains = +local_domains
         condition = \${if eq{\${extract{action}\\
                                      {\${readsocket{${socket}}\\
                                                   {size=$message_size\\nrecipient=$local_part@$domain\\n\\n}\\
                                                   {5s}\\
                                                   { }\\
                                                   {action=FAIL}}}}}\\
                            {OVER}\\
                            {yes}\\
                            {no}}${
                              o.rcptLogMessage
                                ? `
         log_message = ${o.rcptLogMessage}`
                                : ''
                            }

  accept domains = +local_domains

  deny message = relay not permitted
`

  const routers = `
begin routers

# Bounces go to remote senders; nothing may leave this machine.
remote_blackhole:
  driver = redirect
  domains = ! +local_domains
  data = :blackhole:

dovecot_user:
  driver = accept
  domains = +local_domains
  transport = dovecot_lmtp
`

  const transport =
    o.lmtpPort === undefined
      ? `
dovecot_lmtp:
  driver = lmtp
  socket = ${o.lmtpSocket}
  batch_max = 50
  user = ${o.eximUser}
`
      : `
dovecot_lmtp:
  driver = smtp
  protocol = lmtp
  hosts = 127.0.0.1
  hosts_override
  port = ${o.lmtpPort}
  allow_localhost
  max_rcpt = 50
`

  const retry = `
begin retry

*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h
`

  return `${main.join('\n')}\n${acl}${routers}\nbegin transports\n${transport}${retry}`
}

/**
 * The hostile scenario's configuration: recipients are deferred, discarded or denied by what
 * their local part holds (full, drop, deny), so any client-chosen address gets a known answer;
 * junk HELOs are accepted (helo_accept_junk_hosts); STARTTLS with client certificates (their DN
 * is logged); mail for evil.example goes over SMTP to a remote server (remote.mjs) that defers
 * some of it; DATA is rejected for a subject holding deny-data.
 *
 * @param {Parameters<typeof eximConfig>[0]} o
 * @returns {string}
 */
function hostileConfig(o) {
  const tls = o.tls
    ? [
        `tls_certificate = ${o.tls.cert}`,
        `tls_privatekey = ${o.tls.key}`,
        'tls_advertise_hosts = *',
        `tls_verify_certificates = ${o.tls.ca}`,
        'tls_try_verify_hosts = *',
      ]
    : []
  const main = [
    '# Private Exim configuration for the exim-rejects hostile-input test.',
    `primary_hostname = ${o.primaryHostname ?? 'mx.example.test'}`,
    'qualify_domain = example.test',
    'domainlist local_domains = example.test',
    '',
    `log_file_path = ${o.logDir}/%slog`,
    `spool_directory = ${o.spoolDir}`,
    `log_selector = ${o.logSelector ?? '+all'}`,
    'helo_accept_junk_hosts = *',
    ...tls,
    'keep_environment =',
    'rfc1413_hosts =',
    '',
    'acl_smtp_rcpt = acl_check_rcpt',
    'acl_smtp_data = acl_check_data',
    o.extraMain ?? '',
  ]
  const remote = o.remote
    ? `
evil_remote:
  driver = accept
  domains = evil.example
  transport = remote_smtp
`
    : ''
  const remoteTransport = o.remote
    ? `
remote_smtp:
  driver = smtp
  hosts = ${o.remote.ip}
  hosts_override
  port = ${o.remote.port}
  allow_localhost
  hosts_avoid_tls = *
`
    : ''
  return `${main.join('\n')}
begin acl

acl_check_rcpt:
  defer   message = 422 Mailbox $local_part@$domain is over quota
          domains = +local_domains
          local_parts = ^(?i).*full.*
  discard message = 422 Mailbox $local_part@$domain is over quota
          domains = +local_domains
          local_parts = ^(?i).*drop.*
  deny    message = 550 No such user $local_part@$domain
          domains = +local_domains
          local_parts = ^(?i).*deny.*
  accept  domains = +local_domains : evil.example
  deny    message = relay not permitted

acl_check_data:
  deny    message = 550 Content rejected
          condition = \${if match{$h_subject:}{deny-data}}
  accept

begin routers
${remote}
remote_blackhole:
  driver = redirect
  domains = ! +local_domains
  data = :blackhole:

local_blackhole:
  driver = redirect
  data = :blackhole:

begin transports
${remoteTransport}
begin retry

*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h
`
}

/**
 * Creates spool and log directories owned by the Exim user, writes the configuration (root
 * owned, mode 0644, as Exim demands for -C) and lists it in TRUSTED_CONFIG_LIST, so that the
 * delivery and bounce processes Exim re-executes keep their privileges.
 *
 * @param {{ dir: string, info: ToolInfo } & Omit<Parameters<typeof eximConfig>[0], 'logDir' | 'spoolDir' | 'eximUser'>} opts
 * @returns {Promise<EximInstance>}
 */
export async function prepareExim(opts) {
  const {dir, info} = opts
  const logDir = join(dir, 'log')
  const spoolDir = join(dir, 'spool')
  const conf = join(dir, 'exim.conf')
  await mkdir(dir, {recursive: true})
  await chmod(dir, 0o755)
  for (const d of [logDir, spoolDir]) {
    await mkdir(d, {recursive: true})
    await chown(d, info.eximUid, info.eximGid)
    await chmod(d, 0o750)
  }
  const {dir: _d, info: _i, ...rest} = opts
  await writeFile(conf, eximConfig({...rest, logDir, spoolDir, eximUser: info.eximUser}), {mode: 0o644})
  await chmod(conf, 0o644)

  if (info.trustedConfigList) await registerTrustedConfig(info.trustedConfigList, conf)

  const check = await run(info.exim, ['-C', conf, '-bV'], {timeoutMs: 15_000})
  if (check.code !== 0) {
    if (info.trustedConfigList) await unregisterTrustedConfig(info.trustedConfigList, conf)
    throw new HarnessError(`Exim rejects the generated configuration ${conf}`, {
      detail: check.stderr.trim() || check.stdout.trim(),
    })
  }

  let released = false
  const release = async () => {
    if (released) return
    released = true
    live.delete(release)
    if (info.trustedConfigList) await unregisterTrustedConfig(info.trustedConfigList, conf)
  }
  live.add(release)
  return {
    conf,
    dir,
    logDir,
    spoolDir,
    mainlog: join(logDir, 'mainlog'),
    rejectlog: join(logDir, 'rejectlog'),
    paniclog: join(logDir, 'paniclog'),
    exim: info.exim,
    /** @param {string[]} args @param {{ timeoutMs?: number, input?: string }} [o] */
    exec: (args, o = {}) => run(info.exim, ['-C', conf, ...args], {timeoutMs: o.timeoutMs ?? 60_000, input: o.input}),
    release,
  }
}

/**
 * Adds `confPath` to Exim's trusted-config list (creating it root-owned 0644 if needed) and
 * drops entries left behind by earlier runs whose files are gone.
 *
 * @param {string} listPath @param {string} confPath
 */
export async function registerTrustedConfig(listPath, confPath) {
  await withListLock(listPath, async () => {
    const lines = await readList(listPath)
    const kept = lines.filter((l) => !(l.includes(`/${WORK_DIR_PREFIX}`) && !existsSync(l)))
    if (!kept.includes(confPath)) kept.push(confPath)
    await writeList(listPath, kept)
  })
}

/** @param {string} listPath @param {string} confPath */
export async function unregisterTrustedConfig(listPath, confPath) {
  await withListLock(listPath, async () => {
    const lines = await readList(listPath)
    if (!lines.includes(confPath)) return
    await writeList(
      listPath,
      lines.filter((l) => l !== confPath),
    )
  })
}

/** @param {string} listPath @returns {Promise<string[]>} */
async function readList(listPath) {
  try {
    const st = await stat(listPath)
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
      throw new HarnessError(
        `${listPath} must be owned by root and writable by nobody else (Exim ignores it otherwise); ` +
          `fix with: chown root:root ${listPath} && chmod 644 ${listPath}`,
      )
    }
    return (await readFile(listPath, 'utf8')).split('\n').filter((l) => l.trim() !== '')
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT') return []
    throw err
  }
}

/** @param {string} listPath @param {string[]} lines */
async function writeList(listPath, lines) {
  const tmp = `${listPath}.tmp-${process.pid}`
  await writeFile(tmp, lines.length ? `${lines.join('\n')}\n` : '', {mode: 0o644})
  await chmod(tmp, 0o644)
  await rename(tmp, listPath)
}

/**
 * Serialises edits of the trusted-config list between concurrent test workers.
 *
 * @template T @param {string} listPath @param {() => Promise<T>} fn @returns {Promise<T>}
 */
async function withListLock(listPath, fn) {
  const lock = `${listPath}.lock`
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      const fh = await open(lock, 'wx')
      await fh.close()
      break
    } catch (err) {
      if (!(err && typeof err === 'object' && 'code' in err && err.code === 'EEXIST')) throw err
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (age > 60_000) await unlink(lock).catch(() => {})
      if (Date.now() > deadline) throw new HarnessError(`cannot lock ${lock} (remove it if stale)`)
      await sleep(50)
    }
  }
  try {
    return await fn()
  } finally {
    await unlink(lock).catch(() => {})
  }
}
