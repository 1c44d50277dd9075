// Worker thread entry: counts the byte range it is given as the report would, and posts the
// result back.

import {parentPort, workerData} from 'node:worker_threads'
import {answer} from '../parallel/threads.js'
import type {RangeJob} from '../read/range.js'
import {countRange, type RangeCounting} from './report-range.js'

const {job, counting} = workerData as {job: RangeJob; counting: RangeCounting}
await answer(
  (reply) => parentPort!.postMessage(reply),
  () => countRange(job, counting),
)
