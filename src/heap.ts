// How the run's V8 heap trades memory for speed. bin/run.js starts every run favouring memory
// (V8's --optimize-for-size: the heap grows slowly), which keeps a gigabyte of log, two threads
// or gzip's inflated buffers under 150 MB, and a long follow flat. A report of plain files of
// less than that, read by one thread, is read faster with V8's own heap growth (about 10% less
// CPU time on 300 MB) and stays well within the bound; threads and decompression turn it back.

import {setFlagsFromString} from 'node:v8'

/** From now on, V8 keeps the heap small at some cost in speed. */
export function favourMemory(): void {
  setFlagsFromString('--optimize-for-size')
}

/** From now on, V8 lets the heap grow as it would by itself, for speed. */
export function favourSpeed(): void {
  setFlagsFromString('--no-optimize-for-size')
}
