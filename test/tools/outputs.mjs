#!/usr/bin/env node
// Writes every output the built command line gives for the shipped samples and the real-Exim
// fixtures (and any further logs named on the command line) into one directory, a file per run,
// so that two builds can be compared byte for byte: `diff -r before/ after/`.
//
//   node test/tools/outputs.mjs OUTDIR [EXTRA_LOG_OR_DIR...]

import {spawnSync} from 'node:child_process'
import {mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {basename, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin/run.js')
const [out, ...extra] = process.argv.slice(2)
if (!out) {
  console.error('usage: outputs.mjs OUTDIR [EXTRA_LOG_OR_DIR...]')
  process.exit(2)
}
mkdirSync(out, {recursive: true})

const NOW = ['--now', '2026-12-01T00:00:00Z']
const ALL_KEYS = 'recipient,domain,sender,host,ip,helo,reason,code,kind,hour,day,file'

/** Inputs by name: each a list of paths read together. */
const inputs = [['samples', [join(ROOT, 'samples')]]]
for (const group of ['exim-4.96', 'exim-4.96-syslog']) {
  const base = join(ROOT, 'test/fixtures', group)
  for (const scenario of readdirSync(base).sort()) {
    const dir = join(base, scenario)
    if (!statSync(dir).isDirectory()) continue
    const logs = readdirSync(dir)
      .filter((f) => !f.endsWith('.json'))
      .sort()
    if (group === 'exim-4.96') inputs.push([`${scenario}`, [dir]])
    else for (const f of logs) inputs.push([`${scenario}-${f}`, [join(dir, f)]])
  }
}
for (const e of extra) {
  const st = statSync(e)
  const files = st.isDirectory()
    ? readdirSync(e)
        .sort()
        .map((f) => join(e, f))
        .filter((f) => statSync(f).isFile())
    : [e]
  inputs.push([`extra-${relative('/', e).replace(/\//g, '_')}`, files])
}

const runs = [
  ['report-summary', ['report', '--utc', ...NOW]],
  ['report-summary-all', ['report', '--utc', '--kind', 'all', '--by', 'kind,recipient', ...NOW]],
  ['report-csv', ['report', '--utc', '--kind', 'all', '--format', 'csv']],
  ['report-csv-keys', ['report', '--utc', '--kind', 'all', '--format', 'csv', '--by', ALL_KEYS]],
  ['report-json', ['report', '--utc', '--kind', 'all', '--format', 'json']],
  [
    'report-json-label',
    ['report', '--utc', '--kind', 'all', '--format', 'json', '--label', 'mx1', '--by', 'recipient,ip,kind'],
  ],
  ['report-ndjson', ['report', '--utc', '--kind', 'all', '--format', 'ndjson']],
  ['report-html', ['report', '--utc', '--kind', 'all', '--format', 'html', ...NOW]],
  ['events-table', ['events', '--utc', '--kind', 'all']],
  ['events-csv', ['events', '--utc', '--kind', 'all', '--format', 'csv']],
  ['events-ndjson', ['events', '--utc', '--kind', 'all', '--format', 'ndjson']],
  ['events-raw', ['events', '--utc', '--kind', 'all', '--format', 'raw']],
  ['check', ['check', '--utc', '--since', '2000-01-01', ...NOW]],
  ['check-json', ['check', '--utc', '--since', '2000-01-01', '--json', ...NOW]],
]

function cli(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: {...process.env, TZ: 'UTC', NO_COLOR: '1', COLUMNS: '120', LANG: 'C.UTF-8'},
    maxBuffer: 1 << 30,
  })
  return `exit ${r.status}\n--- stderr\n${r.stderr}--- stdout\n${r.stdout}`
}

const labelled = []
for (const [name, paths] of inputs) {
  for (const [run, args] of runs) {
    const text = cli([...args, ...paths])
    writeFileSync(join(out, `${name}.${run}`), text)
    if (run === 'report-json-label') {
      const f = join(out, `${name}.label.json`)
      writeFileSync(f, text.slice(text.indexOf('--- stdout\n') + 11))
      if (!name.startsWith('extra-')) labelled.push(f)
    }
  }
  process.stderr.write(`${basename(name)} `)
}
for (const fmt of ['summary', 'csv', 'json'])
  writeFileSync(join(out, `merge.${fmt}`), cli(['merge', '--utc', '--format', fmt, ...labelled]))
process.stderr.write('\n')
