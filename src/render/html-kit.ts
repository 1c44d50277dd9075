// Small pieces for writing HTML by hand: escaping of log text, and elements whose attribute
// values are always escaped, so that no value taken from a log can leave its attribute.

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}
// C0 and C1 controls (but tab and newline) and the bidirectional overrides and isolates.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Text and attribute values from the logs, made inert. Control characters are shown as \xNN. */
export function esc(s: string | number): string {
  return String(s)
    .replace(CONTROLS, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/**
 * Log text for a table cell that may be narrow (a phone): it wraps only at the seams of an
 * address, a host name or a path (after @, / and :, before a dot that a letter follows) or at
 * its spaces, never inside a word or a number such as 4.2.2.
 */
export function escWrapping(s: string): string {
  return esc(s)
    .replace(/[@/:]/g, '$&<wbr>')
    .replace(/\.(?=[A-Za-z])/g, '<wbr>.')
}

/** Attributes in the order given; undefined ones are left out. */
export type Attrs = Record<string, string | number | undefined>

function attributes(a: Attrs | null): string {
  let s = ''
  if (a !== null) for (const [k, v] of Object.entries(a)) if (v !== undefined) s += ` ${k}="${esc(v)}"`
  return s
}

/** `<tag attrs>content</tag>`: the content is HTML already (escape text with esc). */
export function el(tag: string, a: Attrs | null, ...content: string[]): string {
  return `<${tag}${attributes(a)}>${content.join('')}</${tag}>`
}

/** `<tag attrs/>`, for SVG elements without content. */
export function leaf(tag: string, a: Attrs): string {
  return `<${tag}${attributes(a)}/>`
}

/** A table row of cells of one kind: `cell` gives each cell's attributes and HTML. */
export function row(tag: 'td' | 'th', cells: [Attrs | null, string][]): string {
  return el('tr', null, ...cells.map(([a, html]) => el(tag, a, html)))
}
