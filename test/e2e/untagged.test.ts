// End to end: a library whose files carry no tags at all (WAV copies of a fixture with every tag
// chunk stripped, laid out as real folders), through the real browser host and Chromium: tidy
// titles, artists and albums from the folders, every track in Artists and Albums, the Folders
// view, and a sort order that survives a reload.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from './host'
import { openUntagged, type UntaggedSession } from './untagged-host'

let session: UntaggedSession
let library: string
let page: Page

/** A column's cells, top to bottom; a derived value's "(from folder)" (for screen readers) is cut. */
const rowTexts = async (column: string) =>
  (await page.locator(`[data-testid="track-row"] .${column}`).allTextContents()).map((text) =>
    text.replace(/ \(from (folder|file name)\)$/, '').trim(),
  )

const texts = (selector: string) => page.locator(selector).allTextContents()

beforeAll(async () => {
  session = await openUntagged()
  ;({ library, page } = session)
  await page.goto(session.host.url)
})

afterAll(async () => {
  await session?.close()
})

describe('a library without tags, end to end', () => {
  it('shows tidy titles and folder-derived artists and albums, said to come from the folders', async () => {
    await page.waitForSelector('[data-testid="track-row"]')
    await page.click('role=columnheader[name=/Title/]')
    await until(
      () => rowTexts('col-title'),
      (titles) => titles[0] === 'Another Track',
      'the title order',
    )
    expect(await rowTexts('col-title')).toEqual([
      'Another Track',
      'Far Away',
      'My Song',
      'Opening Theme',
      'track17',
    ])
    expect(await rowTexts('col-artist')).toEqual([
      'Unknown artist',
      'Some Band',
      'Some Band',
      'Some Band',
      'Unknown artist',
    ])
    expect(await rowTexts('col-album')).toEqual([
      'Loose Album',
      'Double Album',
      'First Album',
      'First Album',
      'Music',
    ])
    const hint = await page.getAttribute('[data-testid="track-row"] .col-album .derived', 'title')
    expect(hint).toMatch(/from the folder/i)
    // No file extension anywhere in the table.
    expect((await rowTexts('col-title')).some((t) => /\.wav$/.test(t))).toBe(false)
  })

  it('keeps the sort order over a reload', async () => {
    await page.reload()
    await page.waitForSelector('[data-testid="track-row"]')
    expect(await page.getAttribute('role=columnheader[name=/Title/]', 'aria-sort')).toBe(
      'ascending',
    )
    expect((await rowTexts('col-title'))[0]).toBe('Another Track')
  })

  it('puts every track in the Albums and Artists views', async () => {
    await page.click('nav >> role=button[name="Albums"]')
    await page.waitForSelector('[data-testid="album-group"]')
    const albums = await texts('[data-testid="album-group"] .album-title')
    expect(albums).toEqual(['Double Album', 'First Album', 'Loose Album', 'Music'])
    await page.click('nav >> role=button[name="Artists"]')
    await page.waitForSelector('[data-testid="artist-group"]')
    const artists = await texts('[data-testid="artist-group"]')
    expect(artists).toEqual([
      expect.stringMatching(/Some Band.*3 tracks/),
      expect.stringMatching(/Unknown artist.*2 tracks/),
    ])
  })

  it('browses the Folders view and plays a folder', async () => {
    await page.click('nav >> role=button[name="Folders"]')
    await page.click(`role=button[name=/^${library.replace(/[/\\.]/g, '\\$&')}/]`)
    await page.waitForSelector('text=Some_Band')
    const folders = await texts('[data-testid="folder"] .folder-name')
    expect(folders).toEqual(['Loose Album', 'Some_Band'])
    expect(await texts('[data-testid="folder-track"] .album-track-title')).toEqual(['track17'])
    await page.click('role=button[name="Play Some_Band"]')
    await until(
      () => page.textContent('[data-testid="now-playing-title"]'),
      (title) => title === 'Far Away',
      'the folder to play',
    )
    const queued = await texts('[data-testid="queue-entry"]')
    expect(queued.slice(0, 3)).toEqual([
      expect.stringContaining('Far Away'),
      expect.stringContaining('Opening Theme'),
      expect.stringContaining('My Song'),
    ])
  })
})
