// The shipped Grafana dashboard is valid JSON that Grafana can import, and every metric it queries
// is one the exporter serves: a dashboard that names a metric nobody serves shows "No data".

import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {ExporterMetrics} from '../../src/aggregate/exporter-metrics.js'

const promtool = spawnSync('promtool', ['--version']).status === 0

const FILE = fileURLToPath(new URL('../../examples/grafana/exim-rejects-exporter.json', import.meta.url))

interface Panel {
  title: string
  type: string
  gridPos: {x: number; y: number; w: number; h: number}
  targets: {expr: string; refId: string}[]
}

/** The names of every metric the exporter serves (per-recipient counters on), from its registry. */
async function served(): Promise<Set<string>> {
  const metrics = new ExporterMetrics({maxReasons: 5, recipients: 5, version: 'test', log: 'mainlog'})
  const {body} = await metrics.scrape()
  const names = new Set<string>()
  for (const m of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!)
    // Histograms are queried through their series.
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1]! + s)
  }
  return names
}

describe('examples/grafana', () => {
  const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as {
    uid: string
    title: string
    panels: Panel[]
    templating: {list: {name: string; definition?: string}[]}
  }

  it('is a dashboard with panels that each query something, laid out on the 24-column grid', () => {
    expect(dashboard.uid).toBe('exim-rejects')
    expect(dashboard.panels.length).toBeGreaterThan(5)
    for (const p of dashboard.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0)
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24)
    }
  })

  it('queries only metrics the exporter serves, and every kind of counter it serves', async () => {
    const names = await served()
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.flatMap((v) => (v.definition === undefined ? [] : [v.definition])),
    ]
    const queried = new Set(
      exprs.flatMap((e) => [...e.matchAll(/\b(?:exim_rejects|process|nodejs)_[a-z_]+\b/g)].map((m) => m[0])),
    )
    for (const e of exprs) expect(e, 'a recording rule is not served by the exporter').not.toMatch(/exim_rejects:/)
    for (const name of queried) expect(names, name).toContain(name)
    for (const name of names) if (name.startsWith('exim_rejects_')) expect(queried, name).toContain(name)
  })

  it.runIf(promtool)('every query is PromQL that Prometheus parses (promtool, with the variables filled in)', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))
    const filled = exprs.map((e) =>
      e.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replaceAll('$instance', '.*'),
    )
    const rules = [
      'groups:',
      '  - name: dashboard',
      '    rules:',
      ...filled.flatMap((e, i) => [`      - record: dashboard:query${i}`, `        expr: ${JSON.stringify(e)}`]),
    ].join('\n')
    const file = join(mkdtempSync(join(tmpdir(), 'exim-rejects-grafana-')), 'queries.yml')
    writeFileSync(file, rules + '\n')
    const r = spawnSync('promtool', ['check', 'rules', file], {encoding: 'utf8'})
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toContain(`SUCCESS: ${exprs.length} rules found`)
  })
})
