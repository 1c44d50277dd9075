// The HTML report in a real browser (Debian's chromium, headless): it loads without errors or
// network requests, its charts' bars carry the counts the JSON report gives, and hostile log text
// shows as text. Skips, saying why, where no chromium is installed (.ci/run installs it).

import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {chromium, type Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, SAMPLES} from '../cli/run-cli.js'

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium'
const have = existsSync(CHROMIUM)
if (!have) console.warn(`browser tests skipped: no chromium at ${CHROMIUM}`)

const dir = mkdtempSync(join(tmpdir(), 'exim-rejects-html-'))

async function load(browser: Browser, file: string) {
  const page = await browser.newPage({viewport: {width: 1100, height: 900}})
  const errors: string[] = []
  const requests: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(pathToFileURL(file).href, {waitUntil: 'load'})
  return {page, errors, requests}
}

describe.skipIf(!have)('the HTML report in chromium', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
  }, 60_000)
  afterAll(async () => browser?.close())

  it('samples: no errors, no requests, charts and tables equal the JSON report', async () => {
    const file = join(dir, 'r.html')
    const r = runCli(['report', '--kind', 'all', '--format', 'html', '--output', file, SAMPLES])
    expect(r.code).toBe(0)
    const json = JSON.parse(
      runCli(['report', '--kind', 'all', '--by', 'recipient', '--format', 'json', SAMPLES]).stdout,
    )
    const {page, errors, requests} = await load(browser, file)
    expect(errors).toEqual([])
    expect(requests).toEqual([pathToFileURL(file).href])

    // The time chart: its bars add up, kind by kind, to the totals.
    const bars = await page.$$eval('#timeline rect.bar', (rs) =>
      rs.map((e) => [e.getAttribute('data-kind')!, Number(e.getAttribute('data-count'))] as const),
    )
    const perKind: Record<string, number> = {}
    for (const [k, n] of bars) perKind[k] = (perKind[k] ?? 0) + n
    for (const [k, n] of Object.entries(json.totals as Record<string, number>)) expect(perKind[k] ?? 0, k).toBe(n)
    // Per hour, as the data says (the samples span three days).
    expect(await page.getAttribute('#timeline', 'data-step')).toBe('3600000')

    // Totals table and top recipients (bars and table rows) as in the JSON.
    const totals = await page.$$eval('#totals tr[data-kind]', (rs) =>
      rs.map((e) => [e.getAttribute('data-kind'), Number(e.getAttribute('data-count'))]),
    )
    expect(Object.fromEntries(totals)).toEqual(json.totals)
    const top = await page.$$eval('#top-recipient .bar-row', (rs) =>
      rs.map((e) => [e.getAttribute('data-key'), Number(e.getAttribute('data-count'))]),
    )
    expect(top).toEqual(
      json.groups.slice(0, 10).map((g: {recipient: string; count: number}) => [g.recipient || '-', g.count]),
    )
    const widths = await page.$$eval('#top-recipient .fill', (fs) => fs.map((f) => f.getBoundingClientRect().width))
    expect(widths[0]).toBeGreaterThan(widths.at(-1)!)

    // The verdict and the dropped recipients, in full.
    expect(await page.textContent('#verdict')).toMatch(/^3 RCPTs for 2 recipients answered 250 and silently dropped/)
    expect(await page.$$eval('#discarded tr', (rs) => rs.length)).toBe(1 + 2)
    expect(await page.textContent('#accounting')).toContain(`${json.input.lines} lines`)
  }, 60_000)

  it('hostile log text is shown as text', async () => {
    const log = join(dir, 'mainlog')
    writeFileSync(
      log,
      '2026-11-25 10:00:00 H=(<script>alert(1)</script>) [192.0.2.66] F=<a@example.org> temporarily rejected RCPT <"<img src=x onerror=alert(2)>"@example.net>: 422 <b>bold</b> \x1b]0;t\x07\n',
    )
    const file = join(dir, 'h.html')
    runCli(['report', '--by', 'helo,recipient', '--format', 'html', '--output', file, log])
    const {page, errors, requests} = await load(browser, file)
    expect(errors).toEqual([])
    expect(requests).toHaveLength(1)
    expect(await page.$$eval('script, img, b', (e) => e.length)).toBe(0)
    const text = await page.textContent('body')
    expect(text).toContain('<script>alert(1)</script>')
    expect(text).toContain('<img src=x onerror=alert(2)')
    expect(text).toContain('<b>bold</b>')
    expect(text).toContain('\\x1b]')
    expect(text).not.toContain('\x1b')
  }, 60_000)
})
