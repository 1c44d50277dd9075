// The start of every run: bin/run.js loads the bundle with V8's code cache that the build wrote
// (the .deb's postinst writes one for the Node installed). A cache is used only by the Node, bundle
// and V8 flags that made it; any other (a Node upgrade, a damaged file) is refused and the bundle
// compiled as without one: the output is the same either way.

import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN, ROOT, runCli, SAMPLES} from './run-cli.js'

const NODE18 = process.env.EXIM_REJECTS_NODE18
const built = join(ROOT, 'dist/bundle/cli.v8cache')
const cacheNote = (stderr: string) => /^exim-rejects: code cache (.*): (.*)$/m.exec(stderr)?.slice(1)

describe('the code cache', () => {
  const plain = runCli(['report', SAMPLES], {env: {EXIM_REJECTS_CODE_CACHE: '/nonexistent/cli.v8cache'}})

  it('is written by the build, and used by the next run', () => {
    expect(statSync(built).size).toBeGreaterThan(100_000)
    const r = runCli(['report', '--debug', SAMPLES])
    expect(r.code, r.stderr).toBe(0)
    expect(cacheNote(r.stderr)).toEqual([built, 'used'])
    expect(r.stdout).toBe(plain.stdout)
  })

  it('made by a run with EXIM_REJECTS_WRITE_CODE_CACHE=1 is used by a plain run (the V8 flags match)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'exim-rejects-cache-')), 'cli.v8cache')
    const write = runCli(['report', SAMPLES], {
      env: {EXIM_REJECTS_CODE_CACHE: file, EXIM_REJECTS_WRITE_CODE_CACHE: '1'},
    })
    expect(write.code, write.stderr).toBe(0)
    expect(write.stdout).toBe(plain.stdout)
    expect(existsSync(file)).toBe(true)
    const r = runCli(['check', '--since', '30d', '--now', '2026-11-25T00:00:00Z', SAMPLES], {
      env: {EXIM_REJECTS_CODE_CACHE: file, DEBUG: 'exim-rejects'},
    })
    expect(cacheNote(r.stderr)).toEqual([file, 'used'])
    expect(r.stdout).toMatch(/^EXIM-REJECTS CRITICAL - 3 RCPTs for 2 recipients/)
  })

  it('written by a run given no command line (the build, the postinst) holds the runs of report, events and check, and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-cache-'))
    const [warm, reportOnly] = [join(dir, 'warm.v8cache'), join(dir, 'report.v8cache')]
    const w = runCli([], {env: {EXIM_REJECTS_CODE_CACHE: warm, EXIM_REJECTS_WRITE_CODE_CACHE: '1'}})
    // The warm-up's check finds the samples CRITICAL; that is not the run's exit code.
    expect(w.code, w.stderr).toBe(0)
    expect(w.stdout).toMatch(/^EXIM-REJECTS CRITICAL/m)
    runCli(['report', SAMPLES], {env: {EXIM_REJECTS_CODE_CACHE: reportOnly, EXIM_REJECTS_WRITE_CODE_CACHE: '1'}})
    // More code compiled than by a report alone: the check's and the listing's.
    expect(statSync(warm).size).toBeGreaterThan(statSync(reportOnly).size + 10_000)
    const r = runCli(['check', '--since', '30d', '--now', '2026-11-25T00:00:00Z', SAMPLES], {
      env: {EXIM_REJECTS_CODE_CACHE: warm, DEBUG: 'exim-rejects'},
    })
    expect(cacheNote(r.stderr)).toEqual([warm, 'used'])
    expect(r.code).toBe(2)
  })

  it('none, or a damaged one, changes nothing but the time', () => {
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout).toMatch(/^ {2}lines {5}82 = /m)
    const file = join(mkdtempSync(join(tmpdir(), 'exim-rejects-cache-')), 'cli.v8cache')
    writeFileSync(file, Buffer.alloc(4096, 7))
    const r = runCli(['report', '--debug', SAMPLES], {env: {EXIM_REJECTS_CODE_CACHE: file}})
    expect(r.code, r.stderr).toBe(0)
    expect(cacheNote(r.stderr)).toEqual([file, 'refused by V8 (another Node, bundle or flags)'])
    expect(r.stdout).toBe(plain.stdout)
    const none = runCli(['report', '--debug', SAMPLES], {env: {EXIM_REJECTS_CODE_CACHE: '/nonexistent/cli.v8cache'}})
    expect(cacheNote(none.stderr)).toEqual(['/nonexistent/cli.v8cache', 'none'])
  })

  it.skipIf(!NODE18)(
    "made by another Node is refused, and the run is the same (Debian 12's Node after a build on 20)",
    () => {
      const r = runCli(['report', '--debug', SAMPLES], {node: NODE18})
      expect(r.code, r.stderr).toBe(0)
      expect(cacheNote(r.stderr)).toEqual([built, 'refused by V8 (another Node, bundle or flags)'])
      expect(r.stdout).toBe(plain.stdout)
    },
  )
})

describe('what a start loads', () => {
  it('reads the bundle as ASCII: the build escapes what esbuild leaves (a regex of ansis)', () => {
    const bytes = readFileSync(join(ROOT, 'dist/bundle/cli.cjs'))
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1)
    // The escape means the same character: oclif's stripping of ANSI colour codes still works.
    const r = runCli(['report', '--help'], {env: {FORCE_COLOR: '1'}})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^USAGE/m)
  })

  it('--version loads none of the Node modules that only some runs need (tty, net, child_process, perf_hooks)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-start-'))
    const hook = join(dir, 'loaded.cjs')
    // What Node loaded after the preload, written at exit.
    writeFileSync(
      hook,
      'const before = new Set(process.moduleLoadList)\n' +
        "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_FILE, process.moduleLoadList.filter((m) => !before.has(m)).join('\\n')))\n",
    )
    // Standard output and error are files: a pipe would be a socket, and load net.
    const out = openSync(join(dir, 'out'), 'w')
    const err = openSync(join(dir, 'err'), 'w')
    const loadedFile = join(dir, 'loaded')
    const r = spawnSync(process.execPath, ['-r', hook, BIN, '--version'], {
      stdio: ['ignore', out, err],
      env: {...process.env, LOADED_FILE: loadedFile, DEBUG: ''},
    })
    closeSync(out)
    closeSync(err)
    expect(r.status, readFileSync(join(dir, 'err'), 'utf8')).toBe(0)
    expect(readFileSync(join(dir, 'out'), 'utf8')).toMatch(/^exim-rejects\/\d/)
    const loaded = readFileSync(loadedFile, 'utf8').split('\n')
    expect(loaded).toContain('NativeModule vm')
    for (const m of ['tty', 'net', 'child_process', 'perf_hooks', 'crypto', 'zlib', 'worker_threads'])
      expect(loaded, m).not.toContain(`NativeModule ${m}`)
  })
})
