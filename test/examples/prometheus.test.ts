// The shipped Prometheus rules load and alert as their unit tests say (promtool, from Debian's
// prometheus package), and the README shows them as shipped.

import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const DIR = fileURLToPath(new URL('../../examples/prometheus/', import.meta.url))
const README = fileURLToPath(new URL('../../README.md', import.meta.url))
const promtool = spawnSync('promtool', ['--version']).status === 0
if (!promtool) console.warn('promtool not installed: the Prometheus rules were not checked')

describe('examples/prometheus', () => {
  it.runIf(promtool)('promtool check rules and test rules pass', () => {
    for (const args of [
      ['check', 'rules', 'exim-rejects-check.rules.yml'],
      ['test', 'rules', 'exim-rejects-check.rules.test.yml'],
    ]) {
      const r = spawnSync('promtool', args, {cwd: DIR, encoding: 'utf8'})
      expect(r.stdout + r.stderr, args.join(' ')).toContain('SUCCESS')
      expect(r.status, r.stdout + r.stderr).toBe(0)
    }
  })

  it('the README shows the check rules as shipped', () => {
    const rules = readFileSync(DIR + 'exim-rejects-check.rules.yml', 'utf8')
    expect(readFileSync(README, 'utf8')).toContain(rules.slice(rules.indexOf('groups:')))
  })
})
