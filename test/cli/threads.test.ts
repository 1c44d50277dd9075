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

  it('with --max-groups, threads keep the heaviest groups and bound every count as one thread does', async () => {
    const by = ['--by', 'recipient,ip', '--kind', 'all', '--utc']
    const all = JSON.parse(runCli(['report', '--json', ...by, f], {env: {EXIM_REJECTS_THREADS: '1'}}).stdout)
    const truth = new Map<string, number>(all.groups.map((g: Group) => [`${g.recipient} ${g.ip}`, g.count]))
    expect(truth.size).toBeGreaterThan(8)
    const total = [...truth.values()].reduce((n, c) => n + c, 0)
    for (const threads of ['1', '3']) {
      const run = runCli(['report', '--json', '--max-groups', '4', ...by, f], {
        env: {EXIM_REJECTS_THREADS: threads, EXIM_REJECTS_PARALLEL_MB: '1'},
      })
      expect(run.code).toBe(0)
      const r = JSON.parse(run.stdout)
      const rows: Group[] = r.groups.slice(0, -1)
      const other: Group = r.groups.at(-1)
      expect(other).toMatchObject({recipient: '(other)', count: r.folded, maxGroups: r.maxGroups})
      expect(rows).toHaveLength(4)
      // Every event in a row; every row's true count between its count and its count plus error.
      expect(r.groups.reduce((n: number, g: Group) => n + g.count, 0)).toBe(total)
      for (const g of rows) {
        const n = truth.get(`${g.recipient} ${g.ip}`)!
        expect(n, threads).toBeGreaterThanOrEqual(g.count)
        expect(n, threads).toBeLessThanOrEqual(g.count + (g.error ?? 0))
      }
      const shown = new Set(rows.map((g) => `${g.recipient} ${g.ip}`))
      for (const [k, n] of truth)
        if (!shown.has(k)) expect(n, `${threads} ${k}`).toBeLessThanOrEqual(r.maxGroups.errorBound)
      // The heaviest group is kept.
      const heaviest = all.groups[0]
      expect(shown.has(`${heaviest.recipient} ${heaviest.ip}`)).toBe(true)
    }
  })
})

interface Group {
  recipient: string
  ip: string
  count: number
  error?: number
  maxGroups?: {limit: number; errorBound: number}
}
