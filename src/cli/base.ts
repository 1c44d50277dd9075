// The commands' common base: one clear line for every failure (stderr; check: stdout), the contract's exit
// code, and a stack trace only when asked for with DEBUG=exim-rejects.

import {Command} from '@oclif/core'
import {EximRejectsError} from '../errors.js'

export abstract class BaseCommand extends Command {
  /** Exit status for input and usage failures (check overrides it: Nagios wants 3). */
  protected failureExit(err: EximRejectsError): number {
    return err.exitCode
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

  /** Tells the user what failed, in one line (check overrides it: Nagios reads stdout). */
  protected reportFailure(message: string): void {
    process.stderr.write(`exim-rejects: ${message}\n`)
  }

  protected override async catch(
    err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string},
  ): Promise<void> {
    // The failure is reported here; oclif's "did not parse its arguments" warning would be noise.
    ;(this as unknown as {parsed: boolean}).parsed = true
    const debug =
      process.argv.includes('--debug') ||
      (process.env.DEBUG ?? '').split(',').some((d) => d === 'exim-rejects' || d === '*')
    if (debug && err.stack) process.stderr.write(err.stack + '\n')
    if (err instanceof EximRejectsError) {
      this.reportFailure(err.message)
      process.exitCode = this.failureExit(err)
      return
    }
    if (err.oclif?.exit !== undefined) {
      if (err.code === 'EEXIT') {
        process.exitCode = err.oclif.exit
        return
      }
      // A flag or argument oclif refused: keep its first line, it names the flag.
      const first = (err.message ?? String(err)).split('\n')[0]!.replace(/^Error: /, '')
      this.reportFailure(`${first} (see --help)`)
      process.exitCode = this.failureExit(new EximRejectsError('USAGE', first))
      return
    }
    process.stderr.write(
      `exim-rejects: internal error: ${err.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}\n`,
    )
    process.exitCode = 1
  }
}
