#!/usr/bin/env node
// Build step: bundles the command line (dist/bundle/cli.cjs), the range reader's worker thread and
// the library surface (dist/bundle/index.js). What is installed then needs no package at run time,
// and loads fast: oclif's ~200 CommonJS files, loaded one by one, took ~0.1 s of every run; a
// single file is read and compiled at once.
import {readFile} from 'node:fs/promises'
import {build} from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18.19',
  // oclif can compile TypeScript commands in development; this tool ships JavaScript only.
  external: ['typescript', 'ts-node'],
  // The licences of what is bundled go with it, at the end of each file.
  legalComments: 'eof',
  // Whitespace and syntax only: names stay as written, so a --debug stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
}

// prom-client, which only the exporter uses, is a file of its own: the other commands neither read
// nor load it.
await build({
  ...common,
  entryPoints: [{in: 'prom-client', out: 'prom-client'}],
  outExtension: {'.js': '.cjs'},
  outdir: 'dist/bundle',
  format: 'cjs',
})

// The command line is CommonJS: bin/run.js compiles it with V8's code cache (vm.Script), which
// Node offers for scripts only, and oclif then finds it in require's cache instead of loading it
// a second time.
await build({
  ...common,
  entryPoints: [{in: 'dist/cli.js', out: 'cli'}],
  plugins: [
    {
      name: 'prom-client-beside',
      setup: (b) => b.onResolve({filter: /^prom-client$/}, () => ({path: './prom-client.cjs', external: true})),
    },
    {
      // oclif sorts the command list with localeCompare on every start, and the first call sets up
      // ICU's collator: 5 ms, a tenth of Node's own start. The ids are ASCII, which sort the same
      // by code unit.
      name: 'oclif-ascii-sort',
      setup: (b) =>
        b.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, async (args) => {
          const from = '.sort((a, b) => a.id.localeCompare(b.id))'
          const text = await readFile(args.path, 'utf8')
          if (!text.includes(from)) throw new Error(`${args.path}: the command sort to replace was not found`)
          return {
            contents: text.replace(from, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'),
            loader: 'js',
          }
        }),
    },
  ],
  outExtension: {'.js': '.cjs'},
  outdir: 'dist/bundle',
  format: 'cjs',
  // The worker's address is taken from the module's own (report-parts.ts).
  define: {'import.meta.url': '__bundleUrl'},
  banner: {js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;"},
})

await build({
  ...common,
  entryPoints: [
    // The worker sits next to the code that starts it, as it does in dist/services/.
    {in: 'dist/services/range-worker.js', out: 'range-worker'},
    {in: 'dist/index.js', out: 'index'},
  ],
  outdir: 'dist/bundle',
  format: 'esm',
  splitting: true,
  // oclif and its dependencies are CommonJS and require Node's own modules.
  banner: {
    js: [
      "import {createRequire as __createRequire} from 'node:module';",
      'const require = __createRequire(import.meta.url);',
    ].join(' '),
  },
})
