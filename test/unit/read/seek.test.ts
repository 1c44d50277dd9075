// A read that seeks to a time window gives the events a read from the top gives, filtered to the
// window: over real Exim's logs (the fixtures, repeated into hours of log), syslog and RFC 5424
// framings, and a generated busy log whose processes write lines out of time order.

import {execFileSync} from 'node:child_process'
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {resolveSources} from '../../../src/input/sources.js'
import {readLogs} from '../../../src/read/read-logs.js'
import {LogSeeker, MARGIN_MS, plainLineTime, PROBE_BYTES} from '../../../src/read/seek.js'
import {ZoneClock} from '../../../src/time/zone.js'
import type {EximEvent, InputAccount} from '../../../src/types.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url))
const GENERATE = fileURLToPath(new URL('../../../bench/generate.mjs', import.meta.url))
const zone = new ZoneClock({kind: 'utc'})

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const p2 = (n: number): string => String(n).padStart(2, '0')

/** Every timestamp in `text` (Exim's, ISO and RFC 3164 wrappers') moved `ms` later, its own offset kept. */
function shifted(text: string, ms: number): string {
  const iso = (s: string, sep: string): string => {
    const d = new Date(Date.parse(s.slice(0, 10) + 'T' + s.slice(11, 19) + 'Z') + ms)
    return d.toISOString().slice(0, 10) + sep + d.toISOString().slice(11, 19)
  }
  return text
    .replace(/\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/g, (s) => iso(s, s[10]!))
    .replace(/^(<\d+>)?([A-Z][a-z]{2}) ([ \d]\d) (\d\d:\d\d:\d\d)/gm, (_s, pri: string | undefined, mon, day, hms) => {
      const d = new Date(
        Date.UTC(2026, MONTHS.indexOf(mon), Number(day), ...(hms.split(':').map(Number) as [number, number, number])) +
          ms,
      )
      return `${pri ?? ''}${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`
    })
}

/** The file's lines repeated `copies` times, each copy `step` ms after the one before. */
function stretch(src: string, dst: string, copies: number, step: number): void {
  const text = readFileSync(src, 'utf8')
  let out = ''
  for (let k = 0; k < copies; k++) out += shifted(text, k * step)
  writeFileSync(dst, out)
  // Syslog times carry no year: the file's modification time gives it.
  utimesSync(dst, new Date('2026-11-30T00:00:00Z'), new Date('2026-11-30T00:00:00Z'))
}

interface Read {
  events: string[]
  input: InputAccount
}

async function read(
  paths: string[],
  since: number | undefined,
  until: number | undefined,
  seek: boolean,
  lookbackStep?: number,
): Promise<Read> {
  const events: string[] = []
  const keep = (ev: EximEvent): boolean =>
    (since === undefined || ev.time >= since) && (until === undefined || ev.time < until)
  const opts = {zone, since, until, seek, lineNumbers: true, keepRaw: true, lookbackStep}
  const input = await readLogs(await resolveSources(paths), opts, {
    event: (ev) => void (keep(ev) && events.push(JSON.stringify(ev))),
  })
  return {events, input}
}

/** Checks random windows over `paths`; returns how many of them a seek narrowed. */
async function windows(paths: string[], runs: number, seed: number): Promise<number> {
  const whole = await read(paths, undefined, undefined, false)
  const first = Math.min(...whole.input.files.map((f) => f.firstTime).filter(Number.isFinite))
  const last = Math.max(...whole.input.files.map((f) => f.lastTime).filter(Number.isFinite))
  const span = last - first
  let narrowed = 0
  await fc.assert(
    fc.asyncProperty(
      fc.option(fc.integer({min: -600_000, max: span + 600_000}), {nil: undefined}),
      fc.option(fc.integer({min: 0, max: span + 600_000}), {nil: undefined}),
      // The search for quota failures passed over goes back in steps: of the default size (more
      // than these logs), or of a few lines, or of less than a line.
      fc.constantFrom(undefined, 4096, 700, 150),
      async (a, len, step) => {
        const since = a === undefined ? undefined : first + a
        const until = len === undefined ? undefined : (since ?? first) + len
        const full = await read(paths, since, until, false)
        const sought = await read(paths, since, until, true, step)
        expect(sought.events).toEqual(full.events)
        const i = sought.input
        expect(i.lines).toBe(i.events + i.duplicates + i.other + i.unparsed)
        for (const f of i.files) expect(f.bytes + (f.bytesSkipped ?? 0)).toBe(statSync(f.path).size)
        if (i.bytesSkipped > 0) narrowed++
      },
    ),
    {numRuns: runs, seed},
  )
  return narrowed
}

describe('a read that seeks to --since/--until', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-seek-'))

  it('gives the events of a full read over real Exim logs repeated into hours (main, reject, panic)', async () => {
    let narrowed = 0
    const base = join(FIXTURES, 'exim-4.96')
    for (const scenario of readdirSync(base).filter((n) => statSync(join(base, n)).isDirectory())) {
      const out = join(dir, scenario)
      mkdirSync(out)
      // Copies 400 s apart, further than the margin: a four-hour log whose quota failures recur
      // under the same message ids, so that a retry in the window may follow a failure passed over.
      for (const log of ['mainlog', 'rejectlog', 'paniclog'])
        stretch(join(base, scenario, log), join(out, log), 40, 400_000)
      narrowed += await windows([out], 12, scenario.length)
    }
    expect(narrowed).toBeGreaterThan(30)
  })

  it('gives the events of a full read over syslog and RFC 5424 files', async () => {
    let narrowed = 0
    const base = join(FIXTURES, 'exim-4.96-syslog')
    for (const scenario of readdirSync(base)) {
      for (const log of ['syslog', 'syslog-5424', 'syslog-iso']) {
        const out = join(dir, `${scenario}-${log}`)
        stretch(join(base, scenario, log), out, 40, 400_000)
        narrowed += await windows([out], 6, log.length)
      }
    }
    expect(narrowed).toBeGreaterThan(30)
  })

  it('gives the events of a full read over journald JSON, messages as text or as byte arrays', async () => {
    const plain = join(dir, 'journal-source')
    stretch(join(FIXTURES, 'exim-4.96/defer-pid-ms-port/mainlog'), plain, 40, 400_000)
    const entries = readFileSync(plain, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => {
        const m = /^(\S+ \S+) \[(\d+)\] (.*)$/.exec(l)!
        const us = Date.parse(m[1]!.replace(' ', 'T') + 'Z') * 1000
        return {__REALTIME_TIMESTAMP: String(us), _PID: m[2], SYSLOG_IDENTIFIER: 'exim', MESSAGE: m[3]!}
      })
    let narrowed = 0
    // Journald keeps a message that is not UTF-8 as an array of its bytes: here every one, or every other.
    for (const [name, asBytes] of [
      ['all', () => true],
      ['half', (k: number) => k % 2 === 0],
    ] as const) {
      const out = join(dir, `journal-${name}.json`)
      const json = entries.map((e, k) => JSON.stringify(asBytes(k) ? {...e, MESSAGE: [...Buffer.from(e.MESSAGE)]} : e))
      writeFileSync(out, json.join('\n') + '\n')
      const n = await windows([out], 12, name.length)
      expect(n, name).toBeGreaterThan(6)
      narrowed += n
    }
    expect(narrowed).toBeGreaterThan(12)
  })

  it('gives the events of a full read over a generated log written out of order', async () => {
    const main = join(dir, 'gen', 'mainlog')
    mkdirSync(join(dir, 'gen'))
    execFileSync(process.execPath, [
      GENERATE,
      '--size',
      '3M',
      '--out',
      main,
      '--rejectlog',
      join(dir, 'gen', 'rejectlog'),
      '--disorder',
      '4000',
      '--pid',
      '--quiet',
    ])
    const text = readFileSync(main, 'latin1')
    // The log is out of order, as the test means it to be.
    const times = text.split('\n').map((l) => l.slice(0, 19))
    expect(times.filter((t, k) => k > 0 && t < times[k - 1]!).length).toBeGreaterThan(1000)
    const narrowed = await windows([join(dir, 'gen')], 25, 7)
    expect(narrowed).toBeGreaterThan(10)
  })

  it('reads the window and its margin, not the whole log', async () => {
    const main = join(dir, 'gen', 'mainlog')
    const whole = await read([main], undefined, undefined, false)
    const f = whole.input.files[0]!
    // The 3 MB log spans about 11 minutes; the last two and the margin before them are read.
    const since = f.lastTime - 2 * 60_000
    const sought = await read([main], since, undefined, true)
    const share = (f.lastTime - since + MARGIN_MS) / (f.lastTime - f.firstTime)
    const size = statSync(main).size
    expect(sought.input.bytes).toBeLessThan(size * share * 1.2)
    expect(sought.input.bytes + sought.input.bytesSkipped).toBe(size)
  })
})

describe('the search for quota failures a seek passed over', () => {
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  const T0 = Date.UTC(2026, 10, 24)
  const stamp = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ')
  /** An Exim message id of a message that arrived at `t`. */
  const idAt = (t: number, n: number): string => {
    let s = ''
    for (let v = Math.floor(t / 1000), k = 0; k < 6; k++, v = Math.floor(v / 62)) s = B62[v % 62] + s
    return `${s}-00000${n}-00`
  }
  const min = 60_000
  const quota = (t: number, id: string, r: string): string =>
    `${stamp(t)} ${id} == ${r} R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<${r}>: 452 4.2.2 <${r}> Quota exceeded (mailbox for user is full)`
  const notYet = (t: number, id: string, r: string): string =>
    `${stamp(t)} ${id} == ${r} R=dovecot_user T=dovecot_lmtp defer (-53): Retry time not yet reached`

  it('finds the last failure however far back, past lines written out of order, and no other', async () => {
    // Two hours, a line a second; four messages, each with its own story.
    const [a1, a2, a3, a4, a5] = [10, 20, 30, 85, 40].map((m) => T0 + m * min)
    const [m1, m2, m3, m4, m5] = [idAt(a1!, 1), idAt(a2!, 2), idAt(a3!, 3), idAt(a4!, 4), idAt(a5!, 5)]
    // Dovecot's words alone, no "quota" and no status code.
    const full = (t: number, r: string): string =>
      `${stamp(t)} ${m5} == ${r} R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after end of data: 452 Mailbox for user is full`
    const at = new Map<number, string[]>([
      // Failed on arrival, retried in the window: one event, before the window. Right below its
      // failure a line stamped four minutes earlier (a process slow to write), within the margin.
      [
        a1!,
        [
          `${stamp(a1!)} ${m1} <= s@example.org`,
          quota(a1!, m1, 'one@example.net'),
          `${stamp(a1! - 4 * min)} queue run: pid=7`,
        ],
      ],
      [T0 + 100 * min, [quota(T0 + 100 * min, m1, 'one@example.net')]],
      // Deferred for another reason first, for quota half an hour later, retried in the window.
      [a2!, [`${stamp(a2!)} ${m2} <= s@example.org`, notYet(a2!, m2, 'two@example.net')]],
      [T0 + 50 * min, [quota(T0 + 50 * min, m2, 'two@example.net')]],
      [T0 + 95 * min, [notYet(T0 + 95 * min, m2, 'two@example.net'), quota(T0 + 96 * min, m2, 'two@example.net')]],
      // Arrived long before the window, first over quota in it: an event of the window.
      [a3!, [`${stamp(a3!)} ${m3} <= s@example.org`]],
      [T0 + 97 * min, [quota(T0 + 97 * min, m3, 'three@example.net')]],
      [a5!, [`${stamp(a5!)} ${m5} <= s@example.org`, full(a5!, 'five@example.net')]],
      [T0 + 98 * min, [full(T0 + 98 * min, 'five@example.net')]],
      // Arrived just before the window, over quota in it.
      [a4!, [`${stamp(a4!)} ${m4} <= s@example.org`]],
      [T0 + 92 * min, [quota(T0 + 92 * min, m4, 'four@example.net')]],
    ])
    let log = ''
    for (let t = T0; t < T0 + 120 * min; t += 1000) {
      log += `${stamp(t)} SMTP connection from [192.0.2.1] lost\n`
      for (const l of at.get(t) ?? []) log += l + '\n'
    }
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-lookback-'))
    const main = join(dir, 'mainlog')
    writeFileSync(main, log)
    const since = T0 + 90 * min
    const whole = await read([main], since, undefined, false)
    const quotaEvents = whole.events.map((e) => JSON.parse(e) as EximEvent).filter((e) => e.kind === 'delivery-quota')
    expect(quotaEvents.map((e) => e.recipient).sort()).toEqual(['four@example.net', 'three@example.net'])
    for (const step of [undefined, 4096, 700, 150]) {
      const sought = await read([main], since, undefined, true, step)
      expect(sought.input.bytesSkipped).toBeGreaterThan(log.length * 0.6)
      expect(sought.events).toEqual(whole.events)
    }
  })

  it('finds a failure in the older file of a rotated set, read in part or left out', async () => {
    const id = idAt(T0 + 10 * min, 1)
    let older = ''
    let newer = ''
    for (let t = T0; t < T0 + 120 * min; t += 1000) {
      older += `${stamp(t)} SMTP connection from [192.0.2.1] lost\n`
      if (t === T0 + 10 * min) older += quota(t, id, 'one@example.net') + '\n'
    }
    for (let t = T0 + 120 * min; t < T0 + 180 * min; t += 1000) {
      newer += `${stamp(t)} SMTP connection from [192.0.2.1] lost\n`
      if (t === T0 + 150 * min) newer += quota(t, id, 'one@example.net') + '\n'
    }
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-lookback-rotated-'))
    writeFileSync(join(dir, 'mainlog.1'), older)
    writeFileSync(join(dir, 'mainlog'), newer)
    const whole = await read([dir], undefined, undefined, false)
    expect(whole.events.filter((e) => e.includes('delivery-quota'))).toHaveLength(1)
    for (const since of [T0 + 60 * min, T0 + 140 * min])
      for (const step of [undefined, 700]) {
        const sought = await read([dir], since, undefined, true, step)
        expect(sought.input.bytesSkipped).toBeGreaterThan(older.length * 0.4)
        // The retry at 02:30 follows the failure at 00:10: no event of the window.
        expect(sought.events).toEqual(whole.events.filter((e) => (JSON.parse(e) as EximEvent).time >= since))
        expect(sought.events.filter((e) => e.includes('delivery-quota'))).toEqual([])
      }
  })
})

describe('the search over lines of any length', () => {
  it('finds the first timestamped line at or after any point, whatever it read before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-probe-'))
    const timeOf = plainLineTime(zone)
    const line = fc.oneof(
      fc.integer({min: 0, max: 86_399}).map((s) => {
        const hms = `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`
        return `2026-11-24 ${hms} 1abcDE-000001-AB <= a@b.example`
      }),
      fc.integer({min: 0, max: 300}).map((n) => 'x'.repeat(n)),
      // Near and over a probe's length: longer, passed over whole, timestamped or not.
      fc.integer({min: PROBE_BYTES - 2000, max: 2 * PROBE_BYTES}).map((n) => 'y'.repeat(n)),
      fc.integer({min: PROBE_BYTES - 2000, max: 2 * PROBE_BYTES}).map((n) => `2026-11-24 10:00:00 ${'z'.repeat(n)}`),
    )
    let k = 0
    fc.assert(
      fc.property(
        fc.array(line, {minLength: 1, maxLength: 40}),
        fc.boolean(),
        fc.array(fc.nat(), {minLength: 1, maxLength: 30}),
        (lines, endsInNewline, points) => {
          const text = lines.join('\n') + (endsInNewline ? '\n' : '')
          const file = join(dir, `log-${k++}`)
          writeFileSync(file, text)
          const b = Buffer.from(text, 'latin1')
          // The reference: the first whole line starting at or after p (p itself only at a line
          // start) that ends within a probe of its start and has a time.
          const expected = (p: number): number => {
            let s = p === 0 || b[p - 1] === 10 ? p : b.indexOf(10, p) + 1
            while (s > 0 || (s === 0 && p === 0)) {
              if (s >= b.length) return NaN
              const nl = b.indexOf(10, s)
              if (nl === -1) return NaN
              if (nl - s < PROBE_BYTES) {
                const t = timeOf(b, s, nl)
                if (!Number.isNaN(t)) return t
              }
              s = nl + 1
            }
            return NaN
          }
          const fd = openSync(file, 'r')
          try {
            const seeker = new LogSeeker(fd, b.length, timeOf)
            for (const n of points) {
              const p = n % (b.length + 1)
              expect(seeker.timeAt(p), `at ${p}`).toBe(expected(p))
            }
          } finally {
            closeSync(fd)
          }
        },
      ),
      {numRuns: 150, seed: 11},
    )
  })
})
