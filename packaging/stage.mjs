// The files an installed exim-rejects consists of, copied out of the built tree: the bundle, its
// worker, the command manifest, and a package.json with what oclif and npm read at run time
// (no scripts, no development dependencies: an installed copy builds nothing).

import {chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

function copy(from, to, mode) {
  mkdirSync(dirname(to), {recursive: true})
  cpSync(join(ROOT, from), to, {recursive: true})
  if (mode !== undefined) chmodSync(to, mode)
}

/**
 * Copies the program into `dir`. `library`: also the library bundle and its type declarations,
 * with README and LICENSE (what the npm package carries besides the command).
 */
export function stageRuntime(dir, {library = false} = {}) {
  copy('bin/run.js', join(dir, 'bin/run.js'), 0o755)
  // Makes bin/run.js CommonJS, in a package whose code is otherwise ES modules.
  copy('bin/package.json', join(dir, 'bin/package.json'), 0o644)
  // The command line, the range reader's worker and the chunks they share (and the exporter's own).
  for (const f of readdirSync(join(ROOT, 'dist/bundle'))) {
    if (f === 'index.js' && !library) continue
    // V8's code cache is of the Node that built it; an installed copy makes its own (the .deb's
    // postinst) or compiles the bundle as without one.
    if (f.endsWith('.v8cache')) continue
    copy(`dist/bundle/${f}`, join(dir, 'dist/bundle', f), 0o644)
  }
  copy('oclif.manifest.json', join(dir, 'oclif.manifest.json'), 0o644)
  const runtime = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    type: pkg.type,
    bin: pkg.bin,
    ...(library ? {main: pkg.main, types: pkg.types, files: pkg.files} : {}),
    engines: pkg.engines,
    oclif: pkg.oclif,
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(runtime, null, 2) + '\n')
  if (library) {
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {
      recursive: true,
      filter: (src) => !src.endsWith('.js') || src.includes('/dist/bundle/'),
    })
    for (const f of ['README.md', 'LICENSE']) copy(f, join(dir, f), 0o644)
  }
}
