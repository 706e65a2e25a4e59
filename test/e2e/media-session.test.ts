// End to end in Chromium, the OS media controls (issue 13, item 7): on a library made in the test
// (three fixture songs of one album with a 120×90 cover.png beside them), the listener plays a
// song; navigator.mediaSession then carries its title, artist, album and the cover from the cover
// route with its pixel size, and the action handlers the app registered (captured by wrapping
// setActionHandler in an init script, as the OS would call them) pause, play, stop, go to the next
// and previous song and seek, each checked on the real <audio> element the app plays through.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TrackPage } from '../../src/shared/contract'
import type { Track } from '../../src/shared/domain'
import { ensureBuilt, REPO } from './build'
import {
  callApi,
  playerAudio,
  launchChromium,
  startHost,
  stopHost,
  until,
  type AudioNode,
  type Host,
} from './host'
import { solidPng } from '../helpers/png'
import { tempDir } from '../helpers/temp'

const SOURCE = resolve(REPO, '../shared/fixtures/music/wesnoth')

/** Records every handler the page registers, so the test can call them as the OS would. */
const CAPTURE_HANDLERS = `(() => {
  window.__mediaHandlers = {}
  const original = MediaSession.prototype.setActionHandler
  MediaSession.prototype.setActionHandler = function (action, handler) {
    window.__mediaHandlers[action] = handler
    return original.call(this, action, handler)
  }
})()`

interface SessionView {
  title: string | null
  artist: string | null
  album: string | null
  artwork: { src: string; sizes: string; type: string }[]
  playbackState: string
  handlers: string[]
}

let temp: { dir: string; cleanup: () => void }
let host: Host
let browser: Browser
let page: Page
let tracks: Track[]

function sessionView(): Promise<SessionView> {
  return page.evaluate<SessionView>(`(() => {
    const m = navigator.mediaSession.metadata
    return {
      title: m ? m.title : null,
      artist: m ? m.artist : null,
      album: m ? m.album : null,
      artwork: m ? m.artwork.map((a) => ({ src: a.src, sizes: a.sizes, type: a.type })) : [],
      playbackState: navigator.mediaSession.playbackState,
      handlers: Object.keys(window.__mediaHandlers).filter((k) => window.__mediaHandlers[k]),
    }
  })()`)
}

/** Calls a registered handler as the OS media controls would. */
function act(action: string, details: Record<string, unknown> = {}): Promise<void> {
  return page.evaluate(
    `window.__mediaHandlers[${JSON.stringify(action)}]({ action: ${JSON.stringify(action)}, ...${JSON.stringify(details)} })`,
  )
}

/** The element playing (or paused on) a track, by the track's media URL. */
async function audioOf(track: Track): Promise<AudioNode | null> {
  const nodes = await playerAudio(page)
  return nodes.filter((n) => n.src.endsWith(`/media/${track.id}`)).at(-1) ?? null
}

function playingTrack(): Promise<Track | null> {
  return playerAudio(page).then((nodes) => {
    const playing = nodes.find((n) => !n.paused)
    return tracks.find((t) => playing?.src.endsWith(`/media/${t.id}`)) ?? null
  })
}

beforeAll(async () => {
  ensureBuilt()
  temp = tempDir()
  const album = join(temp.dir, 'Music', 'Wesnoth', 'Battle')
  mkdirSync(album, { recursive: true })
  const songs = readdirSync(SOURCE)
    .filter((f) => f.endsWith('.ogg'))
    .sort()
    .slice(0, 3)
  for (const song of songs) copyFileSync(join(SOURCE, song), join(album, song))
  writeFileSync(join(album, 'cover.png'), solidPng(120, 90, [200, 60, 40]))
  host = await startHost(join(temp.dir, 'Music'), join(temp.dir, 'library.db'))
  await until(
    () => callApi<{ tracks: number; scanning: boolean }>(host, 'getStatus'),
    (s) => s.tracks === 3 && !s.scanning,
    'the scan',
    60_000,
  )
  tracks = (await callApi<TrackPage>(host, 'listTracks', { limit: 10 })).tracks
  expect(tracks.every((t) => t.coverId !== null)).toBe(true)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.addInitScript(CAPTURE_HANDLERS)
  await page.goto(host.url)
  await page.waitForSelector('[data-testid="track-row"]')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (host) await stopHost(host)
  temp?.cleanup()
})

describe('the OS media controls, through navigator.mediaSession', () => {
  it('shows the playing song’s title, artist, album and cover with its size', async () => {
    const rows = page.getByTestId('track-row')
    await rows.first().dblclick()
    // A second song in the queue, for next and previous.
    await rows.nth(1).click({ button: 'right' })
    await page.getByRole('menuitemcheckbox', { name: 'Add to queue' }).click()
    const first = await until(playingTrack, (t) => t !== null, 'the first song to play')
    const song = first as Track

    const view = await until(
      sessionView,
      (v) => v.title === song.title && v.artwork[0]?.sizes === '120x90',
      'the metadata with the cover’s size',
    )
    expect(view).toMatchObject({
      title: song.title,
      artist: song.artist,
      album: song.album,
      playbackState: 'playing',
    })
    expect(view.artwork).toEqual([
      {
        src: expect.stringMatching(new RegExp(`/covers/${song.coverId}$`)) as string,
        sizes: '120x90',
        type: 'image/png',
      },
    ])
    expect(view.handlers.sort()).toEqual(
      [
        'nexttrack',
        'pause',
        'play',
        'previoustrack',
        'seekbackward',
        'seekforward',
        'seekto',
        'stop',
      ].sort(),
    )
  })

  it('pauses, plays, seeks and stops the real audio', async () => {
    const song = (await playingTrack()) as Track
    await act('pause')
    await until(
      () => audioOf(song),
      (n) => n?.paused === true,
      'the pause',
    )
    expect((await sessionView()).playbackState).toBe('paused')
    await act('play')
    await until(
      () => audioOf(song),
      (n) => n?.paused === false,
      'the play',
    )
    expect((await sessionView()).playbackState).toBe('playing')

    await act('seekto', { seekTime: 20 })
    await until(
      () => audioOf(song),
      (n) => (n?.time ?? 0) >= 20 && (n?.time ?? 0) < 22,
      'the seek to 20 s',
    )
    await act('seekforward', { seekOffset: 5 })
    await until(
      () => audioOf(song),
      (n) => (n?.time ?? 0) >= 25 && (n?.time ?? 0) < 27,
      'the seek forward by 5 s',
    )
    await act('seekbackward', { seekOffset: 10 })
    await until(
      () => audioOf(song),
      (n) => (n?.time ?? 0) >= 15 && (n?.time ?? 0) < 17,
      'the seek back by 10 s',
    )

    await act('stop')
    await until(
      () => audioOf(song),
      (n) => n?.paused === true && (n?.time ?? 1) < 0.5,
      'the stop (paused at the start)',
    )
    expect((await sessionView()).playbackState).toBe('paused')
    await act('play')
    await until(
      () => audioOf(song),
      (n) => n?.paused === false,
      'playing again',
    )
  })

  it('goes to the next song and back, and the metadata follows', async () => {
    const first = (await playingTrack()) as Track
    await act('nexttrack')
    const second = await until(
      playingTrack,
      (t) => t !== null && t.id !== first.id,
      'the next song',
    )
    await until(sessionView, (v) => v.title === second?.title, 'the next song’s metadata')
    await act('previoustrack')
    await until(playingTrack, (t) => t?.id === first.id, 'the previous song')
    expect((await sessionView()).title).toBe(first.title)
  })
})
