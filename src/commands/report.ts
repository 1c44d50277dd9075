import {BaseCommand} from '../cli/base.js'
import {pathArgs} from '../cli/flags.js'
import {REPORT_FLAGS} from '../cli/command-flags.js'
import {renderOptions, reportOptions} from '../cli/command-options.js'
import {parseInterval} from '../cli/options.js'
import {refuseInputAsOutput, StreamWriter} from '../cli/output.js'
import {progressLine} from '../cli/progress.js'
import {stateFileOption, withState} from '../cli/state-option.js'
import {refusePromFileOverInput, writePromFile} from '../cli/prom.js'
import {defaultPaths, stdinKind} from '../input/sources.js'
import type {EventKind} from '../kinds.js'
import {followReport, runReport} from '../services/reporting.js'

export default class Report extends BaseCommand {
  static override summary =
    'Count RCPT deferrals, rejections and silently discarded mail in Exim logs, grouped by recipient, host and more'

  static override description =
    'Reads main, reject and panic logs (plain or compressed, a directory of rotated logs, or standard ' +
    'input) and counts each event once. The summary (default) has totals per kind, the top recipients, ' +
    'sending hosts and reasons, and the line accounting; CSV, JSON and NDJSON carry the --by groups; ' +
    'HTML is a page to look at.'

  static override examples = [
    '<%= config.bin %> report /var/log/exim4',
    '<%= config.bin %> report --since yesterday --until today /var/log/exim4',
    '<%= config.bin %> report --kind rcpt-defer --by recipient,ip --format csv mainlog',
    '<%= config.bin %> report --recipient "*petrova*" --by ip,reason /var/log/exim4',
    '<%= config.bin %> report --follow --interval 5m /var/log/exim4',
    'zcat mainlog.2.gz | <%= config.bin %> report --format json -',
    '<%= config.bin %> report --kind all --since 7d --format html --output week.html /var/log/exim4',
  ]

  static override strict = false
  static override args = pathArgs
  static override flags = REPORT_FLAGS

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Report)
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(stdinKind())
    const options = {
      ...reportOptions(flags, paths),
      onInputError: this.inputFailed,
      onOpen: this.openingNote(flags.debug),
    }
    const stateFile = stateFileOption(flags, paths)
    await refuseInputAsOutput('--output', flags.output, paths)
    await refuseInputAsOutput('--state', stateFile, paths)
    await refusePromFileOverInput(flags['prom-file'], paths)
    // Followed, the report is rewritten in place as it goes; else the file appears when complete.
    const out = new StreamWriter(flags.output, 2, flags.follow)
    const where = {columns: process.stdout.columns, stdoutIsTTY: process.stdout.isTTY === true, env: process.env}
    const render = renderOptions(flags, where, {version: this.config.version, now: options.now})
    if (flags.follow) {
      const interval = parseInterval(flags.interval)
      const stop = new AbortController()
      process.once('SIGINT', () => stop.abort())
      const following = this.followingNote(flags.debug)
      await followReport(options, out, {
        interval,
        signal: stop.signal,
        onFollowing: following,
        onRestart: this.restartNote(flags.debug),
        render,
      })
      await out.end()
      return
    }
    await withState(stateFile, options.now.getTime(), this.note, async (state) => {
      const progress = progressLine()
      const built = await runReport({...options, state, onProgress: progress?.update}, out, render)
      progress?.clear()
      const r = built.report
      await writePromFile(flags, {
        counts: r.totals,
        input: r.input,
        byKindRecipient: built.byKindRecipient?.rows.map((g) => ({
          kind: g.keys[0] as EventKind,
          recipient: g.keys[1]!,
          count: g.count,
        })),
        window: {since: r.window.since?.time ?? null, until: r.window.until?.time ?? null},
        label: r.label,
        now: options.now.getTime(),
      })
      await out.end()
    })
  }
}
