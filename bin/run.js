#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module launcher costs every run Node's ES module loader, and
// its import of node:fs loads Node's whole stream stack to build the module's named exports.
'use strict'
const Module = require('node:module')
const {readFileSync, renameSync, writeFileSync} = require('node:fs')
const {dirname, join} = require('node:path')
const {Script} = require('node:vm')

const root = join(__dirname, '..')
const bundle = join(root, 'dist', 'bundle', 'cli.cjs')
// V8's code cache of the bundle, written after a run (by the build, and by the Debian package's
// postinst with the Node it runs on): most of a short run was compiling the bundle; with the cache
// its functions are loaded compiled. V8 refuses a cache made by another Node, of another bundle or
// under other V8 flags, and the bundle is then compiled as without one.
const cacheFile = process.env.EXIM_REJECTS_CODE_CACHE || bundle.replace(/\.cjs$/, '.v8cache')
const writeCache = process.env.EXIM_REJECTS_WRITE_CODE_CACHE === '1'

/** Loads the bundle as require would, with the code cache, and leaves it in require's cache for oclif. */
function load() {
  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    cachedData = undefined
  }
  // The bundle is ASCII (bin/bundle.mjs makes sure): read as latin1, it becomes V8's one-byte
  // source string without a UTF-8 decoding pass.
  const script = new Script(Module.wrap(readFileSync(bundle, 'latin1')), {filename: bundle, cachedData})
  const mod = new Module(bundle)
  mod.filename = bundle
  Module._cache[bundle] = mod
  script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle))
  mod.loaded = true
  const cache =
    cachedData === undefined
      ? 'none'
      : script.cachedDataRejected
        ? 'refused by V8 (another Node, bundle or flags)'
        : 'used'
  return {cli: mod.exports, script, cache}
}

// The oldest Node the bundle is built for (package.json's engines), said before it fails to load.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 18 || (major === 18 && minor < 19))
  process.emitWarning(`exim-rejects needs Node.js 18.19 or newer; this is ${process.versions.node}`)

const {cli, script, cache} = load()
if (cli.debugAsked()) process.stderr.write(`exim-rejects: code cache ${cacheFile}: ${cache}\n`)
// V8's memory flags (src/v8-tuning.ts): after the load, and not in a run that writes the cache.
cli.startHeap()

// What a run that writes the cache does, when given no command line: the runs cron and monitoring
// make most, so that the cache holds what they compile (the window's search and the verdict of
// check, the listing of events), not only a report's. Their exit codes are not the build's.
const samples = join(root, 'samples')
const now = ['--now', '2026-11-25T00:00:00Z']
const WARM_UP = [
  ['report', samples],
  ['report', '--format', 'csv', samples],
  ['events', '--since', '30d', ...now, samples],
  ['check', '--since', '30d', ...now, samples],
]

async function main(argv) {
  if (!writeCache) return cli.run(argv, root)
  for (const run of argv.length > 0 ? [argv] : WARM_UP) await cli.run(run, root)
  process.exitCode = 0
  const tmp = `${cacheFile}.${process.pid}`
  writeFileSync(tmp, script.createCachedData())
  renameSync(tmp, cacheFile)
}

main(process.argv.slice(2))
