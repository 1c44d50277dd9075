// --state on report, events and check: what it cannot go with, and the run around a service that
// holds the state's lock, and writes the state only once the output is complete.

import {EximRejectsError} from '../errors.js'
import {StateRun} from '../read/state-run.js'

interface StateFlags {
  state?: string
  until?: string
  follow?: boolean
  'keep-going'?: boolean
}

const refuse = (why: string): EximRejectsError => new EximRejectsError('USAGE', `--state: ${why}`)

/** The state file asked for, checked against the other flags; undefined without --state. */
export function stateFileOption(flags: StateFlags, paths: string[]): string | undefined {
  if (flags.state === undefined) return undefined
  if (flags.follow)
    throw refuse('not with --follow, which reads as the log grows; --state is for runs from cron or a monitor')
  if (flags.until !== undefined) throw refuse('not with --until: a run reads to the end of what the logs hold now')
  // The next run would have to read that log again or skip it: either is wrong.
  if (flags['keep-going']) throw refuse('not with --keep-going: a log that cannot be read stops the run')
  if (paths.includes('-')) throw refuse('standard input can be read only once; name log files or directories')
  return flags.state
}

/**
 * Runs `body` with the state of `file` (none when undefined) locked, and writes the state after
 * `body` has completed its output; a failure leaves it as it was.
 */
export async function withState(
  file: string | undefined,
  now: number,
  onNote: (message: string) => void,
  body: (state: StateRun | undefined) => Promise<void>,
): Promise<void> {
  if (file === undefined) return body(undefined)
  const state = await StateRun.open(file, now, onNote)
  try {
    await body(state)
    state.commit()
  } finally {
    state.release()
  }
}
