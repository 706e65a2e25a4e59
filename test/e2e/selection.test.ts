// End to end in Chromium: three songs Ctrl-clicked in the Songs table are saved from a selected
// row's menu as a new playlist, which the engine then holds with those three in the table's order.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Playlist, PlaylistSummary } from '../../src/shared/playlists'
import { REPO } from './build'
import { callApi, useLibraryPage } from './host'

const session = useLibraryPage(resolve(REPO, '../shared/fixtures/music/wesnoth'))

describe('a selection of songs, end to end', () => {
  it('saves three Ctrl-clicked songs as a new playlist, in the table’s order', async () => {
    const { page, host } = session
    const rows = page.getByTestId('track-row')
    await rows.first().waitFor()
    expect(await rows.count()).toBeGreaterThanOrEqual(5)
    // Clicked out of order: the playlist keeps the table's order.
    for (const n of [4, 1, 2]) await rows.nth(n).click({ modifiers: ['ControlOrMeta'] })
    const ids = async (selector: string) => {
      const found: number[] = []
      for (const row of await page.locator(selector).all())
        found.push(Number(await row.getAttribute('data-track-id')))
      return found
    }
    const table = await ids('[data-testid="track-row"]')
    const chosen = [table[1]!, table[2]!, table[4]!]
    expect(await ids('[data-testid="track-row"][aria-selected="true"]')).toEqual(chosen)

    await rows.nth(2).click({ button: 'right' })
    const menu = page.getByRole('menu')
    await menu.getByRole('menuitemcheckbox', { name: 'Add 3 songs to playlist…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add 3 songs to a playlist' })
    await dialog.getByLabel('New playlist name').fill('Three picked')
    await dialog.getByRole('button', { name: 'New playlist' }).click()
    await page.getByText('Saved 3 songs as the playlist Three picked.').waitFor()

    const lists = (await callApi<PlaylistSummary[]>(host, 'listPlaylists', { live: false })).filter(
      (p) => p.name === 'Three picked',
    )
    expect(lists).toHaveLength(1)
    const saved = await callApi<Playlist>(host, 'getPlaylist', { id: lists[0]!.id })
    expect(saved.entries.map((e) => e.track!.id)).toEqual(chosen)

    // Escape clears the selection; the rows say so.
    await rows.nth(2).focus()
    await page.keyboard.press('Escape')
    expect(await ids('[data-testid="track-row"][aria-selected="true"]')).toEqual([])
  }, 60_000)
})
