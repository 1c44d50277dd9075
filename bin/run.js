#!/usr/bin/env node
import {setFlagsFromString} from 'node:v8'
import {fileURLToPath} from 'node:url'

// A small young generation: reading a log makes much short-lived garbage, and a big nursery only
// raises the peak memory without making the run faster.
setFlagsFromString('--max-semi-space-size=4')
const {execute} = await import('../dist/bundle/cli.js')

// No user-installed oclif plugins: the tool must not read the invoking user's home directory.
await execute({loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false, devPlugins: false}})
