// End to end in Chromium: "never play" from a song's menu, the notice's Undo, and the list in
// Settings where a rule is taken back; the engine holds exactly the rules the screen shows.
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, REPO } from './build'
import { callApi, launchChromium, startHost, stopHost, until, type Host } from './host'
import { tempDir } from '../helpers/temp'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

let temp: { dir: string; cleanup: () => void }
let host: Host
let browser: Browser
let page: Page

beforeAll(async () => {
  ensureBuilt()
  temp = tempDir()
  host = await startHost(LIBRARY, join(temp.dir, 'library.db'))
  await until(
    () => callApi<{ tracks: number; scanning: boolean }>(host, 'getStatus'),
    (s) => s.tracks > 0 && !s.scanning,
    'the scan',
    60_000,
  )
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  await page.goto(host.url)
  await page.waitForSelector('[data-testid="track-row"]')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (host) await stopHost(host)
  temp?.cleanup()
})

const rules = () => callApi<{ rule: { kind: string } }[]>(host, 'listExclusions')

describe('never play, end to end', () => {
  it('adds an artist from the song menu, and Undo in the notice takes it back', async () => {
    await page.getByTestId('track-row').first().click({ button: 'right' })
    const item = page.getByRole('menuitemcheckbox', { name: /^Never play (?!the album)/ }).first()
    const label = await item.innerText()
    await item.click()
    await until(rules, (r) => r.length === 1, 'the rule')
    expect((await rules())[0]!.rule.kind).toBe('artist')
    const notice = page.getByRole('status').filter({ hasText: 'will not be picked for you' })
    await notice.waitFor()
    expect(await notice.innerText()).toContain(label.replace(/^Never play /, 'Songs by '))
    await notice.getByRole('button', { name: 'Undo' }).click()
    await until(rules, (r) => r.length === 0, 'the undo')
  })

  it('lists the rules in Settings, in words, and allows one again', async () => {
    await page.getByTestId('track-row').first().click({ button: 'right' })
    await page.getByRole('menuitemcheckbox', { name: /^Never play the album / }).click()
    await until(rules, (r) => r.length === 1, 'the album rule')
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const card = page.locator('.card[aria-label="Never play"]')
    await card.getByText(/^The album /).waitFor()
    await card.getByRole('button', { name: 'Allow again' }).click()
    await until(rules, (r) => r.length === 0, 'the rule taken back')
    await card.getByText('Nothing is excluded.').waitFor()
  })
})
