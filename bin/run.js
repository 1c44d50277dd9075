#!/usr/bin/env node
import Module, {createRequire} from 'node:module'
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {setFlagsFromString} from 'node:v8'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url))
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
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {filename: bundle, cachedData})
  const mod = new Module(bundle)
  mod.filename = bundle
  Module._cache[bundle] = mod
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle))
  mod.loaded = true
  if (debugging())
    process.stderr.write(
      `exim-rejects: code cache ${cacheFile}: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'refused by V8 (another Node, bundle or flags)' : 'used'}\n`,
    )
  return {cli: mod.exports, script}
}

function debugging() {
  const debug = (process.env.DEBUG ?? '').split(',').some((d) => d === 'exim-rejects' || d === '*')
  return debug || process.argv.includes('--debug')
}

const {cli, script} = load()

// A small young generation: reading a log makes much short-lived garbage, and a big nursery only
// raises the peak memory without making the run faster. A heap that grows more slowly keeps a
// gigabyte of log (two threads, or gzip with its inflated buffers) under 150 MB: measured 162 ->
// 129 MB and 153 -> 114 MB. A report of plain files smaller than that, read by one thread, turns
// --optimize-for-size off again for speed (src/heap.ts). Set after the load, which they slowed by
// a tenth; and not in a run that writes the cache, as V8 keeps a cache only under the flags it was
// made with (those of the load).
if (!writeCache) {
  setFlagsFromString('--max-semi-space-size=4')
  setFlagsFromString('--optimize-for-size')
}

await cli.run(process.argv.slice(2), root)

if (writeCache) {
  const tmp = `${cacheFile}.${process.pid}`
  writeFileSync(tmp, script.createCachedData())
  renameSync(tmp, cacheFile)
}
