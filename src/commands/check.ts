import {BaseCommand} from '../cli/base.js'
import {CHECK_FLAGS} from '../cli/command-flags.js'
import {type CheckFlags, checkOptions} from '../cli/command-options.js'
import {pathArgs} from '../cli/flags.js'
import {refuseInputAsOutput, StreamWriter} from '../cli/output.js'
import {stateFileOption, withState} from '../cli/state-option.js'
import {lastSuccess, promFileArg, refusePromFileOverInput, writePromFile} from '../cli/prom.js'
import type {EximRejectsError} from '../errors.js'
import {defaultPaths, stdinKind} from '../input/sources.js'
import {perfdata, renderCheckJson, renderStatusLine} from '../render/nagios.js'
import {printable} from '../render/text.js'
import {type CheckOptions, runCheck} from '../services/health-check.js'
import {ZoneClock} from '../time/zone.js'
import {type CheckResult, STATE_CODE} from '../verdict/judge.js'

export default class Check extends BaseCommand {
  static override summary = 'Is the quota ACL firing, is mail being lost? A Nagios plugin'

  static override description =
    'Reads the window (the last hour by default) and prints one status line with perfdata: CRITICAL ' +
    'when a discard is answering 250 and dropping mail (or --quota-socket gets no usable answer), ' +
    'WARNING when deliveries fail for quota for recipients never deferred at RCPT time, or when the ' +
    'deferrals cross -w/-c. UNKNOWN (exit 3) when no log line could be read at all, and on any failure.'

  static override examples = [
    '<%= config.bin %> check /var/log/exim4',
    '<%= config.bin %> check --since 24h -w 100 -c 500 --warning-recipient 20 /var/log/exim4',
    '<%= config.bin %> check -w 5/m -c 20/m --quota-socket /var/run/dovecot/exim-quota-status /var/log/exim4',
    '<%= config.bin %> check --json --expect-activity /var/log/exim4/mainlog',
    '<%= config.bin %> check --state /var/lib/nagios/exim-rejects.state /var/log/exim4',
    '<%= config.bin %> check --prom-file /var/lib/prometheus/node-exporter/exim_rejects.prom /var/log/exim4',
  ]

  static override strict = false
  static override args = pathArgs
  static override flags = CHECK_FLAGS

  protected override failureExit(_err: EximRejectsError): number {
    return STATE_CODE.UNKNOWN
  }

  protected override internalExit(): number {
    return STATE_CODE.UNKNOWN
  }

  /** Every failure is an UNKNOWN status line on stdout, and an UNKNOWN textfile, so nothing stays green. */
  protected override async failed(message: string, exit: number): Promise<void> {
    // With --json a monitor parses what it gets: the failure comes as the verdict it is.
    const json = this.argv.includes('--json')
    const unknown = {state: 'UNKNOWN', code: exit, summary: message, findings: [message]}
    if (json) process.stdout.write(JSON.stringify(unknown, null, 2) + '\n')
    else process.stdout.write(`EXIM-REJECTS UNKNOWN - ${printable(message).replace(/\|/g, '/')}\n`)
    process.exitCode = exit
    const path = promFileArg(this.argv)
    if (path === undefined) return
    const check = {state: STATE_CODE.UNKNOWN, success: false, lastSuccess: await lastSuccess(path)}
    await writePromFile({'prom-file': path}, {check, now: Date.now()}).catch((err: Error) => {
      process.stderr.write(`exim-rejects: ${err.message}\n`)
    })
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Check)
    const options = checkOptions(flags, [])
    const paths = (argv as string[]).length > 0 ? (argv as string[]) : await defaultPaths(stdinKind())
    await refusePromFileOverInput(flags['prom-file'], paths)
    const stateFile = stateFileOption(flags, paths)
    await refuseInputAsOutput('--state', stateFile, paths)
    await withState(stateFile, options.now.getTime(), this.note, async (state) => {
      const result = await runCheck({
        ...options,
        paths,
        state,
        onOpen: this.openingNote(flags.debug),
      })
      await this.report(result, flags, options)
    })
  }

  private async report(result: CheckResult, flags: CheckFlags, options: CheckOptions & {now: Date}): Promise<void> {
    const clock = new ZoneClock(options.zone)
    const out = new StreamWriter(undefined, STATE_CODE.UNKNOWN)
    if (flags.json) renderCheckJson(result, out, (x) => clock.offsetOfInstant(x))
    else renderStatusLine(result, out, perfdata(result, options))
    const state = STATE_CODE[result.state]
    const prom = flags['prom-file']
    if (prom !== undefined) {
      // A verdict (OK to CRITICAL) is a success; UNKNOWN keeps the last success that was.
      const success = result.state !== 'UNKNOWN'
      const check = {state, success, lastSuccess: success ? options.now.getTime() : await lastSuccess(prom)}
      await writePromFile(flags, {
        counts: result.counts,
        byKindRecipient: result.byKindRecipient,
        input: result.input,
        window: result.window,
        check,
        now: options.now.getTime(),
      })
    }
    await out.end()
    process.exitCode = state
  }
}
