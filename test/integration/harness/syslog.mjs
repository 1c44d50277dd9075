// A private rsyslogd for the harness, so that Exim's `log_file_path = ... : syslog` output goes
// through a real syslog daemon: imuxsock on the standard /dev/log (glibc's syslog(), and so
// Exim, always writes there), facility mail written three ways into Exim's log dir:
//   syslog       RSYSLOG_TraditionalFileFormat   Nov 25 13:16:26 mx exim[25353]: ...
//   syslog-iso   RSYSLOG_FileFormat              2024-11-25T13:16:26.123456+00:00 mx exim[25353]: ...
//   syslog-5424  RSYSLOG_SyslogProtocol23Format  <22>1 2024-11-25T13:16:26.123456+00:00 mx exim 25353 - - ...
//
// /dev/log is machine-wide, so only one such rsyslogd can run at a time: a lock file
// serialises scenarios across processes, and a /dev/log that belongs to any other daemon
// (systemd-journald, a system rsyslogd, ...) is never touched; the scenario is refused instead.

import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync} from 'node:fs'
import {
  chmod,
  lstat,
  mkdir,
  open,
  readFile,
  readdir,
  readlink,
  realpath,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises'
import {join} from 'node:path'
import {HarnessError, awaitExitOrKill, isAlive, run, sleep, tail, waitFor, which} from './proc.mjs'
import {WORK_DIR_PREFIX} from './exim.mjs'

/** @typedef {import('./index.mjs').SyslogProbeResult} SyslogProbeResult */
/** @typedef {import('./index.mjs').SyslogInfo} SyslogInfo */
/** @typedef {import('./index.mjs').RsyslogInstance} RsyslogInstance */
/** @typedef {import('./index.mjs').DevLogOwner} DevLogOwner */

/** The socket glibc's syslog() writes to. */
export const DEV_LOG = '/dev/log'

/** One harness rsyslogd at a time per machine; holds JSON { pid, rsyslogPid, createdDevLog }. */
export const SYSLOG_LOCK = existsSync('/run') ? '/run/exim-rejects-it-syslog.lock' : '/tmp/exim-rejects-it-syslog.lock'

/** Facility used for the harness's own readiness/flush markers (kept out of the mail files). */
const MARK_FACILITY = 'local7'

const INSTALL_CMD = 'apt-get install -y --no-install-recommends rsyslog'

/** stop() functions of rsyslogds still running. */
const live = new Set()

/** Stops every rsyslogd this process started and has not stopped yet (for signal handlers). */
export async function stopAllRsyslogs() {
  await Promise.all([...live].map((stop) => stop()))
}

/** @type {Promise<{ ok: true, info: SyslogInfo } | { ok: false, reason: string }> | undefined} */
let cachedTools

/**
 * Can this machine run the syslog scenarios? Finds rsyslogd (installing the Debian package
 * when it is missing and `install` is not false: apt-get, with daemon start-up blocked so the
 * package's own rsyslogd does not take /dev/log), then checks that /dev/log is free or held
 * only by a harness rsyslogd. Unlike probe(), this may change the system (the install).
 *
 * @param {{ install?: boolean }} [opts] install defaults to EXIM_REJECTS_IT_SYSLOG_INSTALL !== '0'
 * @returns {Promise<SyslogProbeResult>}
 */
export async function probeSyslog(opts = {}) {
  const install = opts.install ?? process.env.EXIM_REJECTS_IT_SYSLOG_INSTALL !== '0'
  cachedTools ??= findTools(install).catch((err) => ({
    ok: /** @type {const} */ (false),
    reason: `syslog probe failed: ${err instanceof Error ? err.message : String(err)}`,
  }))
  const tools = await cachedTools
  // A failed lookup without install may succeed later with it; do not cache that answer.
  if (!tools.ok && !install) cachedTools = undefined
  if (!tools.ok) return tools
  const owner = await devLogOwner()
  if (owner.state === 'foreign') return {ok: false, reason: foreignReason(owner)}
  if (owner.state === 'stale' && !(await staleLeftByHarness())) return {ok: false, reason: staleReason()}
  return tools
}

/** True when the lock file says a dead harness process created the /dev/log that is left. */
async function staleLeftByHarness() {
  try {
    const held = JSON.parse(await readFile(SYSLOG_LOCK, 'utf8'))
    return Boolean(held.createdDevLog) && typeof held.pid === 'number' && !isAlive(held.pid)
  } catch {
    return false
  }
}

/**
 * @param {boolean} install
 * @returns {Promise<{ ok: true, info: SyslogInfo } | { ok: false, reason: string }>}
 */
async function findTools(install) {
  /** @param {string} reason */
  const no = (reason) => ({ok: /** @type {const} */ (false), reason})
  if (process.env.EXIM_REJECTS_IT === '0') return no('disabled by EXIM_REJECTS_IT=0')
  if (process.platform !== 'linux') return no(`needs Linux, this is ${process.platform}`)
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) return no('needs root: the private rsyslogd must bind /dev/log')

  let rsyslogd = await which(process.env.RSYSLOGD_BIN || 'rsyslogd')
  if (!rsyslogd) {
    if (process.env.RSYSLOGD_BIN) return no(`RSYSLOGD_BIN=${process.env.RSYSLOGD_BIN} is not an executable`)
    if (!install) {
      return no(
        `rsyslogd is not installed (${INSTALL_CMD}; automatic install disabled by ` +
          'EXIM_REJECTS_IT_SYSLOG_INSTALL=0 or install: false)',
      )
    }
    const installed = await installRsyslog()
    if (!installed.ok) return installed
    rsyslogd = await which('rsyslogd')
    if (!rsyslogd) return no(`${INSTALL_CMD} succeeded but no rsyslogd binary was found afterwards`)
  }
  const v = await run(rsyslogd, ['-v'], {timeoutMs: 15_000})
  const version = /rsyslogd\s+(\S+)/.exec(v.stdout)?.[1]
  if (!version) return no(`cannot read the version from ${rsyslogd} -v: ${(v.stderr || v.stdout).trim()}`)
  return {ok: true, info: {rsyslogd, rsyslogVersion: version, logger: await which('logger')}}
}

/**
 * `apt-get install -y --no-install-recommends rsyslog`, with a temporary policy-rc.d that
 * keeps the package from starting the system rsyslogd (which would take /dev/log). An
 * existing policy-rc.d is left alone. Runs `apt-get update` once if the first try fails.
 *
 * @returns {Promise<{ ok: true } | { ok: false, reason: string }>}
 */
async function installRsyslog() {
  const aptGet = await which('apt-get')
  if (!aptGet)
    return {ok: false, reason: `rsyslogd is not installed and there is no apt-get to install it (need: ${INSTALL_CMD})`}
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'}
  const policy = '/usr/sbin/policy-rc.d'
  let ownPolicy = false
  if (!existsSync(policy)) {
    await writeFile(policy, '#!/bin/sh\n# Temporary: keeps a package install from starting daemons.\nexit 101\n', {
      mode: 0o755,
    })
    await chmod(policy, 0o755)
    ownPolicy = true
  }
  try {
    const args = ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', 'rsyslog']
    let r = await run(aptGet, args, {env, timeoutMs: 600_000})
    if (r.code !== 0) {
      const u = await run(aptGet, ['-o', 'DPkg::Lock::Timeout=300', 'update'], {env, timeoutMs: 600_000})
      if (u.code !== 0) {
        return {
          ok: false,
          reason: `rsyslogd is not installed and apt-get update failed (need: ${INSTALL_CMD}):\n${tail(u.stderr || u.stdout, 8)}`,
        }
      }
      r = await run(aptGet, args, {env, timeoutMs: 600_000})
    }
    if (r.code !== 0) {
      return {
        ok: false,
        reason: `rsyslogd is not installed and ${INSTALL_CMD} failed:\n${tail(r.stderr || r.stdout, 8)}`,
      }
    }
  } finally {
    if (ownPolicy) await unlink(policy).catch(() => {})
  }
  return {ok: true}
}

/**
 * Who holds /dev/log: `absent`; `harness` (an rsyslogd started by this harness, from its
 * -f path); `foreign` (any other process: journald, a system syslog daemon); or `stale`
 * (a socket or file nobody listens on).
 *
 * @returns {Promise<DevLogOwner>}
 */
export async function devLogOwner() {
  let st
  try {
    st = await lstat(DEV_LOG)
  } catch {
    return {state: 'absent'}
  }
  const link = st.isSymbolicLink() ? await readlink(DEV_LOG).catch(() => undefined) : undefined
  const target = await realpath(DEV_LOG).catch(() => undefined)
  if (!target) return {state: 'stale', link, note: `dangling symlink to ${link}`}
  const holders = await socketHolders(target)
  const [first] = holders
  if (!first) return {state: 'stale', link}
  const mine = holders.every((h) => /rsyslogd/.test(h.comm) && h.cmdline.includes(`/${WORK_DIR_PREFIX}`))
  return {state: mine ? 'harness' : 'foreign', link, pid: first.pid, comm: first.comm, cmdline: first.cmdline}
}

/**
 * Processes that have the unix socket bound at `path` open (via /proc/net/unix inodes).
 *
 * @param {string} path
 * @returns {Promise<Array<{ pid: number, comm: string, cmdline: string }>>}
 */
async function socketHolders(path) {
  const table = await readFile('/proc/net/unix', 'utf8').catch(() => '')
  const inodes = new Set()
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length >= 8 && f.slice(7).join(' ') === path) inodes.add(`socket:[${f[6]}]`)
  }
  if (inodes.size === 0) return []
  const out = []
  for (const name of await readdir('/proc').catch(() => /** @type {string[]} */ ([]))) {
    if (!/^\d+$/.test(name)) continue
    const fds = await readdir(`/proc/${name}/fd`).catch(() => /** @type {string[]} */ ([]))
    for (const fd of fds) {
      const l = await readlink(`/proc/${name}/fd/${fd}`).catch(() => '')
      if (!inodes.has(l)) continue
      const comm = (await readFile(`/proc/${name}/comm`, 'utf8').catch(() => '?')).trim()
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''))
        .split('\0')
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 160)
      out.push({pid: Number(name), comm, cmdline})
      break
    }
  }
  return out
}

/** @param {DevLogOwner} o */
function foreignReason(o) {
  const via = o.link ? ` (a symlink to ${o.link})` : ''
  return (
    `${DEV_LOG}${via} belongs to ${o.comm ?? 'another process'} (pid ${o.pid}: ${o.cmdline || '?'}); ` +
    'the syslog scenarios need their own rsyslogd on /dev/log and will not take it from another ' +
    'daemon. Run them where no syslog daemon or journald owns /dev/log (e.g. a container), ' +
    'or stop that daemon first.'
  )
}

function staleReason() {
  return (
    `${DEV_LOG} exists but no process listens on it; it was not created by this harness, so it is ` +
    `left alone. Remove it (rm ${DEV_LOG}) if nothing should own it, then run again.`
  )
}

/**
 * @param {{
 *   dir: string,
 *   logDir: string,
 *   info: SyslogInfo,
 *   hostname?: string,
 *   timezone?: string,
 *   lockTimeoutMs?: number,
 * }} opts
 * @returns {Promise<RsyslogInstance>}
 */
export async function startRsyslog(opts) {
  const {dir, logDir, info} = opts
  await mkdir(join(dir, 'work'), {recursive: true})
  const conf = join(dir, 'rsyslog.conf')
  const pidFile = join(dir, 'rsyslogd.pid')
  const otherLog = join(dir, 'other.log')
  const stderrLog = join(dir, 'rsyslogd.stderr')
  const files = {
    traditional: join(logDir, 'syslog'),
    iso: join(logDir, 'syslog-iso'),
    rfc5424: join(logDir, 'syslog-5424'),
  }
  await writeFile(
    conf,
    rsyslogConf({
      workDir: join(dir, 'work'),
      hostname: opts.hostname ?? 'mx',
      files,
      otherLog,
    }),
    {mode: 0o644},
  )

  const check = await run(info.rsyslogd, ['-N1', '-f', conf], {timeoutMs: 30_000})
  if (check.code !== 0) {
    throw new HarnessError(`rsyslogd rejects the generated configuration ${conf}`, {
      detail: tail(`${check.stderr}\n${check.stdout}`),
    })
  }

  const releaseLock = await acquireLock(opts.lockTimeoutMs ?? 600_000)
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child
  let createdDevLog = false
  let stopped = false
  /** @type {string | undefined} */
  let failure

  const stop = async () => {
    if (stopped) return
    stopped = true
    live.delete(stop)
    try {
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const pid = child.pid
        const exited = new Promise((resolve) => child?.once('exit', resolve))
        try {
          process.kill(pid, 'SIGTERM')
        } catch {
          // already gone
        }
        if (!(await within(exited, 15_000))) {
          try {
            process.kill(pid, 'SIGKILL')
          } catch {
            // already gone
          }
          await within(exited, 2_000)
        }
      }
      // rsyslogd unlinks its socket on exit; remove it if it did not, but only if we made it.
      if (createdDevLog) {
        const owner = await devLogOwner()
        if (owner.state === 'stale') await unlink(DEV_LOG).catch(() => {})
      }
    } finally {
      await releaseLock()
    }
  }
  live.add(stop)

  try {
    const before = await devLogOwner()
    if (before.state === 'foreign') throw new HarnessError(foreignReason(before))
    if (before.state === 'stale') throw new HarnessError(staleReason())
    if (before.state === 'harness' && before.pid !== undefined) {
      // We hold the lock, so this is a leftover from an interrupted run: end it.
      await killLeftover(before.pid)
      if (existsSync(DEV_LOG) && (await devLogOwner()).state === 'stale') await unlink(DEV_LOG).catch(() => {})
    }

    const errFd = openSync(stderrLog, 'a')
    const env = {...process.env}
    if (opts.timezone) env.TZ = opts.timezone
    try {
      child = spawn(info.rsyslogd, ['-n', '-f', conf, '-i', pidFile], {
        stdio: ['ignore', errFd, errFd],
        env,
      })
    } finally {
      closeSync(errFd)
    }
    child.on('error', (err) => {
      failure = err.message
    })
    child.on('exit', (code, signal) => {
      failure ??= `rsyslogd exited (${code ?? signal})`
    })
    createdDevLog = true
    await writeLock({pid: process.pid, rsyslogPid: child.pid, createdDevLog: true})

    const errText = async () => tail(await readFile(stderrLog, 'utf8').catch(() => ''))
    await waitFor(
      async () => {
        if (failure && !stopped) throw new HarnessError(`${failure} while starting`, {detail: await errText()})
        const o = await devLogOwner()
        return o.state === 'harness' && o.pid === child?.pid
      },
      {timeoutMs: 15_000, what: `rsyslogd to bind ${DEV_LOG}`},
    ).catch(async (err) => {
      throw new HarnessError(err instanceof Error ? err.message : String(err), {detail: await errText()})
    })

    const mark = async (/** @type {string} */ what) => {
      if (!info.logger) {
        // No way to send a marker; give the daemon a moment instead.
        await sleep(what === 'ready' ? 300 : 1_000)
        return
      }
      const token = `exim-rejects-it-${what}-${process.pid}-${Date.now().toString(36)}`
      const r = await run(
        info.logger,
        ['--socket', DEV_LOG, '--socket-errors=on', '-p', `${MARK_FACILITY}.info`, '-t', 'harness', token],
        {timeoutMs: 10_000},
      )
      if (r.code !== 0) throw new HarnessError(`logger could not write to ${DEV_LOG}`, {detail: r.stderr.trim()})
      await waitFor(async () => (await readFile(otherLog, 'utf8').catch(() => '')).includes(token), {
        timeoutMs: 15_000,
        what: `rsyslogd to write the ${what} marker to ${otherLog}`,
      })
    }
    await mark('ready')

    return {
      conf,
      dir,
      pidFile,
      pid: /** @type {number} */ (child.pid),
      otherLog,
      files,
      rsyslogVersion: info.rsyslogVersion,
      /** Waits until everything sent so far is written, then stops rsyslogd (it flushes on exit). */
      async flushAndStop() {
        if (stopped) return
        await mark('flush')
        await waitQuiet(Object.values(files), 300, 10_000)
        await stop()
        if (failure && !/exited \((0|SIGTERM)\)/.test(failure)) {
          throw new HarnessError(`rsyslogd: ${failure}`, {detail: await errText()})
        }
      },
      stop,
    }
  } catch (err) {
    await stop().catch(() => {})
    throw err
  }
}

/**
 * The rsyslog configuration: imuxsock on /dev/log with rate limiting off, facility mail to the
 * three files, everything else (the harness markers, rsyslogd's own notices) to `otherLog`.
 *
 * @param {{ workDir: string, hostname: string, files: { traditional: string, iso: string, rfc5424: string }, otherLog: string }} o
 * @returns {string}
 */
export function rsyslogConf(o) {
  const file = (/** @type {string} */ path, /** @type {string} */ template) =>
    `  action(type="omfile" file="${path}" template="${template}" fileCreateMode="0644" flushOnTXEnd="on")`
  return `# Private rsyslogd for the exim-rejects integration tests (started with -f this file).
global(
  workDirectory="${o.workDir}"
  localHostName="${o.hostname}"
  maxMessageSize="64k"
)

# Exim's syslog() goes to /dev/log. No rate limiting: a burst of log lines must all arrive.
module(load="imuxsock"
       SysSock.Name="${DEV_LOG}"
       SysSock.Unlink="on"
       SysSock.RateLimit.Interval="0"
       SysSock.RateLimit.Burst="1000000"
       SysSock.RateLimit.Severity="7")

# One worker, so lines are written in the order they arrived.
main_queue(queue.type="FixedArray" queue.workerThreads="1")

# Write every message, even identical ones ("last message repeated" off).
$RepeatedMsgReduction off

if $syslogfacility-text == "mail" then {
${file(o.files.traditional, 'RSYSLOG_TraditionalFileFormat')}
${file(o.files.iso, 'RSYSLOG_FileFormat')}
${file(o.files.rfc5424, 'RSYSLOG_SyslogProtocol23Format')}
  stop
}
${file(o.otherLog, 'RSYSLOG_FileFormat')}
`
}

/**
 * Waits until none of `paths` has changed size for `quietMs` (or `maxMs` passed).
 *
 * @param {string[]} paths @param {number} quietMs @param {number} maxMs
 */
async function waitQuiet(paths, quietMs, maxMs) {
  const deadline = Date.now() + maxMs
  const sizes = async () =>
    (
      await Promise.all(
        paths.map((p) =>
          stat(p).then(
            (s) => s.size,
            () => -1,
          ),
        ),
      )
    ).join(',')
  let last = await sizes()
  let since = Date.now()
  while (Date.now() < deadline) {
    await sleep(50)
    const now = await sizes()
    if (now !== last) {
      last = now
      since = Date.now()
    } else if (Date.now() - since >= quietMs) {
      return
    }
  }
}

/**
 * Resolves true when `p` settles within `ms`, false otherwise; the timer does not keep the
 * process alive afterwards.
 *
 * @param {Promise<unknown>} p @param {number} ms @returns {Promise<boolean>}
 */
function within(p, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    timeout,
  ])
    .finally(() => clearTimeout(timer))
    .then((v) => Boolean(v))
}

/** @param {number} pid */
async function killLeftover(pid) {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  await awaitExitOrKill(pid, 'leftover rsyslogd to exit')
}

/** @param {{ pid: number, rsyslogPid?: number, createdDevLog?: boolean }} content */
async function writeLock(content) {
  await writeFile(SYSLOG_LOCK, `${JSON.stringify(content)}\n`)
}

/**
 * Takes the machine-wide lock for /dev/log, waiting for another scenario (in this or another
 * process) to finish. A lock whose holder is dead is taken over; if the dead holder's rsyslogd
 * is still running, or its /dev/log socket is left, that is cleaned up here.
 *
 * @param {number} timeoutMs
 * @returns {Promise<() => Promise<void>>}
 */
async function acquireLock(timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const fh = await open(SYSLOG_LOCK, 'wx')
      await fh.writeFile(`${JSON.stringify({pid: process.pid})}\n`)
      await fh.close()
      break
    } catch (err) {
      if (!(err && typeof err === 'object' && 'code' in err && err.code === 'EEXIST')) throw err
      /** @type {{ pid?: number, rsyslogPid?: number, createdDevLog?: boolean }} */
      let held = {}
      try {
        held = JSON.parse(await readFile(SYSLOG_LOCK, 'utf8'))
      } catch {
        // being written, or garbage: judged by age below
      }
      const age = await stat(SYSLOG_LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      const dead = held.pid !== undefined ? !isAlive(held.pid) : age > 30_000
      if (dead) {
        if (held.rsyslogPid !== undefined && isAlive(held.rsyslogPid)) {
          const cmd = await readFile(`/proc/${held.rsyslogPid}/cmdline`, 'utf8').catch(() => '')
          if (cmd.includes('rsyslogd') && cmd.includes(`/${WORK_DIR_PREFIX}`)) await killLeftover(held.rsyslogPid)
        }
        if (held.createdDevLog && (await devLogOwner()).state === 'stale') await unlink(DEV_LOG).catch(() => {})
        await unlink(SYSLOG_LOCK).catch(() => {})
        continue
      }
      if (Date.now() > deadline) {
        throw new HarnessError(
          `timed out waiting for ${SYSLOG_LOCK} (held by pid ${held.pid ?? '?'}): ` +
            'another syslog scenario is using /dev/log',
        )
      }
      await sleep(200)
    }
  }
  let released = false
  return async () => {
    if (released) return
    released = true
    await unlink(SYSLOG_LOCK).catch(() => {})
  }
}
