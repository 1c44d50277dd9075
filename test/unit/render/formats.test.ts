import {describe, expect, it} from 'vitest'
import {Aggregator} from '../../../src/aggregate/aggregator.js'
import {buildReport} from '../../../src/aggregate/report-model.js'
import {totalAccount} from '../../../src/input/account.js'
import {renderCsv} from '../../../src/render/csv.js'
import {renderHtml} from '../../../src/render/html.js'
import {renderJson, renderNdjson, reportObject} from '../../../src/render/json.js'
import {renderSummary} from '../../../src/render/summary.js'
import {isoTime} from '../../../src/time/format.js'
import {StringWriter} from '../../../src/render/writer.js'
import {scan} from '../../helpers.js'

const LOG = [
  '2019-06-11 22:48:31 H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota',
  '2019-06-11 23:01:02 H=forward100p.mail.yandex.net [77.88.28.100] F=<zzz@yandex.ru> temporarily rejected RCPT <yyy@stupin.su>: 422 Mailbox yyy@stupin.su is over quota',
  '2019-06-11 23:05:00 H=mx.other.example (helo.other) [192.0.2.5] F=<a,b@other.example> temporarily rejected RCPT <"odd, name"@stupin.su>: 422 Mailbox "odd, name"@stupin.su is over quota',
  'not a log line',
].join('\n')

function report(by: ('recipient' | 'ip' | 'host')[], maxGroups?: number, label?: string) {
  const {events, acct, samples} = scan(LOG)
  const agg = new Aggregator([by, ['recipient'], ['host'], ['reason']], maxGroups)
  for (const e of events) agg.add(e)
  return buildReport(
    agg,
    totalAccount([acct], samples),
    {since: null, until: null, first: null, last: null},
    {kinds: ['rcpt-defer', 'discard-misconfig'], summaryTop: 10, summaryTables: 3, tz: () => 0, label},
  )
}

describe('csv', () => {
  it('has the contract header and one row per group, quoting as RFC 4180', () => {
    const w = new StringWriter()
    renderCsv(report(['recipient', 'ip']), w, {tz: () => 0, byGiven: true})
    expect(w.text.split('\n')).toEqual([
      'recipient,ip,count,first,last',
      'yyy@stupin.su,77.88.28.100,2,2019-06-11T22:48:31+00:00,2019-06-11T23:01:02+00:00',
      '"""odd, name""@stupin.su",192.0.2.5,1,2019-06-11T23:05:00+00:00,2019-06-11T23:05:00+00:00',
      '',
    ])
  })
})

describe('json and ndjson', () => {
  it('accounts for every line and lists groups with their keys', () => {
    const w = new StringWriter()
    renderJson(report(['recipient', 'host']), w, {tz: () => 0, byGiven: true})
    const j = JSON.parse(w.text)
    expect(j.totals).toEqual({'rcpt-defer': 3, 'discard-misconfig': 0})
    expect(j.input.lines).toBe(4)
    expect(j.input.lines).toBe(j.input.events + j.input.duplicates + j.input.other + j.input.unparsed)
    expect(j.input.samples).toEqual([{at: 'mainlog:4', file: 'mainlog', line: 4, text: 'not a log line'}])
    expect(j.groups[0]).toEqual({
      recipient: 'yyy@stupin.su',
      host: 'forward100p.mail.yandex.net',
      count: 2,
      first: '2019-06-11T22:48:31+00:00',
      last: '2019-06-11T23:01:02+00:00',
    })
    const n = new StringWriter()
    renderNdjson(report(['recipient', 'host']), n)
    expect(
      n.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(j.groups)
  })
})

describe('json written a row at a time', () => {
  it.each([
    ['all groups', undefined, undefined],
    ['groups left out, with the tables for merge', 1, 'mx1'],
  ])('is what JSON.stringify writes of the report: %s', (_, maxGroups, label) => {
    const r = report(['recipient', 'host'], maxGroups, label)
    const w = new StringWriter()
    renderJson(r, w, {tz: () => 0, byGiven: true})
    expect(w.text).toBe(
      JSON.stringify(
        reportObject(r, () => 0),
        null,
        2,
      ) + '\n',
    )
    if (maxGroups !== undefined) expect(JSON.parse(w.text)).toMatchObject({folded: 2, tables: {recipient: [{}, {}]}})
  })
})

describe('summary', () => {
  it('prints totals, top tables and the line accounting', () => {
    const w = new StringWriter()
    renderSummary(report(['recipient', 'host']), w, {byGiven: false, tz: () => 0})
    expect(w.text).toContain('4 = 3 events + 0 duplicates + 0 other + 1 unparsed')
    expect(w.text).toMatch(/\n\s+3\s+rcpt-defer\s/)
    expect(w.text).toMatch(/\n\s+2\s+yyy@stupin\.su\s+2019-06-11 22:48:31\s+2019-06-11 23:01:02\n/)
    expect(w.text).toMatch(/\n\s+3\s+422 Mailbox <addr> is over quota\s/)
    expect(w.text).toContain('mainlog:4: not a log line')
  })
})

describe('isoTime', () => {
  it('prints the offset the log was written in, and milliseconds when there are some', () => {
    expect(isoTime(Date.UTC(2019, 5, 11, 19, 48, 31), 180)).toBe('2019-06-11T22:48:31+03:00')
    expect(isoTime(Date.UTC(2020, 5, 20, 4, 32, 57, 5), -120)).toBe('2020-06-20T02:32:57.005-02:00')
  })
})

describe('csvRow', () => {
  it('writes exactly what csv-stringify writes, fast path or not', async () => {
    const {stringify} = await import('csv-stringify/sync')
    const {csvRow} = await import('../../../src/render/csv.js')
    for (const row of [
      ['a', 'b', 1],
      ['a,b', 'c'],
      ['say "hi"', ''],
      ['line\nbreak', 'cr\r'],
      ['', '', ''],
      ['ünï', '<>', 'x y'],
      ['=1+1', '-2', -2, '+x', '@y', '\tz', '\ud83d'],
      ['\uff1dHYPERLINK("x")', '\uff0b1', '\uff0d1', '\uff20a', 'a=b'],
      ['=a,b', '-"q"'],
    ]) {
      expect(csvRow(row)).toBe(stringify([row]))
      // A quote in front of what a spreadsheet would run, as csv-stringify's escape_formulas puts it.
      expect(csvRow(row, true)).toBe(stringify([row], {escape_formulas: true}))
    }
  })
})

describe('a table of 200,000 groups', () => {
  const lines: string[] = []
  for (let i = 0; i < 200_000; i++)
    lines.push(
      `2019-06-11 22:${String(((i / 60) % 60) | 0).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} ` +
        `H=mx [192.0.2.1] F=<s@x> temporarily rejected RCPT <u${i}@stupin.su>: 422 Mailbox is over quota`,
    )
  const {events, acct, samples} = scan(lines.join('\n'))
  const agg = new Aggregator([['recipient'], ['recipient'], ['host'], ['reason']])
  for (const e of events) agg.add(e)
  const big = buildReport(
    agg,
    totalAccount([acct], samples),
    {since: null, until: null, first: null, last: null},
    {kinds: ['rcpt-defer', 'discard-misconfig'], summaryTop: 10, summaryTables: 3, tz: () => 0},
  )

  it('is drawn by every format (no argument list as long as the table)', () => {
    const c = {tz: () => 0, byGiven: true}
    for (const render of [renderCsv, renderJson, renderNdjson, renderSummary, renderHtml]) {
      const w = new StringWriter()
      render(big, w, c)
      expect(w.text).toContain('u199999@stupin.su')
    }
  })

  it('JSON is written row by row, byte for byte as JSON.stringify gives the whole report', () => {
    const w = new StringWriter()
    renderJson(big, w, {tz: () => 0, byGiven: true})
    expect(w.text).toBe(
      JSON.stringify(
        reportObject(big, () => 0),
        null,
        2,
      ) + '\n',
    )
    expect(JSON.parse(w.text).groups).toHaveLength(200_000)
  })
})
