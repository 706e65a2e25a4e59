// End to end, the Insights view: the browser host (`attune serve`) analyses a fixture soundtrack,
// two runs with different curves are written to its database the way `attune eval` writes them
// (MetricStore on a second connection), and in Chromium the listener opens Insights, ticks both
// runs and sees them overlaid; the chart saves as SVG and PNG, and a screenshot is kept.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/main/db/database'
import { MetricStore } from '../../src/main/db/metric-store'
import type { LibraryStatus } from '../../src/shared/contract'
import type { RunSummary } from '../../src/shared/insights'
import { ensureBuilt, REPO } from './build'
import { callApi, launchChromium, startHost, stopHost, until, type Host } from './host'
import { tempDir } from '../helpers/temp'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/singularity')
const ARTIFACTS = join(REPO, 'test/e2e/artifacts')
const SCREENSHOT = join(ARTIFACTS, 'insights-two-runs.png')
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const RISING = 'LinUCB replay α=1'
const FLAT = 'Random replay'
const HORIZON = 60

let temp: { dir: string; cleanup: () => void }
let dbPath: string
let host: Host
let browser: Browser
let page: Page
const startedAt = Date.now()

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)

/** A policy that learns (reward climbing) and one that does not, as offline replays would log. */
function writeTwoRuns(): void {
  const db = openDatabase(dbPath)
  try {
    const store = new MetricStore(db)
    const learning = store.createRun({ name: RISING, kind: 'linucb', space: 'attune-dsp-v1' })
    const random = store.createRun({ name: FLAT, kind: 'random', space: 'attune-dsp-v1' })
    let learned = 0
    let chance = 0
    for (let step = 1; step <= HORIZON; step++) {
      learned += step / HORIZON
      chance += step % 3 === 0 ? 0.3 : 0.1
      learning.log(step, { cumulativeReward: learned, hitRate: Math.min(1, step / 40) })
      random.log(step, { cumulativeReward: chance, hitRate: 0.3 })
    }
    store.close()
  } finally {
    db.close()
  }
}

async function readDownload(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()])
  const path = await download.path()
  return { name: download.suggestedFilename(), bytes: readFileSync(path) }
}

beforeAll(async () => {
  ensureBuilt()
  mkdirSync(ARTIFACTS, { recursive: true })
  temp = tempDir()
  dbPath = join(temp.dir, 'library.db')
  host = await startHost(LIBRARY, dbPath)
  await until(
    () => call<LibraryStatus>('getStatus'),
    (s) => s.tracks > 0 && !s.scanning && s.analysed === s.tracks && !s.analysing,
    'the scan and analysis',
    120_000,
  )
  writeTwoRuns()
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true })
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.goto(host.url)
})

afterAll(async () => {
  await browser?.close()
  if (host) await stopHost(host)
  temp?.cleanup()
  console.log(`insights e2e took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
})

describe('Insights, end to end', () => {
  it('overlays two runs in one chart, saves it as SVG and PNG, and keeps a screenshot', async () => {
    const runs = await call<RunSummary[]>('listRuns')
    expect(runs.map((r) => r.name)).toEqual([FLAT, RISING])

    await page.getByRole('button', { name: 'Insights', exact: true }).click()
    await page.getByRole('heading', { name: 'Insights', exact: true }).waitFor()
    // The runs and the model's charts are in the Advanced tab.
    await page.getByRole('tab', { name: 'Advanced' }).click()
    await page.getByRole('checkbox', { name: RISING }).check()
    await page.getByRole('checkbox', { name: FLAT }).check()

    const chart = page.getByTestId('runs-chart')
    const lines = chart.locator('svg g[data-mark="line"] path')
    await until(
      () => lines.count(),
      (n) => n === 2,
      'two lines in the runs chart',
    )
    const legend = (await chart.textContent()) ?? ''
    expect(legend).toContain(RISING)
    expect(legend).toContain(FLAT)
    // Two distinct curves: the lines do not share a shape.
    const shapes = [await lines.nth(0).getAttribute('d'), await lines.nth(1).getAttribute('d')]
    expect(new Set(shapes).size).toBe(2)

    const runsSection = page.locator('section.insights-runs')
    await runsSection.scrollIntoViewIfNeeded()
    await runsSection.screenshot({ path: SCREENSHOT })
    const screenshot = readFileSync(SCREENSHOT)
    expect(screenshot.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000)

    const card = page.getByRole('region', { name: 'How each run did: enjoyment added up' })
    const svg = await readDownload(() => card.getByRole('button', { name: 'Save SVG' }).click())
    expect(svg.name).toBe('how-each-run-did-enjoyment-added-up.svg')
    const svgText = svg.bytes.toString('utf8')
    expect(svgText).toContain('<svg')
    expect(svgText).toContain(RISING)
    expect(svgText).toContain(FLAT)

    const png = await readDownload(() => card.getByRole('button', { name: 'Save PNG' }).click())
    expect(png.name).toBe('how-each-run-did-enjoyment-added-up.png')
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    // Drawn at twice the chart's 640 px width.
    expect(png.bytes.readUInt32BE(16)).toBe(1280)
    writeFileSync(join(ARTIFACTS, 'insights-two-runs-export.png'), png.bytes)
  })

  it('shows what the model has learned about the analysed library', async () => {
    await page.getByRole('heading', { name: 'What the model has learned' }).waitFor()
    const variance = page.getByRole('region', {
      name: "How much of your library's variety the model sees",
    })
    await variance.locator('svg').first().waitFor()
    expect(await variance.getByRole('button', { name: 'Save SVG' }).count()).toBe(1)
    await page
      .getByRole('region', { name: 'How much Attune expects you to enjoy your songs' })
      .locator('svg')
      .first()
      .waitFor()
  })
})
