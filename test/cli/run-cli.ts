// Runs the real command line (bin/run.js over the built dist/) in a child process.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

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
}

export function runCli(args: string[], opts: RunOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    uid: opts.uid,
    gid: opts.gid,
    input: opts.input ?? '',
    cwd: opts.cwd ?? ROOT,
    env: {...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env},
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  })
  return {code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString()}
}
