// End to end in Chromium: the listener turns ListenBrainz on in Settings (token and a compatible
// server's address: a local stand-in that checks every request against ListenBrainz's API), plays
// a fixture song through, and the listen arrives with the song's tags; the status line says so.
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, REPO } from './build'
import { callApi, launchChromium, startHost, stopHost, until, type Host } from './host'
import { startListenBrainz, type FakeListenBrainz } from '../helpers/scrobble-servers'
import { tempDir } from '../helpers/temp'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

let temp: { dir: string; cleanup: () => void }
let host: Host
let browser: Browser
let page: Page
let lb: FakeListenBrainz

beforeAll(async () => {
  ensureBuilt()
  temp = tempDir()
  lb = await startListenBrainz()
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
  await lb?.close()
  temp?.cleanup()
})

describe('scrobbling, end to end', () => {
  it('says what leaves the computer and is off until the listener turns it on', async () => {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const card = page.getByRole('group', { name: 'ListenBrainz' })
    await card.waitFor()
    expect(await page.locator('.card[aria-label="Scrobbling"]').innerText()).toMatch(
      /Off unless you turn it on.*Nothing else leaves your computer/s,
    )
    expect(
      await page.getByRole('checkbox', { name: 'Send listens to ListenBrainz' }).isChecked(),
    ).toBe(false)
    expect(await page.getByRole('status', { name: 'ListenBrainz status' }).innerText()).toBe('Off.')
  })

  it('sends a listen after a song is played through, with its tags, and shows the account', async () => {
    await page.getByText('Another ListenBrainz-compatible server').click()
    const address = page.getByRole('textbox', { name: 'ListenBrainz server address' })
    await address.fill(lb.url)
    await address.blur()
    const token = page.getByLabel('ListenBrainz user token')
    await token.fill(lb.token)
    await token.blur()
    const enable = page.getByRole('checkbox', { name: 'Send listens to ListenBrainz' })
    await enable.click()
    await until(() => enable.isChecked(), Boolean, 'the switch to follow the saved setting')
    await until(
      () => page.getByRole('status', { name: 'ListenBrainz status' }).innerText(),
      (text) => text.startsWith(`Sending as ${lb.user}`),
      'the account name',
    )
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Songs' })
      .click()
    const row = page.getByTestId('track-row').first()
    const rowText = await row.innerText()
    await row.dblclick()
    // A 30-second excerpt counts for ListenBrainz after half of it.
    await until(
      () => lb.listens.length,
      (n) => n >= 1,
      'the listen',
      90_000,
    )
    const sent = lb.listens[0]!.track_metadata
    expect(rowText).toContain(sent.track_name)
    expect(rowText).toContain(sent.artist_name)
    expect(lb.playingNow).toContain(sent.track_name)
    expect(lb.violations).toEqual([])
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click()
    await until(
      () => page.getByRole('status', { name: 'ListenBrainz status' }).innerText(),
      (text) => /1 sent/.test(text),
      'the status line',
    )
  }, 150_000)
})
