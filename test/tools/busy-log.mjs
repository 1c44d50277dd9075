#!/usr/bin/env node
// Writes a busy Exim main log as a server does while logrotate works on it: numbered RCPT
// deferrals (recipient u<N>@example.net) and other lines, at a steady rate, the writer opening
// the log for each batch as Exim reopens it when it was rotated; and, meanwhile, the rotations a
// follower must survive: rename+create, copytruncate (logrotate's copy, then truncate, racing
// the writer), and delete+recreate. Prints one JSON line when done: what was written.
//
//   node test/tools/busy-log.mjs LOG [--lines N] [--rate LINES_PER_S] [--rotate-every N]

import {appendFile, copyFile, rename, truncate, unlink, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'
import {setTimeout as sleep} from 'node:timers/promises'

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    lines: {type: 'string', default: '40000'},
    rate: {type: 'string', default: '5000'},
    'rotate-every': {type: 'string', default: '0'},
  },
})
const log = positionals[0]
if (log === undefined) {
  console.error('usage: busy-log.mjs LOG [--lines N] [--rate N] [--rotate-every N]')
  process.exit(2)
}
const total = Number(values.lines)
const rate = Number(values.rate)
// By default three rotations, one of each kind, spread over the run.
const every = Number(values['rotate-every']) || Math.floor(total / 4)

const pad = (n, w = 2) => String(n).padStart(w, '0')
const stamp = (i) => {
  const s = Math.floor(i / 50)
  return `2026-11-25 ${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
}
/** Line i: a deferral every other line (numbered), a delivery in between. */
const line = (i) =>
  i % 2 === 0
    ? `${stamp(i)} H=mx${i % 97}.example [192.0.2.${i % 250}] F=<s@example.org> temporarily rejected RCPT <u${i}@example.net>: 422 Mailbox u${i}@example.net is over quota\n`
    : `${stamp(i)} 1tA${pad(i % 1000, 3)}-00000${pad(i % 100)}-${pad(i % 100)} => u${i}@example.net R=local T=lmtp\n`

const kinds = ['rename', 'copytruncate', 'delete']
let rotations = 0
let written = 0
let rotating = Promise.resolve()

/** One rotation, run while the writer goes on (as logrotate runs beside Exim). */
async function rotate(kind) {
  if (kind === 'rename') {
    await rename(log, `${log}.1`)
    await writeFile(log, '')
  } else if (kind === 'copytruncate') {
    await rename(`${log}.1`, `${log}.2`).catch(() => {})
    await copyFile(log, `${log}.1`)
    await truncate(log, 0)
  } else {
    await unlink(log)
  }
}

const BATCH_MS = 10
const perBatch = Math.max(1, Math.round((rate * BATCH_MS) / 1000))
const started = Date.now()
for (let i = 0; i < total;) {
  let text = ''
  const end = Math.min(total, i + perBatch)
  for (; i < end; i++) {
    text += line(i)
    if (i > 0 && i % every === 0 && rotations < 3 * Math.ceil(total / every)) {
      // Whatever the last rotation still does, the next starts after it.
      const kind = kinds[rotations++ % kinds.length]
      rotating = rotating.then(() => rotate(kind))
    }
  }
  // Opened for each batch, created if gone: as Exim reopens a log that was rotated.
  await appendFile(log, text)
  written = i
  const due = started + (written / rate) * 1000
  if (due > Date.now()) await sleep(due - Date.now())
}
await rotating
process.stdout.write(
  JSON.stringify({
    lines: written,
    deferrals: Math.ceil(written / 2),
    rotations,
    seconds: (Date.now() - started) / 1000,
  }) + '\n',
)
