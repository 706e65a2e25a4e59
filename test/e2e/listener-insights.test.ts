// End to end in Chromium, Insights for listeners: on an analysed fixture soundtrack the listener
// loves a song from its row, the auto-queue picks songs (through the host's contract, as the
// player does), one is played through, one skipped and one turned down. The "For you" tab then
// shows the picks kept today as a chart, songs to love with Play and Queue buttons that work, and
// the loved song as the taste; the Advanced tab holds the model's charts. axe-core passes on both
// tabs, with that data, in the dark and the light theme.
import { resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TrackPage } from '../../src/shared/contract'
import type { Track } from '../../src/shared/domain'
import { axeViolations } from './axe'
import { REPO } from './build'
import {
  callApi,
  playerAudio,
  openLibraryPage,
  playAutoPicks,
  until,
  type Host,
  type LibrarySession,
} from './host'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/singularity')

let session: LibrarySession
let host: Host
let page: Page
let tracks: Track[]

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)

beforeAll(async () => {
  session = await openLibraryPage(LIBRARY, {
    analysed: true,
    viewport: { width: 1400, height: 1000 },
    // bypassCSP: the app's CSP (script-src 'self') would refuse the injected axe-core script.
    bypassCSP: true,
  })
  ;({ host, page } = session)
  tracks = (await call<TrackPage>('listTracks', { limit: 100 })).tracks
}, 180_000)

afterAll(async () => {
  await session?.close()
})

async function openInsights(tab: 'For you' | 'Advanced'): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Insights', exact: true })
    .click()
  await page.getByRole('tab', { name: tab }).click()
}

describe('Insights for listeners, end to end', () => {
  it('tells a new listener in words what to do', async () => {
    await openInsights('For you')
    await page.getByText('No picks yet. Turn on auto-queue').waitFor()
    expect(await page.getByTestId('probably-love-empty').textContent()).toContain(
      'Mark a few songs you like',
    )
  })

  it('shows the picks kept, songs to love that play and queue, and the taste as songs', async () => {
    const loved = tracks[0] as Track
    // Loved from its row, as a listener does.
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Songs', exact: true })
      .click()
    await page.getByRole('searchbox', { name: 'Search' }).fill(loved.title ?? '')
    await page
      .getByRole('button', { name: `Love ${loved.title}`, exact: true })
      .first()
      .click()
    await until(
      () => call<{ trackId: number }[]>('listLabels'),
      (labels) => labels.some((l) => l.trackId === loved.id),
      'the love mark',
    )
    await page.getByRole('searchbox', { name: 'Search' }).fill('')

    // Four auto-picks: one played through, one skipped early, one turned down, one waiting.
    const durationOf = (id: number) => tracks.find((t) => t.id === id)?.duration ?? 100
    const [, , turnedDown] = await playAutoPicks(
      host,
      ['kept', 'skipped', 'turnedDown', 'waiting'],
      durationOf,
      [loved.id],
    )

    await openInsights('For you')
    const chart = page.getByRole('region', { name: 'How many of Attune’s picks you kept' })
    await chart.getByText('You kept 1 of the 3 picks Attune made (33 %).').waitFor()
    // Three stacked bars of one day: kept, skipped and turned down.
    const bars = chart.locator('svg g[data-mark="bar"] rect')
    await until(
      () => bars.count(),
      (n) => n === 3,
      'three bars in the picks chart',
    )

    const love = page.getByRole('list', { name: 'Songs you’ll probably love' })
    await love.getByTestId('probably-love-entry').first().waitFor()
    const titles = await love
      .getByTestId('probably-love-entry')
      .locator('.q-title')
      .allTextContents()
    expect(titles.length).toBeGreaterThan(0)
    // Never the marked songs.
    const lovedTitle = loved.title ?? ''
    const turnedDownTitle = tracks.find((t) => t.id === turnedDown)?.title ?? ''
    expect(titles).not.toContain(lovedTitle)
    expect(titles).not.toContain(turnedDownTitle)

    const first = love.getByTestId('probably-love-entry').first()
    const title = (await first.locator('.q-title').textContent()) ?? ''
    await first.getByRole('button', { name: `Add ${title} to the queue` }).click()
    const queue = page.getByRole('complementary', { name: 'Queue panel' })
    if (!(await queue.isVisible())) {
      await page.getByRole('button', { name: 'Queue', exact: true }).click()
    }
    await queue.getByText(title).first().waitFor()

    await first.getByRole('button', { name: `Play ${title}` }).click()
    const chosen = tracks.find((t) => t.title === title) as Track
    await until(
      () => playerAudio(page),
      (nodes) => nodes.some((n) => n.src.includes(`/${chosen.id}`) && !n.paused && n.time > 0),
      `${title} playing`,
    )

    const examples = page.getByRole('list', { name: 'You like songs like' })
    expect(await examples.textContent()).toContain(`${lovedTitle} by`)
    expect(await examples.textContent()).toContain('which you loved')
  })

  it('keeps the model’s charts in the Advanced tab', async () => {
    await openInsights('Advanced')
    for (const name of [
      'How much Attune expects you to enjoy your songs',
      'How sure the model is about your taste',
      "How much of your library's variety the model sees",
      'The songs you marked, by mark',
    ]) {
      await page.getByRole('region', { name }).locator('svg').first().waitFor()
    }
    expect(
      await page.getByRole('region', { name: 'How many of Attune’s picks you kept' }).count(),
    ).toBe(0)
  })
  it('passes axe-core’s WCAG A/AA checks on both tabs, with data, in both themes', async () => {
    const found: string[] = []
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const tab of ['For you', 'Advanced'] as const) {
        await openInsights(tab)
        await page.waitForTimeout(400)
        found.push(...(await axeViolations(page)).map((v) => `${scheme}, ${tab}: ${v}`))
      }
    }
    expect(found).toEqual([])
  })
})
