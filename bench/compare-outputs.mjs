#!/usr/bin/env node
// Runs a fixed list of report and events commands over the samples, the real-Exim fixtures and
// any logs named, and either saves every output (stdout, stderr, exit status) or compares them
// byte for byte with outputs saved before: what a change that should only make the tool faster
// must leave alone.
//
//   node bench/compare-outputs.mjs save  DIR [--bin bin/run.js] [LOG...]
//   node bench/compare-outputs.mjs check DIR [--bin bin/run.js] [LOG...]
//
// `--bin` runs another build (a copy of bin/ and dist/ made before a change). check exits 1 when
// any output differs or is missing, and says where the first difference is.

import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const mode = args.shift()
const dir = args.shift()
let bin = join(ROOT, 'bin/run.js')
const logs = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--bin') bin = args[++i]
  else logs.push(args[i])
}
if ((mode !== 'save' && mode !== 'check') || !dir) {
  console.error('usage: compare-outputs.mjs save|check DIR [--bin PATH] [LOG...]')
  process.exit(2)
}

/** Inputs by name: the paths each run reads together. */
const inputs = [['samples', [join(ROOT, 'samples')]]]
for (const group of ['exim-4.96', 'exim-4.96-syslog']) {
  const base = join(ROOT, 'test/fixtures', group)
  for (const scenario of readdirSync(base).sort()) {
    const d = join(base, scenario)
    if (statSync(d).isDirectory()) inputs.push([`${group}.${scenario}`, [d]])
  }
}
for (const log of logs) inputs.push([basename(log), [log]])

// Threads read a file in parts only from 512 MB on: the `threads` runs make them read any file
// in two, so that the parts' path is compared too.
const THREADS = {EXIM_REJECTS_THREADS: '2', EXIM_REJECTS_PARALLEL_MB: '0.01'}
const ONE = {EXIM_REJECTS_THREADS: '1'}
const runs = [
  ['report-csv', ['report', '--format', 'csv']],
  ['report-summary', ['report']],
  ['report-json', ['report', '--format', 'json']],
  ['report-host-csv', ['report', '--by', 'host', '--format', 'csv']],
  ['report-recipient-host-csv', ['report', '--by', 'recipient,host', '--format', 'csv']],
  ['report-defer-csv', ['report', '--kind', 'rcpt-defer', '--format', 'csv']],
  ['report-all-keys-csv', ['report', '--kind', 'all', '--format', 'csv', '--by', 'domain,sender,ip,reason,code,day']],
  ['report-utc-summary', ['report', '--utc', '--kind', 'all', '--by', 'kind,recipient']],
  ['report-csv-threads', ['report', '--format', 'csv'], THREADS],
  ['report-summary-threads', ['report', '--kind', 'all'], THREADS],
  ['report-csv-one-thread', ['report', '--format', 'csv'], ONE],
  ['events-csv', ['events', '--format', 'csv']],
  ['events-ndjson', ['events', '--kind', 'all', '--format', 'ndjson']],
]

function run(argv, env) {
  const r = spawnSync(process.execPath, [bin, ...argv], {
    env: {...process.env, TZ: 'Europe/Berlin', NO_COLOR: '1', COLUMNS: '120', LANG: 'C.UTF-8', ...env},
    maxBuffer: 1 << 30,
  })
  return Buffer.concat([Buffer.from(`exit ${r.status}\n--- stderr\n`), r.stderr, Buffer.from('--- stdout\n'), r.stdout])
}

/** Where two outputs first differ: byte offset and line number. */
function firstDifference(a, b) {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  let line = 1
  for (let k = a.indexOf(10); k !== -1 && k < i; k = a.indexOf(10, k + 1)) line++
  return `byte ${i}, line ${line} (sizes ${a.length} / ${b.length})`
}

mkdirSync(dir, {recursive: true})
let same = 0
const differ = []
for (const [name, paths] of inputs) {
  for (const [label, argv, env] of runs) {
    const out = run([...argv, ...paths], env)
    const file = join(dir, `${name}.${label}`)
    if (mode === 'save') {
      writeFileSync(file, out)
      continue
    }
    if (!existsSync(file)) differ.push(`${name}.${label}: no saved output`)
    else {
      const saved = readFileSync(file)
      if (saved.equals(out)) same++
      else differ.push(`${name}.${label}: differs at ${firstDifference(saved, out)}`)
    }
  }
  process.stderr.write(`${name} `)
}
process.stderr.write('\n')
if (mode === 'save') console.log(`saved ${inputs.length * runs.length} outputs in ${dir}`)
else {
  console.log(`${same} of ${inputs.length * runs.length} outputs byte-identical`)
  for (const d of differ) console.log(`  ${d}`)
  process.exitCode = differ.length === 0 ? 0 : 1
}
