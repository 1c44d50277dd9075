#!/usr/bin/env node
// Produces real Exim log sets with the harness, one directory per scenario:
//   node test/integration/harness/make-logs.mjs [--out DIR] [--only a,b] [--list]
// Default DIR is /tmp/real-exim-logs. Plain JavaScript so that Node 20 runs it directly.
// Exit status: 0 done, 2 harness prerequisites missing (reason on stderr), 1 a scenario failed.
// The *-syslog* sets also need rsyslog (installed with apt-get when missing) and a free /dev/log;
// without them they are skipped with the reason, or exit 2 when named in --only.

import {rm} from 'node:fs/promises'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {SCENARIOS, probe, probeSyslog, runScenario, teardownAll} from './index.mjs'

async function main() {
  const {values} = parseArgs({
    options: {
      out: {type: 'string', default: '/tmp/real-exim-logs'},
      only: {type: 'string'},
      list: {type: 'boolean', default: false},
    },
  })
  if (values.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(22)} ${s.about}\n`)
    return 0
  }
  const wanted = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined
  const unknown = wanted?.filter((w) => !SCENARIOS.some((s) => s.name === w)) ?? []
  if (unknown.length) {
    process.stderr.write(`make-logs: unknown scenario ${unknown.join(', ')} (see --list)\n`)
    return 2
  }
  const probed = await probe()
  if (!probed.ok) {
    process.stderr.write(`make-logs: cannot run: ${probed.reason}\n`)
    return 2
  }
  process.stderr.write(`make-logs: Exim ${probed.info.eximVersion}, Dovecot ${probed.info.dovecotVersion}\n`)
  const chosen = SCENARIOS.filter((s) => !wanted || wanted.includes(s.name))
  let skipSyslog = false
  if (chosen.some((s) => s.syslog)) {
    const sys = await probeSyslog()
    if (!sys.ok && wanted) {
      process.stderr.write(`make-logs: cannot run the syslog sets: ${sys.reason}\n`)
      return 2
    }
    if (!sys.ok) {
      process.stderr.write(`make-logs: skipping the syslog sets: ${sys.reason}\n`)
      skipSyslog = true
    } else {
      process.stderr.write(`make-logs: rsyslog ${sys.info.rsyslogVersion}\n`)
    }
  }
  for (const {about, ...scenario} of chosen) {
    if (skipSyslog && scenario.syslog) continue
    const outDir = join(values.out ?? '/tmp/real-exim-logs', scenario.name)
    await rm(outDir, {recursive: true, force: true})
    const started = Date.now()
    const result = await runScenario({...scenario, outDir})
    await result.cleanup()
    const s = result.summary
    const n = (/** @type {Record<string, number>} */ r) => Object.values(r).reduce((a, b) => a + b, 0)
    process.stderr.write(
      `make-logs: ${scenario.name}: ${s.total} RCPTs (deferred ${n(s.deferred)}, ` +
        `discarded ${n(s.discarded)}, accepted ${n(s.accepted)}, other ${n(s.other)}) ` +
        `in ${Date.now() - started} ms -> ${outDir}\n`,
    )
  }
  return 0
}

// An interrupted run must not leave a Dovecot master, an rsyslogd on /dev/log or a
// trusted-config entry behind.
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(sig, () => {
    process.stderr.write(`make-logs: ${sig}, stopping Dovecot and rsyslogd\n`)
    teardownAll().finally(() => process.exit(130))
  })
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`make-logs: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)
