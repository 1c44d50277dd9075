// The shipped command line reads a large plain log with its bundled worker threads, and counts
// exactly what one thread counts.

import {readFileSync, writeFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from './run-cli.js'

const FIXTURES = new URL('../fixtures/exim-4.96/', import.meta.url).pathname

describe('a large plain log read by several threads', () => {
  // Real Exim logs, repeated to a few megabytes; with the size from which files are read in
  // ranges set to 1 MB, the shipped worker threads read all ranges but the first. The discard
  // scenario comes once, first: a file is not cut within a megabyte after an incorrect-digit line.
  const log = (s: string) => readFileSync(join(FIXTURES, s, 'mainlog'), 'utf8')
  const rest = ['defer-plain', 'nosocket-plain', 'defer-pid-ms-port'].map(log).join('')
  const f = join(mkdtempSync(join(tmpdir(), 'exim-rejects-threads-')), 'mainlog')
  writeFileSync(f, log('discard-plain') + rest.repeat(Math.ceil((4 << 20) / rest.length)))

  it('counts exactly what one thread counts', async () => {
    const args = ['report', '--json', '--utc', '--kind', 'all', '--by', 'kind,recipient,ip', f]
    const single = runCli(args, {env: {EXIM_REJECTS_THREADS: '1'}})
    // NODE_DEBUG=worker makes Node say on stderr which worker script each thread started.
    const threads = runCli(args, {
      env: {EXIM_REJECTS_THREADS: '3', EXIM_REJECTS_PARALLEL_MB: '1', NODE_DEBUG: 'worker'},
    })
    expect(single.code).toBe(0)
    expect(threads.code).toBe(0)
    expect(threads.stderr.match(/create new worker/g)).toHaveLength(2)
    expect(threads.stderr).toContain('dist/bundle/range-worker.js')
    expect(threads.stderr).not.toMatch(/exim-rejects:|Error/)
    const a = JSON.parse(single.stdout)
    expect(a.totals['rcpt-defer']).toBeGreaterThan(0)
    expect(a.totals['discard-misconfig']).toBeGreaterThan(0)
    expect(JSON.parse(threads.stdout)).toEqual(a)
  })
})
