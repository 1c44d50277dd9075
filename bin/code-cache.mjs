#!/usr/bin/env node
// Build step: writes dist/bundle/cli.v8cache, V8's code cache of the command line (see bin/run.js),
// after the runs of the samples that bin/run.js makes when it writes one, so that it holds what
// such runs compile (oclif's start, the reading, the counting, the check), not only the bundle's
// outline. Made by, and for, the Node that runs this; another Node refuses it and compiles the
// bundle as without one.
import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
execFileSync(process.execPath, ['bin/run.js'], {
  cwd: root,
  env: {...process.env, EXIM_REJECTS_WRITE_CODE_CACHE: '1', EXIM_REJECTS_CODE_CACHE: ''},
  stdio: ['ignore', 'ignore', 'inherit'],
})
