// --prom-file and its options, shared by report and check.

import {readFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import {renderPrometheus, type PromInput} from '../render/prometheus.js'
import {refuseInputAsOutput} from './output.js'
import {EximRejectsError} from '../errors.js'
import {writeFileAtomically} from '../input/atomic-write.js'

export const promFlags = {
  'prom-file': Flags.string({
    description: "also write the counts for node_exporter's textfile collector to this file (atomically)",
    helpValue: 'PATH',
  }),
  'prom-recipients': Flags.boolean({
    description: 'with --prom-file: add a recipient label (the top --prom-top per kind, the rest as "other")',
  }),
  'prom-top': Flags.integer({
    description: 'with --prom-recipients: recipients labelled per kind',
    default: 10,
    min: 1,
    helpValue: 'N',
  }),
}

/**
 * --prom-file's value straight from the command line, for a run that failed before its flags
 * were read (a bad flag value): its textfile must still say so.
 */
export function promFileArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') break
    if (a === '--prom-file') return argv[i + 1]
    if (a.startsWith('--prom-file=')) return a.slice('--prom-file='.length)
  }
  return undefined
}

/** The last success a textfile tells of (epoch ms), or null: carried over by a run that fails. */
export async function lastSuccess(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const m = /^exim_rejects_check_last_success_timestamp_seconds(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(text)
  return m === null ? null : Number(m[1]) * 1000
}

// Textfiles refused because they are one of the logs read: not even a failing check writes them.
const refused = new Set<string>()

/** Refuses a --prom-file that is one of the logs the run reads (see refuseInputAsOutput). */
export async function refusePromFileOverInput(path: string | undefined, paths: string[]): Promise<void> {
  try {
    await refuseInputAsOutput('--prom-file', path, paths)
  } catch (err) {
    refused.add(path!)
    throw err
  }
}

export async function writePromFile(
  flags: {'prom-file'?: string; 'prom-recipients'?: boolean; 'prom-top'?: number},
  data: Omit<PromInput, 'recipientTop'>,
): Promise<void> {
  const path = flags['prom-file']
  if (path === undefined || refused.has(path)) return
  const text = renderPrometheus({...data, recipientTop: flags['prom-recipients'] ? flags['prom-top'] : undefined})
  // Atomically: node_exporter never reads half a file.
  try {
    writeFileAtomically(path, text, 0o644)
  } catch (err) {
    throw new EximRejectsError('OUTPUT', `${path}: cannot write: ${(err as Error).message}`)
  }
}
