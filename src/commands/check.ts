import {Flags} from '@oclif/core'
import {parseThreshold, runCheck} from '../check.js'
import {BaseCommand} from '../cli/base.js'
import {debugFlags, pathArgs, windowFlags} from '../cli/flags.js'
import {parseNow, parseWindow, parseZone} from '../cli/options.js'
import {StreamWriter} from '../cli/output.js'
import {promFlags, writePromFile} from '../cli/prom.js'
import type {EximRejectsError} from '../errors.js'
import {defaultPaths} from '../input/sources.js'
import {ZoneClock} from '../time/zone.js'
import {perfdata, renderCheckJson, renderStatusLine, STATE_CODE} from '../render/nagios.js'

export default class Check extends BaseCommand {
  static override description =
    'Is the quota ACL firing, is mail being lost? A Nagios-style check over the last hour: CRITICAL when a discard is dropping mail, WARNING when over-quota mail gets past RCPT time or deferrals cross thresholds'

  static override examples = [
    '<%= config.bin %> check /var/log/exim4',
    '<%= config.bin %> check --since 24h --warn 100 --crit 500 --warn-recipient 20 /var/log/exim4',
    '<%= config.bin %> check --json --expect-activity /var/log/exim4/mainlog',
    '<%= config.bin %> check --prom-file /var/lib/prometheus/node-exporter/exim_rejects.prom /var/log/exim4',
  ]

  static override strict = false
  static override args = pathArgs

  static override flags = {
    ...windowFlags,
    since: Flags.string({
      description: 'start of the window checked (same forms as report --since)',
      default: '1h',
      helpValue: 'WHEN',
    }),
    warn: Flags.string({
      description: 'WARNING above this many RCPT deferrals in the window, or a rate: 20, 5/m, 100/h',
      helpValue: 'N',
    }),
    crit: Flags.string({description: 'CRITICAL above this many RCPT deferrals (or rate)', helpValue: 'N'}),
    'warn-recipient': Flags.string({
      description: 'WARNING when one recipient is deferred more than this (or rate)',
      helpValue: 'N',
    }),
    'crit-recipient': Flags.string({
      description: 'CRITICAL when one recipient is deferred more than this (or rate)',
      helpValue: 'N',
    }),
    'expect-activity': Flags.boolean({description: 'UNKNOWN when the logs have no line at all in the window'}),
    json: Flags.boolean({description: 'print the verdict as JSON instead of the status line'}),
    ...debugFlags,
    ...promFlags,
  }

  protected override failureExit(_err: EximRejectsError): number {
    return STATE_CODE.UNKNOWN
  }

  protected override reportFailure(message: string): void {
    process.stdout.write(`EXIM-REJECTS UNKNOWN - ${message.replace(/\|/g, '/')}\n`)
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Check)
    process.once('SIGINT', () => process.exit(130))
    const zone = parseZone(flags.utc, flags.tz)
    const now = parseNow(flags.now)
    const w = parseWindow(flags.since, flags.until, now, zone)
    const t = {
      warn: flags.warn === undefined ? undefined : parseThreshold('--warn', flags.warn),
      crit: flags.crit === undefined ? undefined : parseThreshold('--crit', flags.crit),
      warnRecipient:
        flags['warn-recipient'] === undefined ? undefined : parseThreshold('--warn-recipient', flags['warn-recipient']),
      critRecipient:
        flags['crit-recipient'] === undefined ? undefined : parseThreshold('--crit-recipient', flags['crit-recipient']),
    }
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(process.stdin.isTTY === true)
    const result = await runCheck({
      paths,
      zone,
      since: w.since!,
      until: w.until ?? now.getTime(),
      expectActivity: flags['expect-activity'],
      ...t,
    })
    const clock = new ZoneClock(zone)
    const out = new StreamWriter()
    if (flags.json) renderCheckJson(result, out, (x) => clock.offsetOfInstant(x))
    else renderStatusLine(result, out, perfdata(result, t))
    await writePromFile(flags, {
      counts: result.counts,
      byKindRecipient: result.byKindRecipient,
      input: result.input,
      window: result.window,
      checkState: STATE_CODE[result.state],
      now: now.getTime(),
    })
    await out.end()
    process.exitCode = STATE_CODE[result.state]
  }
}
