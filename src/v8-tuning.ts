// What V8 is told to favour for the run's reads. Its heap: every run starts favouring memory
// (startHeap, with V8's --optimize-for-size: the heap grows slowly), which keeps a gigabyte of log,
// two threads or gzip's inflated buffers under 150 MB, and a long follow flat. A read of less than
// half a gigabyte of plain files by one thread (a whole file, or the window a seek or --state
// leaves) is faster with V8's own heap growth (about 10% less CPU time on 300 MB; 3% fewer
// instructions in a check of the last hour of a 1 GB log) and stays well within the bound; threads
// and decompression turn it back.
//
// Its optimizing compiler: TurboFan inlines callees into the hot functions of the scan and the
// parsers, up to 920 bytes of their bytecode into each, and peels loops. Over a long read that
// pays; a short one spends more compiling than the code saves. In a check of the last hour of the
// 1 GB bench log, compiling was a third of the instructions: with half the inlining and no loop
// peeling, 1,249 -> 1,071 million in all (callgrind, --single-threaded), 406 -> 346 ms (21
// alternating runs); a check of a 10 MB log 280 -> 254 ms. On 300 MB it made no gain or a loss.

import {setFlagsFromString} from 'node:v8'

// A run that writes V8's code cache (bin/run.js) keeps the flags it loaded the bundle under: V8
// takes a cache only under the flags it was made with.
const flagsFixed = process.env.EXIM_REJECTS_WRITE_CODE_CACHE === '1'

/**
 * The run's start (bin/run.js, once the bundle is loaded: set before, these slowed the load by a
 * tenth). A small young generation: reading a log makes much short-lived garbage, and a big
 * nursery only raises the peak memory without making the run faster. With the slow heap growth
 * of favourMemory, a gigabyte of log (two threads, or gzip with its inflated buffers) stays under
 * 150 MB: measured 162 -> 129 MB and 153 -> 114 MB.
 */
export function startHeap(): void {
  if (flagsFixed) return
  setFlagsFromString('--max-semi-space-size=4')
  favourMemory()
}

/** From now on, V8 keeps the heap small at some cost in speed. */
export function favourMemory(): void {
  if (!flagsFixed) setFlagsFromString('--optimize-for-size')
}

/** From now on, V8 lets the heap grow as it would by itself, for speed. */
export function favourSpeed(): void {
  if (!flagsFixed) setFlagsFromString('--no-optimize-for-size')
}

/** Less than this, read from plain files by one thread, is read favouring speed. */
const SPEED_BELOW_BYTES = 512 * 1024 * 1024
/** Less than this is read with the optimizing compiler doing less. */
const SHORT_BELOW_BYTES = 64 * 1024 * 1024
const LESS_COMPILING = '--max-inlined-bytecode-size-cumulative=460 --no-turbo-loop-peeling'
/** V8's own defaults (those of Node 18 and 20), for a long read after a short one. */
const V8_COMPILING = '--max-inlined-bytecode-size-cumulative=920 --turbo-loop-peeling'

/**
 * Before this thread reads `bytes` from plain files: heap growth for speed for a few, for memory
 * for many; less compiling for a short read, V8's defaults for a long one.
 */
export function fitToRead(bytes: number): void {
  if (bytes < SPEED_BELOW_BYTES) favourSpeed()
  else favourMemory()
  if (!flagsFixed) setFlagsFromString(bytes < SHORT_BELOW_BYTES ? LESS_COMPILING : V8_COMPILING)
}
