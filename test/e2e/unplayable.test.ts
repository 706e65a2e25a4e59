// End to end, in Debian's Chromium through the browser host: an Ogg whose container Chromium's
// demuxer rejects (../shared/corpus/odd) plays through the app's player, which asks the engine for
// its own decode after the media error; a file of random bytes is reported unplayable, marked so
// in the library, and never reaches the queue. The files are copied into a temp library folder.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryStatus, QueueState, TrackPage } from '../../src/shared/contract'
import type { Track } from '../../src/shared/domain'
import { seededRandom } from '../../src/shared/random'
import { REPO } from './build'
import {
  callApi,
  playerAudio,
  openLibraryPage,
  searchFor,
  until,
  type AudioNode,
  type Host,
  type LibrarySession,
} from './host'

const ODD = resolve(REPO, '../shared/corpus/odd')
const MUSIC = resolve(REPO, '../shared/fixtures/music')

let session: LibrarySession
let host: Host
let page: Page
/** Every media request the page made, with its status. */
const mediaRequests: { path: string; status: number }[] = []

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)

const audioNodes = (): Promise<AudioNode[]> => playerAudio(page)

/** What the row shows: the title, or (untagged) the file name without its extension. */
const nameOf = (track: Track): string =>
  track.title ?? (track.path.split('/').pop() ?? '').replace(/\.[^.]+$/, '')

/** Plays a song on its own (a search for it, so the list played from its row is that song). */
async function playRow(track: Track): Promise<void> {
  await searchFor(page, nameOf(track))
  await page
    .getByTestId('track-row')
    .filter({ hasText: nameOf(track) })
    .first()
    .dblclick()
}

beforeAll(async () => {
  session = await openLibraryPage(
    (dir) => {
      const folder = join(dir, 'music')
      mkdirSync(folder)
      for (const file of readdirSync(ODD)) copyFileSync(join(ODD, file), join(folder, file))
      for (const file of readdirSync(join(MUSIC, 'wesnoth')).sort().slice(0, 3))
        copyFileSync(join(MUSIC, 'wesnoth', file), join(folder, file))
      const random = seededRandom(21)
      writeFileSync(
        join(folder, 'garbage.ogg'),
        Uint8Array.from({ length: 300_000 }, () => Math.floor(random() * 256)),
      )
      return folder
    },
    {
      viewport: { width: 1400, height: 860 },
      // Every song analysed but the random bytes, which never will be.
      beforePage: async (started) => {
        host = started
        await until(
          () => call<LibraryStatus>('getStatus'),
          (s) => s.tracks === 5 && s.analysed >= 4 && !s.analysing,
          'the analysis',
          90_000,
        )
      },
      load: false,
    },
  )
  page = session.page
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.startsWith('/media/'))
      mediaRequests.push({ path: `${url.pathname}${url.search}`, status: response.status() })
  })
  await page.goto(host.url)
}, 240_000)

afterAll(async () => {
  await session?.close()
})

describe('files the browser cannot play', () => {
  it('plays the Ogg Chromium rejects, decoded by the engine, through the app’s player', async () => {
    const { tracks } = await call<TrackPage>('listTracks', { limit: 50 })
    const odd = tracks.find((t) => t.path.endsWith('/hr-savino-ocean.ogg'))!
    expect(odd).toBeDefined()
    await playRow(odd)
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: nameOf(odd) })
      .waitFor()
    const playing = await until(
      audioNodes,
      (nodes) => nodes.some((n) => !n.paused && n.time > 1 && n.src.includes('decode=1')),
      'the decoded Ogg playing',
      60_000,
    )
    expect(playing.some((n) => n.src.includes(`/media/${odd.id}?decode=1`))).toBe(true)
    // The original bytes were asked for first; the decoded WAV answered.
    expect(mediaRequests.some((r) => r.path === `/media/${odd.id}`)).toBe(true)
    expect(
      mediaRequests.some((r) => r.path === `/media/${odd.id}?decode=1` && r.status < 300),
    ).toBe(true)
    expect(await page.getByText(/could not be played/).count()).toBe(0)
    expect(await call('listUnplayable')).toEqual([])
  })

  it('reports a file of random bytes unplayable, marks it, and never queues it', async () => {
    const { tracks } = await call<TrackPage>('listTracks', { limit: 50 })
    const garbage = tracks.find((t) => t.path.endsWith('/garbage.ogg'))!
    expect(garbage).toBeDefined()
    await playRow(garbage)
    await page.getByText(/could not be played, so it was skipped/).waitFor({ timeout: 30_000 })
    const reported = await until(
      () => call<{ trackId: number; reason: string }[]>('listUnplayable'),
      (list) => list.length > 0,
      'the unplayable report',
    )
    expect(reported.map((u) => u.trackId)).toEqual([garbage.id])
    await page
      .getByRole('button', { name: 'Pause' })
      .click()
      .catch(() => undefined)
    await page.getByRole('searchbox', { name: 'Search' }).fill('')
    const badge = page
      .getByTestId('track-row')
      .filter({ hasText: nameOf(garbage) })
      .getByTestId('unplayable-badge')
    await badge.waitFor()
    expect(await badge.textContent()).toBe('won’t play')

    // The auto-queue fills from the songs that play; the garbage never comes.
    const song = tracks.find(
      (t) =>
        t.path.includes('/music/') &&
        t.format === 'ogg' &&
        t.id !== garbage.id &&
        !t.path.endsWith('/hr-savino-ocean.ogg'),
    )!
    await playRow(song)
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: nameOf(song) })
      .waitFor()
    await page.getByRole('switch', { name: 'Auto-queue' }).check()
    const queue = await until(
      () => call<QueueState>('getQueue'),
      (q) => q.entries.filter((e) => e.source === 'auto').length >= 2,
      'the auto-picks',
    )
    expect(queue.entries.filter((e) => e.source === 'auto').map((e) => e.trackId)).not.toContain(
      garbage.id,
    )
    const discovered = await call<{ track: Track | null }[]>('discover', { n: 10 })
    expect(discovered.map((s) => s.track?.id)).not.toContain(garbage.id)
  }, 90_000)
})
