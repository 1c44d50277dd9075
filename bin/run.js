#!/usr/bin/env node
import {fileURLToPath} from 'node:url'
import {execute} from '@oclif/core'

// No user-installed oclif plugins: the tool must not read the invoking user's home directory.
await execute({loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false, devPlugins: false}})
