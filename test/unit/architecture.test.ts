// The pipeline's stages, and the direction their dependencies point: a module imports only from
// its own stage or the ones before it (input -> parse -> classify -> read -> filter -> aggregate ->
// verdict -> render -> services -> cli -> commands), never up to a renderer or a service.

import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const SRC = fileURLToPath(new URL('../../src', import.meta.url))

/** Each module's stage, by its path under src/; a lower number comes earlier. */
const STAGES: [RegExp, number][] = [
  [/^(types|kinds|errors|v8-tuning|lazy-node)\.ts$|^time\//, 0],
  [/^quota-links\.ts$/, 1],
  [/^input\//, 2],
  [/^parse\//, 3],
  [/^events\//, 4],
  [/^(read|parallel)\//, 5],
  [/^filter\//, 6],
  [/^aggregate\//, 7],
  [/^verdict\//, 8],
  [/^render\//, 9],
  [/^services\//, 10],
  [/^cli\//, 11],
  [/^(commands\/|cli\.ts$|index\.ts$)/, 12],
]

function stage(path: string): number {
  const s = STAGES.find(([re]) => re.test(path))
  if (s === undefined) throw new Error(`${path}: no stage`)
  return s[1]
}

function modules(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

describe('dependencies point one way', () => {
  const files = modules(SRC).map((f) => relative(SRC, f))

  it.each(files)('%s imports nothing from a later stage', (file) => {
    const text = readFileSync(join(SRC, file), 'utf8')
    const imports = [...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map((m) =>
      relative(SRC, join(SRC, file, '..', m[1]!)).replace(/\.js$/, '.ts'),
    )
    const later = imports.filter((i) => stage(i) > stage(file))
    expect(later, `${file} (stage ${stage(file)})`).toEqual([])
  })
})
