// End to end: every file of ../shared/fixtures/formats plays in Debian's Chromium through the
// browser host's media route (ALAC and AIFF as the engine's cached WAV), and seeks by Range.
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, REPO } from './build'
import { callApi, launchChromium, startHost, stopHost, until, type Host } from './host'
import { tempDir } from '../helpers/temp'

const FORMATS = resolve(REPO, '../shared/fixtures/formats')
const FILES = readdirSync(FORMATS).sort()

let temp: { dir: string; cleanup: () => void }
let host: Host
let browser: Browser
let page: Page

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)

beforeAll(async () => {
  ensureBuilt()
  temp = tempDir()
  host = await startHost(FORMATS, join(temp.dir, 'library.db'))
  await until(
    () => call<{ tracks: number }>('getStatus'),
    (s) => s.tracks >= FILES.length,
    'the scan',
    60_000,
  )
  browser = await launchChromium()
  page = await browser.newPage()
  // Opening the tokened link sets the session cookie that media requests then carry.
  await page.goto(host.url)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (host) await stopHost(host)
  temp?.cleanup()
})

interface PlayResult {
  ok: boolean
  error: string | null
  duration: number
  afterSeek: number
}

/** Plays a media URL in a fresh <audio>, then seeks to 12 s and checks it plays on from there. */
function playInPage(url: string): Promise<PlayResult> {
  return page.evaluate(async (src: string): Promise<PlayResult> => {
    // This runs in the page; the test's tsconfig has no DOM types, so the element is typed here.
    interface MediaElement {
      muted: boolean
      currentTime: number
      duration: number
      error: { code: number; message: string } | null
      play(): Promise<void>
      pause(): void
    }
    const Audio = (globalThis as unknown as { Audio: new (src: string) => MediaElement }).Audio
    const audio = new Audio(src)
    audio.muted = true
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
    try {
      await audio.play()
      const start = Date.now()
      while (audio.currentTime < 0.4 && Date.now() - start < 8000) await wait(50)
      if (audio.currentTime < 0.4) throw new Error(`stuck at ${audio.currentTime}`)
      audio.currentTime = 12
      const seekStart = Date.now()
      while (audio.currentTime < 12.3 && Date.now() - seekStart < 8000) await wait(50)
      const result = {
        ok: true,
        error: null,
        duration: audio.duration,
        afterSeek: audio.currentTime,
      }
      audio.pause()
      return result
    } catch (error) {
      const media = audio.error ? `media error ${audio.error.code}: ${audio.error.message}` : ''
      return {
        ok: false,
        error: `${String(error)} ${media}`,
        duration: audio.duration,
        afterSeek: 0,
      }
    }
  }, url)
}

describe('every scanned format plays in Chromium', () => {
  it.each(FILES)(
    '%s plays and seeks',
    async (file) => {
      const page1 = await call<{ tracks: { id: number; path: string }[] }>('listTracks', {
        search: file.replace(/\.[^.]+$/, ''),
        limit: 50,
      })
      const track = page1.tracks.find((t) => t.path.endsWith(`/${file}`))
      expect(track, file).toBeDefined()
      const result = await playInPage(`${host.origin}/media/${track!.id}`)
      expect(result.error).toBeNull()
      expect(result.ok).toBe(true)
      expect(result.duration).toBeGreaterThan(19)
      expect(result.afterSeek).toBeGreaterThanOrEqual(12)
    },
    30_000,
  )
})
