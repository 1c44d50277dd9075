import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN} from './run-cli.js'

describe('a closed pipe ends the run quietly', () => {
  it('events --kind all --format csv BIG | head -1: exit 0, nothing on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-pipe-'))
    const big = join(dir, 'mainlog')
    const line = (i: number) =>
      `2026-11-25 10:00:00 H=mx.example [192.0.2.${i % 250}] F=<s@example.org> temporarily rejected RCPT <u${i}@example.net>: 422 Mailbox u${i}@example.net is over quota\n`
    writeFileSync(big, Array.from({length: 20_000}, (_, i) => line(i)).join(''))
    for (const args of [
      ['events', '--kind', 'all', '--format', 'csv'],
      ['events', '--format', 'raw'],
      ['events'],
      ['events', '--format', 'ndjson'],
      ['report', '--by', 'recipient', '--format', 'csv'],
      ['report', '--by', 'recipient', '--format', 'json'],
      ['report', '--by', 'recipient', '--format', 'ndjson'],
      ['report', '--by', 'recipient', '--top', '100000'],
      ['check', '--json', '--since', '2026-01-01'],
    ]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; node ${BIN} ${args.join(' ')} ${big} | head -1`], {
        encoding: 'utf8',
      })
      expect(r.stderr, args.join(' ')).toBe('')
      expect(r.status, args.join(' ')).toBe(0)
      expect(r.stdout.split('\n').length, args.join(' ')).toBe(2)
    }
  }, 60_000)
})
