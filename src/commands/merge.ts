import {BaseCommand} from '../cli/base.js'
import {MERGE_ARGS, MERGE_FLAGS} from '../cli/command-flags.js'
import {mergeOptions, renderOptions} from '../cli/command-options.js'
import {refuseInputAsOutput, StreamWriter} from '../cli/output.js'
import {REPORT_RENDERERS} from '../render/report-formats.js'
import {mergeReports} from '../services/merging.js'

export default class Merge extends BaseCommand {
  static override summary = 'Sum JSON reports from several hosts into one report'

  static override description =
    'The merged report is what one report of all the logs read together would say, in any report ' +
    'format. Make the parts with report --format json --label HOST (the label carries what merge ' +
    'needs to count quota failures once across parts of one log).'

  static override examples = [
    '<%= config.bin %> merge mx1.json mx2.json',
    '<%= config.bin %> merge --by recipient,label --format csv mx*.json',
    '<%= config.bin %> merge --format html --output fleet.html mx*.json',
  ]

  static override strict = false
  static override args = MERGE_ARGS
  static override flags = MERGE_FLAGS

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Merge)
    const options = mergeOptions(flags, argv as string[])
    await refuseInputAsOutput('--output', flags.output, argv as string[])
    const {report, clock} = await mergeReports({
      ...options,
      onWarning: (message) => process.stderr.write(`exim-rejects: warning: ${message}\n`),
    })
    const out = new StreamWriter(flags.output)
    // Not COLUMNS: the width of a terminal, else 80.
    const where = {columns: process.stdout.columns || 80, stdoutIsTTY: process.stdout.isTTY === true, env: process.env}
    const render = renderOptions(flags, where, {version: this.config.version})
    REPORT_RENDERERS[options.format].render(report, out, {
      ...render,
      tz: (t) => clock.offsetOfInstant(t),
      byGiven: flags.by !== undefined,
    })
    await out.end()
  }
}
