import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {reportJson} from './run.js'

const defer = (day: string, t: string, r: string) =>
  `2026-11-${day} ${t} H=mx.example [192.0.2.1] F=<s@example.org> temporarily rejected RCPT <${r}@example.net>: 422 Mailbox ${r}@example.net is over quota\n`

function day(d: string, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++)
    s += defer(d, `${String(10 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, `u${i % 7}`)
  return s
}

describe('--since/--until across a rotated set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-window-'))
  // The oldest member is gzip cut short far past its start: reading it whole would fail.
  const gz = gzipSync(day('22', 40000))
  writeFileSync(join(dir, 'mainlog.2.gz'), gz.subarray(0, gz.length - 64))
  writeFileSync(join(dir, 'mainlog.1'), day('23', 100))
  writeFileSync(join(dir, 'mainlog'), day('24', 50))

  it('leaves out files whose successor starts before --since, without reading them', async () => {
    const j = await reportJson(['--utc', '--since', '2026-11-23T12:00', dir])
    expect(j.input.files.map((f: {skipped?: string}) => f.skipped ?? null)).toEqual(['before --since', null, null])
    expect(j.input.files[0].lines).toBe(0)
    const counted = j.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)
    const day23 = day('23', 100)
      .split('\n')
      .filter((l) => l.slice(11, 13) >= '12').length
    expect(counted).toBe(50 + day23)
  })

  it('leaves out files that start at or after --until', async () => {
    const j = await reportJson(['--utc', '--since', '2026-11-23T10:30', '--until', '2026-11-24', dir])
    expect(j.input.files.map((f: {skipped?: string}) => f.skipped ?? null)).toEqual([
      'before --since',
      null,
      'after --until',
    ])
    const day23 = day('23', 100)
      .split('\n')
      .filter((l) => l.slice(11, 16) >= '10:30').length
    expect(j.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(day23)
  })
})

describe('a file given by a name the tool does not know', () => {
  it('is read with its kind found from content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-names-'))
    writeFileSync(join(dir, 'exim.log'), defer('24', '10:00:00', 'a'))
    expect((await reportJson([join(dir, 'exim.log')])).input.files[0].logType).toBe('reject')
  })
})
