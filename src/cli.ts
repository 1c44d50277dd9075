// What bin/run.js starts: oclif and the commands, built into one file (dist/bundle/cli.cjs) so that a
// run reads and compiles one module instead of some two hundred; that is most of a short run's time.
import {execute, settings} from '@oclif/core'
import {COMMANDS} from './commands/all.js'
import {unknownCommand} from './cli/commands-known.js'

// The tool ships compiled JavaScript only: with NODE_ENV=development or test in the environment,
// oclif would otherwise look for TypeScript sources and warn that it cannot find a compiler.
settings.enableAutoTranspile = false

export {COMMANDS}
// For bin/run.js, once it has loaded this bundle.
export {debugAsked} from './cli/debug.js'
export {startHeap} from './v8-tuning.js'

/** The command line as given, with the habits of other tools: `-h`, `-V`, `help CMD`. */
export function normalizeArgv(argv: readonly string[]): string[] {
  const [first, ...rest] = argv
  if (first === '-h') return ['--help', ...rest]
  if (first === '-V') return ['--version', ...rest]
  return [...argv]
}

/** Runs the command line; a command the tool does not have is one line and exit 2. */
export async function run(argv: readonly string[], root: string): Promise<void> {
  const args = normalizeArgv(argv)
  const first = args[0]
  if (first !== undefined && !first.startsWith('-') && !(first in COMMANDS)) {
    const err = unknownCommand(first, Object.keys(COMMANDS))
    process.stderr.write(`exim-rejects: ${err.message}\n`)
    process.exitCode = err.exitCode
    return
  }
  // No user-installed oclif plugins: the tool must not read the invoking user's home directory.
  await execute({args, loadOptions: {root, userPlugins: false, devPlugins: false}})
}
