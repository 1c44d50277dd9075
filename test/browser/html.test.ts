/// <reference lib="dom" />
// The HTML report in a real browser (Debian's chromium, headless): it loads without errors or
// network requests, its charts' bars carry the counts the JSON report gives, and hostile log text
// shows as text. Skips, saying why, where no chromium is installed (.ci/run installs it).

import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
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

async function load(browser: Browser, file: string, viewport = {width: 1100, height: 900}) {
  const page = await browser.newPage({viewport})
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

  it("at a phone's width (390 px): nothing cut or off the page, addresses and dates whole, the chart legible", async () => {
    // Dropped mail for long addresses, next to the samples.
    const log = join(dir, 'phone', 'mainlog')
    mkdirSync(join(dir, 'phone'), {recursive: true})
    const pair = (t: string, pid: number, rcpt: string) =>
      `2026-11-24 ${t} [${pid}] configured error code starts with incorrect digit (expected 2) in "422 Mailbox ${rcpt} is over quota"\n` +
      `2026-11-24 ${t} [${pid}] H=mail-ed1-x52a.google.com [2a00:1450:4864:20::52a]:41234 F=<a@example.org> RCPT <${rcpt}>: discarded by RCPT ACL: 422 Mailbox ${rcpt} is over quota\n`
    writeFileSync(
      log,
      readFileSync(join(SAMPLES, 'mainlog'), 'utf8') +
        pair('12:00:01', 7001, 'alexandra.konstantinopolskaya@accounting.example-company.example') +
        pair('12:00:02', 7002, 'info@mail.example.net'),
    )
    const file = join(dir, 'phone.html')
    expect(runCli(['report', '--kind', 'all', '--format', 'html', '--output', file, log]).code).toBe(0)
    const {page, errors} = await load(browser, file, {width: 390, height: 844})
    expect(errors).toEqual([])
    await page.screenshot({path: join(dir, 'phone.png'), fullPage: true})

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const cells = await page.$$eval('#discarded th, #discarded td', (cs) =>
      cs.map((c) => ({
        text: c.textContent,
        over: c.scrollWidth - c.clientWidth,
        right: c.getBoundingClientRect().right,
      })),
    )
    expect(cells.length).toBe(4 * (1 + 4))
    for (const c of cells) {
      expect(c.over, c.text!).toBeLessThanOrEqual(0)
      expect(c.right, c.text!).toBeLessThanOrEqual(390)
    }
    // Where each recipient wraps: only after @ / : or before a dot, never inside a word.
    const breaks = await page.$$eval('#discarded td.k', (tds) =>
      tds.map((td) => {
        const text = td.textContent!
        const range = document.createRange()
        const tops: number[] = []
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT)
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (let i = 0; i < n.textContent!.length; i++) {
            range.setStart(n, i)
            range.setEnd(n, i + 1)
            tops.push(Math.round(range.getBoundingClientRect().top))
          }
        }
        const at: string[] = []
        for (let i = 1; i < tops.length; i++) if (tops[i] !== tops[i - 1]) at.push(text.slice(i - 1, i + 1))
        return {text, at}
      }),
    )
    expect(breaks.map((b) => b.text)).toContain('alexandra.konstantinopolskaya@accounting.example-company.example')
    expect(breaks.some((b) => b.at.length > 0)).toBe(true)
    for (const b of breaks) for (const pair of b.at) expect(pair, `${b.text}: ${b.at}`).toMatch(/^[@/:]|\.$|^.\./)
    // Each date and each time on one line.
    const times = await page.$$eval('#discarded td.t .nw', (ss) => ss.map((s) => s.getClientRects().length))
    expect(times.length).toBe(2 * 2 * 4)
    expect(new Set(times)).toEqual(new Set([1]))

    // The chart: inside the page, its labels inside it, apart, and drawn at least 9 px high.
    const chart = await page.$eval('#timeline', (svg) => {
      const box = svg.getBoundingClientRect()
      const labels = Array.from(svg.querySelectorAll('text'))
        .filter((t) => getComputedStyle(t).display !== 'none')
        .map((t) => t.getBoundingClientRect())
        .map((r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height}))
      return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}, labels}
    })
    expect(chart.box.right).toBeLessThanOrEqual(390)
    expect(chart.labels.length).toBeGreaterThanOrEqual(4)
    for (const l of chart.labels) {
      expect(l.left).toBeGreaterThanOrEqual(chart.box.left - 0.5)
      expect(l.right).toBeLessThanOrEqual(chart.box.right + 0.5)
      expect(l.top).toBeGreaterThanOrEqual(chart.box.top - 0.5)
      expect(l.bottom).toBeLessThanOrEqual(chart.box.bottom + 0.5)
      expect(l.height).toBeGreaterThanOrEqual(9)
    }
    const ticks = chart.labels.filter((l) => l.top > chart.box.top + 20).sort((a, b) => a.left - b.left)
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.left).toBeGreaterThan(ticks[i - 1]!.right)
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
