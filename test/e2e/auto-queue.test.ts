// End to end, the learning loop: the browser host (`attune serve`) analyses the fixture library,
// the listener marks songs in Chromium, turns on the auto-queue and skips through its picks. The
// queue keeps refilling with reasons shown, and the song marked "not for me" never comes back.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryStatus, Suggestion, TrackPage } from '../../src/shared/contract'
import type { Track } from '../../src/shared/domain'
import { ensureBuilt, REPO } from './build'
import {
  callApi,
  launchChromium,
  searchFor,
  startHost as startServe,
  stopHost,
  until,
  type Host,
} from './host'
import { tempDir } from '../helpers/temp'

const MUSIC = resolve(REPO, '../shared/fixtures/music')
const SCREENSHOTS = join(REPO, 'test-results/screenshots')
const REFILLS = 6

let temp: { dir: string; cleanup: () => void }
let dbPath: string
let host: Host
let browser: Browser
let page: Page
const startedAt = Date.now()

// A fixed seed: the auto-queue draws the same picks every run, so what the skips teach the model
// (and so Discover's order) does not change from run to run.
const startHost = (): Promise<Host> => startServe(MUSIC, dbPath, ['--seed', '7'])

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)

interface AutoPickRow {
  trackId: number
  data: {
    candidates: { trackId: number; probability: number }[]
    probability: number
    /** The waiting pick this one replaced (a re-rank after a reaction). */
    replaces?: { pickId: number | null; trackId: number }
  }
}

/** The songs started so far, in order, read straight from the database file. */
function playStarts(): number[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    return (
      db
        .prepare(`SELECT track_id AS trackId FROM events WHERE kind = 'play_start' ORDER BY id`)
        .all() as {
        trackId: number
      }[]
    ).map((r) => r.trackId)
  } finally {
    db.close()
  }
}

/** The auto-picks logged so far, read straight from the database file. */
function autoPicks(): AutoPickRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare(`SELECT track_id AS trackId, data FROM events WHERE kind = 'auto_pick' ORDER BY id`)
      .all() as { trackId: number; data: string }[]
    return rows.map((r) => ({
      trackId: r.trackId,
      data: JSON.parse(r.data) as AutoPickRow['data'],
    }))
  } finally {
    db.close()
  }
}

/** Marks a song from its library row, as a listener would (search, then the row's mark button). */
async function markFromRow(track: Track, label: 'Love' | 'Like' | 'Not for me'): Promise<void> {
  const title = track.title ?? ''
  await page.getByRole('searchbox', { name: 'Search' }).fill(title)
  const button = page.getByRole('button', { name: `${label} ${title}`, exact: true }).first()
  await button.waitFor()
  await button.click()
  await until(
    () => call<{ trackId: number; mark: string }[]>('listLabels'),
    (labels) => labels.some((l) => l.trackId === track.id),
    `the mark on ${title}`,
  )
}

beforeAll(async () => {
  ensureBuilt()
  mkdirSync(SCREENSHOTS, { recursive: true })
  temp = tempDir()
  dbPath = join(temp.dir, 'library.db')
  host = await startHost()
  await until(
    () => call<LibraryStatus>('getStatus'),
    (s) => s.tracks > 0 && !s.scanning,
    'the scan',
    60_000,
  )
  // `attune serve` analyses in the background after its scan: the auto-queue needs the vectors.
  await until(
    () => call<LibraryStatus>('getStatus'),
    (s) => s.analysed === s.tracks && !s.analysing,
    'the analysis',
    90_000,
  )
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.goto(host.url)
})

afterAll(async () => {
  await browser?.close()
  if (host) await stopHost(host)
  temp?.cleanup()
  console.log(`auto-queue e2e took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
})

describe('the auto-queue learns, end to end', () => {
  it('refills the queue with reasons, and a "not for me" song never comes back', async () => {
    const { tracks } = await call<TrackPage>('listTracks', { limit: 500 })
    const soundtrack = tracks.filter((t) => t.path.includes('/wesnoth/') && t.title)
    expect(soundtrack.length).toBeGreaterThanOrEqual(6)
    const [loved1, loved2, liked1, liked2, notForMe] = soundtrack as [
      Track,
      Track,
      Track,
      Track,
      Track,
    ]

    // Play and mark: the now-playing bar marks the playing song.
    await searchFor(page, loved1.title ?? '')
    await page
      .getByTestId('track-row')
      .filter({ hasText: loved1.title ?? '' })
      .first()
      .dblclick()
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: loved1.title ?? '' })
      .waitFor()
    await page
      .getByRole('contentinfo', { name: 'Now playing' })
      .getByRole('button', { name: 'Love', exact: true })
      .click()
    await markFromRow(loved2, 'Love')
    await markFromRow(liked1, 'Like')
    await markFromRow(liked2, 'Like')
    await markFromRow(notForMe, 'Not for me')
    await page.getByRole('searchbox', { name: 'Search' }).fill('')

    // Turn on the auto-queue: at least two songs ahead, each with why.
    await page.getByRole('switch', { name: 'Auto-queue' }).check()
    await until(
      () => page.getByTestId('queue-reason').count(),
      (n) => n >= 2,
      'the first auto-picks',
    )
    const firstEntry = page.getByTestId('queue-entry').filter({ hasText: 'Picked for you' }).first()
    const firstReason = (await firstEntry.getByTestId('queue-reason').textContent()) ?? ''
    // Listener words in the line; the scores one click away under "details".
    expect(firstReason).not.toMatch(/Score|exploration|[+−]\d\.\d\d/)
    expect(firstReason.length).toBeGreaterThan(0)
    await firstEntry.getByText('details', { exact: true }).click()
    expect(await firstEntry.getByTestId('queue-reason-details').textContent()).toMatch(
      /Score [+−]\d\.\d\d, exploration [+−]\d\.\d\d/,
    )
    await page.screenshot({ path: join(SCREENSHOTS, 'auto-queue.png') })

    // Skip through the picks: every skip leaves fewer songs ahead, and the queue refills.
    for (let i = 0; i < REFILLS; i++) {
      const before = autoPicks().length
      await page.getByRole('button', { name: 'Next', exact: true }).click()
      await until(
        () => autoPicks().length,
        (n) => n > before,
        `refill ${i + 1}`,
      )
    }
    // The picks played are under Played: open it to see them all.
    await page.getByRole('button', { name: /Played \(/ }).click()
    await until(
      () => page.getByTestId('queue-reason').count(),
      (n) => n >= REFILLS,
      'the reasons of every pick',
    )

    const picks = autoPicks()
    expect(picks.length).toBeGreaterThanOrEqual(REFILLS + 2)
    for (const pick of picks) {
      expect(pick.trackId).not.toBe(notForMe.id)
      expect(pick.data.candidates.map((c) => c.trackId)).not.toContain(notForMe.id)
      const sum = pick.data.candidates.reduce((a, c) => a + c.probability, 0)
      expect(sum).toBeCloseTo(1, 6)
    }
    // Each song is picked once: queued and recently played songs are not picked again. A waiting
    // pick that a skip's re-rank replaced before it played may come back later. A replacement
    // reaches the queue only if its pick still waits there when the player hears of it: under load
    // the song it would replace may already be playing, so the player keeps it and the logged
    // replacement never enters the queue (its song may be picked later). So the first-time picks
    // are checked for repeats, and what counts for the listener: no song started twice.
    const replacedOut = new Set(picks.map((p) => p.data.replaces?.trackId))
    const once = picks.filter((p) => !p.data.replaces && !replacedOut.has(p.trackId))
    expect(new Set(once.map((p) => p.trackId)).size).toBe(once.length)
    const started = playStarts()
    expect(started.length).toBeGreaterThanOrEqual(REFILLS)
    expect(new Set(started).size).toBe(started.length)
    // (Its title may appear in another pick's reason: "Far from …, which you turned down".)
    expect(
      await page
        .getByTestId('queue-entry')
        .locator('.q-title')
        .filter({ hasText: notForMe.title ?? '' })
        .count(),
    ).toBe(0)

    // With exploration at "safe bets", Discover ranks by what was learned: the loved soundtrack
    // leads the never-played songs, and the "not for me" one is not there.
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    await page.getByRole('slider', { name: 'Exploration' }).fill('0')
    await until(
      () => call<{ exploration: { alpha: number } }>('getSettings'),
      (s) => s.exploration.alpha < 0.11,
      'the exploration slider',
    )
    await page.getByRole('button', { name: 'Discover', exact: true }).click()
    await page.getByTestId('discover-entry').first().waitFor()
    expect(await page.getByTestId('discover-why').first().textContent()).not.toMatch(/Score/)
    expect(await page.getByTestId('discover-why-details').first().textContent()).toMatch(/Score/)
    const discovered = await page
      .getByTestId('discover-entry')
      .locator('.q-title')
      .allTextContents()
    expect(discovered.some((text) => text.includes(notForMe.title ?? '\u0000'))).toBe(false)
    const top = await call<Suggestion[]>('discover', { n: 3 })
    expect(discovered[0]).toContain(top[0]?.track?.title ?? '\u0000')
    expect(top.every((s) => s.bonus <= 0.15)).toBe(true)
    // What was learned, over every never-played song rather than the top three (which the skips
    // of this run's picks can reorder): the loved soundtrack's songs are predicted to please more.
    const all = await call<Suggestion[]>('discover', { n: 200 })
    const average = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length)
    const loved = all.filter((s) => s.track?.path.includes('/wesnoth/')).map((s) => s.mean)
    const others = all.filter((s) => !s.track?.path.includes('/wesnoth/')).map((s) => s.mean)
    expect(loved.length).toBeGreaterThan(0)
    expect(average(loved)).toBeGreaterThan(average(others))
    await page.screenshot({ path: join(SCREENSHOTS, 'discover.png') })
  })
})
