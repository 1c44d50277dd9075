// The commands' common base: one clear line for every failure (stderr; check: stdout), the
// contract's exit code, and a stack trace only when asked for with --debug or DEBUG=exim-rejects.
// Failures that escape a command's own flow (an error thrown from a stream callback) end the
// same way.

import {Command} from '@oclif/core'
import {ERROR_CODES, EximRejectsError} from '../errors.js'

type Failure = Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}

export abstract class BaseCommand extends Command {
  /** Exit status for input and usage failures (check overrides it: Nagios wants 3). */
  protected failureExit(err: EximRejectsError): number {
    return err.exitCode
  }

  /** Exit status for an internal error (check: 3). */
  protected internalExit(): number {
    return ERROR_CODES.INTERNAL
  }

  /** An input that could not be read under --keep-going: said on stderr, and the run ends with 2. */
  protected inputFailed = (err: Error): void => {
    process.stderr.write(`exim-rejects: ${err.message}\n`)
    process.exitCode = 2
  }

  /** With --debug: a line on stderr as each input is opened. */
  protected openingNote(debug: boolean): ((name: string) => void) | undefined {
    if (!debug) return undefined
    return (name) => process.stderr.write(`exim-rejects: opening ${name}\n`)
  }

  /** With --debug: a line on stderr once a followed log is open, saying where reading starts. */
  protected followingNote(debug: boolean): ((name: string, position: number) => void) | undefined {
    if (!debug) return undefined
    return (name, position) => process.stderr.write(`exim-rejects: following ${name} from byte ${position}\n`)
  }

  /** Tells the user what failed, in one line, and ends with `exit` (check: on stdout, and in its textfile). */
  protected async failed(message: string, exit: number): Promise<void> {
    process.stderr.write(`exim-rejects: ${message}\n`)
    process.exitCode = exit
  }

  override async init(): Promise<void> {
    await super.init()
    const escaped = (err: unknown): void => {
      void this.catch(err instanceof Error ? err : new Error(String(err))).finally(() => process.exit())
    }
    process.once('uncaughtException', escaped)
    process.once('unhandledRejection', escaped)
  }

  protected override async catch(err: Failure): Promise<void> {
    // The failure is reported here; oclif's "did not parse its arguments" warning would be noise.
    ;(this as unknown as {parsed: boolean}).parsed = true
    const debug =
      process.argv.includes('--debug') ||
      (process.env.DEBUG ?? '').split(',').some((d) => d === 'exim-rejects' || d === '*')
    if (debug && err.stack) process.stderr.write(err.stack + '\n')
    if (err instanceof EximRejectsError) return this.failed(err.message, this.failureExit(err))
    if (err.oclif?.exit !== undefined) {
      if (err.code === 'EEXIT') {
        process.exitCode = err.oclif.exit
        return
      }
      // A flag or argument oclif refused: keep its first line, it names the flag.
      const first = (err.message ?? String(err)).split('\n')[0]!.replace(/^Error: /, '')
      return this.failed(`${first} (see --help)`, this.failureExit(new EximRejectsError('USAGE', first)))
    }
    const hint = debug ? '' : ' (run with --debug for details)'
    return this.failed(`internal error: ${err.message ?? String(err)}${hint}`, this.internalExit())
  }
}
