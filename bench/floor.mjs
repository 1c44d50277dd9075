// The least a Node program does to account for a log's lines: read it in 128 KiB blocks into one
// buffer, find every line end with Buffer#indexOf and check each line's timestamp punctuation by
// byte. Nothing is decoded, classified or counted by kind. Its time next to the tool's, on the same
// file in the same bench run, says how much of the tool's time Node itself sets, and how much is
// the tool's own: start-up, classifying, grouping and rendering.
//
//   node bench/floor.mjs FILE [FROM]   reads FILE from byte FROM (a line start) to its end and
//                                      prints "<lines> lines, <unstamped> without a timestamp"

import fs from 'node:fs'

const [file, fromArg = '0'] = process.argv.slice(2)
const BLOCK = 128 * 1024
const NL = 10

const fd = fs.openSync(file, 'r')
const size = fs.fstatSync(fd).size
// Half a page off a page boundary, as the tool's reader does (the kernel copies faster so).
const buf = Buffer.allocUnsafe(BLOCK + 4096).subarray(2048, 2048 + BLOCK)
let lines = 0
let unstamped = 0
let pos = Number(fromArg)
while (pos < size) {
  const n = fs.readSync(fd, buf, 0, Math.min(BLOCK, size - pos), pos)
  if (n <= 0) break
  // The block's last whole line ends here; the rest is read again with the next block.
  const last = pos + n < size ? buf.lastIndexOf(NL, n - 1) : n - 1
  if (last < 0) throw new Error(`${file}: a line longer than ${BLOCK} bytes at byte ${pos}`)
  for (let p = 0; p <= last;) {
    let nl = buf.indexOf(NL, p)
    if (nl === -1 || nl > last) nl = last + 1
    // YYYY-MM-DD HH:MM:SS (milliseconds and a zone offset may follow).
    if (
      nl - p < 20 ||
      buf[p + 4] !== 45 ||
      buf[p + 7] !== 45 ||
      buf[p + 10] !== 32 ||
      buf[p + 13] !== 58 ||
      buf[p + 16] !== 58
    )
      unstamped++
    lines++
    p = nl + 1
  }
  pos += last + 1
}
fs.closeSync(fd)
console.log(`${lines} lines, ${unstamped} without a timestamp`)
