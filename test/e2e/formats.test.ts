// End to end: every file of ../shared/fixtures/formats plays in Debian's Chromium through the
// browser host's media route (ALAC and AIFF as the engine's cached WAV), and seeks by Range.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, REPO } from './build'
import { tempDir } from '../helpers/temp'

const FORMATS = resolve(REPO, '../shared/fixtures/formats')
const FILES = readdirSync(FORMATS).sort()

let temp: { dir: string; cleanup: () => void }
let child: ChildProcess
let origin: string
let token: string
let browser: Browser
let page: Page

function startHost(dbPath: string): Promise<{ url: string; token: string }> {
  child = spawn(
    process.execPath,
    ['bin/attune.js', 'serve', '--library', FORMATS, '--db', dbPath, '--port', '0', '--json'],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((ok, fail) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => fail(new Error(`attune serve did not start:\n${err}`)), 30_000)
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      try {
        const info = JSON.parse(out) as { url: string; token: string }
        clearTimeout(timer)
        ok(info)
      } catch {
        // Not the whole JSON yet.
      }
    })
  })
}

async function call<T>(name: string, args: unknown = {}): Promise<T> {
  const response = await fetch(`${origin}/api/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  })
  return ((await response.json()) as { result: T }).result
}

beforeAll(async () => {
  ensureBuilt()
  temp = tempDir()
  const info = await startHost(join(temp.dir, 'library.db'))
  origin = new URL(info.url).origin
  token = info.token
  const deadline = Date.now() + 60_000
  while ((await call<{ tracks: number; scanning: boolean }>('getStatus')).tracks < FILES.length) {
    if (Date.now() > deadline) throw new Error('the scan did not finish')
    await new Promise((r) => setTimeout(r, 200))
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
  page = await browser.newPage()
  // Opening the tokened link sets the session cookie that media requests then carry.
  await page.goto(info.url)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (child && child.exitCode === null) {
    await new Promise<void>((done) => {
      child.once('exit', () => done())
      child.kill('SIGTERM')
    })
  }
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
      const result = await playInPage(`${origin}/media/${track!.id}`)
      expect(result.error).toBeNull()
      expect(result.ok).toBe(true)
      expect(result.duration).toBeGreaterThan(19)
      expect(result.afterSeek).toBeGreaterThanOrEqual(12)
    },
    30_000,
  )
})
