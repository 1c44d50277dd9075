// merge: JSON reports of parts of the logs add up to the report of the whole, field for field.

import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {EximRejectsError} from '../../src/errors.js'
import {merge, report} from './run.js'

/** What `exim-rejects ARGS` prints, run in this process. */
const cli = (args: string[]): Promise<string> => (args[0] === 'merge' ? merge(args.slice(1)) : report(args.slice(1)))

/** The error `exim-rejects ARGS` fails with. */
async function failure(args: string[]): Promise<EximRejectsError> {
  const err = await cli(args).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(EximRejectsError)
  return err as EximRejectsError
}

const FIX = new URL('../fixtures/exim-4.96/', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-merge-'))

/** Two halves of a log, cut at an entry boundary (not between a digit line and its discard). */
function halves(scenario: string): [string, string, string] {
  const whole = join(FIX, scenario, 'mainlog')
  const lines = readFileSync(whole, 'utf8').split('\n').filter(Boolean)
  let cut = lines.length >> 1
  while (/discarded by/.test(lines[cut]!)) cut++
  const a = join(dir, `${scenario}-a`)
  const b = join(dir, `${scenario}-b`)
  writeFileSync(a, lines.slice(0, cut).join('\n') + '\n')
  writeFileSync(b, lines.slice(cut).join('\n') + '\n')
  return [whole, a, b]
}

const json = async (args: string[]) => JSON.parse(await cli(args))

describe('merge', () => {
  it.each(['defer-pid-ms-port', 'discard-tz-ms-iface', 'defer-tz'])(
    '%s: halves merged equal the whole',
    async (scenario) => {
      const [whole, a, b] = halves(scenario)
      const by = ['--kind', 'all', '--by', 'recipient,ip,kind']
      writeFileSync(join(dir, 'a.json'), await cli(['report', '--json', '--label', 'mx1', ...by, a]))
      writeFileSync(join(dir, 'b.json'), await cli(['report', '--json', '--label', 'mx2', ...by, b]))
      const merged = await json(['merge', '--json', join(dir, 'a.json'), join(dir, 'b.json')])
      const one = await json(['report', '--json', ...by, whole])
      for (const field of ['kinds', 'totals', 'by', 'groups']) expect(merged[field], field).toEqual(one[field])
      expect(merged.window.first).toBe(one.window.first)
      expect(merged.window.last).toBe(one.window.last)
      for (const field of ['lines', 'bytes', 'events', 'duplicates', 'other', 'unparsed', 'byKind'])
        expect(merged.input[field], field).toEqual(one.input[field])
      expect(merged.series.buckets).toEqual(one.series.buckets)
      // and in the other formats
      expect(await cli(['merge', '--format', 'csv', join(dir, 'a.json'), join(dir, 'b.json')])).toBe(
        await cli(['report', '--format', 'csv', ...by, whole]),
      )
      const summary = await cli(['merge', join(dir, 'a.json'), join(dir, 'b.json')])
      expect(summary).toContain('exim-rejects report for mx1, mx2')
    },
  )

  it('a message that failed for quota in both halves is one event, the first failure, as in the whole log', async () => {
    // The real log of deliveries failing for quota: a queue run two seconds later fails the same
    // messages again. Cut before that run, each half counts them as events of its own.
    const log = readFileSync(join(FIX, 'nosocket-plain', 'mainlog'), 'utf8')
    const lines = log.split('\n').filter(Boolean)
    const cut = lines.findIndex((l) => l.startsWith('2026-11-25 20:17:16'))
    const failed = (part: string[]) =>
      new Set(part.flatMap((l) => /^\S+ \S+ (\S+) [=*]{2} (\S+) .*Quota exceeded/.exec(l)?.slice(1, 3).join(' ') ?? []))
    const before = failed(lines.slice(0, cut))
    const again = [...failed(lines.slice(cut))].filter((k) => before.has(k))
    expect(again.length).toBeGreaterThan(1)
    const [a, b] = ['quota-a', 'quota-b'].map((f) => join(dir, f))
    writeFileSync(a, lines.slice(0, cut).join('\n') + '\n')
    writeFileSync(b, lines.slice(cut).join('\n') + '\n')
    const by = ['--kind', 'all', '--by', 'recipient,host,reason']
    writeFileSync(join(dir, 'qa.json'), await cli(['report', '--json', '--label', 'mx1', ...by, a]))
    writeFileSync(join(dir, 'qb.json'), await cli(['report', '--json', '--label', 'mx1', ...by, b]))
    const whole = join(FIX, 'nosocket-plain', 'mainlog')
    const one = await json(['report', '--json', ...by, whole])
    const parts = [await json(['report', '--json', ...by, a]), await json(['report', '--json', ...by, b])]
    // Each half alone counts the repeated failures again.
    expect(parts[0].totals['delivery-quota'] + parts[1].totals['delivery-quota']).toBe(
      one.totals['delivery-quota'] + again.length,
    )
    const withTables = await json(['report', '--json', '--label', 'mx1', ...by, whole])
    for (const order of [
      ['qa.json', 'qb.json'],
      ['qb.json', 'qa.json'],
    ]) {
      const files = order.map((f) => join(dir, f))
      const merged = await json(['merge', '--json', ...files])
      for (const field of ['kinds', 'totals', 'by', 'groups']) expect(merged[field], field).toEqual(one[field])
      expect(merged.series.buckets).toEqual(one.series.buckets)
      for (const field of ['lines', 'events', 'other', 'byKind'])
        expect(merged.input[field], field).toEqual(one.input[field])
      // The summary's tables too (recipients, hosts, reasons), and every format drawn from them.
      expect(merged.tables).toEqual(withTables.tables)
      expect(await cli(['merge', '--format', 'csv', ...files])).toBe(
        await cli(['report', '--format', 'csv', ...by, whole]),
      )
      expect((await cli(['merge', '--by', 'recipient', ...files])).split('\n').slice(1)).toEqual(
        (await cli(['report', '--by', 'recipient', '--kind', 'all', whole]))
          .split('\n')
          .slice(1)
          .map((l) => l.replace('read      1 file,', 'read      2 files,')),
      )
    }
  })

  describe('quota failures taken back', () => {
    const log = readFileSync(join(FIX, 'nosocket-plain', 'mainlog'), 'utf8')
      .split('\n')
      .filter(Boolean)
    const deferral = log.find((l) => / == full1@example\.test R=.*Quota exceeded/.test(l))!
    const bounce = log.find((l) => / \*\* full2@example\.test R=.*Quota exceeded/.test(l))!
    const at = (line: string, time: string) => time + line.slice(19)
    /** Reports of each part (with --label) merged, and the report of the parts read as one log. */
    const both = async (name: string, parts: string[][], args: string[], order = [0, 1]) => {
      const files: string[] = []
      for (const [i, lines] of parts.entries()) {
        const f = join(dir, `${name}-${i}`)
        writeFileSync(f, lines.join('\n') + '\n')
        writeFileSync(f + '.json', await cli(['report', '--json', '--label', 'mx1', ...args, f]))
        files.push(f)
      }
      writeFileSync(join(dir, name), parts.flat().join('\n') + '\n')
      return {
        merged: await json(['merge', '--json', ...order.map((i) => files[i] + '.json')]),
        one: await json(['report', '--json', ...args, join(dir, name)]),
      }
    }

    it('one failure a bucket of its own leaves no empty bucket behind', async () => {
      // The same message deferred again two days later: one event, in the first bucket only.
      const {merged, one} = await both(
        'lone',
        [[at(deferral, '2026-11-25 10:00:00')], [at(deferral, '2026-11-27 10:00:00')]],
        ['--kind', 'all'],
      )
      expect(one.series.buckets).toHaveLength(1)
      expect(merged.series.buckets).toEqual(one.series.buckets)
      expect(merged.totals).toEqual(one.totals)
    })

    it('failures in the same second in two parts: the first part counts, whatever order they are given in', async () => {
      // Deferred (452), then bounced (552) in the same second; the second part goes on a second later.
      const bounced = at(
        deferral.replace(/ == (\S+) R=.*/, (_, a) => ` ** ${a}` + bounce.slice(bounce.indexOf(' R='))),
        '2026-11-25 10:00:05',
      )
      const parts = [[at(deferral, '2026-11-25 10:00:05')], [bounced, at(log[0]!, '2026-11-25 10:00:06')]]
      for (const order of [
        [0, 1],
        [1, 0],
      ]) {
        const {merged, one} = await both('tie', parts, ['--kind', 'all', '--by', 'reason,code'], order)
        expect(one.groups.map((g: {code: string}) => g.code)).toContain('452')
        expect(merged.groups).toEqual(one.groups)
      }
    })

    it('--max-groups and --top: the groups add up to the totals, and a report merged alone is itself', async () => {
      const cut = log.findIndex((l) => l.startsWith('2026-11-25 20:17:16'))
      for (const args of [
        ['--max-groups', '1'],
        ['--top', '1'],
      ]) {
        const by = ['--kind', 'all', '--by', 'recipient', ...args]
        const {merged} = await both('capped', [log.slice(0, cut), log.slice(cut)], by)
        const sum = (groups: {count: number}[]) => groups.reduce((n, g) => n + g.count, 0)
        if (args[0] === '--max-groups')
          expect(sum(merged.groups)).toBe(
            Object.values(merged.totals as Record<string, number>).reduce((n, c) => n + c, 0),
          )
        const whole = join(FIX, 'nosocket-plain', 'mainlog')
        writeFileSync(join(dir, 'capped.json'), await cli(['report', '--json', '--label', 'mx1', ...by, whole]))
        const alone = await json(['merge', '--json', join(dir, 'capped.json')])
        const one = await json(['report', '--json', ...by, whole])
        expect(alone.totals).toEqual(one.totals)
        // With --label the quota failures are counted after the other events, so under
        // --max-groups other groups may be kept than without it: the merge is the report it read.
        const itself = JSON.parse(readFileSync(join(dir, 'capped.json'), 'utf8'))
        expect(alone.groups, args[0]).toEqual(args[0] === '--max-groups' ? itself.groups : one.groups)
        if (args[0] === '--max-groups') {
          expect([alone.folded, alone.maxGroups]).toEqual([itself.folded, itself.maxGroups])
          expect(sum(one.groups)).toBe(sum(alone.groups))
        }
      }
    })
  })

  it('a quota failure in one half and its later retries in the other count as in the whole log', async () => {
    // The real log of deliveries failing for quota, then a queue run half an hour later that finds
    // each deferred message's retry time not reached: lines that complete the failure, in the whole.
    const log = readFileSync(join(FIX, 'nosocket-plain', 'mainlog'), 'utf8')
    const deferred = [...log.matchAll(/^\S+ \S+ (\S+) == (\S+) R=.*Quota exceeded/gm)].map((m) => [m[1]!, m[2]!])
    expect(deferred.length).toBeGreaterThan(1)
    // A retry in the same second as its message's first failure: still after it, as the whole log has it.
    const failures = [...log.matchAll(/^(\S+ \S+) (\S+) == (\S+) R=.*Quota exceeded/gm)]
    const last = failures.filter((m) => failures.find((f) => f[2] === m[2] && f[3] === m[3]) === m).at(-1)!
    const later =
      `${last[1]} ${last[2]} == ${last[3]} routing defer (-52): retry time not reached\n` +
      deferred
        .map(([id, rcpt]) => `2026-11-25 20:47:14 ${id} == ${rcpt} routing defer (-52): retry time not reached\n`)
        .join('')
    const [a, b, whole] = ['retry-a', 'retry-b', 'retry-whole'].map((f) => join(dir, f))
    writeFileSync(a, log)
    writeFileSync(b, later)
    writeFileSync(whole, log + later)
    const by = ['--kind', 'all', '--by', 'recipient,kind']
    writeFileSync(join(dir, 'ra.json'), await cli(['report', '--json', '--label', 'mx1', ...by, a]))
    writeFileSync(join(dir, 'rb.json'), await cli(['report', '--json', '--label', 'mx1b', ...by, b]))
    const one = await json(['report', '--json', ...by, whole])
    // The retries alone: lines that follow up nothing this report saw.
    const alone = await json(['report', '--json', ...by, b])
    expect(alone.input.other).toBe(deferred.length + 1)
    const first = await json(['report', '--json', ...by, a])
    // Given in either order: the parts are put in time order.
    for (const parts of [
      ['ra.json', 'rb.json'],
      ['rb.json', 'ra.json'],
    ]) {
      const merged = await json(['merge', '--json', ...parts.map((f) => join(dir, f))])
      for (const field of ['lines', 'events', 'other', 'byKind'])
        expect(merged.input[field], field).toEqual(one.input[field])
      for (const field of ['totals', 'groups']) expect(merged[field], field).toEqual(one[field])
      // It is the retries' file whose lines became event lines.
      const file = (name: string) => merged.input.files.find((f: {path: string}) => f.path.endsWith(name))
      expect([file('retry-a').events, file('retry-a').other]).toEqual([first.input.events, first.input.other])
      expect([file('retry-b').events, file('retry-b').other]).toEqual([alone.input.events + deferred.length + 1, 0])
    }
  })

  it('groups by the host a report came from (label), and by fewer keys than the reports have', async () => {
    const [, a, b] = halves('defer-plain')
    writeFileSync(join(dir, 'p.json'), await cli(['report', '--json', '--label', 'mx1', '--by', 'recipient,ip', a]))
    writeFileSync(join(dir, 'q.json'), await cli(['report', '--json', '--label', 'mx2', '--by', 'recipient,ip', b]))
    const m = await json(['merge', '--json', '--by', 'label', join(dir, 'p.json'), join(dir, 'q.json')])
    expect(m.groups.map((g: {label: string}) => g.label).sort()).toEqual(['mx1', 'mx2'])
    expect(m.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(9)
    const r = await json(['merge', '--json', '--by', 'recipient', join(dir, 'p.json'), join(dir, 'q.json')])
    expect(Object.fromEntries(r.groups.map((g: {recipient: string; count: number}) => [g.recipient, g.count]))).toEqual(
      {'full1@example.test': 5, 'full2@example.test': 4},
    )
    expect((await failure(['merge', '--by', 'sender', join(dir, 'p.json')])).message).toMatch(
      /^--by: expected keys every report has/,
    )
  })

  it('the summary tables of reports grouped by one of their keys, cut by --top, are merged whole', async () => {
    const [whole, a, b] = halves('defer-plain')
    const made = async (f: string, label: string) => {
      const out = join(dir, `top-${label}.json`)
      writeFileSync(
        out,
        await cli(['report', '--json', '--kind', 'all', '--by', 'recipient', '--top', '1', '--label', label, f]),
      )
      return out
    }
    const merged = await cli(['merge', await made(a, 'mx1'), await made(b, 'mx2')])
    const recipients = (summary: string) => {
      const at = summary.indexOf('\nRecipients\n')
      expect(at).toBeGreaterThan(-1)
      return summary.slice(at).split('\n\n')[0]
    }
    expect(recipients(merged)).toBe(recipients(await cli(['report', '--kind', 'all', whole])))
  })

  it('a file that is not a JSON report: exit 2, one line naming it', async () => {
    const err = await failure(['merge', join(FIX, 'defer-plain', 'mainlog')])
    expect(err.exitCode).toBe(2)
    expect(err.message).toMatch(/mainlog: not JSON/)
  })

  it.each([
    ['quota links that are null', null],
    ['a follow-up naming a file the report does not have', {failures: [], followUps: [[5, 'X|r@example.test', 0]]}],
    ['a failure without its time', {failures: [['X|r@example.test']], followUps: []}],
    [
      'a counted failure without its groups',
      {failures: [['X|r@example.test', 0]], followUps: [], counted: [['X|r@example.test', 0, 0]]},
    ],
    [
      'a counted failure that is not one of its failures',
      {failures: [], followUps: [], counted: [['X|r@example.test', 0, 0, [['r@example.test']]]]},
    ],
    [
      'a counted failure at an offset of more than a day',
      {
        failures: [['X|r@example.test', 0]],
        followUps: [],
        counted: [['X|r@example.test', 0, 99999, [['r@example.test']]]],
      },
    ],
    [
      'a group to take back from a table the report does not have',
      {failures: [], followUps: [], without: [[9, ['r@example.test'], 1, 0, 0, 0, 0]]},
    ],
    [
      'a group to take back with a count but no first',
      {failures: [], followUps: [], without: [[0, ['r@example.test'], 1, null, 0, 0, 0]]},
    ],
  ])('a report with %s: exit 2, one line naming it', async (_, quota) => {
    const good = JSON.parse(await cli(['report', '--json', '--label', 'mx1', join(FIX, 'nosocket-plain', 'mainlog')]))
    const f = join(dir, 'bad-links.json')
    writeFileSync(f, JSON.stringify({...good, quota}))
    const err = await failure(['merge', f])
    expect(err.exitCode).toBe(2)
    expect(err.message).toBe(`${f}: not an exim-rejects JSON report (made with report --format json)`)
  })
})

describe('merge at scale', () => {
  it('two reports of 100,000 recipients each, half of them shared, merge into the report of both logs', async () => {
    // The real line of a quota deferral, to 150,000 recipients: the first log has 0..99,999, the
    // second 50,000..149,999, each recipient of a log deferred once or, every seventh, three times,
    // over a day, with a sender's host of three.
    const line = readFileSync(join(FIX, 'defer-plain', 'mainlog'), 'utf8')
      .split('\n')
      .find((l) => l.includes('temporarily rejected RCPT'))!
    const hosts = ['mx1.example [192.0.2.1]', 'mx2.example [192.0.2.2]', 'mx3.example [2001:db8::3]']
    const logs = [0, 50_000].map((from, part) => {
      const lines: string[] = []
      for (let i = from; i < from + 100_000; i++)
        for (let n = 0; n < (i % 7 === 0 ? 3 : 1); n++) {
          const s = (i * 13 + n * 3600 + part) % 86_400
          const t = `2026-11-25 ${[s / 3600, (s / 60) % 60, s % 60].map((v) => String(Math.floor(v)).padStart(2, '0')).join(':')}`
          lines.push(
            line
              .replace(/^\S+ \S+/, t)
              .replace(/H=\S+ \[[^\]]+\]/, `H=${hosts[i % 3]}`)
              .replace(/full1@example\.test/g, `user${i}@d${i % 101}.example`),
          )
        }
      // Logs are in time order.
      lines.sort()
      const f = join(dir, `scale-${part}`)
      writeFileSync(f, lines.join('\n') + '\n')
      return {f, lines}
    })
    const both = join(dir, 'scale-both')
    writeFileSync(both, [...logs[0]!.lines, ...logs[1]!.lines].sort().join('\n') + '\n')
    const by = ['--by', 'recipient', '--utc']
    const parts = await Promise.all(
      logs.map(async ({f}, i) => {
        const out = join(dir, `scale-${i}.json`)
        writeFileSync(out, await cli(['report', '--json', '--label', `mx${i}`, ...by, f]))
        return out
      }),
    )
    const merged = await json(['merge', '--json', ...parts])
    // The report of both logs read as one, made for merge too (its tables are the summary's).
    const one = await json(['report', '--json', '--label', 'mx', ...by, both])
    expect(merged.groups).toHaveLength(150_000)
    // The 50,000 recipients in both logs: counted in each.
    expect(merged.groups.find((g: {recipient: string}) => g.recipient === 'user50002@d7.example')).toMatchObject({
      count: 2,
    })
    expect(JSON.stringify(merged.groups)).toBe(JSON.stringify(one.groups))
    for (const t of ['recipient', 'host', 'reason'])
      expect(JSON.stringify(merged.tables[t]), t).toBe(JSON.stringify(one.tables[t]))
    expect(merged.totals).toEqual(one.totals)
    expect(merged.series.buckets).toEqual(one.series.buckets)
    expect(merged.input.events).toBe(one.input.events)
    // Three reports and a merge of 150,000 groups, in this process: minutes on a busy machine.
  }, 600_000)
})

describe('--max-groups', () => {
  it('keeps that many groups and folds the rest into an (other) row', async () => {
    const r = await json([
      'report',
      '--json',
      '--kind',
      'all',
      '--by',
      'recipient,ip',
      '--max-groups',
      '3',
      join(FIX, 'defer-plain'),
    ])
    expect(r.groups).toHaveLength(4)
    expect(r.groups.at(-1)).toMatchObject({recipient: '(other)', ip: '(other)'})
    expect(r.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(9)
    expect(r.folded).toBe(r.groups.at(-1).count)
  })

  it('a recipient with 100 deferrals first seen after --max-groups others is shown with its count', async () => {
    // The real line of a quota deferral, for 50 recipients once each, then for one 100 times.
    const line = readFileSync(join(FIX, 'defer-plain', 'mainlog'), 'utf8')
      .split('\n')
      .find((l) => l.includes('temporarily rejected RCPT'))!
    const to = (r: string, s: number) =>
      line
        .replace(
          /^\S+ \S+/,
          `2026-11-25 20:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`,
        )
        .replace(/full1@example\.test/g, r)
    const lines = [
      ...Array.from({length: 50}, (_, i) => to(`one${i}@example.test`, i)),
      ...Array.from({length: 100}, (_, i) => to('late@example.test', 50 + i)),
    ]
    const log = join(dir, 'late-heavy')
    writeFileSync(log, lines.join('\n') + '\n')
    const r = await json(['report', '--json', '--by', 'recipient', '--max-groups', '50', '--utc', log])
    expect(r.groups[0]).toMatchObject({recipient: 'late@example.test', count: 100, first: '2026-11-25T20:00:50+00:00'})
    expect(r.groups.at(-1)).toMatchObject({recipient: '(other)', count: 1})
    expect(r.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(150)
    expect(r.groups).toHaveLength(51)
  })

  it('reports that left groups out merge into one (other), every count within its error', async () => {
    // Deferrals from many hosts, a few heavy, in two logs; one host's HELO is `other`, so it is
    // named `(other)` like the row of what was left out, and must stay a host of its own.
    const line = readFileSync(join(FIX, 'defer-plain', 'mainlog'), 'utf8')
      .split('\n')
      .find((l) => l.includes('temporarily rejected RCPT'))!
    const truth = new Map<string, number>()
    const logs = [0, 1].map((part) => {
      const lines: string[] = []
      for (let i = 0; i < 400; i++) {
        const host =
          i % 3 === 0 ? 'H=(other) [192.0.2.7]' : `H=mx${(i * 7 + part * 13) % (i % 2 ? 5 : 60)}.example [192.0.2.9]`
        const name = host.startsWith('H=(') ? '(other)' : host.slice(2, host.indexOf(' '))
        truth.set(name, (truth.get(name) ?? 0) + 1)
        const t = `2026-11-25 2${part}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`
        lines.push(line.replace(/^\S+ \S+/, t).replace(/H=\S+ \[[^\]]+\]/, host))
      }
      const f = join(dir, `many-hosts-${part}`)
      writeFileSync(f, lines.join('\n') + '\n')
      return f
    })
    const parts = await Promise.all(
      logs.map(async (f, i) => {
        const out = join(dir, `many-hosts-${i}.json`)
        writeFileSync(out, await cli(['report', '--json', '--label', `mx${i}`, '--by', 'host', '--max-groups', '8', f]))
        return out
      }),
    )
    const merged = await json(['merge', '--json', ...parts])
    const other = merged.groups.at(-1)
    expect(other).toMatchObject({host: '(other)', maxGroups: {limit: 8}})
    expect(merged.folded).toBe(other.count)
    const rows: {host: string; count: number; error?: number}[] = merged.groups.slice(0, -1)
    expect(rows.length).toBeLessThanOrEqual(8)
    expect(merged.groups.reduce((n: number, g: {count: number}) => n + g.count, 0)).toBe(800)
    for (const g of rows) {
      expect(truth.get(g.host), g.host).toBeGreaterThanOrEqual(g.count)
      expect(truth.get(g.host), g.host).toBeLessThanOrEqual(g.count + (g.error ?? 0))
    }
    // The host spelled (other), the heaviest, is a row of its own, exact.
    expect(rows[0]).toEqual(expect.objectContaining({host: '(other)', count: truth.get('(other)')}))
    const shown = new Set(rows.map((g) => g.host))
    for (const [h, n] of truth) if (!shown.has(h)) expect(n, h).toBeLessThanOrEqual(merged.maxGroups.errorBound)
    // The summary's hosts table, carried for merge (--label), is the same table.
    expect(merged.tables.host).toEqual(merged.groups)
  })
})
