// The commands' common base: one clear line for every failure (stderr; check: stdout), the
// contract's exit code, and a stack trace only when asked for with --debug or DEBUG=exim-rejects.
// Failures that escape a command's own flow (an error thrown from a stream callback) end the
// same way.

import {Command} from '@oclif/core'
import {ERROR_CODES, EximRejectsError} from '../errors.js'
import {REPORT_FORMATS} from '../render/report-formats.js'
import {EVENT_FORMATS} from '../render/event-formats.js'
import {debugAsked} from './debug.js'
import {closest} from './suggest.js'

const FORMAT_NAMES = new Set<string>([...REPORT_FORMATS, ...EVENT_FORMATS])

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

  /** A line on stderr that does not stop the run (a log --state found replaced). */
  protected note = (message: string): void => {
    process.stderr.write(`exim-rejects: ${message}\n`)
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

  /**
   * Said when a followed log restarts: with --debug every time; always when a copytruncate's copy
   * was not found, since the lines written between the last read and the truncation were not read.
   */
  protected restartNote(debug: boolean): (name: string, how: 'rotated' | 'truncated', copy?: string) => void {
    return (name, how, copy) => {
      if (how === 'truncated' && copy === undefined)
        process.stderr.write(
          `exim-rejects: ${name} was truncated and no copy beside it holds what it got since the last read: ` +
            'those lines were not read (a plain copy named like the log, e.g. mainlog.1, is looked for)\n',
        )
      else if (debug)
        process.stderr.write(
          how === 'rotated'
            ? `exim-rejects: ${name} was rotated; reading the new file from its start\n`
            : `exim-rejects: ${name} was truncated; the rest of what it held was read from ${copy}\n`,
        )
    }
  }

  /** Tells the user what failed, in one line, and ends with `exit` (check: on stdout, and in its textfile). */
  protected async failed(message: string, exit: number): Promise<void> {
    process.stderr.write(`exim-rejects: ${message}\n`)
    process.exitCode = exit
  }

  override async init(): Promise<void> {
    await super.init()
    // -f is --follow, as in tail -f: `-f csv`, meant as a format, would follow the log for ever.
    const f = this.argv.findIndex((a, i) => a === '-f' && FORMAT_NAMES.has(this.argv[i + 1] ?? ''))
    if (f !== -1) {
      const format = this.argv[f + 1]
      throw new EximRejectsError('USAGE', `-f is --follow (as in tail -f); for the format say --format ${format}`)
    }
    const escaped = (err: unknown): void => {
      void this.catch(err instanceof Error ? err : new Error(String(err))).finally(() => process.exit())
    }
    process.once('uncaughtException', escaped)
    process.once('unhandledRejection', escaped)
  }

  protected override async catch(err: Failure): Promise<void> {
    // The failure is reported here; oclif's "did not parse its arguments" warning would be noise.
    ;(this as unknown as {parsed: boolean}).parsed = true
    const debug = debugAsked()
    if (debug && err.stack) process.stderr.write(err.stack + '\n')
    if (err instanceof EximRejectsError) return this.failed(err.message, this.failureExit(err))
    if (err.oclif?.exit !== undefined) {
      if (err.code === 'EEXIT') {
        process.exitCode = err.oclif.exit
        return
      }
      // A flag or argument oclif refused: keep its first line, it names the flag; "Parsing --top"
      // says why on the next one.
      const lines = (err.message ?? String(err)).split('\n').map((l) => l.trim())
      const parsing = /^(?:Error: )?Parsing (--\S+)$/.exec(lines[0]!)
      const first = parsing !== null && lines[1] ? `${parsing[1]}: ${lines[1]}` : lines[0]!.replace(/^Error: /, '')
      const said = `${first}${this.flagSuggestion(first)} (see --help)`
      return this.failed(said, this.failureExit(new EximRejectsError('USAGE', first)))
    }
    const hint = debug ? '' : ' (run with --debug for details)'
    return this.failed(`internal error: ${err.message ?? String(err)}${hint}`, this.internalExit())
  }

  /** `; did you mean --format?` for oclif's "Nonexistent flag: --formt", else ''. */
  private flagSuggestion(message: string): string {
    const m = /^Nonexistent flags?: --([^\s,=]+)/.exec(message)
    if (m === null) return ''
    const flags = (this.constructor as typeof Command).flags ?? {}
    // An alias (--warn) may be the nearest: the flag's own name is what to suggest.
    const canonical = new Map<string, string>()
    for (const [name, f] of Object.entries(flags)) {
      if (f.hidden) continue
      for (const n of [name, ...(f.aliases ?? [])]) canonical.set(n, name)
    }
    const near = closest(m[1]!, [...canonical.keys()])
    return near === undefined ? '' : `; did you mean --${canonical.get(near)}?`
  }
}
