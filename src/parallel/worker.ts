// Worker thread entry: reads the byte range it is given and posts the result back.
import {parentPort, workerData} from 'node:worker_threads'
import {EximRejectsError} from '../errors.js'
import {type RangeJob, readRangeJob} from './work.js'

try {
  parentPort!.postMessage({ok: true, result: await readRangeJob(workerData as RangeJob)})
} catch (err) {
  const e = err as Error
  parentPort!.postMessage({
    ok: false,
    code: err instanceof EximRejectsError ? err.code : 'INTERNAL',
    message: e.message ?? String(err),
  })
}
