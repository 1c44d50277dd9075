import {BaseCommand} from '../cli/base.js'
import {EVENTS_FLAGS} from '../cli/command-flags.js'
import {eventsOptions} from '../cli/command-options.js'
import {pathArgs} from '../cli/flags.js'
import {refuseInputAsOutput, StreamWriter} from '../cli/output.js'
import {stateFileOption, withState} from '../cli/state-option.js'
import {defaultPaths, stdinKind} from '../input/sources.js'
import {runEvents} from '../services/event-listing.js'

export default class Events extends BaseCommand {
  static override summary =
    'One row per event, for incident investigation: which deferrals hit a mailbox, from which hosts, ' +
    'when, and the raw lines'

  static override description =
    'Rows come in log order as the logs are read (or, with --follow, as the log grows). The table fits ' +
    'the terminal and shows times in the zone reports use; CSV and NDJSON have every field; raw prints ' +
    'the log lines behind each event.'

  static override examples = [
    '<%= config.bin %> events --recipient "*petrova*" /var/log/exim4',
    '<%= config.bin %> events --ip 77.88.0.0/16 --kind all --format csv /var/log/exim4',
    '<%= config.bin %> events --kind discard-misconfig --format raw /var/log/exim4',
    '<%= config.bin %> events -f /var/log/exim4',
    '<%= config.bin %> events --kind discard-misconfig --format raw --state /var/lib/exim-rejects/dropped.state /var/log/exim4',
  ]

  static override strict = false
  static override args = pathArgs
  static override flags = EVENTS_FLAGS

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Events)
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(stdinKind())
    const where = {columns: process.stdout.columns, stdoutIsTTY: process.stdout.isTTY === true, env: process.env}
    const options = eventsOptions(flags, paths, where)
    const stateFile = stateFileOption(flags, paths)
    await refuseInputAsOutput('--state', stateFile, paths)
    const out = new StreamWriter()
    const stop = new AbortController()
    // Ctrl-C ends a follow cleanly (exit 0); otherwise the signal ends the run at once.
    if (flags.follow) process.once('SIGINT', () => stop.abort())
    await withState(stateFile, options.now!.getTime(), this.note, async (state) => {
      await runEvents(
        {
          ...options,
          state,
          signal: stop.signal,
          onFollowing: this.followingNote(flags.debug),
          onRestart: this.restartNote(flags.debug),
          onInputError: this.inputFailed,
          onOpen: this.openingNote(flags.debug),
        },
        out,
      )
      await out.end()
    })
  }
}
