// The services run in this process, with options built from command-line arguments exactly as
// the commands build them (oclif's own parser, the same flag sets and option builders), and their
// output written to a string. For tests about what a report says, not about the process.

import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import {Parser} from '@oclif/core'
import {CHECK_FLAGS, EVENTS_FLAGS, MERGE_ARGS, MERGE_FLAGS, REPORT_FLAGS} from '../../src/cli/command-flags.js'
import {
  checkOptions,
  eventsOptions,
  mergeOptions,
  renderOptions,
  reportOptions,
  type Surroundings,
} from '../../src/cli/command-options.js'
import {pathArgs} from '../../src/cli/flags.js'
import {stateFileOption, withState} from '../../src/cli/state-option.js'
import {perfdata, renderCheckJson, renderStatusLine} from '../../src/render/nagios.js'
import {REPORT_RENDERERS} from '../../src/render/report-formats.js'
import {StringWriter} from '../../src/render/writer.js'
import {runEvents} from '../../src/services/event-listing.js'
import {runCheck} from '../../src/services/health-check.js'
import {mergeReports} from '../../src/services/merging.js'
import {runReport} from '../../src/services/reporting.js'
import {ZoneClock} from '../../src/time/zone.js'
import type {CheckResult} from '../../src/verdict/judge.js'

export const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url))
export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url))

/** As a pipe sees it: not a terminal, and the environment of this process. */
const PIPE: Surroundings = {stdoutIsTTY: false, env: process.env}

export interface RunOptions {
  /** What standard input holds, for `-`. */
  input?: string | Buffer
  where?: Partial<Surroundings>
  /** Told of what a command says on stderr without stopping (a log --state found replaced). */
  onNote?: (message: string) => void
}

const note = (o: RunOptions) => o.onNote ?? (() => {})
const stdin = (o: RunOptions) => (o.input === undefined ? undefined : Readable.from([Buffer.from(o.input)]))

/** `exim-rejects report ARGS`: the text it prints. */
export async function report(args: string[], o: RunOptions = {}): Promise<string> {
  const {flags, argv} = await Parser.parse(args, {flags: REPORT_FLAGS, args: pathArgs, strict: false})
  const options = reportOptions(flags, argv as string[])
  const out = new StringWriter()
  const render = renderOptions(flags, {...PIPE, ...o.where}, {version: 'test', now: options.now})
  await withState(stateFileOption(flags, argv as string[]), options.now.getTime(), note(o), async (state) => {
    await runReport({...options, state, stdin: stdin(o)}, out, render)
  })
  return out.text
}

/** `exim-rejects report --json ARGS`, parsed. */
export async function reportJson(args: string[], o: RunOptions = {}) {
  return JSON.parse(await report(['--json', ...args], o))
}

/** `exim-rejects merge ARGS`: the text it prints. */
export async function merge(args: string[]): Promise<string> {
  const {flags, argv} = await Parser.parse(args, {flags: MERGE_FLAGS, args: MERGE_ARGS, strict: false})
  const options = mergeOptions(flags, argv as string[])
  const {report, clock} = await mergeReports(options)
  const out = new StringWriter()
  const render = renderOptions(flags, {...PIPE, columns: 80}, {version: 'test'})
  REPORT_RENDERERS[options.format].render(report, out, {
    ...render,
    tz: (t) => clock.offsetOfInstant(t),
    byGiven: flags.by !== undefined,
  })
  return out.text
}

/** `exim-rejects events ARGS`: the text it prints. */
export async function events(args: string[], o: RunOptions = {}): Promise<string> {
  const {flags, argv} = await Parser.parse(args, {flags: EVENTS_FLAGS, args: pathArgs, strict: false})
  const out = new StringWriter()
  const options = eventsOptions(flags, argv as string[], {...PIPE, ...o.where})
  await withState(stateFileOption(flags, argv as string[]), options.now!.getTime(), note(o), async (state) => {
    await runEvents({...options, state, stdin: stdin(o)}, out)
  })
  return out.text
}

/** `exim-rejects check ARGS`: the verdict, and the status line (or JSON) it prints. */
export async function check(args: string[], o: RunOptions = {}): Promise<{result: CheckResult; text: string}> {
  const {flags, argv} = await Parser.parse(args, {flags: CHECK_FLAGS, args: pathArgs, strict: false})
  const options = checkOptions(flags, argv as string[])
  const out = new StringWriter()
  let result!: CheckResult
  await withState(stateFileOption(flags, argv as string[]), options.now.getTime(), note(o), async (state) => {
    result = await runCheck({...options, state, stdin: stdin(o)})
    const clock = new ZoneClock(options.zone)
    if (flags.json) renderCheckJson(result, out, (t) => clock.offsetOfInstant(t))
    else renderStatusLine(result, out, perfdata(result, options))
  })
  return {result, text: out.text}
}
