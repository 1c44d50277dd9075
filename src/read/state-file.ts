// The --state file: a line of versioned JSON, then the quota failures carried over, a line each;
// checked field by field when read (a file that is not what a run writes is one clear error, never
// a silent reread or skip), written beside itself and renamed over, and locked against a second run
// with an exclusive lock file that holds the runner's pid.

import {closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {EximRejectsError, inputError} from '../errors.js'
import type {PendingDigit} from '../events/classifier.js'
import {writeFileAtomically} from '../input/atomic-write.js'
import {MARK} from '../input/follow.js'
import {HEAD, type LogMark} from '../input/resume.js'
import {EVENT_KINDS} from '../kinds.js'
import type {Carry} from './read-logs.js'

export const STATE_FORMAT = 'exim-rejects-state'
/**
 * 2: a log's mark keeps its first bytes (`head`, base64), and the quota failures follow the JSON
 * line as they are. 1 was one JSON object, the quota failures a string in it (whose escaped
 * newlines cost a run that finds nothing new 8 ms to parse and write back), each mark's `head` a
 * sha256: still read, its marks carried over as `headSha256` until the log is read again.
 */
export const STATE_VERSION = 2

export interface StateData {
  format: typeof STATE_FORMAT
  version: typeof STATE_VERSION
  /** When the run that wrote it started (epoch ms). */
  run: number
  /** Per log (a file's absolute path, or a directory's set: `/var/log/exim4|main`). */
  logs: Record<string, LogMark>
  carry: StoredCarry
}

/**
 * What the reader carries over, as stored: the quota failures are the file's bytes after its JSON
 * line, a line each, `time key` (UTF-8), read (readQuota) only by a run that has lines to read and
 * otherwise written back as they were read. A busy log's tens of thousands of them would otherwise
 * cost a check that finds nothing new a tenth of a second.
 */
export type StoredCarry = Omit<Carry, 'quota'> & {quota: Buffer}

/** The JSON line: the state but its quota failures, which follow it (`quotaBytes` of them). */
type StateLine = Omit<StateData, 'carry'> & {carry: Omit<StoredCarry, 'quota'> & {quotaBytes: number}}

const damaged = (path: string, why: string): EximRejectsError =>
  new EximRejectsError(
    'INPUT',
    `${path}: damaged state file (${why}); move it away to start afresh (the next run then reads --since, or everything)`,
  )

/** The state in `path`; null when there is none yet (a first run). */
export async function loadState(path: string): Promise<StateData | null> {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOENT') return null
    throw new EximRejectsError('INPUT', `cannot read the state file ${inputError(path, err).message}`, {cause: err})
  }
  // Version 1 is one JSON object on one line, and a newline.
  const nl = bytes.indexOf(10)
  const after = nl === -1 ? bytes.length : nl + 1
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8', 0, nl === -1 ? bytes.length : nl))
  } catch (err) {
    throw damaged(path, `not JSON: ${(err as Error).message}`)
  }
  const why = stateProblem(value)
  if (why !== null) throw damaged(path, why)
  const line = value as StateLine | StateV1
  if (line.version === 1) {
    if (after !== bytes.length) throw damaged(path, 'more after the JSON')
    return fromV1(line)
  }
  const quota = bytes.subarray(after)
  if (quota.length !== line.carry.quotaBytes)
    throw damaged(path, `carry.quotaBytes: ${line.carry.quotaBytes} bytes of quota failures, ${quota.length} found`)
  const {quotaBytes: _, ...carry} = line.carry
  return {...line, carry: {...carry, quota}}
}

/** A state as version 1 wrote it: each mark's `head` a sha256, the quota failures a string. */
type StateV1 = Omit<StateData, 'version' | 'carry'> & {version: 1; carry: Omit<StoredCarry, 'quota'> & {quota: string}}

function fromV1(v1: StateV1): StateData {
  const logs: Record<string, LogMark> = {}
  for (const [key, m] of Object.entries(v1.logs)) logs[key] = {...m, head: '', headSha256: m.head}
  return {...v1, version: STATE_VERSION, logs, carry: {...v1.carry, quota: Buffer.from(v1.carry.quota)}}
}

/** The quota failures of a state read from `path`, as the reader holds them. */
export function readQuota(path: string, stored: Buffer): Map<string, number> {
  const quota = new Map<string, number>()
  if (stored.length === 0) return quota
  const text = stored.toString('utf8')
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ')
    const time = Number(line.slice(0, sp))
    if (sp < 1 || sp === line.length - 1 || !Number.isSafeInteger(time) || !isTime(time))
      throw damaged(path, 'carry.quota: not lines of a time and a key')
    quota.set(line.slice(sp + 1), time)
  }
  return quota
}

/** The quota failures as stored. */
export function storeQuota(quota: Map<string, number>): Buffer {
  let text = ''
  for (const [key, time] of quota) text += `${text === '' ? '' : '\n'}${time} ${key}`
  return Buffer.from(text)
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isTime = (v: unknown): v is number => typeof v === 'number' && Math.abs(v) <= 8.64e15
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
const HEX64 = /^[0-9a-f]{64}$/

/** What is wrong with a state read from a file, or null. */
export function stateProblem(v: unknown): string | null {
  if (!isObject(v)) return 'not an object'
  if (v.format !== STATE_FORMAT) return `format is ${JSON.stringify(v.format)}, not "${STATE_FORMAT}"`
  if (v.version !== STATE_VERSION && v.version !== 1)
    return `version ${JSON.stringify(v.version)}; this exim-rejects writes ${STATE_VERSION}`
  if (!isTime(v.run)) return 'run: not a time'
  if (!isObject(v.logs)) return 'logs: not an object'
  for (const [key, m] of Object.entries(v.logs)) {
    const at = `logs[${JSON.stringify(key)}]`
    if (!isObject(m)) return `${at}: not an object`
    if (typeof m.path !== 'string') return `${at}.path: not a string`
    if (m.logType !== 'main' && m.logType !== 'reject' && m.logType !== 'panic') return `${at}.logType: not a log type`
    for (const f of ['dev', 'ino', 'size', 'offset', 'lines'] as const)
      if (!isCount(m[f])) return `${at}.${f}: not a count`
    const why = headProblem(m, v.version === 1)
    if (why !== null) return `${at}.${why}`
    if (!isBase64(m.tail)) return `${at}.tail: not base64`
    if (Buffer.from(m.tail, 'base64').length !== Math.min(m.offset as number, MARK)) return `${at}.tail: wrong length`
    if (!Array.isArray(m.rotated) || !m.rotated.every(isKnownFile))
      return `${at}.rotated: not [dev, ino, size, head] files`
  }
  const c = v.carry
  if (!isObject(c)) return 'carry: not an object'
  if (!Array.isArray(c.digits) || !c.digits.every(isDigit)) return 'carry.digits: not incorrect-digit lines'
  if (v.version === 1) {
    if (typeof c.quota !== 'string') return 'carry.quota: not a string'
  } else if (!isCount(c.quotaBytes)) return 'carry.quotaBytes: not a count'
  if (!Array.isArray(c.seen) || !c.seen.every((s) => Array.isArray(s) && isCount(s[0]) && isCount(s[1])))
    return 'carry.seen: not [hash, count] pairs'
  return null
}

/** What is wrong with a mark's record of its file's first bytes, or null. */
function headProblem(m: Record<string, unknown>, v1: boolean): string | null {
  if (v1) return typeof m.head === 'string' && HEX64.test(m.head) ? null : 'head: not a sha256'
  if (m.headSha256 !== undefined)
    return typeof m.headSha256 === 'string' && HEX64.test(m.headSha256) && m.head === ''
      ? null
      : 'headSha256: not a sha256 with an empty head'
  if (!isBase64(m.head)) return 'head: not base64'
  return Buffer.from(m.head, 'base64').length === Math.min(m.offset as number, HEAD) ? null : 'head: wrong length'
}

const isBase64 = (v: unknown): v is string => typeof v === 'string' && Buffer.from(v, 'base64').toString('base64') === v

const isKnownFile = (f: unknown): boolean =>
  Array.isArray(f) && f.length === 4 && isCount(f[0]) && isCount(f[1]) && isCount(f[2]) && HEX64.test(String(f[3]))

function isDigit(d: unknown): d is PendingDigit {
  if (!isObject(d) || !isTime(d.naive) || !isCount(d.pid) || typeof d.message !== 'string') return false
  const e = d.event
  if (!isObject(e) || !(EVENT_KINDS as readonly unknown[]).includes(e.kind) || !isTime(e.time)) return false
  return ['recipient', 'sender', 'hostName', 'helo', 'ip', 'port', 'code', 'reason', 'file', 'msgid'].every(
    (f) => typeof e[f] === 'string',
  )
}

/**
 * Writes the state beside `path` and renames it over: a run that fails part-way leaves the last
 * state as it was. Mode 0600 for a new file: it holds addresses from the logs.
 */
export function saveState(path: string, state: StateData): void {
  const {quota, ...carry} = state.carry
  const line: StateLine = {...state, carry: {...carry, quotaBytes: quota.length}}
  try {
    writeFileAtomically(path, Buffer.concat([Buffer.from(JSON.stringify(line) + '\n'), quota]), 0o600)
  } catch (err) {
    throw new EximRejectsError('OUTPUT', `${path}: cannot write the state file: ${(err as Error).message}`, {
      cause: err,
    })
  }
}

/** Whether a process with this pid is running (one we may not signal is running too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes `path`.lock, created exclusively with this process's pid in it. A lock whose process has
 * ended is stale and taken over; one whose process runs is refused. Returns its release.
 */
export function lockState(path: string): () => void {
  const lock = `${path}.lock`
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o644)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      break
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      if (e.code !== 'EEXIST' || attempt > 0)
        throw new EximRejectsError('INPUT', `cannot lock the state file: ${inputError(lock, err).message}`, {
          cause: err,
        })
      let pid = NaN
      let age = Infinity
      try {
        pid = Number.parseInt(readFileSync(lock, 'utf8'), 10)
        age = Date.now() - statSync(lock).mtimeMs
      } catch {}
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid))
        throw new EximRejectsError('INPUT', `${path}: in use by another run (pid ${pid}, ${lock})`)
      // A lock without a pid yet is being taken right now, unless it is old (its run was killed at once).
      if (Number.isNaN(pid) && age < 10_000)
        throw new EximRejectsError('INPUT', `${path}: in use by another run (${lock})`)
      // Stale: its run ended without releasing it (killed).
      try {
        unlinkSync(lock)
      } catch {}
    }
  }
  let held = true
  const release = (): void => {
    if (!held) return
    held = false
    process.removeListener('exit', release)
    try {
      unlinkSync(lock)
    } catch {}
  }
  process.once('exit', release)
  return release
}
