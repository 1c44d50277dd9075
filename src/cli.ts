// What bin/run.js starts: oclif and the commands, built into one file (dist/bundle/cli.js) so that a
// run reads and compiles one module instead of some two hundred; that is most of a short run's time.
import {settings} from '@oclif/core'

// The tool ships compiled JavaScript only: with NODE_ENV=development or test in the environment,
// oclif would otherwise look for TypeScript sources and warn that it cannot find a compiler.
settings.enableAutoTranspile = false

export {execute} from '@oclif/core'
export {COMMANDS} from './commands/all.js'
