// What installs: the manual names every command, flag, kind, key and format the tool has, and
// renders without a warning; bash completion offers every command and flag; the npm tarball needs
// nothing at run time but itself.

import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
// @ts-expect-error: build scripts are plain JavaScript modules
import {bashCompletion} from '../../packaging/completion.mjs'
// @ts-expect-error: build scripts are plain JavaScript modules
import {manPage} from '../../packaging/manpage.mjs'
import {EVENT_KINDS} from '../../src/kinds.js'
import {GROUP_KEYS} from '../../src/aggregate/keys.js'
import {REPORT_FORMATS} from '../../src/render/report-formats.js'
import {EVENT_FORMATS} from '../../src/render/event-formats.js'
import {ROOT, SAMPLES} from '../cli/run-cli.js'

interface ManifestFlag {
  name: string
  char?: string
  hidden?: boolean
  aliases?: string[]
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, {flags: Record<string, ManifestFlag>}>
}
const commands = Object.keys(manifest.commands)
const visibleFlags = (id: string) => Object.values(manifest.commands[id]!.flags).filter((f) => !f.hidden)
const roffed = (s: string) => s.replace(/-/g, '\\-')

describe('the manual, exim-rejects(1)', async () => {
  const page: string = await manPage({date: '2026-12-01'})

  it('has a section for every command, listing each of its flags, short names and aliases', () => {
    for (const id of ['report', 'events', 'check', 'merge', 'help', 'version']) expect(commands).toContain(id)
    const sections = page.split(/^\.SS /m).slice(1)
    for (const id of commands) {
      const section = sections.find((s) => s.startsWith(`"${roffed(id)}`))
      expect(section, id).toBeDefined()
      for (const f of visibleFlags(id)) {
        expect(section, `${id} --${f.name}`).toContain(`\\fB\\-\\-${roffed(f.name)}\\fR`)
        if (f.char) expect(section, `${id} -${f.char}`).toContain(`\\fB\\-${f.char}\\fR`)
        for (const a of f.aliases ?? []) expect(section, `${id} --${a}`).toContain(`\\-\\-${roffed(a)}`)
      }
    }
  })

  it('names every kind, group key and format, and the exit statuses', () => {
    const part = (title: string) => page.split(`.SH ${title}`)[1]!.split('\n.SH ')[0]!
    for (const k of EVENT_KINDS) expect(part('EVENT KINDS')).toContain(`.B ${roffed(k)}\n`)
    for (const k of GROUP_KEYS) expect(part('GROUP KEYS')).toContain(`.B ${roffed(k)}\n`)
    for (const f of new Set([...REPORT_FORMATS, ...EVENT_FORMATS])) expect(part('FORMATS')).toContain(`.B ${f}\n`)
    for (const n of ['0', '1', '2', '3']) expect(part('EXIT STATUS')).toContain(`.B ${n}\n`)
    for (const s of ['SYNOPSIS', 'DESCRIPTION', 'ENVIRONMENT', 'FILES', 'EXAMPLES', 'SEE ALSO']) {
      expect(page).toContain(`.SH ${s}\n`)
    }
  })

  it('renders with groff without a warning', () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], {input: page, encoding: 'utf8'})
    expect(r.error).toBeUndefined()
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})

describe('bash completion', async () => {
  const script: string = await bashCompletion()
  const complete = (...words: string[]): string[] => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _exim_rejects 2>/dev/null; printf '%s\\n' "\${COMPREPLY[@]}"`,
        'bash',
        ...words,
      ],
      {encoding: 'utf8', cwd: ROOT},
    )
    expect(r.stderr).toBe('')
    return r.stdout.split('\n').filter(Boolean)
  }

  it('offers every command, then every flag of the command', () => {
    expect(complete('exim-rejects', '')).toEqual(expect.arrayContaining(commands))
    expect(complete('exim-rejects', 'rep')).toEqual(['report'])
    for (const id of commands) {
      const offered = complete('exim-rejects', id, '-')
      for (const f of visibleFlags(id)) expect(offered, `${id} --${f.name}`).toContain(`--${f.name}`)
    }
  })

  it('offers the values of --format, --kind (a comma list) and --color, and files for logs', () => {
    expect(complete('exim-rejects', 'events', '--format', '')).toEqual([...EVENT_FORMATS])
    expect(complete('exim-rejects', 'report', '--format', '=', 'j')).toEqual(['json'])
    expect(complete('exim-rejects', 'report', '-k', 'rcpt-defer,disc')).toEqual(['rcpt-defer,discard-misconfig'])
    expect(complete('exim-rejects', 'report', '--by', 'recipient,h')).toEqual([
      'recipient,host',
      'recipient,helo',
      'recipient,hour',
    ])
    expect(complete('exim-rejects', 'events', '--color', 'a')).toEqual(['auto', 'always'])
    expect(complete('exim-rejects', 'report', 'sampl')).toEqual(['samples'])
  })
})

describe('the npm tarball', () => {
  it('holds the bundle and nothing it needs besides; installed offline, it runs, in under 5 MB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-pack-'))
    const pack = spawnSync(process.execPath, [join(ROOT, 'packaging/pack.mjs'), dir], {encoding: 'utf8'})
    expect(pack.status, pack.stderr).toBe(0)
    const tarball = pack.stdout.trim()
    const list = spawnSync('tar', ['tzf', tarball], {encoding: 'utf8'})
    const paths = list.stdout.split('\n').filter(Boolean)
    expect(paths).toEqual(
      expect.arrayContaining(['package/bin/run.js', 'package/dist/bundle/cli.cjs', 'package/oclif.manifest.json']),
    )
    expect(paths).toContain('package/LICENSE')
    // JavaScript only in the bundle and the launcher; the rest is type declarations and text.
    const js = paths.filter((p) => /\.m?js$/.test(p) && !p.startsWith('package/dist/bundle/'))
    expect(js).toEqual(['package/bin/run.js'])
    const packed = JSON.parse(spawnSync('tar', ['xzOf', tarball, 'package/package.json'], {encoding: 'utf8'}).stdout)
    expect(packed.scripts).toBeUndefined()
    expect(packed.dependencies).toBeUndefined()
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.dependencies ?? {}).toEqual({})
    expect(pkg.engines.node).toBe('>=18.19')

    const prefix = join(dir, 'prefix')
    const install = spawnSync(
      'npm',
      ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
      {encoding: 'utf8'},
    )
    expect(install.status, install.stderr).toBe(0)
    expect(install.stderr).not.toMatch(/install-scripts|EBADENGINE/)
    const du = spawnSync('du', ['-sk', prefix], {encoding: 'utf8'})
    expect(Number(du.stdout.split('\t')[0])).toBeLessThan(5 * 1024)
    const bin = join(prefix, 'bin', 'exim-rejects')
    expect(statSync(bin).isFile()).toBe(true)
    const r = spawnSync(bin, ['report', SAMPLES], {encoding: 'utf8', cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^ {2}lines {5}82 = /m)
  })
})
