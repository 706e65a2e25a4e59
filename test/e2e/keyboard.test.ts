// End to end in Chromium: the keyboard. A focused slider keeps its arrow keys (the browser moves
// it by its own step), the same keys change the volume when nothing takes them, and `?` lists
// every shortcut. On a small untagged library (WAV copies of a fixture with the tags stripped).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from './host'
import { openUntagged, type UntaggedSession } from './untagged-host'

let session: UntaggedSession
let page: Page
/** Every response the page got with a status of 400 or more. */
const failed: string[] = []
let favicon: number | null = null

beforeAll(async () => {
  session = await openUntagged()
  page = session.page
  page.on('response', (response) => {
    const { pathname } = new URL(response.url())
    if (pathname.startsWith('/favicon')) favicon = response.status()
    if (response.status() >= 400) failed.push(`${response.status()} ${pathname}`)
  })
  await page.goto(session.host.url)
  await page.waitForSelector('[data-testid="track-row"]')
})

afterAll(async () => {
  await session?.close()
})

const volume = async () => Number(await page.getByRole('slider', { name: 'Volume' }).inputValue())

describe('the first page load', () => {
  it('serves a favicon and nothing answers 404', async () => {
    await until(
      () => favicon,
      (status) => status !== null,
      'the favicon request',
    )
    expect(favicon).toBe(200)
    expect(failed).toEqual([])
  })
})

describe('the keyboard, end to end', () => {
  it('moves a focused volume slider by its own step, and the volume by a tenth elsewhere', async () => {
    expect(await volume()).toBe(1)
    await page.getByRole('slider', { name: 'Volume' }).focus()
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowDown')
    // The slider's step is 0.01: the browser moved it, no shortcut took the keys.
    expect(await volume()).toBeCloseTo(0.98)
    await page.getByRole('searchbox', { name: 'Search' }).focus()
    await page.keyboard.press('Escape')
    await page.keyboard.press('ArrowDown')
    expect(await volume()).toBeCloseTo(0.88)
    await page.keyboard.press('0')
    expect(await volume()).toBe(0)
    await page.keyboard.press('0')
    expect(await volume()).toBeCloseTo(0.88)
  })

  it('leaves the exploration slider in Settings its arrow keys', async () => {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const slider = page.locator('.settings input[type="range"]').first()
    await slider.waitFor()
    const before = Number(await slider.inputValue())
    await slider.focus()
    await page.keyboard.press('ArrowRight')
    expect(Number(await slider.inputValue())).toBeGreaterThan(before)
    expect(await volume()).toBeCloseTo(0.88)
  })

  it('/ jumps to the search box, and ? lists every shortcut', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('/')
    expect(
      await page.evaluate<string>(`document.activeElement?.getAttribute('aria-label') ?? ''`),
    ).toBe('Search')
    await page.keyboard.press('Escape')
    await page.keyboard.press('?')
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await dialog.waitFor()
    const text = (await dialog.textContent()) ?? ''
    for (const words of ['Mute', 'Louder', 'Quieter', 'Shuffle', 'Repeat', 'Search', 'Love'])
      expect(text).toContain(words)
    await page.keyboard.press('Escape')
  })
})
