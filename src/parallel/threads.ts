// Worker threads for reading one large file in parts: how many, from what size, and running one
// job in a thread. What a thread does with its part is its caller's business.

import {availableParallelism} from 'node:os'
import {EximRejectsError, type ErrorCode} from '../errors.js'
import {favourMemory} from '../v8-tuning.js'
import {nodeWorkers} from '../lazy-node.js'

/**
 * Below this size a file is read by the main thread: each worker warms its own JIT up and keeps
 * its own heap, which costs more than it saves on smaller files (measured on two cores).
 * EXIM_REJECTS_PARALLEL_MB sets it in megabytes, for machines where threads pay earlier.
 */
export function parallelMinBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.EXIM_REJECTS_PARALLEL_MB)
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : 512 * 1024 * 1024
}

/** Threads to read one large file with: the CPUs (up to 4), or EXIM_REJECTS_THREADS. */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.EXIM_REJECTS_THREADS)
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, 16)
  return Math.max(1, Math.min(4, availableParallelism()))
}

/** What a worker posts back: its answer, or the failure it met. */
export type WorkerReply<T> = {ok: true; result: T} | {ok: false; code: ErrorCode; message: string}

/** Runs the worker module at `url` on `data` and resolves with the result it posts. */
export function runWorker<T>(url: URL, data: unknown): Promise<T> {
  favourMemory()
  return new Promise((resolve, reject) => {
    // A small young generation: the worker's garbage is short-lived, and memory is for the groups.
    const w = new (nodeWorkers().Worker)(url, {workerData: data, resourceLimits: {maxYoungGenerationSizeMb: 12}})
    w.once('message', (m: WorkerReply<T>) => {
      if (m.ok) resolve(m.result)
      else reject(new EximRejectsError(m.code, m.message))
    })
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker stopped with exit code ${code}`)))
  })
}

/** A worker's side of runWorker: posts what `work` answers, or the failure, to the thread that started it. */
export async function answer<T>(post: (reply: WorkerReply<T>) => void, work: () => Promise<T>): Promise<void> {
  try {
    post({ok: true, result: await work()})
  } catch (err) {
    const code = err instanceof EximRejectsError ? err.code : 'INTERNAL'
    post({ok: false, code, message: (err as Error).message ?? String(err)})
  }
}
