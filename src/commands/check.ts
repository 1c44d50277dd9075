import {BaseCommand} from '../cli/base.js'
import {CHECK_FLAGS} from '../cli/command-flags.js'
import {checkOptions} from '../cli/command-options.js'
import {pathArgs} from '../cli/flags.js'
import {StreamWriter} from '../cli/output.js'
import {writePromFile} from '../cli/prom.js'
import type {EximRejectsError} from '../errors.js'
import {defaultPaths} from '../input/sources.js'
import {perfdata, renderCheckJson, renderStatusLine} from '../render/nagios.js'
import {runCheck} from '../services/health-check.js'
import {ZoneClock} from '../time/zone.js'
import {STATE_CODE} from '../verdict/judge.js'

export default class Check extends BaseCommand {
  static override description =
    'Is the quota ACL firing, is mail being lost? A Nagios-style check over the last hour: ' +
    'CRITICAL when a discard is dropping mail, WARNING when over-quota mail gets past RCPT time ' +
    'or deferrals cross thresholds'

  static override examples = [
    '<%= config.bin %> check /var/log/exim4',
    '<%= config.bin %> check --since 24h --warn 100 --crit 500 --warn-recipient 20 /var/log/exim4',
    '<%= config.bin %> check --json --expect-activity /var/log/exim4/mainlog',
    '<%= config.bin %> check --prom-file /var/lib/prometheus/node-exporter/exim_rejects.prom /var/log/exim4',
  ]

  static override strict = false
  static override args = pathArgs
  static override flags = CHECK_FLAGS

  protected override failureExit(_err: EximRejectsError): number {
    return STATE_CODE.UNKNOWN
  }

  protected override reportFailure(message: string): void {
    process.stdout.write(`EXIM-REJECTS UNKNOWN - ${message.replace(/\|/g, '/')}\n`)
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Check)
    process.once('SIGINT', () => process.exit(130))
    const options = checkOptions(flags, [])
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(process.stdin.isTTY === true)
    const result = await runCheck({...options, paths, onOpen: this.openingNote(flags.debug)})
    const clock = new ZoneClock(options.zone)
    const out = new StreamWriter()
    if (flags.json) renderCheckJson(result, out, (x) => clock.offsetOfInstant(x))
    else renderStatusLine(result, out, perfdata(result, options))
    await writePromFile(flags, {
      counts: result.counts,
      byKindRecipient: result.byKindRecipient,
      input: result.input,
      window: result.window,
      checkState: STATE_CODE[result.state],
      now: options.now.getTime(),
    })
    await out.end()
    process.exitCode = STATE_CODE[result.state]
  }
}
