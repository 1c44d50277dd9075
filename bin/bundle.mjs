#!/usr/bin/env node
// Build step: bundles the command line (dist/bundle/cli.cjs), the range reader's worker thread and
// the library surface (dist/bundle/index.js). What is installed then needs no package at run time,
// and loads fast: oclif's ~200 CommonJS files, loaded one by one, took ~0.1 s of every run; a
// single file is read and compiled at once.
import {readFile, writeFile} from 'node:fs/promises'
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

/**
 * An esbuild plugin that makes, in the files that `filter` matches, each replacement `[from, to]`.
 * A file without `from` (a new version of the package) fails the build instead of going unpatched.
 */
function patch(filter, ...replacements) {
  return {
    name: `patch ${filter}`,
    setup: (b) =>
      b.onLoad({filter}, async (args) => {
        let text = await readFile(args.path, 'utf8')
        for (const [from, to] of replacements) {
          if (!text.includes(from))
            throw new Error(`${args.path}: ${JSON.stringify(from)}, to be replaced, was not found`)
          text = text.replace(from, to)
        }
        return {contents: text, loader: 'js'}
      }),
  }
}

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
    // oclif sorts the command list with localeCompare on every start, and the first call sets up
    // ICU's collator: 5 ms, a tenth of Node's own start. The ids are ASCII, which sort the same by
    // code unit.
    patch(/@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/, [
      '.sort((a, b) => a.id.localeCompare(b.id))',
      '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))',
    ]),
    // oclif's check of Node's version loads semver (4 ms) to compare with a package.json it looks
    // for beside its own files, which the bundle does not have; bin/run.js checks instead.
    patch(/@oclif[\\/]core[\\/]lib[\\/]index\.js$/, ['\ncheckNodeVersion();\n', '\n']),
    // The rest load Node's modules at their first use rather than at every start (about 10 ms in
    // all): debug loads tty and net for oclif's log, which only DEBUG=oclif:... prints;
    // supports-color loads tty when a colour is asked for; perf_hooks serves oclif's own timing;
    // child_process (and with it net and dgram) serves Windows only, and wsl-utils, which oclif
    // asks whether this is WSL, loads it too: it is asked only where the kernel says Microsoft,
    // which is what it checks first.
    patch(/@oclif[\\/]core[\\/]lib[\\/]logger\.js$/, [
      'const debug_1 = __importDefault(require("debug"));',
      'const debug_1 = {default: (ns) => (process.env.DEBUG ? require("debug")(ns) : () => {})};',
    ]),
    patch(/@oclif[\\/]core[\\/]lib[\\/]ux[\\/]supports-color\.js$/, [
      'const supports_color_1 = require("supports-color");',
      'const supports_color_1 = {get stdout() { return require("supports-color").stdout }, get stderr() { return require("supports-color").stderr }};',
    ]),
    patch(/@oclif[\\/]core[\\/]lib[\\/]performance\.js$/, [
      'const node_perf_hooks_1 = require("node:perf_hooks");',
      'const node_perf_hooks_1 = {get performance() { return require("node:perf_hooks").performance }, get PerformanceObserver() { return require("node:perf_hooks").PerformanceObserver }};',
    ]),
    patch(
      /@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/,
      [
        'const node_child_process_1 = require("node:child_process");',
        'const node_child_process_1 = {get execSync() { return require("node:child_process").execSync }};',
      ],
      [
        "return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();",
        "return mayBeWsl() && (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();\n" +
          '}\n' +
          'function mayBeWsl() {\n' +
          "  if (process.platform !== 'linux') return false;\n" +
          '  if (/microsoft/i.test((0, node_os_1.release)())) return true;\n' +
          "  try { return /microsoft/i.test(require('node:fs').readFileSync('/proc/version', 'utf8')); } catch { return false; }",
      ],
    ),
  ],
  outExtension: {'.js': '.cjs'},
  outdir: 'dist/bundle',
  format: 'cjs',
  // The worker's address is taken from the module's own (report-parts.ts).
  define: {'import.meta.url': '__bundleUrl'},
  banner: {js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;"},
})
await asciiOnly('dist/bundle/cli.cjs')

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

/**
 * Makes the bundle ASCII, so that bin/run.js can read it as latin1: V8 then holds the source as a
 * one-byte string, with no UTF-8 decoding at every start. esbuild escapes strings and templates
 * itself; what it leaves are regex literals (ansis' `[\u001B\u009B]`) and comments, where a
 * `\uXXXX` escape means the same character.
 */
async function asciiOnly(file) {
  const text = await readFile(file, 'utf8')
  const ascii = text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  if (ascii !== text) await writeFile(file, ascii)
}
