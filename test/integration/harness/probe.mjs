// Finds out whether this machine can run the real Exim + Dovecot harness, and collects the
// facts the other modules need (binary paths, the Exim user, the trusted-config list).
// It never changes anything on the system; a missing piece becomes { ok: false, reason }.

import {access, constants} from 'node:fs/promises'
import {run, which} from './proc.mjs'

/** @typedef {import('./index.mjs').ToolInfo} ToolInfo */
/** @typedef {import('./index.mjs').ProbeResult} ProbeResult */

const INSTALL_HINT =
  'apt-get install exim4-daemon-light dovecot-core dovecot-lmtpd (see test/integration/harness/README.md)'

/** @type {Promise<ProbeResult> | undefined} */
let cached

/**
 * Checks for exim/dovecot binaries, root privileges and the system users involved.
 * The result is cached for the life of the process.
 *
 * @returns {Promise<ProbeResult>}
 */
export function probe() {
  cached ??= probeUncached().catch((err) => ({
    ok: /** @type {const} */ (false),
    reason: `probe failed: ${err instanceof Error ? err.message : String(err)}`,
  }))
  return cached
}

/** @returns {Promise<ProbeResult>} */
async function probeUncached() {
  /** @param {string} reason @returns {ProbeResult} */
  const no = (reason) => ({ok: false, reason})

  if (process.env.EXIM_REJECTS_IT === '0') return no('disabled by EXIM_REJECTS_IT=0')
  if (process.platform !== 'linux') return no(`needs Linux, this is ${process.platform}`)

  const exim = process.env.EXIM_BIN
    ? await which(process.env.EXIM_BIN)
    : ((await which('exim4')) ?? (await which('exim')))
  if (!exim) return no(`no ${process.env.EXIM_BIN ?? 'exim4/exim'} binary found; ${INSTALL_HINT}`)
  const dovecot = await which(process.env.DOVECOT_BIN || 'dovecot')
  if (!dovecot) return no(`no ${process.env.DOVECOT_BIN || 'dovecot'} binary found; ${INSTALL_HINT}`)
  const doveadm = (await which('doveadm')) ?? ''
  if (!doveadm) return no(`no doveadm binary found; ${INSTALL_HINT}`)

  const libexecDir = await findDovecotLibexec()
  if (!libexecDir) {
    return no(
      'Dovecot programs not found (need lmtp and quota-status in /usr/lib/dovecot or ' +
        `/usr/libexec/dovecot); ${INSTALL_HINT}`,
    )
  }

  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return no(
      'needs root: exim -C with a private config, -oMa, and a private Dovecot master ' +
        'all require it (run the integration tests as root, e.g. in a CI container)',
    )
  }

  const version = await run(exim, ['-C', '/dev/null', '-bV'], {timeoutMs: 15_000})
  const versionMatch = /Exim version (\S+)/.exec(version.stdout)
  if (!versionMatch) return no(`cannot read Exim version from ${exim} -bV: ${version.stderr.trim()}`)

  const bp = await run(exim, ['-C', '/dev/null', '-bP', 'exim_user', 'exim_group'], {timeoutMs: 15_000})
  const eximUser = /exim_user = (\S+)/.exec(bp.stdout)?.[1]
  const eximGroup = /exim_group = (\S+)/.exec(bp.stdout)?.[1]
  if (!eximUser || !eximGroup) return no(`cannot read exim_user/exim_group from ${exim} -bP`)

  const eximUid = await idOf(eximUser, '-u')
  const eximGid = await idOf(eximUser, '-g')
  if (eximUid === undefined || eximGid === undefined) return no(`Exim user ${eximUser} does not exist`)
  for (const user of ['dovecot', 'dovenull']) {
    if ((await idOf(user, '-u')) === undefined) return no(`Dovecot system user ${user} does not exist`)
  }
  // Mailboxes belong to an ordinary unprivileged account; nobody exists everywhere.
  const mailUid = await idOf('nobody', '-u')
  const mailGid = await idOf('nobody', '-g')
  if (mailUid === undefined || mailGid === undefined) return no('user nobody does not exist')

  // Debian builds Exim with TRUSTED_CONFIG_LIST; only the debug output of -bV names it.
  const debug = await run(exim, ['-C', '/dev/null', '-d', '-bV'], {timeoutMs: 15_000})
  const trusted = /TRUSTED_CONFIG_LIST: "([^"]+)"/.exec(debug.stderr + debug.stdout)?.[1]

  const dv = await run(dovecot, ['--version'], {timeoutMs: 15_000})

  /** @type {ToolInfo} */
  const info = {
    exim,
    eximVersion: versionMatch[1] ?? '',
    eximUser,
    eximGroup,
    eximUid,
    eximGid,
    trustedConfigList: trusted,
    dovecot,
    doveadm,
    dovecotVersion: dv.stdout.trim().split(/\s+/)[0] ?? '',
    dovecotLibexecDir: libexecDir,
    mailUid,
    mailGid,
    socat: await which('socat'),
  }
  return {ok: true, info}
}

/** @param {string} user @param {'-u' | '-g'} flag @returns {Promise<number | undefined>} */
async function idOf(user, flag) {
  const r = await run('id', [flag, user], {timeoutMs: 5_000})
  const n = Number.parseInt(r.stdout.trim(), 10)
  return r.code === 0 && Number.isInteger(n) ? n : undefined
}

async function findDovecotLibexec() {
  for (const dir of ['/usr/lib/dovecot', '/usr/libexec/dovecot', '/usr/local/libexec/dovecot']) {
    try {
      await access(`${dir}/lmtp`, constants.X_OK)
      await access(`${dir}/quota-status`, constants.X_OK)
      return dir
    } catch {
      // try the next layout
    }
  }
  return undefined
}
