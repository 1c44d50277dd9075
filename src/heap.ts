// How the run's V8 heap trades memory for speed. Every run starts favouring memory (startHeap,
// with V8's --optimize-for-size: the heap grows slowly), which keeps a gigabyte of log, two threads
// or gzip's inflated buffers under 150 MB, and a long follow flat. A read of less than half a
// gigabyte of plain files by one thread (a whole file, or the window a seek or --state leaves) is
// faster with V8's own heap growth (about 10% less CPU time on 300 MB; 6% fewer instructions in a
// check of the last hour of a 1 GB log) and stays well within the bound; threads and
// decompression turn it back.

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

/** Before this thread reads `bytes` from plain files: speed for a few, memory for many. */
export function fitHeapTo(bytes: number): void {
  if (bytes < SPEED_BELOW_BYTES) favourSpeed()
  else favourMemory()
}
