// One run with --state: holds the lock from start to end, tells the reader what of each log is new
// and what the last run left unsettled, and once the output is complete remembers where this run
// stopped. A run that fails leaves the state as it was: the next run reads the same again.

import {EximRejectsError} from '../errors.js'
import {contentMark, knownFiles, type LogMark, type LogPlan, planLogs} from '../input/resume.js'
import type {Source} from '../input/sources.js'
import type {EventSink, InputAccount} from '../types.js'
import {type Carry, type ReadOptions, readLogs} from './read-logs.js'
import {
  lockState,
  loadState,
  readQuota,
  saveState,
  type StateData,
  STATE_FORMAT,
  STATE_VERSION,
  storeQuota,
} from './state-file.js'

export class StateRun {
  readonly carry: Carry
  private plans: LogPlan[] = []
  private next: Record<string, LogMark> = {}
  private settled = false
  /** Nothing new in any log: what was carried over is written back as it was read. */
  private idle = false

  private constructor(
    readonly path: string,
    private readonly release_: () => void,
    private readonly prev: StateData | null,
    /** When this run started (epoch ms): the next run's "since the last run". */
    readonly now: number,
    /** Told of a log read from its start because the file the last run read is not there any more. */
    private readonly onNote?: (message: string) => void,
  ) {
    const c = prev?.carry
    this.carry = {digits: c?.digits ?? [], quota: new Map(), seen: c?.seen ?? []}
  }

  /** Locks the state file and reads it; a damaged one is an error (and the lock is let go). */
  static async open(path: string, now: number = Date.now(), onNote?: (message: string) => void): Promise<StateRun> {
    const release = lockState(path)
    try {
      return new StateRun(path, release, await loadState(path), now, onNote)
    } catch (err) {
      release()
      throw err
    }
  }

  /** No run has written the state yet: this one reads --since, or everything. */
  get first(): boolean {
    return this.prev === null
  }

  /** When the last run started (epoch ms), or null on a first run. */
  get lastRun(): number | null {
    return this.prev?.run ?? null
  }

  /** The inputs, each sliced to what is new since the last run. */
  private async plan(sources: Source[]): Promise<Source[]> {
    const stream = sources.find((s) => s.path === null || s.once === true)
    if (stream !== undefined)
      throw new EximRejectsError(
        'USAGE',
        `--state: ${stream.path === null ? 'standard input' : stream.name} can be read only once; name log files or directories`,
      )
    this.plans = await planLogs(sources, this.prev?.logs ?? {})
    for (const p of this.plans) if (p.lost !== undefined) this.onNote?.(p.lost)
    this.idle =
      this.prev !== null &&
      this.plans.every((p) => p.sources.every((s) => s.slice !== undefined && s.slice.end <= s.slice.start))
    if (!this.idle && this.prev !== null) this.carry.quota = readQuota(this.path, this.prev.carry.quota)
    return this.plans.flatMap((p) => p.sources)
  }

  /**
   * Reads what is new in `sources` since the last run, with what that run left unsettled, and
   * then notes where each log now ends.
   */
  async read(sources: Source[], opts: ReadOptions, sink: EventSink): Promise<InputAccount> {
    const input = await readLogs(await this.plan(sources), {...opts, carry: this.carry}, sink)
    await this.settle(input)
    return input
  }

  /** After reading: where each log now ends, from what was read of its newest file. */
  private async settle(input: InputAccount): Promise<void> {
    for (const p of this.plans) {
      const newest = p.newest
      const src = p.sources[p.sources.length - 1]!
      const acct = input.files.find((f) => f.path === src.name)
      if (acct === undefined) continue
      const offset = (src.slice?.start ?? 0) + acct.bytes
      const mark = await contentMark(newest.src, offset, newest.compressed).catch(() => null)
      if (mark === null)
        throw new EximRejectsError(
          'INPUT',
          `${newest.src.name}: changed while it was read; the state is left as it was`,
        )
      this.next[p.key] = {
        path: newest.src.path!,
        logType: acct.logType,
        dev: newest.dev,
        ino: newest.ino,
        size: newest.size,
        offset,
        lines: (src.slice?.lines ?? 0) + acct.lines,
        ...mark,
        rotated: await knownFiles(p.members, this.prev?.logs[p.key]?.rotated ?? []),
      }
    }
    this.settled = true
  }

  /** Once the output is complete: writes the state (atomically) and lets go of the lock. */
  commit(): void {
    if (!this.settled) throw new Error('state committed before the logs were read')
    const state: StateData = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      run: this.now,
      logs: {...this.prev?.logs, ...this.next},
      carry: this.idle && this.prev !== null ? this.prev.carry : {...this.carry, quota: storeQuota(this.carry.quota)},
    }
    try {
      saveState(this.path, state)
    } finally {
      this.release_()
    }
  }

  /** Lets go of the lock without writing (a run that failed). */
  release(): void {
    this.release_()
  }
}

/** Reads the inputs: whole, or with --state (`state`) only what is new since the last run. */
export function readWithState(
  state: StateRun | undefined,
  sources: Source[],
  opts: ReadOptions,
  sink: EventSink,
): Promise<InputAccount> {
  return state === undefined ? readLogs(sources, opts, sink) : state.read(sources, opts, sink)
}
