// Types for the JavaScript harness in index.mjs, for the TypeScript integration tests.

/** Facts about the installed tools, found by probe(). */
export interface ToolInfo {
  exim: string
  eximVersion: string
  eximUser: string
  eximGroup: string
  eximUid: number
  eximGid: number
  /** Exim's compiled-in TRUSTED_CONFIG_LIST (Debian: /etc/exim4/trusted_configs), if any. */
  trustedConfigList: string | undefined
  dovecot: string
  doveadm: string
  dovecotVersion: string
  dovecotLibexecDir: string
  /** Owner of the test mailboxes (the `nobody` account). */
  mailUid: number
  mailGid: number
  socat: string | undefined
}

export type ProbeResult = {ok: true; info: ToolInfo} | {ok: false; reason: string}

/**
 * The over-quota statement of the RCPT ACL; `nosocket` is `defer` asking a missing socket;
 * `hostile` answers recipients by their local part (full, drop, deny: see exim.mjs) for clients
 * that send hostile text, with TLS and a remote server.
 */
export type Verb = 'defer' | 'discard' | 'nosocket' | 'hostile'

export interface MailUser {
  address: string
  /** Pre-filled to its quota, so quota-status says OVER and LMTP refuses more. */
  full: boolean
  /** Dovecot's quota_full_tempfail for this user: LMTP 452 4.2.2 instead of 552 5.2.2. */
  tempfail?: boolean
}

export interface MessageSpec {
  /** Envelope sender without brackets; '' is the null sender <>. */
  sender: string
  recipients: readonly string[]
  /** Sent as MAIL FROM SIZE=; Exim's $message_size at RCPT time. */
  size?: number
  /** The Subject: header (default: names the session and message). */
  subject?: string
}

export interface SessionSpec {
  ip: string
  /** Client port (shown with +incoming_port). Default 25025. */
  port?: number
  /** Verified host name (-oMs); without it H= shows only (helo) [ip]. */
  hostName?: string
  helo: string
  /** Local interface address (-oMi), shown with +incoming_interface. Default 192.0.2.25. */
  interface?: string
  /** STARTTLS after EHLO: SNI, and a client certificate (a key of the scenario's tlsClients, or files). */
  tls?: {servername?: string; client?: string; cert?: string; key?: string}
  messages: readonly MessageSpec[]
}

/** What Exim answered to one RCPT TO. */
export interface RcptAnswer {
  session: number
  message: number
  ip: string
  port: number
  hostName: string | undefined
  helo: string
  sender: string
  /** As sent by the client (case kept). */
  recipient: string
  code: number
  text: string
}

export interface SessionResult {
  index: number
  spec: SessionSpec
  answers: RcptAnswer[]
  messages: Array<{
    sender: string
    /** undefined when no recipient was accepted and the client sent RSET instead of DATA. */
    dataCode: number | undefined
    dataText: string | undefined
    messageId: string | undefined
  }>
  /** `C: ...` / `S: ...` lines. */
  transcript: string[]
  /** exim command-line arguments used. */
  args: string[]
}

export interface AnswerSummary {
  /** Lower-cased recipient -> number of 4xx answers. */
  deferred: Record<string, number>
  /** Lower-cased recipient -> number of 250 answers carrying the over-quota text (discard). */
  discarded: Record<string, number>
  accepted: Record<string, number>
  other: Record<string, number>
  total: number
}

/**
 * Exim logging to syslog as well, through a private rsyslogd on /dev/log (see syslog.mjs).
 * The three files land in the log dir: `syslog` (RFC 3164 file format), `syslog-iso`
 * (ISO 8601 timestamps) and `syslog-5424` (RFC 5424, with <PRI>).
 */
export interface SyslogOptions {
  /** Exim syslog_timestamp (default true: Exim's own timestamp starts each message). */
  timestamp?: boolean
  /** Exim syslog_duplication (default true: MAIN|REJECT and MAIN|PANIC lines sent twice). */
  duplication?: boolean
  /** Keep mainlog/rejectlog/paniclog too: log_file_path = <dir>/%slog : syslog (default true). */
  files?: boolean
  /** HOSTNAME field rsyslogd writes (default 'mx'). */
  hostname?: string
  /** TZ for rsyslogd's timestamps; default the scenario's `timezone`, else the system zone. */
  timezone?: string
}

export interface SyslogInfo {
  rsyslogd: string
  rsyslogVersion: string
  /** util-linux logger, used for readiness/flush markers (facility local7, never in the mail files). */
  logger: string | undefined
}

export type SyslogProbeResult = {ok: true; info: SyslogInfo} | {ok: false; reason: string}

/** Who holds /dev/log. */
export interface DevLogOwner {
  state: 'absent' | 'harness' | 'foreign' | 'stale'
  /** Symlink target when /dev/log is a symlink (journald: /run/systemd/journal/dev-log). */
  link?: string
  pid?: number
  comm?: string
  cmdline?: string
  note?: string
}

export interface RsyslogInstance {
  conf: string
  dir: string
  pidFile: string
  pid: number
  /** Everything that is not facility mail (the harness markers, rsyslogd's own notices). */
  otherLog: string
  files: {traditional: string; iso: string; rfc5424: string}
  rsyslogVersion: string
  /** Waits until all sent messages are written, then stops rsyslogd and releases /dev/log. */
  flushAndStop(): Promise<void>
  /** Stops rsyslogd at once (no flush marker), removes /dev/log if we created it, releases the lock. */
  stop(): Promise<void>
}

export interface ScenarioOptions {
  verb: Verb
  /** hostile: client certificates to make, name -> openssl subject. Default HOSTILE_CLIENTS. */
  tlsClients?: Record<string, string>
  /** Label stored in answers.json. Default: the verb. */
  name?: string
  /** Exim log_selector value, e.g. '+pid +millisec +incoming_port'. Default: Exim's default. */
  logSelector?: string
  logTimezone?: boolean
  /** Exim `timezone` option, e.g. 'Asia/Yekaterinburg'. Default: the system zone. */
  timezone?: string
  sessions?: readonly SessionSpec[]
  users?: readonly MailUser[]
  /** 'socket': lmtp transport on Dovecot's unix socket (default); 'tcp': smtp transport, protocol = lmtp. */
  lmtp?: 'socket' | 'tcp'
  /** Dovecot lmtp_rcpt_check_quota (default true: quota errors at RCPT, else after DATA). */
  lmtpRcptCheckQuota?: boolean
  /** `exim -qf` runs after the sessions (default 1). */
  queueRuns?: number
  /** Extra main-section lines for the Exim configuration. */
  extraMain?: string
  /** Also log to syslog through a private rsyslogd (needs /dev/log free; see probeSyslog()). */
  syslog?: SyslogOptions
  /**
   * `log_message` for the over-quota ACL statement (an Exim expansion string), e.g. to make
   * one recipient's log line longer than Exim's 870-character syslog limit.
   */
  rcptLogMessage?: string
  /** Copy logs, answers.json, transcript and configs here when done. */
  outDir?: string
  /** Keep the work dir on cleanup(); default: process.env.KEEP === '1'. */
  keep?: boolean
  /** Parent of the work dir; default os.tmpdir(). */
  tmpRoot?: string
}

export interface ScenarioResult {
  name: string
  verb: Verb
  /** hostile: the remote server for evil.example, and every RCPT address it deferred (452), as sent. */
  remote?: {ip: string; loopback: boolean; deferred: string[]}
  workDir: string
  logDir: string
  mainlog: string
  rejectlog: string
  paniclog: string
  eximConf: string
  dovecotConf: string
  dovecotLog: string
  answers: RcptAnswer[]
  sessions: SessionResult[]
  /** `exim -bp` after the queue runs. */
  queue: string
  summary: AnswerSummary
  eximVersion: string
  dovecotVersion: string
  /** Present when the scenario ran with `syslog`: the rsyslogd output files (in logDir). */
  syslog?: {
    traditional: string
    iso: string
    rfc5424: string
    rsyslogConf: string
    otherLog: string
    rsyslogVersion: string
    timestamp: boolean
    duplication: boolean
    files: boolean
  }
  /** Removes the work dir (unless kept). Dovecot is already stopped. */
  cleanup(): Promise<void>
}

export interface DovecotInstance {
  conf: string
  dir: string
  baseDir: string
  logFile: string
  quotaStatusSocket: string
  lmtpSocket: string
  lmtpPort: number | undefined
  users: readonly MailUser[]
  stop(): Promise<void>
  queryQuotaStatus(recipient: string, size?: number): Promise<{action: string; raw: string}>
}

export interface EximInstance {
  conf: string
  dir: string
  logDir: string
  spoolDir: string
  mainlog: string
  rejectlog: string
  paniclog: string
  exim: string
  exec(
    args: string[],
    opts?: {timeoutMs?: number; input?: string},
  ): Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>
  /** Removes the configuration from TRUSTED_CONFIG_LIST. */
  release(): Promise<void>
}

export interface EximConfigOptions {
  verb: Verb
  logDir: string
  spoolDir: string
  quotaStatusSocket: string
  lmtpSocket: string
  lmtpPort?: number
  eximUser: string
  logSelector?: string
  logTimezone?: boolean
  timezone?: string
  primaryHostname?: string
  extraMain?: string
  syslog?: SyslogOptions
  rcptLogMessage?: string
}

export class HarnessError extends Error {
  constructor(message: string, extra?: {cause?: unknown; detail?: string})
}

export function probe(): Promise<ProbeResult>

export const DEFAULT_USERS: readonly MailUser[]
export const DEFAULT_SESSIONS: readonly SessionSpec[]

export function startDovecot(opts: {
  dir: string
  info: ToolInfo
  users?: readonly MailUser[]
  lmtpTcp?: boolean
  lmtpRcptCheckQuota?: boolean
  hostname?: string
}): Promise<DovecotInstance>

/** Stops every Dovecot started by this process and not stopped yet (for signal handlers). */
export function stopAllDovecots(): Promise<void>

export function queryQuotaStatus(
  socketPath: string,
  recipient: string,
  size?: number,
): Promise<{action: string; raw: string}>

export function eximConfig(opts: EximConfigOptions): string

export function prepareExim(
  opts: {dir: string; info: ToolInfo} & Omit<EximConfigOptions, 'logDir' | 'spoolDir' | 'eximUser'>,
): Promise<EximInstance>

/** Removes every trusted-config entry this process registered and has not released yet. */
export function releaseAllExims(): Promise<void>

export function registerTrustedConfig(listPath: string, confPath: string): Promise<void>
export function unregisterTrustedConfig(listPath: string, confPath: string): Promise<void>

export function sessionArgs(spec: SessionSpec): string[]

export function runSmtpSession(
  target: {exim: string; conf: string},
  spec: SessionSpec,
  index: number,
  opts?: {replyTimeoutMs?: number; sessionTimeoutMs?: number},
): Promise<SessionResult>

export function runScenario(opts: ScenarioOptions): Promise<ScenarioResult>
export function saveScenario(result: ScenarioResult, outDir: string): Promise<void>
/** Stops all Dovecots and removes all trusted-config entries of this process (signal handlers). */
export function teardownAll(): Promise<void>
export function summarizeAnswers(answers: readonly RcptAnswer[]): AnswerSummary

/** Named scenarios written by make-logs.mjs (defer-plain, discard-pid-ms-port, nosocket-plain, defer-syslog, ...). */
export const SCENARIOS: ReadonlyArray<ScenarioOptions & {name: string; about: string}>
export const HOSTILE_SESSIONS: readonly SessionSpec[]
export const HOSTILE_CLIENTS: Readonly<Record<string, string>>

/** The socket Exim's syslog() writes to. */
export const DEV_LOG: string
/** Machine-wide lock file that serialises the syslog scenarios. */
export const SYSLOG_LOCK: string

/**
 * rsyslogd present (installed with apt-get when missing, unless install is false or
 * EXIM_REJECTS_IT_SYSLOG_INSTALL=0) and /dev/log free or held by a harness rsyslogd.
 */
export function probeSyslog(opts?: {install?: boolean}): Promise<SyslogProbeResult>
export function devLogOwner(): Promise<DevLogOwner>
export function startRsyslog(opts: {
  dir: string
  logDir: string
  info: SyslogInfo
  hostname?: string
  timezone?: string
  lockTimeoutMs?: number
}): Promise<RsyslogInstance>
export function rsyslogConf(opts: {
  workDir: string
  hostname: string
  files: {traditional: string; iso: string; rfc5424: string}
  otherLog: string
}): string
/** Stops every rsyslogd started by this process and not stopped yet (for signal handlers). */
export function stopAllRsyslogs(): Promise<void>

/** rcptLogMessage of defer-syslog-split: over 870 characters in the log for full2@ only. */
export const LONG_LOG_MESSAGE: string
