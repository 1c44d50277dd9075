// Builds exim-rejects_<version>_all.deb with dpkg-deb from the built tree (npm run deb builds
// first): the bundle under /usr/share/exim-rejects, /usr/bin/exim-rejects, the manual, bash and
// zsh completion, and the examples. Runs on Debian's nodejs (Depends: nodejs (>= 18.19)).
//
//   node packaging/deb.mjs [OUTDIR]

import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {gzipSync} from 'node:zlib'
import {dirname, join, relative, resolve} from 'node:path'
import {bashCompletion, zshCompletion} from './completion.mjs'
import {manPage} from './manpage.mjs'
import {pkg, ROOT, stageRuntime} from './stage.mjs'

const out = resolve(process.argv[2] ?? ROOT)
const MAINTAINER = 'exim-rejects developers <exim-rejects@example.org>'
// The commit's date, so that one tree builds one package (SOURCE_DATE_EPOCH wins, as in Debian).
const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? gitEpoch() ?? Math.floor(Date.now() / 1000))
const date = new Date(epoch * 1000)

function gitEpoch() {
  try {
    return execFileSync('git', ['-C', ROOT, 'log', '-1', '--format=%ct'], {encoding: 'utf8'}).trim() || null
  } catch {
    return null
  }
}

const stage = join(ROOT, 'build', 'deb')
rmSync(stage, {recursive: true, force: true})

/** Writes a file into the package tree: 0644, or 0755 when executable. */
function put(path, content, executable = false) {
  const p = join(stage, path)
  mkdirSync(dirname(p), {recursive: true})
  writeFileSync(p, content)
  chmodSync(p, executable ? 0o755 : 0o644)
}
const copy = (from, to, executable = false) => put(to, readFileSync(join(ROOT, from)), executable)
// gzip -9n: no name or time in the header, as Debian wants compressed docs.
const gz = (text) => gzipSync(Buffer.from(text), {level: 9})

// The program: what runs, and the package.json oclif reads its settings from.
const share = 'usr/share/exim-rejects'
stageRuntime(join(stage, share))
// The code cache the postinst makes for the Node installed (see bin/run.js), unless one is named.
const cache = '/var/cache/exim-rejects/cli.v8cache'
put(
  'usr/bin/exim-rejects',
  [
    '#!/bin/sh',
    `: "\${EXIM_REJECTS_CODE_CACHE:=${cache}}"`,
    'export EXIM_REJECTS_CODE_CACHE',
    `exec /usr/bin/node /${share}/bin/run.js "$@"`,
    '',
  ].join('\n'),
  true,
)
// The sample logs: the runs of them that bin/run.js makes are those whose compiled code the cache keeps.
for (const f of readdirSync(join(ROOT, 'samples')).filter((f) => !f.endsWith('.png')))
  copy(`samples/${f}`, `${share}/samples/${f}`)

put('usr/share/man/man1/exim-rejects.1.gz', gz(await manPage({date: date.toISOString().slice(0, 10)})))
put('usr/share/bash-completion/completions/exim-rejects', await bashCompletion())
put('usr/share/zsh/vendor-completions/_exim-rejects', await zshCompletion())

const doc = 'usr/share/doc/exim-rejects'
put(`${doc}/copyright`, copyright())
put(`${doc}/changelog.gz`, gz(changelog()))
put(`${doc}/README.md.gz`, gz(readFileSync(join(ROOT, 'README.md'))))
for (const f of walk(join(ROOT, 'examples'))) copy(relative(ROOT, f), `${doc}/${relative(ROOT, f)}`)

const files = walk(stage)
const installedKiB = files.reduce((n, f) => n + Math.ceil(statSync(f).size / 1024), 0)
put(
  'DEBIAN/md5sums',
  files.map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(stage, f)}\n`).join(''),
)
put('DEBIAN/control', control(installedKiB))
put('DEBIAN/postinst', postinst(), true)
put('DEBIAN/postrm', postrm(), true)
// A new Node refuses the old cache: the nodejs package's upgrade makes a new one.
put('DEBIAN/triggers', 'interest-noawait /usr/bin/node\n')

mkdirSync(out, {recursive: true})
const deb = join(out, `${pkg.name}_${pkg.version}_all.deb`)
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, deb], {
  stdio: ['ignore', 'ignore', 'inherit'],
})
process.stdout.write(`${deb}\n`)

function walk(dir) {
  return readdirSync(dir, {withFileTypes: true})
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
}

function control(installedKiB) {
  const long = [
    'exim-rejects reads the main, reject and panic logs of the Exim mail server',
    'and tells which recipients were deferred or rejected at RCPT time, by which',
    'sending hosts, for what reason, and whether mail is being silently lost: a',
    'discard in the RCPT ACL with a 4xx message answers 250 and drops the mail,',
    "and deliveries failing for quota show that the ACL's quota check (Dovecot's",
    'quota-status) is not firing.',
    '.',
    'It prints summaries, CSV, JSON and HTML reports and event listings, follows',
    'logs across rotation, sums reports of several servers, and is a Nagios',
    'plugin and a source of node_exporter textfile metrics.',
  ]
  return (
    [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      'Architecture: all',
      `Maintainer: ${MAINTAINER}`,
      `Installed-Size: ${installedKiB}`,
      'Depends: nodejs (>= 18.19)',
      'Suggests: exim4',
      'Section: mail',
      'Priority: optional',
      'Description: reports on Exim RCPT deferrals, rejections and dropped mail',
      ...long.map((l) => ` ${l}`),
    ].join('\n') + '\n'
  )
}

// V8's code cache of the program for the Node installed here, made by a report of the samples: a
// short run (check from cron or NRPE) then loads the program compiled, ~35% faster. Failing to
// make it fails nothing: the program only starts more slowly.
function postinst() {
  return `#!/bin/sh
set -e
case "$1" in
  configure | triggered)
    mkdir -p ${dirname(cache)}
    if ! EXIM_REJECTS_WRITE_CODE_CACHE=1 EXIM_REJECTS_CODE_CACHE=${cache} \\
      /usr/bin/node /${share}/bin/run.js > /dev/null 2>&1; then
      rm -f ${cache}
      echo "exim-rejects: no code cache was made; the program starts more slowly" >&2
    fi
    ;;
esac
exit 0
`
}

function postrm() {
  return `#!/bin/sh
set -e
case "$1" in
  remove | purge) rm -rf ${dirname(cache)} ;;
esac
exit 0
`
}

function changelog() {
  const stamp = date.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1, $2 $3 $4 $5 +0000')
  return (
    `${pkg.name} (${pkg.version}) unstable; urgency=medium\n\n` +
    `  * Release ${pkg.version}.\n\n` +
    ` -- ${MAINTAINER}  ${stamp}\n`
  )
}

function copyright() {
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8')
  const holder = /Copyright \(c\) (.*)/.exec(license)?.[1] ?? 'The exim-rejects developers'
  // The licence's text, from "Permission", as a DEP-5 paragraph: blank lines as " .".
  const text = license
    .slice(license.indexOf('Permission'))
    .trimEnd()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l}`))
    .join('\n')
  return [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    `Upstream-Name: ${pkg.name}`,
    '',
    'Files: *',
    `Copyright: ${holder}`,
    `License: ${pkg.license}`,
    // The bundle holds these packages' code; their licences are at the end of each bundled file.
    'Comment: /usr/share/exim-rejects/dist/bundle/ includes @oclif/core, csv-stringify,',
    ' date-fns, @date-fns/tz, split2 and their dependencies, under the MIT, ISC and',
    ' BSD licences stated at the end of each file.',
    '',
    `License: ${pkg.license}`,
    text,
    '',
  ].join('\n')
}
