#!/usr/bin/env node
import Module, {createRequire} from 'node:module'
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
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
  const cache =
    cachedData === undefined
      ? 'none'
      : script.cachedDataRejected
        ? 'refused by V8 (another Node, bundle or flags)'
        : 'used'
  return {cli: mod.exports, script, cache}
}

const {cli, script, cache} = load()
if (cli.debugAsked()) process.stderr.write(`exim-rejects: code cache ${cacheFile}: ${cache}\n`)
// V8's memory flags (src/heap.ts): after the load, and not in a run that writes the cache.
cli.startHeap()

await cli.run(process.argv.slice(2), root)

if (writeCache) {
  const tmp = `${cacheFile}.${process.pid}`
  writeFileSync(tmp, script.createCachedData())
  renameSync(tmp, cacheFile)
}
