import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {debugFlags, reportOutputFlags} from '../cli/flags.js'
import {parseList, parseZone} from '../cli/options.js'
import {StreamWriter} from '../cli/output.js'
import {MERGE_KEYS, mergeReports} from '../merge.js'
import {REPORT_FORMATS, type ReportFormat, renderReport, rowsKept} from '../report.js'
import {isUtf8Locale} from '../render/histogram.js'

export default class Merge extends BaseCommand {
  static override description =
    'Sum JSON reports from several hosts into one report, as if their logs had been read together (make them with report --format json --label HOST)'

  static override examples = [
    '<%= config.bin %> merge mx1.json mx2.json',
    '<%= config.bin %> merge --by recipient,label --format csv mx*.json',
    '<%= config.bin %> merge --format html --output fleet.html mx*.json',
  ]

  static override strict = false
  static override args = {
    report: Args.string({description: 'a JSON report (report --format json)', required: true}),
  }

  static override flags = {
    by: Flags.string({
      char: 'b',
      description: `group keys of the merged table, comma separated, any the reports have, and label (the host a report came from) [default: the reports' own]`,
      helpValue: 'KEYS',
    }),
    format: Flags.string({char: 'f', description: 'output format', options: [...REPORT_FORMATS], default: 'summary'}),
    json: Flags.boolean({description: 'same as --format json'}),
    top: Flags.integer({
      char: 'n',
      description: 'rows per table (summary default 10; CSV/JSON default all)',
      min: 1,
      helpValue: 'N',
    }),
    ...reportOutputFlags,
    utc: Flags.boolean({description: 'show times in UTC'}),
    tz: Flags.string({description: 'show times in this IANA zone', helpValue: 'ZONE'}),
    ...debugFlags,
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Merge)
    const format = (flags.json ? 'json' : flags.format) as ReportFormat
    const by = flags.by === undefined ? undefined : parseList('--by', flags.by, MERGE_KEYS, [])
    const {report, clock} = await mergeReports({
      files: argv as string[],
      by,
      zone: parseZone(flags.utc, flags.tz),
      ...rowsKept(format, flags.top),
    })
    const out = new StreamWriter(flags.output)
    renderReport(report, out, clock, {
      format,
      byGiven: flags.by !== undefined,
      width: process.stdout.columns || 80,
      ascii: flags.ascii || !isUtf8Locale(),
      version: this.config.version,
    })
    await out.end()
  }
}
