// PATH arguments -> the inputs to read, in reading order. A directory stands for the Exim logs
// in it and their rotated siblings, oldest first; what standard input is, when no PATH is given.

import {fstatSync} from 'node:fs'
import {access, readdir, stat} from 'node:fs/promises'
import {basename, join} from 'node:path'
import {EximRejectsError, inputError} from '../errors.js'
import type {LogType} from '../types.js'
import {compareAge, parseLogName} from './names.js'
import {nodeTty} from '../lazy-node.js'

export interface Source {
  /** What reports call this input: the path as given, or '-' for standard input. */
  name: string
  /** File system path, or null for standard input. */
  path: string | null
  /** From the name; null when the name does not tell (then the content decides). */
  logType: LogType | null
  /** Size on disk when known (for progress). */
  size: number
  /** Modification time (epoch ms), or NaN for standard input. */
  mtime: number
  /** For logs found in a directory: the rotated set it belongs to (directory and log type). */
  set: string | null
  /** A named pipe or device (`<(zcat mainlog.2.gz)`): it can be opened and read only once. */
  once?: boolean
  /** Only this part of the (decompressed) content is read: what a run with --state has not read yet. */
  slice?: Slice
}

/** Bytes [start, end) of a file's content, the first `lines` lines before `start` (for line numbers). */
export interface Slice {
  start: number
  end: number
  lines: number
  /** Compressed on disk: the content is decompressed and its first `start` bytes passed over. */
  compressed: boolean
}

const TYPE_ORDER: Record<LogType, number> = {main: 0, reject: 1, panic: 2}

export interface ResolveOptions {
  /** Report a path that cannot be used to onError and go on with the others. */
  keepGoing?: boolean
  onError?: (err: Error) => void
}

export async function resolveSources(paths: string[], opts: ResolveOptions = {}): Promise<Source[]> {
  const out: Source[] = []
  for (const p of paths) {
    try {
      for (const s of await resolvePath(p)) out.push(s)
    } catch (err) {
      if (!opts.keepGoing || !(err instanceof EximRejectsError)) throw err
      opts.onError?.(err)
    }
  }
  return out
}

async function resolvePath(p: string): Promise<Source[]> {
  if (p === '-') return [{name: '-', path: null, logType: null, size: 0, mtime: NaN, set: null}]
  let st
  try {
    st = await stat(p)
  } catch (err) {
    throw inputError(p, err)
  }
  if (st.isDirectory()) return directorySources(p)
  if (st.isFile() || st.isFIFO() || st.isCharacterDevice()) {
    return [
      {
        name: p,
        path: p,
        logType: parseLogName(basename(p))?.logType ?? null,
        size: st.size,
        mtime: st.mtimeMs,
        set: null,
        ...(st.isFile() ? {} : {once: true}),
      },
    ]
  }
  throw new EximRejectsError('INPUT', `${p}: not a regular file or directory`)
}

async function directorySources(dir: string): Promise<Source[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    throw inputError(dir, err)
  }
  const found: {source: Source; age: number[]}[] = []
  for (const n of names) {
    const ln = parseLogName(n)
    if (ln === null) continue
    const path = join(dir, n)
    let st
    try {
      st = await stat(path)
    } catch (err) {
      throw inputError(path, err)
    }
    if (!st.isFile()) continue
    found.push({
      source: {name: path, path, logType: ln.logType, size: st.size, mtime: st.mtimeMs, set: `${dir}|${ln.logType}`},
      age: ln.age,
    })
  }
  if (found.length === 0) {
    throw new EximRejectsError(
      'INPUT',
      `${dir}: no Exim logs in this directory (looked for mainlog, rejectlog, paniclog, main.log, reject.log, ` +
        'panic.log and their rotations)',
    )
  }
  found.sort((a, b) => TYPE_ORDER[a.source.logType!] - TYPE_ORDER[b.source.logType!] || compareAge(a.age, b.age))
  return found.map((f) => f.source)
}

/**
 * Main logs first, then reject, then panic, keeping the given order within each: copies are
 * recognised against the main log.
 */
export function readingOrder<T extends {logType: LogType | null}>(items: T[]): T[] {
  return items
    .map((s, i) => ({s, i}))
    .sort((a, b) => TYPE_ORDER[a.s.logType ?? 'main'] - TYPE_ORDER[b.s.logType ?? 'main'] || a.i - b.i)
    .map((x) => x.s)
}

/** Where Exim logs live on Debian, then on RHEL and FreeBSD. */
export const DEFAULT_DIRS = ['/var/log/exim4', '/var/log/exim']

/** The default log locations: EXIM_REJECTS_LOG_DIRS (colon-separated) where Exim logs elsewhere. */
export function defaultDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env.EXIM_REJECTS_LOG_DIRS ?? '').split(':').filter(Boolean)
  return dirs.length > 0 ? dirs : DEFAULT_DIRS
}

/** What standard input is: only a pipe or a regular file holds input someone meant to give. */
export type StdinKind = 'pipe' | 'file' | 'terminal' | 'null' | 'closed' | 'other'

export function stdinKind(fd = 0): StdinKind {
  let st
  try {
    st = fstatSync(fd)
  } catch {
    return 'closed'
  }
  if (st.isFIFO()) return 'pipe'
  if (st.isFile()) return 'file'
  if (nodeTty().isatty(fd)) return 'terminal'
  // /dev/null is character device 1,3 on Linux; other character devices are not input either.
  return st.isCharacterDevice() ? 'null' : 'other'
}

const STDIN_SAID: Record<StdinKind, string> = {
  pipe: 'a pipe',
  file: 'a file',
  terminal: 'a terminal',
  null: '/dev/null',
  closed: 'closed',
  other: 'not a pipe or a file',
}

/**
 * The inputs when no PATH is given: standard input when it is a pipe or a regular file (never
 * /dev/null, a terminal, or a closed one: cron, NRPE and systemd start commands that way), else the
 * first existing default log directory.
 */
export async function defaultPaths(stdin: StdinKind, dirs: readonly string[] = defaultDirs()): Promise<string[]> {
  if (stdin === 'pipe' || stdin === 'file') return ['-']
  for (const d of dirs) {
    try {
      await access(d)
      return [d]
    } catch {
      // try the next
    }
  }
  throw new EximRejectsError(
    'INPUT',
    `no PATH given, standard input is ${STDIN_SAID[stdin]}, and none of ${dirs.join(', ')} exists: ` +
      'name a log file or directory, or - for standard input',
  )
}

/** The one file --follow reads: a file as given, or the current main log of a directory. */
export async function followSource(paths: string[], what = '--follow'): Promise<Source> {
  if (paths.length !== 1 || paths[0] === '-') {
    const got = paths.length === 1 ? 'standard input' : `${paths.length} paths`
    throw new EximRejectsError('USAGE', `${what}: expected one log file or directory, got ${got}`)
  }
  const [p] = paths as [string]
  let st
  try {
    st = await stat(p)
  } catch (err) {
    throw inputError(p, err)
  }
  if (!st.isDirectory())
    return {
      name: p,
      path: p,
      logType: parseLogName(basename(p))?.logType ?? null,
      size: st.size,
      mtime: st.mtimeMs,
      set: null,
    }
  const current = (await directorySources(p)).filter(
    (s) => s.logType === 'main' && parseLogName(basename(s.path!))?.age[0] === 2,
  )
  if (current.length === 0)
    throw new EximRejectsError('INPUT', `${p}: no current main log (mainlog, main.log, exim_mainlog) to follow`)
  return current[0]!
}
