// Runs the real command line (bin/run.js over the built dist/) in a child process: to completion
// (runCli), or in the background for a test to talk to (startCli), killed when the test ends,
// passed or failed.

import {type ChildProcessWithoutNullStreams, spawn, spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {onTestFinished} from 'vitest'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
export const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  input?: string | Buffer
  env?: Record<string, string>
  cwd?: string
  uid?: number
  gid?: number
  /** Another bin/run.js to run (installedCopy()). */
  bin?: string
  /** Another Node.js binary to run it with (the oldest one supported). */
  node?: string
  /** Standard input as cron, NRPE and systemd give it: /dev/null, or closed. Default: a pipe with `input`. */
  stdin?: 'null' | 'closed'
}

const childEnv = (env?: Record<string, string>) => ({...process.env, TZ: 'UTC', NO_COLOR: '1', ...env})

export function runCli(args: string[], opts: RunOptions = {}): CliResult {
  const command = [opts.node ?? process.execPath, opts.bin ?? BIN, ...args]
  // A shell closes standard input, then becomes the tool.
  const [file, ...argv] = opts.stdin === 'closed' ? ['sh', '-c', 'exec 0<&- "$@"', 'sh', ...command] : command
  const r = spawnSync(file!, argv, {
    uid: opts.uid,
    gid: opts.gid,
    ...(opts.stdin === undefined ? {input: opts.input ?? ''} : {stdio: ['ignore', 'pipe', 'pipe']}),
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  })
  return {code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString()}
}

export interface Running {
  child: ChildProcessWithoutNullStreams
  stdout(): string
  stderr(): string
  /** Resolves once `test` holds for what the child printed so far; rejects if it exits first. */
  waitFor(what: string, test: (stdout: string, stderr: string) => boolean, timeoutMs?: number): Promise<void>
  /** The exit status, or the signal that ended it. */
  exit: Promise<number | NodeJS.Signals>
}

/** Starts the command line in the background; the current test kills it when it finishes. */
export function startCli(args: string[], opts: RunOptions = {}): Running {
  const child = spawn(opts.node ?? process.execPath, [opts.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    uid: opts.uid,
    gid: opts.gid,
  })
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  const wake = () => waiters.forEach((w) => w())
  child.stdout.on('data', (d) => ((out += d), wake()))
  child.stderr.on('data', (d) => ((err += d), wake()))
  const exit = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('close', (code, signal) => (resolve(code ?? signal!), wake())),
  )
  const waitFor = (what: string, test: (o: string, e: string) => boolean, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      // A generous bound: only a hung child reaches it, never a slow one.
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}; stderr: ${err}`)), timeoutMs)
      // Looked at whenever the child prints, and now and then for what it does not print (bytes it read).
      const poll = setInterval(() => check(), 20)
      const done = (e?: Error) => {
        clearTimeout(timer)
        clearInterval(poll)
        waiters.delete(check)
        if (e) reject(e)
        else resolve()
      }
      const check = () => {
        try {
          if (test(out, err)) return done()
        } catch (e) {
          return done(e as Error)
        }
        if (child.exitCode !== null || child.signalCode !== null)
          done(new Error(`exited before ${what}; stderr: ${err}`))
      }
      waiters.add(check)
      check()
    })
  return {child, stdout: () => out, stderr: () => err, waitFor, exit}
}

/**
 * A copy of the runnable tool (its launcher, bundle, manifest and package.json) in a directory
 * anyone can read, for running it as another user wherever the checkout lives.
 */
export function installedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-copy-'))
  chmodSync(dir, 0o755)
  for (const sub of ['bin', 'dist', 'dist/bundle']) mkdirSync(join(dir, sub), {mode: 0o755})
  copyFileSync(BIN, join(dir, 'bin/run.js'))
  copyFileSync(join(ROOT, 'bin/package.json'), join(dir, 'bin/package.json'))
  for (const f of readdirSync(join(ROOT, 'dist/bundle')))
    copyFileSync(join(ROOT, 'dist/bundle', f), join(dir, 'dist/bundle', f))
  for (const f of ['package.json', 'oclif.manifest.json']) copyFileSync(join(ROOT, f), join(dir, f))
  return join(dir, 'bin/run.js')
}
