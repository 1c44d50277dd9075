// The tool's line scanner alone (dist/parse/scanner.js, so `npm run build` first), over a file,
// with a sink that takes no candidate: every line accounted for, the candidate lines decoded, none
// classified or grouped. Passes over the file in one process: the first pays for V8 warming up
// (interpreted, then baseline code, TurboFan compiling on another thread), the later ones show
// the scan at full speed. Next to bench/floor.mjs and a report of the same file, it splits a
// report's time into Node's floor, the scan, and the rest.
//
//   node bench/scan-only.mjs FILE [PASSES]   (default 3)

import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const {LineScanner} = await import(pathToFileURL(path.join(DIST, 'parse', 'scanner.js')).href)
const {newFileAccount} = await import(pathToFileURL(path.join(DIST, 'input', 'account.js')).href)
// The tool's own read buffer and block size, so that the scan is read as the tool reads it.
const {CHUNK_SIZE, readBuffer} = await import(pathToFileURL(path.join(DIST, 'input', 'open.js')).href)

const [file, passes = '3'] = process.argv.slice(2)
const MARK = 16 * 1024 * 1024
const fd = fs.openSync(file, 'r')
const size = fs.fstatSync(fd).size
const buf = readBuffer(CHUNK_SIZE)
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6

for (let pass = 1; pass <= Number(passes); pass++) {
  const acct = newFileAccount(path.basename(file), 'main')
  let candidates = 0
  const sink = {
    candidate() {
      candidates++
      return 'other'
    },
    unparsed() {},
  }
  const scanner = new LineScanner(acct, sink, (naive) => naive)
  const t0 = process.hrtime.bigint()
  let firstMark = NaN
  for (let pos = 0; pos < size;) {
    const n = fs.readSync(fd, buf, 0, CHUNK_SIZE, pos)
    if (n <= 0) break
    scanner.push(buf.subarray(0, n))
    pos += n
    if (Number.isNaN(firstMark) && pos >= MARK) firstMark = ms(t0)
  }
  scanner.end()
  const total = ms(t0)
  console.log(
    `pass ${pass}: ${total.toFixed(0)} ms (first 16 MB ${firstMark.toFixed(0)} ms), ` +
      `${acct.lines} lines, ${candidates} candidates, ${acct.unparsed} unparsed`,
  )
}
fs.closeSync(fd)
