// Builds exim-rejects-<version>.tgz, the npm package (npm run pack builds first): the bundle and
// the library, with a package.json that has no scripts and no dependencies, so that
// `npm install -g exim-rejects-<version>.tgz` installs one self-contained package, offline.
//
//   node packaging/pack.mjs [OUTDIR]

import {execFileSync} from 'node:child_process'
import {mkdirSync, rmSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {pkg, ROOT, stageRuntime} from './stage.mjs'

const out = resolve(process.argv[2] ?? ROOT)
const stage = join(ROOT, 'build', 'npm')
rmSync(stage, {recursive: true, force: true})
stageRuntime(stage, {library: true})
mkdirSync(out, {recursive: true})
execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', out], {
  cwd: stage,
  stdio: ['ignore', 'ignore', 'inherit'],
})
process.stdout.write(`${join(out, `${pkg.name}-${pkg.version}.tgz`)}\n`)
