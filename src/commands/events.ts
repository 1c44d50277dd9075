import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {
  colorFlags,
  csvFlags,
  filterFlags,
  followFlags,
  robustFlags,
  pathArgs,
  selectionFlags,
  windowFlags,
} from '../cli/flags.js'
import {parseFilters, parseKinds, parseNow, parseWindow, parseZone, useColor} from '../cli/options.js'
import {StreamWriter} from '../cli/output.js'
import {EVENT_FORMATS, type EventFormat, runEvents} from '../events.js'
import {defaultPaths} from '../input/sources.js'

export default class Events extends BaseCommand {
  static override description =
    'One row per event, for incident investigation: which deferrals hit a mailbox, from which hosts, when, and the raw lines'

  static override examples = [
    '<%= config.bin %> events --recipient "*petrova*" /var/log/exim4',
    '<%= config.bin %> events --ip 77.88.0.0/16 --kind all --format csv /var/log/exim4',
    '<%= config.bin %> events --kind discard-misconfig --format raw /var/log/exim4',
    '<%= config.bin %> events -F /var/log/exim4',
  ]

  static override strict = false
  static override args = pathArgs

  static override flags = {
    ...selectionFlags,
    ...filterFlags,
    ...windowFlags,
    ...followFlags,
    ...colorFlags,
    ...csvFlags,
    ...robustFlags,
    format: Flags.string({char: 'f', description: 'output format', options: [...EVENT_FORMATS], default: 'table'}),
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Events)
    const zone = parseZone(flags.utc, flags.tz)
    const now = parseNow(flags.now)
    const window = parseWindow(flags.since, flags.until, now, zone)
    const filter = {kinds: new Set(parseKinds(flags.kind)), ...window, ...parseFilters(flags)}
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(process.stdin.isTTY === true)
    const out = new StreamWriter()
    const stop = new AbortController()
    // Ctrl-C ends a follow cleanly (exit 0); otherwise it interrupts (exit 130).
    process.once('SIGINT', () => (flags.follow ? stop.abort() : process.exit(130)))
    await runEvents(
      {
        paths,
        filter,
        zone,
        now,
        follow: flags.follow,
        signal: stop.signal,
        format: flags.format as EventFormat,
        color: useColor(flags.color, process.stdout.isTTY === true),
        terminal: process.stdout.isTTY === true,
        csvRaw: flags['csv-raw'],
        keepGoing: flags['keep-going'],
        onInputError: this.inputFailed,
        width: process.stdout.columns || Number(process.env.COLUMNS) || 160,
      },
      out,
    )
    await out.end()
  }
}
