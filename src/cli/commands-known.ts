// A command name the tool does not have: one line that says so, and which was meant.

import {EximRejectsError} from '../errors.js'
import {closest} from './suggest.js'

export function unknownCommand(name: string, known: readonly string[]): EximRejectsError {
  const near = closest(name, known)
  const hint = near === undefined ? '' : `; did you mean ${near}?`
  return new EximRejectsError(
    'USAGE',
    `no command ${JSON.stringify(name)}${hint} (commands: ${[...known].sort().join(', ')})`,
  )
}
