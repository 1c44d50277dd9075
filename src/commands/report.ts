import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {
  csvFlags,
  filterFlags,
  followFlags,
  groupFlags,
  reportOutputFlags,
  robustFlags,
  pathArgs,
  selectionFlags,
  windowFlags,
} from '../cli/flags.js'
import {parseBy, parseFilters, parseInterval, parseKinds, parseNow, parseWindow, parseZone} from '../cli/options.js'
import {StreamWriter} from '../cli/output.js'
import {progressLine} from '../cli/progress.js'
import {promFlags, writePromFile} from '../cli/prom.js'
import {defaultPaths} from '../input/sources.js'
import {isUtf8Locale} from '../render/histogram.js'
import type {EventKind} from '../types.js'
import {followReport, REPORT_FORMATS, type ReportFormat, runReport} from '../report.js'

export default class Report extends BaseCommand {
  static override description =
    'Count RCPT deferrals, rejections and silently discarded mail in Exim logs, grouped by recipient, host and more'

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

  static override flags = {
    ...selectionFlags,
    ...groupFlags,
    ...filterFlags,
    ...windowFlags,
    ...followFlags,
    ...csvFlags,
    ...robustFlags,
    'max-groups': Flags.integer({
      description: 'keep at most this many groups per table, counting the rest in an (other) row [default: 2000000]',
      min: 1,
      helpValue: 'N',
    }),
    label: Flags.string({
      description: 'name the host these logs come from (shown in reports; merge groups by it)',
      helpValue: 'NAME',
    }),
    ...reportOutputFlags,
    interval: Flags.string({
      description: 'with --follow: print a fresh report this often (30s, 5m, 1h)',
      default: '60s',
      helpValue: 'SPAN',
    }),
    format: Flags.string({char: 'f', description: 'output format', options: [...REPORT_FORMATS], default: 'summary'}),
    json: Flags.boolean({description: 'same as --format json'}),
    ...promFlags,
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Report)
    const zone = parseZone(flags.utc, flags.tz)
    const now = parseNow(flags.now)
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(process.stdin.isTTY === true)
    const options = {
      paths,
      kinds: parseKinds(flags.kind),
      by: parseBy(flags.by),
      byGiven: flags.by !== undefined,
      format: (flags.json ? 'json' : flags.format) as ReportFormat,
      top: flags.top,
      zone,
      now,
      filter: parseFilters(flags),
      csvRaw: flags['csv-raw'],
      maxGroups: flags['max-groups'],
      label: flags.label,
      keepGoing: flags['keep-going'],
      onInputError: this.inputFailed,
      ...parseWindow(flags.since, flags.until, now, zone),
    }
    const out = new StreamWriter(flags.output)
    if (flags.follow) {
      const interval = parseInterval(flags.interval)
      const stop = new AbortController()
      process.once('SIGINT', () => stop.abort())
      await followReport(options, out, interval, stop.signal)
      await out.end()
      return
    }
    process.once('SIGINT', () => process.exit(130))
    const progress = progressLine()
    const built = await runReport(
      {
        ...options,
        onProgress: progress?.update,
        byKindRecipient: flags['prom-recipients'] && flags['prom-file'] !== undefined,
      },
      out,
      {
        width: process.stdout.columns || Number(process.env.COLUMNS) || 80,
        ascii: flags.ascii || !isUtf8Locale(),
        version: this.config.version,
        now,
      },
    )
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
      now: now.getTime(),
    })
    await out.end()
  }
}
