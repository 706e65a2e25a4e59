// End to end, the now-playing view in Chromium: opened from the bar, the song, why it plays, the
// marks, and lyrics from an `.lrc` beside the file, the line being sung highlighted as the audio
// plays (and after a seek) and kept in view; axe-core in both themes, the layout at 900×600, and
// Escape to close. The library: copies of fixtures in a temp folder, one with lyrics beside it.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations } from './axe'
import { REPO } from './build'
import {
  callApi,
  playerAudio,
  setPlayingTime,
  openLibraryPage,
  searchFor,
  until,
  type Host,
  type LibrarySession,
} from './host'
import { FIXTURES } from '../helpers/temp'

const SCREENSHOTS = join(REPO, 'test-results/screenshots')
/** Line i at 3·i seconds; the chorus twice (one line, two stamps); the offset moves all by 0.5 s. */
const LRC = [
  '[ti:Battle Epic]',
  '[offset:-500]',
  ...Array.from({ length: 10 }, (_, i) =>
    i === 2 ? '' : `[00:${String(3 * i).padStart(2, '0')}.00]Line ${i}`,
  ),
  '[00:06.00][00:21.00]Chorus',
].join('\n')
/** The line the LRC above has at `seconds` (offset −500 ms: every line half a second later). */
function expectedLine(seconds: number): string {
  const t = seconds - 0.5
  if (t < 0) return ''
  if (t >= 21 && t < 24) return 'Chorus'
  if (t >= 6 && t < 9) return 'Chorus'
  return `Line ${Math.min(9, Math.floor(t / 3))}`
}

let session: LibrarySession
let host: Host
let page: Page

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)
const view = () => page.getByRole('region', { name: 'Now playing view' })
const activeLine = () => view().locator('.lyrics li[aria-current="true"]')

async function audioTime(): Promise<number> {
  return (await playerAudio(page)).find((n) => !n.paused)?.time ?? -1
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  session = await openLibraryPage(
    (dir) => {
      const music = join(dir, 'music')
      mkdirSync(music)
      for (const file of ['battle-epic.ogg', 'loyalists.ogg'])
        copyFileSync(join(FIXTURES, 'music', 'wesnoth', file), join(music, file))
      writeFileSync(join(music, 'battle-epic.lrc'), LRC)
      return music
    },
    // bypassCSP: the app's CSP would refuse the injected axe-core script.
    { bypassCSP: true },
  )
  ;({ host, page } = session)
}, 120_000)

afterAll(async () => {
  await session?.close()
})

describe('the now-playing view', () => {
  it('opens from the bar with the song, why it plays and its marks', async () => {
    await searchFor(page, 'Battle Epic')
    await page.getByTestId('track-row').first().dblclick()
    await until(audioTime, (t) => t > 0.2, 'Battle Epic to play')
    await page.getByRole('button', { name: /^Now playing view: Battle Epic/ }).click()
    await view().waitFor()
    expect(await view().getByTestId('np-view-title').textContent()).toBe('Battle Epic')
    expect(await view().textContent()).toContain('Doug Kaufman')
    expect(await view().textContent()).toContain('The Battle for Wesnoth OST')
    expect(await view().getByTestId('np-view-why').textContent()).toBe('You chose this song.')
    expect(await view().getByRole('img').count()).toBe(1)
    // The same marks as elsewhere: Like here is the song's like.
    await view().getByRole('button', { name: 'Like Battle Epic' }).click()
    await until(
      () => call<{ trackId: number; mark: string }[]>('listLabels'),
      (labels) => labels.some((l) => l.mark === 'like'),
      'the like',
    )
    const barLike = page
      .getByRole('contentinfo', { name: 'Now playing' })
      .getByRole('button', { name: 'Like', exact: true })
    expect(await barLike.getAttribute('aria-pressed')).toBe('true')
  })

  it('highlights the line being sung from the .lrc as the song plays, and after a seek', async () => {
    await view().getByTestId('lyrics').waitFor()
    // The highlight follows the audio: it is the line for the time the audio element is at.
    for (const after of [2, 4.5]) {
      await until(audioTime, (t) => t >= after, `the audio past ${after} s`)
      const time = await audioTime()
      await until(
        () => activeLine().textContent(),
        (text) => [time - 0.3, time, time + 0.5].some((t) => text === expectedLine(t)),
        `the line sung at ${time.toFixed(1)} s`,
        3000,
      )
    }
    // A seek: the second time the chorus comes, highlighted and scrolled into view.
    await setPlayingTime(page, 22)
    await until(
      () => activeLine().textContent(),
      (text) => text === 'Chorus',
      'the chorus',
    )
    const lines = await view().locator('.lyrics li').allTextContents()
    expect(lines.filter((l) => l === 'Chorus')).toHaveLength(2)
    const marked: (string | null)[] = []
    for (const li of await view().locator('.lyrics li').all())
      marked.push(await li.getAttribute('aria-current'))
    const activeIndex = marked.indexOf('true')
    expect(activeIndex).toBe(lines.lastIndexOf('Chorus'))
    await until(
      async () => {
        const line = await activeLine().boundingBox()
        const box = await view().getByTestId('lyrics').boundingBox()
        return !!line && !!box && line.y >= box.y && line.y + line.height <= box.y + box.height
      },
      (inside) => inside,
      'the sung line in view',
      5000,
    )
    await page.screenshot({ path: join(SCREENSHOTS, 'now-playing-view.png') })
  })

  it('passes axe-core in both themes and fits a 900×600 window', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      expect(await axeViolations(page), scheme).toEqual([])
    }
    await page.setViewportSize({ width: 900, height: 600 })
    const footer = (await page.getByRole('contentinfo', { name: 'Now playing' }).boundingBox())!
    for (const part of [
      view().getByRole('img'),
      view().getByTestId('np-view-title'),
      view().getByRole('button', { name: 'Back (Escape)' }),
      view().getByTestId('lyrics'),
    ]) {
      const box = (await part.boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(900)
      expect(box.y + box.height).toBeLessThanOrEqual(footer.y + 0.5)
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'now-playing-view-900.png') })
    await page.setViewportSize({ width: 1400, height: 900 })
  })

  it('says so when a song has no lyrics, and Escape closes the view', async () => {
    await view().getByRole('button', { name: 'Back (Escape)' }).click()
    await searchFor(page, 'Loyalists')
    await page.getByTestId('track-row').first().dblclick()
    await page.getByRole('button', { name: /^Now playing view: Loyalists/ }).click()
    await view().getByTestId('no-lyrics').waitFor()
    expect(await view().getByTestId('np-view-title').textContent()).toBe('Loyalists')
    await page.keyboard.press('Escape')
    await until(
      () => view().count(),
      (n) => n === 0,
      'the view to close',
    )
    await page.getByTestId('track-row').first().waitFor()
  })
})
