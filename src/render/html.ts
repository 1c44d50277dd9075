// report --format html: one self-contained page (inline CSS and SVG, no script, no fetch; its
// Content-Security-Policy forbids any) for the weekly review or a post-mortem: verdict, events
// over time stacked by kind, top recipients, hosts and reasons as bars with their numbers, and the
// recipients whose mail was dropped, in full. Every piece of log text is HTML-escaped.

import type {GroupRow, GroupTable} from '../aggregate/aggregator.js'
import type {Report} from '../aggregate/report-model.js'
import type {Series} from '../aggregate/series.js'
import {EVENT_KINDS, type EventKind, KINDS} from '../kinds.js'
import {TABLE_TITLES} from './summary.js'
import {bytesHuman, thousands} from './text.js'
import {isoTime, wallTime} from '../time/format.js'
import type {DrawContext, Tz} from './context.js'
import type {Writer} from './writer.js'

const ESC: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Text and attribute values from the logs, made inert. Control characters are shown as \xNN. */
export function esc(s: string | number): string {
  return String(s)
    .replace(
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
      (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'),
    )
    .replace(/[&<>"']/g, (c) => ESC[c]!)
}

const CSS = `
:root{--fg:#1d232a;--muted:#5f6b76;--line:#d9dee3;--bg:#fff;--ok:#2e7d32;--warn:#b26a00;--bad:#c62828}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.muted{color:var(--muted)}.verdict{border-radius:6px;padding:12px 16px;margin:16px 0;font-weight:600;border:2px solid}
.verdict.ok{border-color:var(--ok);color:var(--ok)}.verdict.warn{border-color:var(--warn);color:var(--warn)}.verdict.bad{border-color:var(--bad);color:var(--bad);background:#fdecea}
table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.t{white-space:nowrap}td.k{word-break:break-all}
.bars{margin:.4em 0}.bar-row{display:grid;grid-template-columns:minmax(8em,32%) 1fr 4.5em;gap:8px;align-items:center;margin:2px 0}
.bar-row .label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.bar-row .track{background:#f1f3f5;height:14px;border-radius:3px}
.bar-row .fill{display:block;height:14px;border-radius:3px;background:#5b7db1}.bar-row .n{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
svg{width:100%;height:auto;display:block}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
@media (max-width:600px){body{font-size:14px}.bar-row{grid-template-columns:minmax(6em,40%) 1fr 3.5em}th.opt,td.opt{display:none}}
@media print{main{max-width:none}.verdict{background:none!important}a{color:inherit}}
`

function verdict(r: Report): string {
  const dropped = r.totals['discard-misconfig'] ?? 0
  const late = r.totals['delivery-quota'] ?? 0
  if (dropped > 0) {
    return `<section class="verdict bad" id="verdict">${thousands(dropped)} recipient${dropped === 1 ? ' was' : 's were'} answered 250 and the mail silently dropped: the RCPT ACL says <code>discard</code> with a non-2xx message. It should say <code>defer</code>.</section>`
  }
  if (late > 0) {
    return `<section class="verdict warn" id="verdict">${thousands(late)} deliver${late === 1 ? 'y' : 'ies'} failed because the mailbox was full: the RCPT-time quota check did not stop ${late === 1 ? 'it' : 'them'} (is quota-status answering?).</section>`
  }
  const defers = r.totals['rcpt-defer'] ?? 0
  return `<section class="verdict ok" id="verdict">No mail dropped${r.kinds.includes('delivery-quota') ? ', no quota failures at delivery' : ''}; ${thousands(defers)} RCPT deferral${defers === 1 ? '' : 's'}.</section>`
}

function timeline(series: Series, kinds: EventKind[], tz: Tz): string {
  const pts = series.points
  if (pts.length === 0) return '<p class="muted">No events.</p>'
  const shown = kinds.map((k) => EVENT_KINDS.indexOf(k))
  const totals = pts.map((p) => shown.reduce((a, i) => a + p.counts[i]!, 0))
  const max = Math.max(1, ...totals)
  const W = 1000,
    H = 220,
    left = 44,
    bottom = 28,
    top = 8
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
      const y0 = y(acc),
        y1 = y(acc + n)
      acc += n
      const kind = EVENT_KINDS[k]!
      bars += `<rect class="bar" data-time="${esc(isoTime(p.time, tz(p.time)))}" data-kind="${kind}" data-count="${n}" x="${(x + bw * 0.1).toFixed(2)}" y="${y1.toFixed(2)}" width="${Math.max(0.5, bw * 0.8).toFixed(2)}" height="${Math.max(0.5, y0 - y1).toFixed(2)}" fill="${KINDS[kind].htmlColor}"><title>${esc(label)}: ${n} ${kind}</title></rect>`
    }
  })
  // A few time labels along the bottom, and the count scale on the left.
  let axis = `<line x1="${left}" y1="${H - bottom}" x2="${W}" y2="${H - bottom}" stroke="#bbb"/>`
  const every = Math.max(1, Math.ceil(pts.length / 8))
  for (let i = 0; i < pts.length; i += every) {
    // Leave out a label that would run past the right edge.
    if (left + i * bw > W - 70) break
    const w = wallTime(pts[i]!.time, tz(pts[i]!.time))
    const text = series.step >= 86_400_000 ? w.slice(0, 10) : w.slice(5, 16)
    axis += `<text x="${(left + i * bw).toFixed(1)}" y="${H - bottom + 16}">${esc(text)}</text>`
  }
  axis += `<text x="0" y="${top + 10}">${thousands(max)}</text><text x="0" y="${H - bottom}">0</text>`
  const per = series.step >= 86_400_000 ? 'day' : series.step >= 3_600_000 ? 'hour' : '5 minutes'
  const legend = shown
    .map((i) => `<span><i style="background:${KINDS[EVENT_KINDS[i]!].htmlColor}"></i>${EVENT_KINDS[i]}</span>`)
    .join('')
  return `<p class="muted">Events per ${per}.</p><svg id="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label="events per ${per}" data-step="${series.step}">${axis}${bars}</svg><p class="legend">${legend}</p>`
}

function keyCell(v: string): string {
  return v === '' ? '<span class="muted">-</span>' : esc(v)
}

function barsAndTable(id: string, title: string, t: GroupTable, tz: Tz): string {
  if (t.rows.length === 0) return `<section id="${id}"><h2>${esc(title)}</h2><p class="muted">None.</p></section>`
  const max = Math.max(...t.rows.map((r) => r.count))
  const label = (r: GroupRow): string => r.keys.map((k) => (k === '' ? '-' : k)).join(' · ')
  const bars = t.rows
    .map(
      (r) =>
        `<div class="bar-row" data-key="${esc(label(r))}" data-count="${r.count}"><span class="label" title="${esc(label(r))}">${esc(label(r))}</span><span class="track"><span class="fill" style="width:${((100 * r.count) / max).toFixed(1)}%"></span></span><span class="n">${thousands(r.count)}</span></div>`,
    )
    .join('')
  const head = `<tr><th class="n">count</th>${t.by.map((k) => `<th>${esc(k)}</th>`).join('')}<th class="opt">first</th><th class="opt">last</th></tr>`
  const rows = t.rows
    .map(
      (r) =>
        `<tr><td class="n">${thousands(r.count)}</td>${r.keys.map((k) => `<td class="k">${keyCell(k)}</td>`).join('')}<td class="t opt">${esc(wallTime(r.first, tz(r.first)))}</td><td class="t opt">${esc(wallTime(r.last, tz(r.last)))}</td></tr>`,
    )
    .join('')
  const more =
    t.groups > t.rows.length ? ` <span class="muted">(top ${t.rows.length} of ${thousands(t.groups)})</span>` : ''
  return `<section id="${id}"><h2>${esc(title)}${more}</h2><div class="bars">${bars}</div><table>${head}${rows}</table></section>`
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
  const i = r.input
  const title = `exim-rejects report${r.label ? ` for ${r.label}` : ''}`
  const totals = r.kinds
    .map(
      (k) =>
        `<tr data-kind="${k}" data-count="${r.totals[k] ?? 0}"><td class="n">${thousands(r.totals[k] ?? 0)}</td><td><span class="swatch" style="background:${KINDS[k].htmlColor}"></span>${k}</td><td class="opt">${esc(KINDS[k].meaning)}</td></tr>`,
    )
    .join('')
  const files = i.files
    .map(
      (f) =>
        `<tr><td class="k">${esc(f.path)}</td><td>${f.logType}</td><td class="opt">${esc(f.compression)}</td><td class="n">${thousands(f.lines)}</td><td class="n">${thousands(f.events)}</td><td class="n opt">${thousands(f.duplicates)}</td><td class="n opt">${thousands(f.other)}</td><td class="n">${thousands(f.unparsed)}</td></tr>`,
    )
    .join('')
  const tableTitle = (t: GroupTable): string => {
    const name = TABLE_TITLES[t.by[0]!]
    return name === undefined ? t.by.join(', ') : `Top ${name}`
  }
  const tables = r.tables.map((t) => barsAndTable(`top-${t.by.join('-')}`, tableTitle(t), t, tz)).join('')
  const main = opts.byGiven ? barsAndTable('groups', `Groups by ${r.main.by.join(', ')}`, r.main, tz) : ''
  const dropped =
    opts.discarded && opts.discarded.length > 0
      ? `<section id="discarded"><h2>Silently dropped: every recipient</h2><table><tr><th class="n">count</th><th>recipient</th><th>first</th><th>last</th></tr>${opts.discarded
          .map(
            (d) =>
              `<tr><td class="n">${d.count}</td><td class="k">${d.keys[0] === '' ? '<span class="muted">(unknown: the incorrect-digit line had no discard after it)</span>' : esc(d.keys[0]!)}</td><td class="t">${esc(wall(d.first))}</td><td class="t">${esc(wall(d.last))}</td></tr>`,
          )
          .join('')}</table></section>`
      : ''
  const samples = i.samples.length
    ? `<details><summary>${thousands(i.unparsed)} unparsed lines; the first ${i.samples.length}</summary><pre>${i.samples.map((s) => esc(`${s.file}:${s.line}: ${s.text}`)).join('\n')}</pre></details>`
    : ''
  out.write(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>${esc(title)}</h1><p class="muted" id="window">Logs from ${esc(span)}${limits ? `, counting ${esc(limits)}` : ''}.</p></header>
${verdict(r)}
<section id="totals"><h2>Events by kind</h2><table><tr><th class="n">count</th><th>kind</th><th class="opt">meaning</th></tr>${totals}</table></section>
<section id="over-time"><h2>Over time</h2>${timeline(r.series, r.kinds, tz)}</section>
${dropped}${tables}${main}
<section id="input"><h2>Input</h2><p id="accounting">${thousands(i.lines)} lines (${esc(bytesHuman(i.bytes))}) = ${thousands(i.events)} events + ${thousands(i.duplicates)} duplicates + ${thousands(i.other)} other + ${thousands(i.unparsed)} unparsed.</p>
<table><tr><th>file</th><th>log</th><th class="opt">compression</th><th class="n">lines</th><th class="n">events</th><th class="n opt">duplicates</th><th class="n opt">other</th><th class="n">unparsed</th></tr>${files}</table>${samples}</section>
<footer><p class="muted">Made by exim-rejects${opts.version ? ' ' + esc(opts.version) : ''}${opts.now ? ' on ' + esc(isoTime(opts.now.getTime(), tz(opts.now.getTime()))) : ''}.</p></footer>
</main></body></html>
`)
}
