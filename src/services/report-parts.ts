// A report reads a large plain log in parts: it cuts the file into ranges, counts each in a
// thread of its own (the first in the main thread, into the report's own aggregator: it is up and
// running while the workers start, and holds no second copy of the groups), and joins the threads'
// counts into its own as the reader settles each range in turn.

import type {Aggregator} from '../aggregate/aggregator.js'
import {parallelMinBytes, runWorker, workerCount} from '../parallel/threads.js'
import {splitRanges} from '../parallel/split.js'
import type {RangedFile} from '../read/range.js'
import type {PartReader, ReadPart} from '../read/read-logs.js'
import {type CountedRange, countRange, type RangeCounting} from './report-range.js'

// The worker sits next to this module both in dist/services/ and in the bundle (dist/bundle/).
const WORKER = new URL('./range-worker.js', import.meta.url)

export interface PartSettings {
  /** Files from this size on are read in parts (default: parallelMinBytes()). */
  minBytes?: number
  threads?: number
}

export function reportParts(agg: Aggregator, counting: RangeCounting, s: PartSettings = {}): PartReader {
  return {
    async read(file: RangedFile): Promise<ReadPart[] | null> {
      if (file.size - file.from < (s.minBytes ?? parallelMinBytes())) return null
      const ranges = await splitRanges(file.path, file.size, s.threads ?? workerCount(), file.from)
      if (ranges.length < 2) return null
      const jobs = ranges.map(([start, end], i) => ({...file, start, end, last: i === ranges.length - 1}))
      const [first, ...rest] = jobs
      const others = rest.map((job) => runWorker<CountedRange>(WORKER, {job, counting}))
      const counted = await Promise.all([countRange(first!, counting, agg), ...others])
      return counted.map(({part, dump}) => (dump === null ? part : {...part, commit: () => agg.absorb(dump)}))
    },
  }
}
