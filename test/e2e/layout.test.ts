// End to end in Chromium: the app in small and large windows, and its contrast. At 900×600 and
// 1400×900 no control of the now-playing bar overlaps another or leaves the window, the song
// table keeps its Marks column in view, and the queue is a drawer below 1200 px. axe-core checks
// every view against WCAG 2 A/AA in the dark and the light theme (following the system's
// prefers-color-scheme, the default). On a small untagged library made in the test.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations as axeOf } from './axe'
import { until } from './host'
import { openUntagged, type UntaggedSession } from './untagged-host'

let session: UntaggedSession
let page: Page

interface Box {
  name: string
  x: number
  y: number
  width: number
  height: number
}

beforeAll(async () => {
  // bypassCSP: the app's CSP (script-src 'self') would refuse the injected axe-core script.
  session = await openUntagged({ bypassCSP: true })
  page = session.page
})

afterAll(async () => {
  await session?.close()
})

async function open(width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height })
  await page.goto(session.host.url)
  await page.waitForSelector('[data-testid="track-row"]')
}

/** The boxes of every control in the now-playing bar. */
async function footerBoxes(): Promise<Box[]> {
  const bar = page.getByRole('contentinfo', { name: 'Now playing' })
  const controls = bar.locator('button, input, .np-auto-queue')
  const boxes: Box[] = []
  for (let i = 0; i < (await controls.count()); i++) {
    const control = controls.nth(i)
    if (!(await control.isVisible())) continue
    const box = await control.boundingBox()
    const name =
      (await control.getAttribute('aria-label')) ?? (await control.textContent()) ?? `#${i}`
    if (box) boxes.push({ name, ...box })
  }
  return boxes
}

function overlaps(a: Box, b: Box): boolean {
  const x = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const y = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return x > 0.5 && y > 0.5
}

/** A control inside another (the auto-queue label holds its switch) is not an overlap. */
function contains(a: Box, b: Box): boolean {
  return (
    a.x <= b.x + 0.5 &&
    a.y <= b.y + 0.5 &&
    a.x + a.width >= b.x + b.width - 0.5 &&
    a.y + a.height >= b.y + b.height - 0.5
  )
}

describe.each([
  [900, 600],
  [1400, 900],
])('a %i×%i window', (width, height) => {
  it('shows every control of the now-playing bar in the window, none over another', async () => {
    await open(width, height)
    await page.locator('[data-testid="track-row"]').first().dblclick()
    await until(
      () => page.getByTestId('now-playing-title').textContent(),
      (title) => title !== 'Nothing playing',
      'a song to play',
    )
    const boxes = await footerBoxes()
    expect(boxes.length).toBeGreaterThan(10)
    for (const box of boxes) {
      expect(box.x, box.name).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width, box.name).toBeLessThanOrEqual(width)
      expect(box.y + box.height, box.name).toBeLessThanOrEqual(height)
    }
    const clashes: string[] = []
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!]
        if (overlaps(a, b) && !contains(a, b) && !contains(b, a))
          clashes.push(`${a.name} × ${b.name}`)
      }
    expect(clashes).toEqual([])
  })

  it('keeps the Marks column of the song table in view, beside the queue or under its drawer', async () => {
    const marks = await page.getByRole('columnheader', { name: 'Marks' }).boundingBox()
    expect(marks).not.toBeNull()
    expect(marks!.x + marks!.width).toBeLessThanOrEqual(width)
    const queue = page.locator('.queue-panel')
    const footer = await page.getByRole('contentinfo', { name: 'Now playing' }).boundingBox()
    if (width < 1200) {
      // A drawer, closed at first: the table has the whole width.
      expect(await queue.count()).toBe(0)
      await page.getByRole('button', { name: 'Queue', exact: true }).click()
      const drawer = await queue.boundingBox()
      expect(drawer!.x + drawer!.width).toBeLessThanOrEqual(width + 0.5)
      expect(drawer!.y + drawer!.height).toBeLessThanOrEqual(footer!.y + 0.5)
      await page.getByRole('button', { name: 'Queue', exact: true }).click()
    } else {
      const docked = await queue.boundingBox()
      expect(marks!.x + marks!.width).toBeLessThanOrEqual(docked!.x + 0.5)
    }
  })
})

describe('the font', () => {
  it('is Inter, bundled with the app and loaded from it', async () => {
    await open(1400, 900)
    const loaded = await page.evaluate<string[]>(
      `document.fonts.ready.then(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family))`,
    )
    expect(loaded.some((family) => /Inter/.test(family))).toBe(true)
    expect(await page.evaluate<string>('getComputedStyle(document.body).fontFamily')).toMatch(
      /^Inter/,
    )
  })
})

const VIEWS = [
  'Songs',
  'Artists',
  'Albums',
  'Folders',
  'Discover',
  'Rediscover',
  'Insights',
  'Settings',
] as const

describe.each(['dark', 'light'] as const)('the %s theme (from the system)', (scheme) => {
  it('passes axe-core’s WCAG A/AA checks, contrast included, on every view', async () => {
    await page.emulateMedia({ colorScheme: scheme })
    await open(1400, 900)
    expect(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe(
      scheme === 'dark' ? 'rgb(15, 17, 21)' : 'rgb(246, 247, 249)',
    )
    const found: string[] = []
    for (const view of VIEWS) {
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: view, exact: true })
        .click()
      await page.waitForTimeout(400)
      found.push(...(await axeOf(page)).map((v) => `${view}: ${v}`))
      if (view === 'Insights') {
        await page.getByRole('tab', { name: 'Advanced' }).click()
        await page.waitForTimeout(400)
        found.push(...(await axeOf(page)).map((v) => `Insights, Advanced: ${v}`))
        await page.getByRole('tab', { name: 'For you' }).click()
      }
      if (view === 'Settings') {
        await page.getByRole('tab', { name: 'Advanced' }).click()
        found.push(...(await axeOf(page)).map((v) => `Settings, Advanced: ${v}`))
        await page.getByRole('tab', { name: 'Basic' }).click()
      }
    }
    expect(found).toEqual([])
  })
})
