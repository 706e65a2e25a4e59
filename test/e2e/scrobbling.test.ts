// End to end in Chromium: the listener turns ListenBrainz on in Settings (token and a compatible
// server's address: a local stand-in that checks every request against ListenBrainz's API), plays
// a fixture song through, and the listen arrives with the song's tags; the status line says so.
import { resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO } from './build'
import { openLibraryPage, until, type LibrarySession } from './host'
import { startListenBrainz, type FakeListenBrainz } from '../helpers/scrobble-servers'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

let session: LibrarySession
let page: Page
let lb: FakeListenBrainz

beforeAll(async () => {
  lb = await startListenBrainz()
  session = await openLibraryPage(LIBRARY)
  page = session.page
}, 120_000)

afterAll(async () => {
  await session?.close()
  await lb?.close()
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
