// Reading the exporter's /metrics as Prometheus does: the text format, one sample per line.

import {readFileSync} from 'node:fs'
import type {Running} from './cli/run-cli.js'

/** `name{labels}` (labels as served) -> value, for every sample line. */
export function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const sp = line.lastIndexOf(' ')
    m.set(line.slice(0, sp), Number(line.slice(sp + 1)))
  }
  return m
}

/** The sum of every sample of `name` whose labels include all of `labels` (`kind="rcpt-defer"`). */
export function total(m: Map<string, number>, name: string, ...labels: string[]): number {
  let sum = 0
  for (const [k, v] of m) {
    const brace = k.indexOf('{')
    if ((brace === -1 ? k : k.slice(0, brace)) !== name) continue
    if (labels.every((l) => k.includes(l))) sum += v
  }
  return sum
}

export async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url)
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
  return parseMetrics(await res.text())
}

/** read(2)-family calls the process has made so far (Linux): each poll of a follower makes some. */
export const readsOf = (pid: number): number =>
  Number(/^syscr: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1])

/** Scrapes until `test` holds, again after each time the exporter has looked at its log, within a generous bound. */
export async function scrapeUntil(
  exporter: Running,
  url: string,
  what: string,
  test: (m: Map<string, number>) => boolean,
  timeoutMs = 20_000,
): Promise<Map<string, number>> {
  const end = Date.now() + timeoutMs
  const pid = exporter.child.pid!
  for (;;) {
    const m = await scrape(url)
    if (test(m)) return m
    // Counted after the scrape: the exporter's own reads of it are not a look at the log.
    const reads = readsOf(pid)
    try {
      await exporter.waitFor(
        `${what}: the exporter's next read`,
        () => readsOf(pid) > reads,
        Math.max(1, end - Date.now()),
      )
    } catch {
      const seen = [...m].filter(([k]) => k.startsWith('exim_rejects_')).map(([k, v]) => `${k} ${v}`)
      throw new Error(`timed out waiting for ${what}; last scrape:\n${seen.join('\n')}`)
    }
  }
}
