// Node's own modules that only some runs use, loaded at their first use rather than with the rest
// of the program: crypto (--state), zlib (gzip input) and worker_threads (a large log read in
// parts) took about 2.5 ms of every start, 3% of a `--version`; net (--ip, --quota-socket), tty
// (standard input that is neither a pipe nor a file) and child_process (bzip2, xz, zstd) as much.

import {createRequire} from 'node:module'

const load = createRequire(import.meta.url)

export const nodeCrypto = (): typeof import('node:crypto') => load('node:crypto')
export const nodeZlib = (): typeof import('node:zlib') => load('node:zlib')
export const nodeWorkers = (): typeof import('node:worker_threads') => load('node:worker_threads')
export const nodeNet = (): typeof import('node:net') => load('node:net')
export const nodeTty = (): typeof import('node:tty') => load('node:tty')
export const nodeChildProcess = (): typeof import('node:child_process') => load('node:child_process')
