// Which input is read when no PATH is given: standard input only when it is a pipe or a regular
// file (never /dev/null, a terminal or a closed one, as cron, NRPE and systemd start commands),
// else the first default log directory that exists.

import {execFileSync} from 'node:child_process'
import {closeSync, constants, mkdtempSync, openSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {defaultDirs, defaultPaths, stdinKind} from '../../../src/input/sources.js'

describe('stdinKind', () => {
  it('tells a pipe, a file, /dev/null and a closed descriptor apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-stdin-'))
    writeFileSync(join(dir, 'f'), 'x\n')
    const file = openSync(join(dir, 'f'), 'r')
    const nul = openSync('/dev/null', 'r')
    execFileSync('mkfifo', [join(dir, 'p')])
    // Opened without waiting for a writer.
    const fifo = openSync(join(dir, 'p'), constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      expect(stdinKind(file)).toBe('file')
      expect(stdinKind(nul)).toBe('null')
      expect(stdinKind(9999)).toBe('closed')
      expect(stdinKind(fifo)).toBe('pipe')
    } finally {
      for (const fd of [file, nul, fifo]) closeSync(fd)
    }
  })
})

describe('defaultPaths', () => {
  it('standard input when it is a pipe or a file', async () => {
    expect(await defaultPaths('pipe', ['/nonexistent'])).toEqual(['-'])
    expect(await defaultPaths('file', ['/nonexistent'])).toEqual(['-'])
  })

  it.each(['null', 'terminal', 'closed', 'other'] as const)(
    'not when it is %s: the first directory that exists',
    async (kind) => {
      expect(await defaultPaths(kind, ['/nonexistent-a', '/tmp'])).toEqual(['/tmp'])
    },
  )

  it('says where it looked, and what standard input was, when no directory exists', async () => {
    await expect(defaultPaths('null', ['/nonexistent-a', '/nonexistent-b'])).rejects.toThrowError(
      /^no PATH given, standard input is \/dev\/null, and none of \/nonexistent-a, \/nonexistent-b exists/,
    )
  })

  it('looks where EXIM_REJECTS_LOG_DIRS says, else in the Debian and RHEL places', () => {
    expect(defaultDirs({EXIM_REJECTS_LOG_DIRS: '/srv/exim/log:/var/log/exim4'})).toEqual([
      '/srv/exim/log',
      '/var/log/exim4',
    ])
    expect(defaultDirs({})).toEqual(['/var/log/exim4', '/var/log/exim'])
  })
})
