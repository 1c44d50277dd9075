import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli, SAMPLES} from './run-cli.js'

// One run as users make it: exit 0, nothing on stderr, the report on stdout.
describe('report', () => {
  it('on the samples: exit 0, the summary on stdout, nothing on stderr', () => {
    const r = runCli(['report', SAMPLES])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/\n\s+10\s+rcpt-defer\s/)
  })
})

describe('report failures: one line, exit 2, no stack', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'exim-rejects-'))
  const expectOneLine = (r: {code: number; stderr: string; stdout: string}, re: RegExp) => {
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(re)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  }
  it('a path that does not exist', () => {
    expectOneLine(runCli(['report', join(tmp, 'nope')]), /nope: no such file or directory/)
  })
  it('a directory without Exim logs', () => {
    const d = join(tmp, 'empty')
    mkdirSync(d)
    writeFileSync(join(d, 'syslog'), 'x\n')
    expectOneLine(runCli(['report', d]), /empty: no Exim logs in this directory/)
  })
  it('an unreadable file', () => {
    const f = join(tmp, 'mainlog')
    writeFileSync(f, 'x\n')
    chmodSync(f, 0)
    const r = runCli(['report', f], {env: process.getuid?.() === 0 ? {} : {}})
    // root reads anything; the check only means something for other users.
    if (process.getuid?.() !== 0) expectOneLine(r, /mainlog: permission denied/)
  })
  it('bad flag values', () => {
    expectOneLine(runCli(['report', '--kind', 'bogus', SAMPLES]), /--kind: expected/)
    expectOneLine(runCli(['report', '--since', 'whenever', SAMPLES]), /--since: expected/)
    expectOneLine(runCli(['report', '--format', 'xml', SAMPLES]), /format/)
    expectOneLine(runCli(['report', '--bogus', SAMPLES]), /bogus/)
  })
})
