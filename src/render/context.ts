// What every report renderer is told besides the report itself: one shape for all formats, so
// that each renderer has the same entry signature and the service never asks which one it is.

/** The display zone's offset (minutes east of UTC) at an instant. */
export type Tz = (time: number) => number

export interface DrawContext {
  tz: Tz
  /** --by was given: the summary and the page show that table too. */
  byGiven: boolean
  /** CSV cells as logged, without the spreadsheet-formula guard. */
  csvRaw?: boolean
  /** Terminal width, for the summary's histogram. */
  width?: number
  ascii?: boolean
  /** Colour the summary (a terminal, or --color always). */
  color?: boolean
  version?: string
  now?: Date
}
