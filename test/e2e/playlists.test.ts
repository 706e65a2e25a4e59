// End to end in Chromium: the queue saved as a playlist from the queue panel, reordered in the
// Playlists view, played, exported (a download, and a file written beside the music with relative
// paths) and imported back (the file picker's upload, and a path); the engine holds what the
// screen shows.
import { mkdirSync, readFileSync, realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playlist, PlaylistSummary } from '../../src/shared/playlists'
import { REPO } from './build'
import { callApi, openLibraryPage, until, type Host, type LibrarySession } from './host'
import { tempDir } from '../helpers/temp'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

let session: LibrarySession
let host: Host
let page: Page
let temp: { dir: string; cleanup: () => void }

beforeAll(async () => {
  temp = tempDir('attune-e2e-playlists-')
  session = await openLibraryPage(LIBRARY)
  ;({ host, page } = session)
}, 120_000)

afterAll(async () => {
  await session?.close()
  temp?.cleanup()
})

const saved = async (): Promise<PlaylistSummary[]> =>
  (await callApi<PlaylistSummary[]>(host, 'listPlaylists', { live: false })).filter((p) => !p.live)
const playlist = (id: number) => callApi<Playlist>(host, 'getPlaylist', { id })
const queuePanel = () => page.getByRole('complementary', { name: 'Queue panel' })
const queuedIds = async (): Promise<number[]> => {
  const ids: number[] = []
  for (const row of await queuePanel().getByTestId('queue-entry').all())
    ids.push(Number(await row.getAttribute('data-track-id')))
  return ids
}
const entryTitles = async (): Promise<string[]> =>
  page.getByTestId('playlist-entry').locator('.album-track-title').allInnerTexts()

describe('playlists, end to end', () => {
  let id: number
  let order: number[]

  it('saves the queue as a playlist from the queue panel', async () => {
    const rows = page.getByTestId('track-row')
    // Every song of the library on screen first: a row still loading is not counted, and the queue
    // is listed by the engine from the clicked row on, so a short count would queue five.
    const { tracks } = await callApi<{ tracks: number }>(host, 'getStatus')
    const count = await until(
      () => rows.count(),
      (n) => n === tracks,
      `all ${tracks} songs in the table`,
    )
    // The last four songs of the table become the queue.
    await rows.nth(count - 4).dblclick()
    await until(
      () => queuePanel().getByTestId('queue-entry').count(),
      (n) => n === 4,
      'four songs in the queue',
    )
    const queued = await queuedIds()
    await queuePanel().getByRole('button', { name: 'Save as playlist' }).click()
    const dialog = page.getByRole('dialog', { name: 'Save the queue as a playlist' })
    await dialog.getByLabel('New playlist name').fill('Evening walk')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Saved 4 songs as the playlist Evening walk.').waitFor()
    const [made] = await saved()
    expect(made).toMatchObject({ name: 'Evening walk', entryCount: 4, missingCount: 0 })
    id = made!.id as number
    order = (await playlist(id)).entries.map((e) => e.track!.id)
    expect(order).toEqual(queued)
  })

  it('reorders it in the Playlists view and plays it in its new order', async () => {
    await page.getByRole('button', { name: 'Playlists', exact: true }).click()
    await page.getByRole('button', { name: /^Evening walk/ }).click()
    await page.getByTestId('playlist-title').filter({ hasText: 'Evening walk' }).waitFor()
    const before = await entryTitles()
    expect(before).toHaveLength(4)
    await page.getByRole('button', { name: `Move ${before[0]} down` }).click()
    await until(entryTitles, (t) => t[1] === before[0] && t[0] === before[1], 'the new order')
    const now = (await playlist(id)).entries.map((e) => e.track!.id)
    expect(now).toEqual([order[1], order[0], order[2], order[3]])
    order = now

    await page.getByRole('button', { name: 'Play Evening walk' }).click()
    await until(
      () => page.getByTestId('now-playing-title').textContent(),
      (title) => title === before[1],
      'the playlist’s first song to play',
    )
    await until(
      queuedIds,
      (ids) => JSON.stringify(ids) === JSON.stringify(order),
      'the playlist as the queue',
    )
  })

  it('exports it as a download and as a file with relative paths, and imports both back', async () => {
    const downloading = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download M3U8' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toBe('Evening walk.m3u8')
    const downloaded = join(temp.dir, 'downloaded.m3u8')
    await download.saveAs(downloaded)
    const text = readFileSync(downloaded, 'utf8')
    expect(text.startsWith('#EXTM3U\n')).toBe(true)
    expect(text).toContain(`${realpathSync(LIBRARY)}/`)

    const lists = join(temp.dir, 'lists')
    mkdirSync(lists)
    const file = join(lists, 'walk.m3u8')
    await page.getByLabel('Save as M3U8 file on this computer').fill(file)
    await page.getByRole('button', { name: 'Save file' }).click()
    await page.getByText(`Saved Evening walk (4 songs) to ${file}.`).waitFor()
    const paths = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
    expect(paths).toHaveLength(4)
    for (const path of paths) expect(path.startsWith('../')).toBe(true)

    // The file picker (an upload): the same songs, a playlist of its own.
    await page.getByLabel('Import an M3U8 file').setInputFiles(downloaded)
    await page.getByText(/^Imported downloaded: 4 songs found in your library\./).waitFor()
    // A path on this computer: relative paths resolve against the file's folder.
    await page.getByLabel('Playlist file on this computer').fill(file)
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await page.getByText(/^Imported walk: 4 songs found in your library\./).waitFor()
    const all = await saved()
    expect(all.map((p) => p.name).sort()).toEqual(['Evening walk', 'downloaded', 'walk'])
    for (const p of all)
      expect((await playlist(p.id as number)).entries.map((e) => e.track!.id)).toEqual(order)
    await page.getByRole('button', { name: /^walk/ }).waitFor()
  })
})
