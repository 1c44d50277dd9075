// The summary: what a pflogsumm reader expects. Totals per kind, then the top recipients,
// sending hosts and reasons as aligned tables, then the line accounting and unparsed samples.

import type {GroupTable} from '../aggregate/aggregator.js'
import type {GroupKey} from '../aggregate/keys.js'
import type {Report} from '../aggregate/report-model.js'
import {type EventKind, KINDS} from '../kinds.js'
import {droppedWords} from '../verdict/judge.js'
import type {Tz} from './context.js'
import {foldedNote} from './folded.js'
import {renderHistogram} from './histogram.js'
import {bytesHuman, painter, printable, table, thousands} from './text.js'
import {offsetLabel, wallTime} from '../time/format.js'
import type {DrawContext} from './context.js'
import type {Writer} from './writer.js'

/** What the summary's tables are called (the page says "Top ..."). */
export const TABLE_TITLES: Partial<Record<GroupKey, string>> = {
  recipient: 'recipients',
  host: 'sending hosts',
  reason: 'reasons',
}

function heading(text: string): string {
  return `${text}\n${'-'.repeat(text.length)}\n`
}

function groupTable(t: GroupTable, title: string, tz: Tz): string {
  let s = heading(
    t.groups > t.rows.length
      ? `Top ${t.rows.length} ${title} (of ${thousands(t.groups)})`
      : `${title[0]!.toUpperCase()}${title.slice(1)}`,
  )
  if (t.rows.length === 0) return s + '  (none)\n'
  const folded = foldedNote(t)
  const note = folded === null ? '' : `  ${folded}\n`
  s += table(
    [{title: 'count', align: 'right'}, ...t.by.map((k) => ({title: k})), {title: 'first'}, {title: 'last'}],
    t.rows.map((r) => [
      thousands(r.count),
      ...r.keys.map((k) => (k === '' ? '-' : k)),
      wallTime(r.first, tz(r.first)),
      wallTime(r.last, tz(r.last)),
    ]),
  )
  return s + note
}

/** Summary times are all shown in one zone (the system's, --utc or --tz), named in the header. */
export function renderSummary(r: Report, out: Writer, opts: DrawContext): void {
  const tz = opts.tz
  const wall = (t: number): string => wallTime(t, tz(t))
  const w = r.window
  const span =
    w.first && w.last
      ? `${wall(w.first.time)} .. ${wall(w.last.time)} (${offsetLabel(tz(w.last.time))})`
      : 'no timestamped lines'
  const limits = [w.since ? `since ${wall(w.since.time)}` : '', w.until ? `until ${wall(w.until.time)}` : '']
    .filter(Boolean)
    .join(', ')
  const i = r.input
  out.write(`exim-rejects report${r.label ? ` for ${printable(r.label)}` : ''}\n`)
  out.write(`  logs      ${span}${limits ? ` (counting ${limits})` : ''}\n`)
  // A file that could not be read (--keep-going) is not one that was read.
  const failed = i.files.filter((f) => f.error !== undefined).length
  const read = i.files.length - failed
  out.write(
    `  read      ${thousands(read)} file${read === 1 ? '' : 's'}, ` +
      `${thousands(i.lines)} lines, ${bytesHuman(i.bytes)}` +
      `${i.bytesSkipped > 0 ? ` (${bytesHuman(i.bytesSkipped)} outside the window passed over)` : ''}` +
      `${failed > 0 ? `; ${thousands(failed)} could not be read` : ''}\n`,
  )
  out.write(
    `  lines     ${thousands(i.lines)} = ${thousands(i.events)} events + ${thousands(i.duplicates)} duplicates + ` +
      `${thousands(i.other)} other + ${thousands(i.unparsed)} unparsed\n\n`,
  )

  const paint = painter(opts.color ?? false)
  const dropped = r.totals['discard-misconfig'] ?? 0
  if (dropped > 0) {
    out.write(
      paint('red', `!! ${droppedWords(dropped, r.dropped?.length ?? null)} (discard-misconfig):`) +
        '\n' +
        paint('red', `!! the RCPT ACL says discard with a non-2xx message; it should say defer.`) +
        '\n\n',
    )
  }
  out.write(heading('Events by kind'))
  const kindColumn = {title: 'kind', paint: (s: string, k: string) => paint(KINDS[k as EventKind].color, s)}
  out.write(
    table(
      [{title: 'count', align: 'right'}, kindColumn, {title: 'meaning'}],
      r.kinds.map((k) => [thousands(r.totals[k] ?? 0), k, KINDS[k].meaning]),
    ),
  )
  if (r.hourly.points.length > 0) {
    out.write('\n' + heading(`Events per hour (${offsetLabel(tz(r.hourly.points[0]!.time))})`))
    out.write(renderHistogram(r.hourly, tz, opts.width ?? 80, opts.ascii ?? false))
  }
  for (const t of r.tables) out.write('\n' + groupTable(t, TABLE_TITLES[t.by[0]!] ?? t.by.join(', '), tz))
  if (opts.byGiven) out.write('\n' + groupTable(r.main, `groups by ${r.main.by.join(', ')}`, tz))
  if (i.unparsed > 0) {
    out.write('\n' + heading(`Unparsed lines (${thousands(i.unparsed)}; the first ${i.samples.length})`))
    for (const s of i.samples) out.write(`  ${printable(s.file)}:${s.line}: ${printable(s.text)}\n`)
  }
}
