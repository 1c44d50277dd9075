#!/usr/bin/env node
import {setFlagsFromString} from 'node:v8'
import {fileURLToPath} from 'node:url'

// A small young generation: reading a log makes much short-lived garbage, and a big nursery only
// raises the peak memory without making the run faster. A heap that grows more slowly keeps a
// gigabyte of log (two threads, or gzip with its inflated buffers) under 150 MB: measured 162 ->
// 129 MB and 153 -> 114 MB. A report of plain files smaller than that, read by one thread, turns
// it off again for speed (src/heap.ts).
setFlagsFromString('--max-semi-space-size=4')
setFlagsFromString('--optimize-for-size')
const {run} = await import('../dist/bundle/cli.js')

await run(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)))
