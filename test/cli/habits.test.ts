// The command line behaves as admins' other tools do: -h, -V, help, version, suggestions for a
// mistyped command or flag, -f for --follow as in tail, --color wherever output is coloured.

import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {ROOT, runCli, SAMPLES} from './run-cli.js'

const VERSION = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version as string
const COMMANDS = ['check', 'events', 'exporter', 'help', 'merge', 'report', 'version']

describe('help and version as other tools have them', () => {
  it('-V, --version and version print the version; so does -V after a command', () => {
    for (const args of [['-V'], ['--version'], ['version'], ['report', '-V'], ['check', '--version']]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^exim-rejects/${VERSION.replace(/\./g, '\\.')} .*node-v`))
    }
  })

  it('-h, --help and help list every command; help CMD is CMD --help', () => {
    for (const args of [['-h'], ['--help'], ['help']]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(0)
      for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
    }
    expect(runCli(['help', 'report']).stdout).toBe(runCli(['report', '--help']).stdout)
    expect(runCli(['report', '-h']).stdout).toBe(runCli(['report', '--help']).stdout)
  })

  it("prints each command's summary once", () => {
    for (const c of ['report', 'events', 'check', 'merge']) {
      const help = runCli([c, '--help']).stdout
      const summary = help.split('\n')[0]!
      expect(summary.length).toBeGreaterThan(20)
      expect(help.split(summary.slice(0, 40)).length - 1, c).toBe(1)
      expect(help).toMatch(/^DESCRIPTION$/m)
    }
  })
})

describe('mistakes get one line that says what was meant', () => {
  it('a flag value out of range says which flag and why, in one line', () => {
    const r = runCli(['report', '--top', '0', SAMPLES])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'exim-rejects: --top: Expected an integer greater than or equal to 1 but received: 0 (see --help)\n',
    )
  })

  it('a mistyped command: exit 2, the nearest command named', () => {
    const r = runCli(['reprot', SAMPLES])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toBe(
      'exim-rejects: no command "reprot"; did you mean report? (commands: check, events, exporter, help, merge, report, version)',
    )
    expect(runCli(['help', 'evnets']).stderr).toMatch(/did you mean events\?/)
  })

  it('a mistyped flag: exit 2 (check: UNKNOWN, 3), the nearest flag named by its own name', () => {
    const r = runCli(['report', '--formt', 'csv', SAMPLES])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('exim-rejects: Nonexistent flag: --formt; did you mean --format? (see --help)')
    const c = runCli(['check', '--warn-recipent', '3', SAMPLES])
    expect(c.code).toBe(3)
    expect(c.stdout).toMatch(/^EXIM-REJECTS UNKNOWN - .*did you mean --warning-recipient\?/)
    expect(runCli(['events', '--zzzzzz', SAMPLES]).stderr).not.toMatch(/did you mean/)
  })

  it('-f is --follow as in tail -f; -f with a format name is refused rather than followed for ever', () => {
    const r = runCli(['report', '-f', 'csv', SAMPLES])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('exim-rejects: -f is --follow (as in tail -f); for the format say --format csv')
    expect(runCli(['events', '--help']).stdout).toMatch(/^ {2}-f, --follow/m)
  })
})

describe('--color wherever output is coloured', () => {
  it('report and merge colour the summary with --color always, never in a pipe by default', () => {
    const plain = runCli(['report', '--kind', 'all', SAMPLES])
    const coloured = runCli(['report', '--kind', 'all', '--color', 'always', SAMPLES])
    expect(plain.stdout).not.toContain('\x1b[')
    expect(coloured.stdout).toContain('\x1b[31m!! 3 RCPTs for 2 recipients')
    expect(coloured.stdout).toMatch(/\x1b\[33mrcpt-defer +\x1b\[0m/)
    // Colour takes no width: without the escapes, the same text.
    expect(coloured.stdout.replace(/\x1b\[\d+m/g, '')).toBe(plain.stdout)
    expect(runCli(['merge', '--help']).stdout).toMatch(/--color=<option>/)
  })
})
