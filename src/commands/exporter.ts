import {BaseCommand} from '../cli/base.js'
import {EXPORTER_FLAGS} from '../cli/command-flags.js'
import {exporterOptions} from '../cli/command-options.js'
import {pathArgs} from '../cli/flags.js'
import {defaultPaths} from '../input/sources.js'

export default class Exporter extends BaseCommand {
  static override summary = 'Follow the main log and serve Prometheus counters on /metrics'

  static override description =
    'Counts every event kind by SMTP code and by normalised reason (and, with --recipients, by ' +
    'recipient) as the log grows, across logrotate, and serves the counters with the lines and ' +
    'bytes read, the rotations seen and the process metrics. Counting starts at the end of the log, ' +
    'or with --since at that time. /-/healthy answers load balancers. Runs until SIGTERM or Ctrl-C, ' +
    'then exits 0; a log that cannot be opened or an address that cannot be bound ends it at once ' +
    'with exit status 2.'

  static override examples = [
    '<%= config.bin %> exporter /var/log/exim4',
    '<%= config.bin %> exporter --listen :10139 --since 1h --recipients 100 /var/log/exim4/mainlog',
  ]

  static override strict = false
  static override args = pathArgs
  static override flags = EXPORTER_FLAGS

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Exporter)
    // Standard input is never followed: with no PATH, the default log directories.
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths('null')
    const options = exporterOptions(flags, paths)
    const stop = new AbortController()
    // systemd stops with SIGTERM, a terminal with Ctrl-C: both end a clean run (exit 0).
    process.once('SIGTERM', () => stop.abort())
    process.once('SIGINT', () => stop.abort())
    // Loaded here: prom-client and the HTTP server cost the other commands' start-up nothing.
    const {runExporter} = await import('../services/exporting.js')
    await runExporter({
      ...options,
      version: this.config.version,
      signal: stop.signal,
      onReady: (url, log, position) =>
        process.stderr.write(`exim-rejects: serving ${url}, following ${log} from byte ${position}\n`),
      // A service's journal says every restart.
      onRestart: this.restartNote(true),
    })
  }
}
