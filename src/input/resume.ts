// --state: where the last run left each log, and what is new since. A log is a file as given or a
// rotated set of a directory; the last run remembers the file it read last (device, inode, how far,
// its first bytes and the bytes before where it stopped) and its other files (by their first
// bytes). This run finds that file again by its content wherever rotation put it (still the log,
// renamed to `.1`, compressed to `.2.gz`, or the copy copytruncate made), reads the rest of it and
// every newer file. When no file holds it (the log shrank or was replaced) the files the last run
// did not know are read from their start, and that is said.

// A run that finds nothing new spends its time here: the files are opened, stat'ed and read with
// the synchronous calls, each a few microseconds, rather than a round trip through libuv's thread
// pool (5 ms of idle waiting in a check of an unchanged log).
import {closeSync, fstatSync, openSync, readdirSync, readSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {inputError} from '../errors.js'
import type {LogType} from '../types.js'
import {detectCompression, MAGIC_BYTES} from './decompress.js'
import {MARK} from './follow.js'
import {InputStream} from './open.js'
import type {Source} from './sources.js'
import {nodeCrypto} from '../lazy-node.js'

/** How much of a log's start identifies it. */
export const HEAD = 4096

/** What the state remembers of one log: the file read last, and how far. */
export interface LogMark {
  /** The file's name then (it may have been rotated since). */
  path: string
  logType: LogType
  dev: number
  ino: number
  /** Its size on disk then. */
  size: number
  /** Bytes of its content read (decompressed), always at the end of a line. */
  offset: number
  /** Lines in those bytes: the next line's number is one more. */
  lines: number
  /**
   * The first min(offset, HEAD) bytes (base64): compared as they are, so nothing written into a
   * log can make another file pass for this one, and an unchanged log is recognised without
   * loading node:crypto (10 ms of a run that finds nothing new).
   */
  head: string
  /** Of a mark a version 1 state holds: the sha256 (hex) of those bytes, and `head` is empty. */
  headSha256?: string
  /** The MARK bytes before offset (base64). */
  tail: string
  /**
   * The log's other files then (rotated ones): device, inode, size and the sha256 of their first
   * HEAD bytes (hashed: a rotated set may hold dozens). When the file read last is gone (or nothing
   * of it was read), the files not among these are the ones that are new.
   */
  rotated: KnownFile[]
}

export type KnownFile = [dev: number, ino: number, size: number, head: string]

/** A file of a log as it is now. */
export interface Member {
  src: Source
  dev: number
  ino: number
  size: number
  compressed: boolean
}

/** What to read of one log, and what to remember of it afterwards. */
export interface LogPlan {
  key: string
  /** Oldest first, each sliced to what is new. */
  sources: Source[]
  /** The file whose end this run reads to: the next mark is taken of it. */
  newest: Member
  /** Every file of the log, oldest first. */
  members: Member[]
  /** Set when the remembered file was not found: why the log is read from its start. */
  lost?: string
}

const ROTATED = /^[.-](\d{1,14})(?:\.(?:gz|bz2|xz|zst|z|Z))?$/

/**
 * The logs of `sources` (as resolved from the PATHs) with what of them is new since `marks`;
 * a log without a mark is read whole (the newest file up to its last complete line). Reject and
 * panic logs are looked at before main logs: a copy of a main-log line read now has its main-log
 * line read now too.
 */
export async function planLogs(sources: Source[], marks: Record<string, LogMark>): Promise<LogPlan[]> {
  const logs = new Map<string, Source[]>()
  for (const s of sources) {
    if (s.path === null) continue
    const key = s.set === null ? resolve(s.path) : `${resolve(s.set.slice(0, s.set.lastIndexOf('|')))}|${s.logType}`
    logs.set(key, [...(logs.get(key) ?? []), s])
  }
  const order = (l: Source[]): number => (l[0]!.logType === 'main' ? 1 : 0)
  const keys = [...logs.keys()].sort((a, b) => order(logs.get(a)!) - order(logs.get(b)!))
  const plans = new Map<string, LogPlan>()
  for (const key of keys) {
    const given = logs.get(key)!
    const mark = marks[key]
    const set = given.length === 1 && given[0]!.set === null ? await withRotated(given[0]!) : given
    plans.set(key, await planLog(key, await Promise.all(set.map(member)), mark))
  }
  return [...logs.keys()].map((k) => plans.get(k)!)
}

async function planLog(key: string, members: Member[], mark: LogMark | undefined): Promise<LogPlan> {
  const newest = members[members.length - 1]!
  // Which files to read, and where the one the last run stopped in resumes.
  let read: number[]
  let resumed = -1
  let lost: string | undefined
  if (mark === undefined) {
    // A first run reads what it was given: a file given by name without the files it was rotated into.
    read = newest.src.set === null ? [members.length - 1] : members.map((_, i) => i)
  } else {
    resumed = mark.offset > 0 ? await locate(mark, members) : -1
    if (resumed !== -1) read = members.map((_, i) => i).filter((i) => i >= resumed)
    else {
      read = await unknown(mark, members)
      if (mark.offset > 0)
        lost = `${newest.src.name}: not the log --state last read (it shrank or was replaced): read from its start`
    }
  }
  const sources: Source[] = []
  for (const i of read) {
    const m = members[i]!
    const start = i === resumed ? mark!.offset : 0
    const lines = i === resumed ? mark!.lines : 0
    const last = i === members.length - 1
    // The newest file is read to its last complete line: Exim may be writing the next one.
    const end = last && !m.compressed ? await lineEnd(m.src.path!, start, m.size) : Infinity
    const whole = start === 0 && end === Infinity
    const logType = m.src.logType ?? mark?.logType ?? null
    const slice = {start, end, lines, compressed: m.compressed}
    const size = m.compressed ? m.size : Math.min(end, m.size) - start
    sources.push({...m.src, logType, size, ...(whole ? {} : {slice})})
  }
  return {key, sources, newest, members, ...(lost === undefined ? {} : {lost})}
}

/** A file given by name, with its rotated siblings (`mainlog.1`, `mainlog.2.gz`, `main.log-20261124`), oldest first. */
async function withRotated(src: Source): Promise<Source[]> {
  const dir = dirname(src.path!)
  const base = basename(src.path!)
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {}
  const found: {name: string; age: number}[] = []
  for (const n of names) {
    const m = n.startsWith(base) ? ROTATED.exec(n.slice(base.length)) : null
    // A number counts back (.1 is newer than .2); eight digits and more are a date.
    if (m !== null) found.push({name: n, age: m[1]!.length >= 8 ? Number(m[1]) : -Number(m[1])})
  }
  found.sort((a, b) => a.age - b.age)
  const rotated: Source[] = []
  for (const f of found) {
    const path = join(dir, f.name)
    // One that cannot be looked at (a dangling or looping link, no permission) is not of the set.
    let st: ReturnType<typeof statSync> | null = null
    try {
      st = statSync(path)
    } catch {}
    if (st?.isFile()) rotated.push({...src, name: path, path, size: st.size, mtime: st.mtimeMs})
  }
  return [...rotated, src]
}

async function member(src: Source): Promise<Member> {
  try {
    const fd = openSync(src.path!, 'r')
    try {
      const st = fstatSync(fd)
      const magic = Buffer.alloc(MAGIC_BYTES)
      const bytesRead = readSync(fd, magic, 0, MAGIC_BYTES, 0)
      const compressed = detectCompression(magic.subarray(0, bytesRead)) !== 'none'
      return {src: {...src, size: st.size, mtime: st.mtimeMs}, dev: st.dev, ino: st.ino, size: st.size, compressed}
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    throw inputError(src.name, err)
  }
}

/**
 * Which member holds what the mark says was read: the same file (device and inode) first, then
 * plain files, newest first, then compressed ones. -1 when none does.
 */
async function locate(mark: LogMark, members: Member[]): Promise<number> {
  const same = (m: Member): boolean => m.dev === mark.dev && m.ino === mark.ino
  const idx = members.map((_, i) => i).reverse()
  const candidates = [
    ...idx.filter((i) => same(members[i]!)),
    ...idx.filter((i) => !same(members[i]!) && !members[i]!.compressed),
    ...idx.filter((i) => !same(members[i]!) && members[i]!.compressed),
  ]
  for (const i of candidates) if (await holdsMark(members[i]!, mark)) return i
  return -1
}

/**
 * The file the last run stopped in is gone (truncated, replaced), or nothing of it was read: the
 * files whose content the last run did not know (by their head), and the newest, are read whole.
 */
async function unknown(mark: LogMark, members: Member[]): Promise<number[]> {
  const known = new Set(mark.rotated.map((f) => f[3]))
  const out: number[] = []
  for (let i = 0; i < members.length - 1; i++) {
    const head = await headOf(members[i]!, mark.rotated)
    if (head === null || !known.has(head)) out.push(i)
  }
  return [...out, members.length - 1]
}

/** The files of a log but its newest, as the state remembers them. */
export async function knownFiles(members: Member[], before: KnownFile[]): Promise<KnownFile[]> {
  const out: KnownFile[] = []
  for (const m of members.slice(0, -1)) {
    const head = await headOf(m, before)
    if (head !== null) out.push([m.dev, m.ino, m.size, head])
  }
  return out
}

/**
 * The hash of a file's first HEAD bytes: what tells it from every other file of its log (taken
 * from `known` when the file is one of them, unchanged).
 */
async function headOf(m: Member, known: KnownFile[]): Promise<string | null> {
  const k = known.find((f) => f[0] === m.dev && f[1] === m.ino && f[2] === m.size)
  if (k !== undefined) return k[3]
  const size = m.compressed ? HEAD : Math.min(m.size, HEAD)
  const got = await fileStart(m.src, size, m.compressed, true)
  return got === null ? null : sha256(got.head)
}

async function holdsMark(m: Member, mark: LogMark): Promise<boolean> {
  if (m.compressed) {
    // Another file's first bytes tell at once: only the file itself is decompressed up to the offset.
    const head = await fileStart(m.src, Math.min(mark.offset, HEAD), true)
    if (head === null || !sameHead(head.head, mark)) return false
  } else if (m.size < mark.offset) return false
  const marked = fileStart(m.src, mark.offset, m.compressed)
  // A plain file gone since it was listed holds nothing.
  const got = await (m.compressed ? marked : marked.catch(() => null))
  return got !== null && sameHead(got.head, mark) && got.tail.toString('base64') === mark.tail
}

/** Whether a file starts with the bytes `mark` remembers. */
function sameHead(head: Buffer, mark: LogMark): boolean {
  return mark.headSha256 === undefined ? head.toString('base64') === mark.head : sha256(head) === mark.headSha256
}

const sha256 = (b: Buffer): string => nodeCrypto().createHash('sha256').update(b).digest('hex')

/**
 * How a log's file is remembered once its first `offset` bytes were read: its first min(offset,
 * HEAD) bytes and the MARK bytes before `offset` (base64); null when the file is shorter.
 */
export async function contentMark(
  src: Source,
  offset: number,
  compressed: boolean,
): Promise<{head: string; tail: string} | null> {
  const got = await fileStart(src, offset, compressed)
  return got === null ? null : {head: got.head.toString('base64'), tail: got.tail.toString('base64')}
}

/**
 * The first min(offset, HEAD) bytes and the MARK bytes before `offset` of a file's content
 * (decompressed when `compressed`); null when it is shorter, unless `shorter` (then what it has).
 */
async function fileStart(
  src: Source,
  offset: number,
  compressed: boolean,
  shorter = false,
): Promise<{head: Buffer; tail: Buffer} | null> {
  const headLen = Math.min(offset, HEAD)
  const tailFrom = Math.max(0, offset - MARK)
  if (!compressed) {
    const fd = openSync(src.path!, 'r')
    try {
      const head = Buffer.alloc(headLen)
      const tail = Buffer.alloc(offset - tailFrom)
      if (readSync(fd, head, 0, head.length, 0) !== head.length) return null
      if (readSync(fd, tail, 0, tail.length, tailFrom) !== tail.length) return null
      return {head, tail}
    } finally {
      closeSync(fd)
    }
  }
  const head: Buffer[] = []
  const tail: Buffer[] = []
  let at = 0
  const stream = new InputStream({...src, slice: undefined, once: false})
  try {
    for await (const c of stream.chunks()) {
      if (at < headLen) head.push(Buffer.from(c.subarray(0, headLen - at)))
      const from = Math.max(0, tailFrom - at)
      const to = Math.min(c.length, offset - at)
      if (from < to) tail.push(Buffer.from(c.subarray(from, to)))
      at += c.length
      if (at >= offset) break
    }
  } catch {
    return null
  } finally {
    stream.close()
  }
  if (at < offset && !shorter) return null
  return {head: Buffer.concat(head), tail: Buffer.concat(tail)}
}

/** Where the last complete line at or before `size` ends (`start` when no line is complete after it). */
async function lineEnd(path: string, start: number, size: number): Promise<number> {
  if (size <= start) return start
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    throw inputError(path, err)
  }
  try {
    const buf = Buffer.alloc(64 * 1024)
    for (let end = size; end > start;) {
      const from = Math.max(start, end - buf.length)
      const bytesRead = readSync(fd, buf, 0, end - from, from)
      const nl = buf.subarray(0, bytesRead).lastIndexOf(10)
      if (nl !== -1) return from + nl + 1
      end = from
    }
    return start
  } finally {
    closeSync(fd)
  }
}
