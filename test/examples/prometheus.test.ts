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
      ['check', 'rules', 'exim-rejects-exporter.rules.yml'],
      ['test', 'rules', 'exim-rejects-exporter.rules.test.yml'],
    ]) {
      const r = spawnSync('promtool', args, {cwd: DIR, encoding: 'utf8'})
      expect(r.stdout + r.stderr, args.join(' ')).toContain('SUCCESS')
      expect(r.status, r.stdout + r.stderr).toBe(0)
    }
  })

  it('the README shows the rules as shipped', () => {
    for (const file of ['exim-rejects-check.rules.yml', 'exim-rejects-exporter.rules.yml']) {
      const rules = readFileSync(DIR + file, 'utf8')
      expect(readFileSync(README, 'utf8'), file).toContain(rules.slice(rules.indexOf('groups:')))
    }
  })
})
