// --prom-file and its options, shared by report and check.

import {Flags} from '@oclif/core'
import {renderPrometheus, type PromInput} from '../render/prometheus.js'
import {writeAtomically} from './prom-file.js'

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

export async function writePromFile(
  flags: {'prom-file'?: string; 'prom-recipients'?: boolean; 'prom-top'?: number},
  data: Omit<PromInput, 'recipientTop'>,
): Promise<void> {
  const path = flags['prom-file']
  if (path === undefined) return
  await writeAtomically(
    path,
    renderPrometheus({...data, recipientTop: flags['prom-recipients'] ? flags['prom-top'] : undefined}),
  )
}
