// Helpers for the human-readable formats: aligned columns, thousands separators, and log text
// made safe for a terminal (control characters and escape sequences shown escaped, never raw).

// Log content is written by whoever connects to the mail server. Shown escaped: C0 and C1
// controls and DEL, the bidirectional marks and overrides that can reorder what a terminal shows
// (U+061C, U+200E/F, U+202A-E, U+2066-9), invisible characters that hide or join text (zero
// widths, word joiners, U+FEFF), and the line and paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g')

/** Shows unsafe characters as `\xNN` / `\uNNNN` so log content cannot drive the terminal. */
export function printable(s: string): string {
  return UNSAFE.test(s)
    ? s.replace(UNSAFE_ALL, (c) => {
        const n = c.charCodeAt(0)
        return n < 0x100 ? '\\x' + n.toString(16).padStart(2, '0') : '\\u' + n.toString(16).padStart(4, '0')
      })
    : s
}

const SGR: Record<string, string> = {
  bold: '1',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
}

/** Colours a piece of output, or leaves it alone when colour is off. */
export type Paint = (color: string, text: string) => string

export function painter(enabled: boolean): Paint {
  return enabled ? (color, text) => `\x1b[${SGR[color] ?? '0'}m${text}\x1b[0m` : (_c, text) => text
}

/** `1234567` -> `1,234,567` (by hand: Intl's number formatting costs a start-up of its own). */
export function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n)))
  let out = ''
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ','
    out += s[i]
  }
  return (n < 0 ? '-' : '') + out
}

export interface Column {
  title: string
  align?: 'left' | 'right'
  /** Colours a cell of this column (not its title) once it is padded: the colour takes no width. */
  paint?: (padded: string, value: string) => string
}

/** Lays rows out in aligned columns with a title row and a rule under it. */
export function table(columns: Column[], rows: string[][], indent = '  '): string {
  const cells = rows.map((r) => r.map(printable))
  const width = columns.map((c, i) => cells.reduce((w, r) => Math.max(w, [...r[i]!].length), c.title.length))
  const line = (r: string[], body: boolean): string =>
    indent +
    r
      .map((v, i) => {
        const pad = ' '.repeat(width[i]! - [...v].length)
        const padded = columns[i]!.align === 'right' ? pad + v : i === r.length - 1 ? v : v + pad
        const paint = columns[i]!.paint
        return body && paint ? paint(padded, v) : padded
      })
      .join('  ')
  const head = [
    line(
      columns.map((c) => c.title),
      false,
    ),
    line(
      width.map((w) => '-'.repeat(w)),
      false,
    ),
  ]
  return [...head, ...cells.map((r) => line(r, true))].join('\n') + '\n'
}

export function bytesHuman(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(1)} ${units[u]}`
}
