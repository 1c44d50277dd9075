// Label values of the Prometheus outputs that stand for no single value: the catch-all past a
// bound, and a recipient the log did not name. A client can spell a recipient or a message the
// same way; such a value is shown quoted, so that it never adds to (or hides in) the catch-all.

export const OTHER = 'other'
export const UNKNOWN = 'unknown'

/** A value as a label: itself, quoted when it is spelled like a placeholder, `unknown` when empty. */
export function labelOf(value: string): string {
  if (value === '') return UNKNOWN
  return value === OTHER || value === UNKNOWN ? `"${value}"` : value
}
