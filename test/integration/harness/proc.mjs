// Child processes for the Exim/Dovecot harness: every command runs with a hard timeout and
// comes back as a plain result object. Nothing here knows about Exim or Dovecot; it only
// spawns, waits, kills, and turns failures into HarnessError with the command line in it.

import {spawn} from 'node:child_process'
import {access, constants} from 'node:fs/promises'
import {delimiter, join} from 'node:path'

/** An error raised by the harness itself (setup, timeouts, unexpected tool output). */
export class HarnessError extends Error {
  /**
   * @param {string} message
   * @param {{ cause?: unknown, detail?: string }} [extra]
   */
  constructor(message, extra = {}) {
    super(extra.detail ? `${message}\n${extra.detail}` : message, {cause: extra.cause})
    this.name = 'HarnessError'
  }
}

/**
 * Runs a command to completion (stdin optional) and collects its output.
 * Rejects only when the command cannot be started or exceeds `timeoutMs`;
 * a non-zero exit status is returned, not thrown, unless `check` is set.
 *
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ input?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv, cwd?: string, check?: boolean }} [opts]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
export function run(cmd, args, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const shown = [cmd, ...args].map(quoteArg).join(' ')
  return new Promise((resolve, reject) => {
    let child
    try {
      child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    } catch (err) {
      reject(new HarnessError(`cannot start ${shown}`, {cause: err}))
      return
    }
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let settled = false
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    // A child that exits early makes stdin writes fail with EPIPE; the exit status tells the story.
    child.stdin.on('error', () => {})
    /** @param {number | null} code @param {NodeJS.Signals | null} signal */
    const finish = (code, signal) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(drain)
      if (timedOut) {
        reject(
          new HarnessError(`timed out after ${timeoutMs} ms: ${shown}`, {
            detail: tail(`stdout:\n${stdout}\nstderr:\n${stderr}`),
          }),
        )
        return
      }
      if (opts.check && code !== 0) {
        reject(
          new HarnessError(`exit status ${code ?? signal}: ${shown}`, {
            detail: tail(`stdout:\n${stdout}\nstderr:\n${stderr}`),
          }),
        )
        return
      }
      resolve({code, signal, stdout, stderr})
    }
    /** @type {NodeJS.Timeout | undefined} */
    let drain
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
      // If a grandchild holds the pipes, 'close' may never come; give up on them shortly.
      drain = setTimeout(() => finish(null, 'SIGKILL'), 1_000)
    }, timeoutMs)
    child.on('error', (err) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(new HarnessError(`cannot start ${shown}: ${err.message}`, {cause: err}))
    })
    // Daemons (dovecot, exim's delivery children) inherit stdout/stderr and keep them open
    // after the command itself has exited, so 'close' alone is not enough: after 'exit',
    // wait briefly for the output to drain, then stop listening.
    child.on('exit', (code, signal) => {
      drain = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        finish(code, signal)
      }, 500)
    })
    child.on('close', (code, signal) => finish(code, signal))
    if (opts.input !== undefined) child.stdin.write(opts.input)
    child.stdin.end()
  })
}

/**
 * Finds an executable on PATH plus the sbin directories (Exim and Dovecot live there and a
 * non-login PATH often lacks them). Returns the full path or undefined.
 *
 * @param {string} name
 * @returns {Promise<string | undefined>}
 */
export async function which(name) {
  if (name.includes('/')) return (await isExecutable(name)) ? name : undefined
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const extra of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!dirs.includes(extra)) dirs.push(extra)
  }
  for (const dir of dirs) {
    const candidate = join(dir, name)
    if (await isExecutable(candidate)) return candidate
  }
  return undefined
}

/** @param {string} path */
async function isExecutable(path) {
  try {
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Polls `test` until it returns a truthy value or `timeoutMs` passes.
 *
 * @template T
 * @param {() => Promise<T> | T} test
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [opts]
 * @returns {Promise<T>}
 */
export async function waitFor(test, opts = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  for (;;) {
    const value = await test()
    if (value) return value
    if (Date.now() > deadline) {
      throw new HarnessError(`timed out waiting for ${opts.what ?? 'a condition'}`)
    }
    await sleep(opts.intervalMs ?? 50)
  }
}

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Waits for a process to go away on its own, and kills it when it has not after `timeoutMs`.
 *
 * @param {number} pid
 * @param {string} what  for the wait's description
 * @param {number} [timeoutMs]
 */
export async function awaitExitOrKill(pid, what, timeoutMs = 10_000) {
  const gone = await waitFor(() => !isAlive(pid), {timeoutMs, what}).then(
    () => true,
    () => false,
  )
  if (gone) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
  await sleep(200)
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Last few lines of a text, for error messages. @param {string} text @param {number} [lines] */
export function tail(text, lines = 20) {
  const all = text.trimEnd().split('\n')
  return all.slice(-lines).join('\n')
}

/** @param {string} arg */
function quoteArg(arg) {
  return arg === '' || /[^\w@%+=:,./-]/.test(arg) ? `'${arg.replace(/'/g, "'\\''")}'` : arg
}
