#!/usr/bin/env node
// Build step: bundles the command line (dist/cli.js), the range reader's worker thread and the
// library surface (dist/index.js) into dist/bundle/, a module each and the chunks they share. What
// is installed then needs no package at run time, and loads fast: oclif's ~200 CommonJS files,
// loaded one by one, took ~0.1 s of every run; a single file is read and compiled at once.
import {build} from 'esbuild'

await build({
  entryPoints: [
    {in: 'dist/cli.js', out: 'cli'},
    // The worker sits next to the code that starts it, as it does in dist/services/.
    {in: 'dist/services/range-worker.js', out: 'range-worker'},
    {in: 'dist/index.js', out: 'index'},
  ],
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  // What only one command needs (the exporter's prom-client and HTTP server) is a chunk of its own,
  // loaded when that command runs: the others do not parse it.
  splitting: true,
  target: 'node18.19',
  // oclif can compile TypeScript commands in development; this tool ships JavaScript only.
  external: ['typescript', 'ts-node'],
  // oclif and its dependencies are CommonJS and require Node's own modules.
  banner: {
    js: [
      "import {createRequire as __createRequire} from 'node:module';",
      'const require = __createRequire(import.meta.url);',
    ].join(' '),
  },
  // The licences of what is bundled go with it, at the end of each file.
  legalComments: 'eof',
  // Whitespace and syntax only: names stay as written, so a --debug stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
})
