import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

// The child runs the built writer (npm test builds first), as the commands do.
const WRITER = fileURLToPath(new URL('../../../dist/cli/output.js', import.meta.url))
const LINES = 200_000

/** Runs a child that writes LINES numbered lines to its stdout, a pipe read only after `delayMs`. */
function writeThroughSlowPipe(delayMs: number): Promise<{text: string; code: number | null; stderr: string}> {
  // Touching process.stdout makes Node put the pipe in non-blocking mode, as oclif does in a real run.
  const script = `process.stdout; const {StreamWriter} = await import(${JSON.stringify(WRITER)});
    const w = new StreamWriter(); for (let i = 0; i < ${LINES}; i++) w.write(i + ',row\\n'); await w.end()`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout.pause()
  setTimeout(() => child.stdout.resume(), delayMs)
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => out.push(d))
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({text: Buffer.concat(out).toString(), code, stderr})),
  )
}

describe('StreamWriter', () => {
  it('waits for a slow reader instead of queueing output, and loses nothing', async () => {
    const r = await writeThroughSlowPipe(500)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.text.split('\n')
    expect(lines).toHaveLength(LINES + 1)
    expect(lines.every((l, i) => i === LINES || l === `${i},row`)).toBe(true)
  })
})
