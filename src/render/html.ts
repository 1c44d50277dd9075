// report --format html: one self-contained page (inline CSS and SVG, no script, no fetch; its
// Content-Security-Policy forbids any) for the weekly review or a post-mortem: verdict, events
// over time stacked by kind, top recipients, hosts and reasons as bars with their numbers, and the
// recipients whose mail was dropped, in full. Every piece of log text is HTML-escaped.

import type {GroupRow, GroupTable} from '../aggregate/aggregator.js'
import type {Report} from '../aggregate/report-model.js'
import type {Series} from '../aggregate/series.js'
import {EVENT_KINDS, type EventKind, KINDS} from '../kinds.js'
import {droppedWords} from '../verdict/judge.js'
import {isoTime, wallTime} from '../time/format.js'
import type {FileAccount} from '../types.js'
import type {DrawContext, Tz} from './context.js'
import {el, esc, escWrapping, leaf, row} from './html-kit.js'
import {foldedNote} from './folded.js'
import {leftOffNote} from './histogram.js'
import {TABLE_TITLES} from './summary.js'
import {bytesHuman, thousands} from './text.js'
import type {Writer} from './writer.js'

export {esc} from './html-kit.js'

const CSS = [
  '',
  ':root{--fg:#1d232a;--muted:#5f6b76;--line:#d9dee3;--bg:#fff;--ok:#2e7d32;--warn:#b26a00;--bad:#c62828}',
  '*{box-sizing:border-box}' +
    'body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);' +
    'background:var(--bg)}',
  'main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:1.5em;margin:.2em 0}' +
    'h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}',
  '.muted{color:var(--muted)}' +
    '.verdict{border-radius:6px;padding:12px 16px;margin:16px 0;font-weight:600;border:2px solid}',
  '.verdict.ok{border-color:var(--ok);color:var(--ok)}.verdict.warn{border-color:var(--warn);color:var(--warn)}' +
    '.verdict.bad{border-color:var(--bad);color:var(--bad);background:#fdecea}',
  'table{border-collapse:collapse;width:100%;margin:.4em 0}' +
    'th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}',
  'td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.t,.nw{white-space:nowrap}',
  '.bars{margin:.4em 0}' +
    '.bar-row{display:grid;grid-template-columns:minmax(8em,32%) 1fr 4.5em;gap:8px;align-items:center;margin:2px 0}',
  '.bar-row .label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}' +
    '.bar-row .track{background:#f1f3f5;height:14px;border-radius:3px}',
  '.bar-row .fill{display:block;height:14px;border-radius:3px;background:#5b7db1}' +
    '.bar-row .n{text-align:right;font-variant-numeric:tabular-nums}',
  '.legend span{display:inline-block;margin-right:14px}' +
    '.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}',
  'svg{width:100%;height:auto;display:block}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}',
  '.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}',
  // A phone: times wrap between date and time, the chart's labels are drawn larger and every other
  // one is left out, so that they stay legible and apart.
  '@media (max-width:600px){body{font-size:14px}.bar-row{grid-template-columns:minmax(6em,40%) 1fr 3.5em}' +
    'th.opt,td.opt{display:none}th,td{padding:4px}td.t .nw{display:block}' +
    '#timeline text{font-size:28px}#timeline text.odd{display:none}' +
    // The dropped mail's rows: the recipient across the width, its first and last times below.
    '#discarded tr{display:grid;grid-template-columns:3.5em minmax(0,1fr) minmax(0,1fr);' +
    'border-bottom:1px solid var(--line)}#discarded th,#discarded td{border:0}' +
    '#discarded tr>:nth-child(1){grid-row:1/3}#discarded tr>:nth-child(2){grid-column:2/4}' +
    '#discarded tr>:nth-child(3){grid-column:2;grid-row:2}#discarded tr>:nth-child(4){grid-column:3;grid-row:2}' +
    '#discarded td.k{overflow-wrap:break-word}}',
  '@media print{main{max-width:none}.verdict{background:none!important}a{color:inherit}}',
  '',
].join('\n')

const HEAD =
  '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\n' +
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n`

const DAY = 86_400_000
const HOUR = 3_600_000

const s = (n: number, one = '', many = 's'): string => (n === 1 ? one : many)
const muted = (text: string): string => el('span', {class: 'muted'}, text)

function verdict(r: Report): string {
  const dropped = r.totals['discard-misconfig'] ?? 0
  const late = r.totals['delivery-quota'] ?? 0
  const section = (level: string, html: string) => el('section', {class: `verdict ${level}`, id: 'verdict'}, html)
  if (dropped > 0) {
    const acl = `the RCPT ACL says ${el('code', null, 'discard')} with a non-2xx message`
    const words = droppedWords(dropped, r.dropped?.length ?? null)
    return section('bad', `${words}: ${acl}. It should say ${el('code', null, 'defer')}.`)
  }
  if (late > 0) {
    const what = `${thousands(late)} deliver${s(late, 'y', 'ies')} failed because the mailbox was full`
    const why = `the RCPT-time quota check did not stop ${s(late, 'it', 'them')} (is quota-status answering?)`
    return section('warn', `${what}: ${why}.`)
  }
  const defers = r.totals['rcpt-defer'] ?? 0
  const atDelivery = r.kinds.includes('delivery-quota') ? ', no quota failures at delivery' : ''
  return section('ok', `No mail dropped${atDelivery}; ${thousands(defers)} RCPT deferral${s(defers)}.`)
}

function timeline(series: Series, kinds: EventKind[], tz: Tz): string {
  const pts = series.points
  if (pts.length === 0) return el('p', {class: 'muted'}, 'No events.')
  const shown = kinds.map((k) => EVENT_KINDS.indexOf(k))
  const totals = pts.map((p) => shown.reduce((a, i) => a + p.counts[i]!, 0))
  const max = Math.max(1, ...totals)
  // Room below the axis for labels drawn larger on a phone (see the CSS).
  const [W, H, left, bottom, top] = [1000, 220, 44, 36, 8]
  const bw = (W - left) / pts.length
  const y = (n: number): number => top + (H - top - bottom) * (1 - n / max)
  let bars = ''
  pts.forEach((p, i) => {
    let acc = 0
    const x = left + i * bw
    const label = wallTime(p.time, tz(p.time)).slice(0, 16)
    for (const k of shown) {
      const n = p.counts[k]!
      if (n === 0) continue
      const [y0, y1] = [y(acc), y(acc + n)]
      acc += n
      const kind = EVENT_KINDS[k]!
      const box = {
        class: 'bar',
        'data-time': isoTime(p.time, tz(p.time)),
        'data-kind': kind,
        'data-count': n,
        x: (x + bw * 0.1).toFixed(2),
        y: y1.toFixed(2),
        width: Math.max(0.5, bw * 0.8).toFixed(2),
        height: Math.max(0.5, y0 - y1).toFixed(2),
        fill: KINDS[kind].htmlColor,
      }
      bars += el('rect', box, el('title', null, `${esc(label)}: ${n} ${kind}`))
    }
  })
  // A few time labels along the bottom, and the count scale on the left.
  let axis = leaf('line', {x1: left, y1: H - bottom, x2: W, y2: H - bottom, stroke: '#bbb'})
  const every = Math.max(1, Math.ceil(pts.length / 8))
  for (let i = 0; i < pts.length; i += every) {
    // Leave out a label that would run past the right edge (as wide as it is drawn on a phone).
    if (left + i * bw > W - 170) break
    const w = wallTime(pts[i]!.time, tz(pts[i]!.time))
    const text = series.step >= DAY ? w.slice(0, 10) : w.slice(5, 16)
    const odd = (i / every) % 2 === 1 ? 'tick odd' : 'tick'
    const at = {class: odd, x: (left + i * bw).toFixed(1), y: H - bottom + 4, 'dominant-baseline': 'hanging'}
    axis += el('text', at, esc(text))
  }
  axis += el('text', {x: 0, y: top, 'dominant-baseline': 'hanging'}, thousands(max))
  axis += el('text', {x: 0, y: H - bottom}, '0')
  const per = series.step >= DAY ? 'day' : series.step >= HOUR ? 'hour' : '5 minutes'
  const legend = shown
    .map((i) => el('span', null, el('i', {style: `background:${KINDS[EVENT_KINDS[i]!].htmlColor}`}), EVENT_KINDS[i]!))
    .join('')
  const svg = {
    id: 'timeline',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `events per ${per}`,
    'data-step': series.step,
  }
  const note = leftOffNote(series, tz)
  return (
    el('p', {class: 'muted'}, `Events per ${per}.${note === '' ? '' : ` ${esc(note)}`}`) +
    el('svg', svg, axis, bars) +
    el('p', {class: 'legend'}, legend)
  )
}

const keyCell = (v: string): string => (v === '' ? muted('-') : escWrapping(v))

function barsAndTable(id: string, title: string, t: GroupTable, tz: Tz): string {
  if (t.rows.length === 0) return el('section', {id}, el('h2', null, esc(title)), el('p', {class: 'muted'}, 'None.'))
  const max = t.rows.reduce((m, r) => Math.max(m, r.count), -Infinity)
  const label = (r: GroupRow): string => r.keys.map((k) => (k === '' ? '-' : k)).join(' · ')
  const bar = (r: GroupRow): string =>
    el(
      'div',
      {class: 'bar-row', 'data-key': label(r), 'data-count': r.count},
      el('span', {class: 'label', title: label(r)}, esc(label(r))),
      el('span', {class: 'track'}, el('span', {class: 'fill', style: `width:${((100 * r.count) / max).toFixed(1)}%`})),
      el('span', {class: 'n'}, thousands(r.count)),
    )
  const n = {class: 'n'}
  const opt = {class: 'opt'}
  const head = row('th', [
    [n, 'count'],
    ...t.by.map((k): [null, string] => [null, esc(k)]),
    [opt, 'first'],
    [opt, 'last'],
  ])
  const line = (r: GroupRow): string =>
    row('td', [
      [n, thousands(r.count)],
      ...r.keys.map((k): [{class: string}, string] => [{class: 'k'}, keyCell(k)]),
      [{class: 't opt'}, esc(wallTime(r.first, tz(r.first)))],
      [{class: 't opt'}, esc(wallTime(r.last, tz(r.last)))],
    ])
  const more = t.groups > t.rows.length ? ' ' + muted(`(top ${t.rows.length} of ${thousands(t.groups)})`) : ''
  // Rows joined here: a table can have more rows than a call can take arguments.
  const bars = el('div', {class: 'bars'}, t.rows.map(bar).join(''))
  const folded = foldedNote(t)
  const note = folded === null ? '' : el('p', {class: 'muted'}, esc(folded))
  return el(
    'section',
    {id},
    el('h2', null, esc(title) + more),
    bars,
    el('table', null, head + t.rows.map(line).join('')),
    note,
  )
}

function kindTotals(r: Report): string {
  const head = row('th', [
    [{class: 'n'}, 'count'],
    [null, 'kind'],
    [{class: 'opt'}, 'meaning'],
  ])
  const line = (k: EventKind): string => {
    const n = r.totals[k] ?? 0
    const swatch = el('span', {class: 'swatch', style: `background:${KINDS[k].htmlColor}`})
    const cells = [
      el('td', {class: 'n'}, thousands(n)),
      el('td', null, swatch + k),
      el('td', {class: 'opt'}, esc(KINDS[k].meaning)),
    ]
    return el('tr', {'data-kind': k, 'data-count': n}, ...cells)
  }
  return el('section', {id: 'totals'}, el('h2', null, 'Events by kind'), el('table', null, head, ...r.kinds.map(line)))
}

/** `2026-11-23 13:40:22`, which a narrow cell may wrap between the date and the time only. */
const timeCell = (t: string): string =>
  t
    .split(' ')
    .map((part) => el('span', {class: 'nw'}, esc(part)))
    .join(' ')

/** Every recipient whose mail was dropped, or '' when there is none. */
function droppedList(discarded: GroupRow[] | undefined, wall: (t: number) => string): string {
  if (!discarded || discarded.length === 0) return ''
  const unknown = muted('(unknown: the incorrect-digit line had no discard after it)')
  const head = row('th', [
    [{class: 'n'}, 'count'],
    [null, 'recipient'],
    [null, 'first'],
    [null, 'last'],
  ])
  const line = (d: GroupRow): string =>
    row('td', [
      [{class: 'n'}, String(d.count)],
      [{class: 'k'}, d.keys[0] === '' ? unknown : escWrapping(d.keys[0]!)],
      [{class: 't'}, timeCell(wall(d.first))],
      [{class: 't'}, timeCell(wall(d.last))],
    ])
  const title = el('h2', null, 'Silently dropped: every recipient')
  return el('section', {id: 'discarded'}, title, el('table', null, head + discarded.map(line).join('')))
}

function inputSection(r: Report): string {
  const i = r.input
  const parts = [
    `${thousands(i.events)} events`,
    `${thousands(i.duplicates)} duplicates`,
    `${thousands(i.other)} other`,
  ]
  parts.push(`${thousands(i.unparsed)} unparsed`)
  const sum = `${thousands(i.lines)} lines (${esc(bytesHuman(i.bytes))}) = ${parts.join(' + ')}.`
  const [n, nOpt] = [{class: 'n'}, {class: 'n opt'}]
  const titles: [{class: string} | null, string][] = [
    [null, 'file'],
    [null, 'log'],
    [{class: 'opt'}, 'compression'],
    [n, 'lines'],
    [n, 'events'],
    [nOpt, 'duplicates'],
    [nOpt, 'other'],
    [n, 'unparsed'],
  ]
  const file = (f: FileAccount): string =>
    row('td', [
      [{class: 'k'}, escWrapping(f.path)],
      [null, f.logType],
      [{class: 'opt'}, esc(f.compression)],
      [n, thousands(f.lines)],
      [n, thousands(f.events)],
      [nOpt, thousands(f.duplicates)],
      [nOpt, thousands(f.other)],
      [n, thousands(f.unparsed)],
    ])
  const samples = i.samples.length
    ? el(
        'details',
        null,
        el('summary', null, `${thousands(i.unparsed)} unparsed lines; the first ${i.samples.length}`),
        el('pre', null, i.samples.map((x) => esc(`${x.file}:${x.line}: ${x.text}`)).join('\n')),
      )
    : ''
  const table = el('table', null, row('th', titles) + i.files.map(file).join(''))
  return el('section', {id: 'input'}, el('h2', null, 'Input'), el('p', {id: 'accounting'}, sum), '\n', table, samples)
}

export function renderHtml(r: Report, out: Writer, opts: DrawContext): void {
  const tz = opts.tz
  const w = r.window
  const wall = (t: number): string => wallTime(t, tz(t))
  const zone = w.last ? ` (UTC${isoTime(w.last.time, tz(w.last.time)).slice(-6)})` : ''
  const span = w.first && w.last ? `${wall(w.first.time)} to ${wall(w.last.time)}${zone}` : 'no timestamped lines'
  const limits = [w.since ? `since ${wall(w.since.time)}` : '', w.until ? `until ${wall(w.until.time)}` : '']
    .filter(Boolean)
    .join(', ')
  const title = `exim-rejects report${r.label ? ` for ${r.label}` : ''}`
  const tableTitle = (t: GroupTable): string => {
    const name = TABLE_TITLES[t.by[0]!]
    return name === undefined ? t.by.join(', ') : `Top ${name}`
  }
  const tables = r.tables.map((t) => barsAndTable(`top-${t.by.join('-')}`, tableTitle(t), t, tz)).join('')
  const main = opts.byGiven ? barsAndTable('groups', `Groups by ${r.main.by.join(', ')}`, r.main, tz) : ''
  const counting = limits ? `, counting ${esc(limits)}` : ''
  const header = el(
    'header',
    null,
    el('h1', null, esc(title)),
    el('p', {class: 'muted', id: 'window'}, `Logs from ${esc(span)}${counting}.`),
  )
  const made = [
    'Made by exim-rejects',
    opts.version ? ' ' + esc(opts.version) : '',
    opts.now ? ' on ' + esc(isoTime(opts.now.getTime(), tz(opts.now.getTime()))) : '',
  ].join('')
  const overTime = el('section', {id: 'over-time'}, el('h2', null, 'Over time'), timeline(r.series, r.kinds, tz))
  out.write(
    [
      '<!doctype html>',
      HEAD + `<title>${esc(title)}</title><style>${CSS}</style></head>`,
      '<body><main>',
      header,
      verdict(r),
      kindTotals(r),
      overTime,
      droppedList(r.dropped ?? undefined, wall) + tables + main,
      inputSection(r),
      el('footer', null, el('p', {class: 'muted'}, `${made}.`)),
      '</main></body></html>',
      '',
    ].join('\n'),
  )
}
