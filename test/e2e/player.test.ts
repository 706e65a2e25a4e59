// End to end: the real browser host (`attune serve`) running the real engine on a temp database
// over the fixture library, driven through Debian's headless Chromium like a listener would.
import { mkdirSync, readdirSync } from 'node:fs'
import { request } from 'node:http'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, REPO } from './build'
import {
  callApi,
  launchChromium,
  startHost as startServe,
  stopHost,
  playerAudio,
  setPlayingTime,
  until,
  type AudioNode,
  type Host,
} from './host'
import { tempDir } from '../helpers/temp'

const MUSIC = resolve(REPO, '../shared/fixtures/music')
const SCREENSHOTS = join(REPO, 'test-results/screenshots')
const AUDIO = /\.(mp3|ogg|opus|m4a|flac|wav|aiff?)$/i

let temp: { dir: string; cleanup: () => void }
let dbPath: string
let host: Host
let browser: Browser
let page: Page
const startedAt = Date.now()
/** Every audio request the page made: its path and HTTP status. */
const mediaRequests: { path: string; status: number }[] = []

function countAudioFiles(dir: string): number {
  let count = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += countAudioFiles(join(dir, entry.name))
    else if (AUDIO.test(entry.name)) count += 1
  }
  return count
}

/** Starts `attune serve` and reads the JSON it prints once it listens. */
const startHost = (): Promise<Host> => startServe(MUSIC, dbPath)

const call = <T>(name: string, args: unknown = {}): Promise<T> => callApi<T>(host, name, args)

const audioNodes = (): Promise<AudioNode[]> => playerAudio(page)

async function playingNode() {
  return (await audioNodes()).find((n) => !n.paused) ?? null
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
}

interface HistoryRow {
  eventId: number
  endReason: string | null
  endPosition: number | null
  track: { id: number } | null
}

beforeAll(async () => {
  ensureBuilt()
  mkdirSync(SCREENSHOTS, { recursive: true })
  temp = tempDir()
  dbPath = join(temp.dir, 'library.db')
  host = await startHost()
  await until(
    () => call<{ tracks: number; scanning: boolean }>('getStatus'),
    (s) => s.tracks === countAudioFiles(MUSIC) && !s.scanning,
    'the scan',
    60_000,
  )
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  page.on('pageerror', (error) => console.error('page error:', error.message))
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.startsWith('/media/'))
      mediaRequests.push({ path: `${url.pathname}${url.search}`, status: response.status() })
  })
  await page.goto(host.url)
})

afterAll(async () => {
  await browser?.close()
  if (host) await stopHost(host)
  temp?.cleanup()
  console.log(`e2e suite took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
})

describe('the browser host, end to end', () => {
  it('refuses requests without the token', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(401)
    expect(
      (await fetch(`${host.origin}/api/getStatus`, { method: 'POST', body: '{}' })).status,
    ).toBe(401)
    expect((await fetch(`${host.origin}/media/1`)).status).toBe(401)
  })

  it('refuses path traversal on /media and /covers', async () => {
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((ok, fail) => {
        const url = new URL(host.origin)
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            headers: { authorization: `Bearer ${host.token}` },
          },
          (res) => {
            let body = ''
            res.on('data', (c: Buffer) => (body += c.toString()))
            res.on('end', () => ok({ status: res.statusCode ?? 0, body }))
          },
        )
        req.on('error', fail)
        req.end()
      })
    for (const path of [
      '/media/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/media/1%2F..%2F..%2Fetc%2Fpasswd',
      '/covers/..%2F..%2Fetc%2Fpasswd',
    ]) {
      const answer = await raw(path)
      expect(answer.status, path).toBeGreaterThanOrEqual(400)
      expect(answer.body, path).not.toMatch(/root:.*:0:0:/)
    }
    // Dot segments are resolved before routing: this one lands on the app's own page, never the file.
    const dotted = await raw('/media/../../../../etc/passwd')
    expect(dotted.body).not.toMatch(/root:.*:0:0:/)
  })

  it('lists every fixture track in the library view', async () => {
    const expected = countAudioFiles(MUSIC)
    await page
      .getByTestId('track-count')
      .filter({ hasText: `${expected} tracks` })
      .waitFor()
    // The header row counts as the table's first row.
    const rowCount = await page.getByRole('table', { name: 'Tracks' }).getAttribute('aria-rowcount')
    expect(rowCount).toBe(String(expected + 1))
    const table = page.getByTestId('library-scroller')
    // Rows are virtualised: scroll to the end and the last track is there.
    await screenshot('library')
    await table.hover()
    await page.mouse.wheel(0, 10_000)
    await page.locator(`[data-testid="track-row"][aria-rowindex="${expected + 1}"]`).waitFor()
    expect(await page.getByTestId('track-row').count()).toBeLessThan(expected)
    await page.mouse.wheel(0, -10_000)
    await page.locator('[data-testid="track-row"][aria-rowindex="2"]').waitFor()
  })

  it('plays a clicked track, and the audio advances', async () => {
    const row = page.getByTestId('track-row').filter({ hasText: 'ogg' }).first()
    const title = (await row.locator('.col-title').textContent()) ?? ''
    await row.dblclick()
    await page.getByTestId('now-playing-title').filter({ hasText: title }).waitFor()
    const first = await until(playingNode, (n) => n !== null && n.time > 0.3, 'playback to start')
    await page.waitForTimeout(700)
    const later = await playingNode()
    expect(later?.time ?? 0).toBeGreaterThan(first?.time ?? 0)
    await screenshot('now-playing')
    // The table from that row on became the queue; Clear leaves the playing song alone.
    expect(await page.getByTestId('queue-entry').count()).toBeGreaterThan(1)
    await page.getByRole('button', { name: 'Clear', exact: true }).click()
    await expect.poll(() => page.getByTestId('queue-entry').count()).toBe(1)
    await page.getByTestId('mark-notice').getByRole('button', { name: 'Dismiss notice' }).click()
  })

  it('seeks forward and plays on from there, without fetching the song again', async () => {
    const path = new URL((await playingNode())!.src, host.origin).pathname
    const fetches = () => mediaRequests.filter((r) => r.path === path)
    await page.locator('body').press('ArrowRight')
    await page.locator('body').press('ArrowRight')
    const afterKeys = await until(playingNode, (n) => (n?.time ?? 0) >= 10, 'the 5 s seeks')
    await setPlayingTime(page, 20)
    const sought = await until(playingNode, (n) => (n?.time ?? 0) >= 20, 'the seek to 20 s')
    await page.waitForTimeout(600)
    const after = await playingNode()
    expect(after?.time ?? 0).toBeGreaterThan(sought?.time ?? 0)
    expect(afterKeys?.time ?? 0).toBeGreaterThanOrEqual(10)
    // The song is decoded whole for gapless playback (docs/playback.md): fetched once, in full,
    // and every seek plays from memory.
    expect(fetches()).toEqual([{ path, status: 200 }])
  })

  it('records a like when L is pressed', async () => {
    const history = await call<HistoryRow[]>('listHistory', { limit: 5 })
    const playingId = history[0]?.track?.id
    await page.locator('body').press('l')
    const labels = await until(
      () => call<{ trackId: number; mark: string }[]>('listLabels'),
      (l) => l.length > 0,
      'the like',
    )
    expect(labels).toEqual([expect.objectContaining({ trackId: playingId, mark: 'like' })])
    const like = page
      .getByRole('contentinfo', { name: 'Now playing' })
      .getByRole('button', { name: 'Like' })
    expect(await like.getAttribute('aria-pressed')).toBe('true')
  })

  it('skips with N, recording one play end with reason next and its position', async () => {
    const second = page.getByTestId('track-row').filter({ hasText: 'mp3' }).first()
    await second.click({ button: 'right' })
    await page.getByRole('menuitemcheckbox', { name: 'Add to queue' }).click()
    await expect.poll(() => page.getByTestId('queue-entry').count()).toBe(2)
    const before = await call<HistoryRow[]>('listHistory', { limit: 5 })
    await page.locator('body').press('n')
    const history = await until(
      () => call<HistoryRow[]>('listHistory', { limit: 5 }),
      (h) => h.length > before.length && h.some((e) => e.endReason === 'next'),
      'the skip',
    )
    const skipped = history.find((e) => e.endReason === 'next')
    expect(skipped?.endPosition).toBeGreaterThan(5)
    await until(playingNode, (n) => n !== null && n.time > 0.2, 'the next track to play')
    // Exactly one end per play, read straight from the database.
    const db = new Database(dbPath, { readonly: true, fileMustExist: true })
    try {
      const ends = db
        .prepare(
          `SELECT play_id, COUNT(*) AS n FROM events WHERE kind = 'play_end' GROUP BY play_id`,
        )
        .all() as { play_id: string; n: number }[]
      expect(ends.length).toBeGreaterThan(0)
      expect(ends.every((e) => e.n === 1)).toBe(true)
    } finally {
      db.close()
    }
    await page.getByRole('tab', { name: 'History' }).click()
    await page.getByTestId('history-entry').first().waitFor()
    await screenshot('history')
    await page.getByRole('tab', { name: 'Queue' }).click()
  })

  it('keeps the queue and the position across a page reload', async () => {
    await page.waitForTimeout(1200)
    const title = await page.getByTestId('now-playing-title').textContent()
    await page.reload()
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: title ?? '' })
      .waitFor()
    // The skipped song is under Played (collapsed), the playing one shown.
    expect(await page.getByTestId('queue-entry').count()).toBe(1)
    await page.getByRole('button', { name: /Played \(1\)/ }).waitFor()
    const saved = await call<{ current: number | null; position: number; entries: unknown[] }>(
      'getQueue',
    )
    expect(saved.current).toBe(1)
    expect(saved.position).toBeGreaterThan(0.5)
    // The play cut short by the reload was ended as 'quit'.
    const history = await until(
      () => call<HistoryRow[]>('listHistory', { limit: 5 }),
      (h) => h.some((e) => e.endReason === 'quit'),
      'the quit',
    )
    expect(history.some((e) => e.endReason === 'quit')).toBe(true)
  })

  it('keeps the queue across a host restart on the same database', async () => {
    const title = await page.getByTestId('now-playing-title').textContent()
    await stopHost(host)
    host = await startHost()
    await page.goto(host.url)
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: title ?? '' })
      .waitFor()
    expect((await call<{ entries: unknown[] }>('getQueue')).entries).toHaveLength(2)
    // Play resumes from the saved position rather than the top.
    await page.getByRole('button', { name: 'Play', exact: true }).click()
    const resumed = await until(
      playingNode,
      (n) => n !== null && n.time > 0,
      'playback after the restart',
    )
    expect(resumed?.time ?? 0).toBeGreaterThan(0.5)
    await page.getByRole('button', { name: 'Pause', exact: true }).click()
  })

  it('plays on into the next queued track when one ends, with the next one preloaded', async () => {
    const upNext = page.getByTestId('track-row').filter({ hasText: 'opus' }).first()
    const nextTitle = (await upNext.locator('.col-title').textContent()) ?? ''
    await upNext.click({ button: 'right' })
    await page.getByRole('menuitemcheckbox', { name: 'Play next' }).click()
    await page.getByRole('button', { name: 'Play', exact: true }).click()
    await until(playingNode, (n) => n !== null && n.time > 0, 'playback')
    await setPlayingTime(page, -1.5)
    // Within the last seconds a second audio element already holds the next track.
    await until(audioNodes, (nodes) => nodes.length >= 2, 'the preload')
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: nextTitle })
      .waitFor({ timeout: 10_000 })
    await until(playingNode, (n) => n !== null && n.time > 0.2, 'the next track to play')
    const history = await until(
      () => call<HistoryRow[]>('listHistory', { limit: 5 }),
      (h) => h.some((e) => e.endReason === 'ended'),
      'the natural end',
    )
    expect(history.find((e) => e.endReason === 'ended')?.endPosition).toBeGreaterThan(25)
    await page.getByRole('button', { name: 'Pause', exact: true }).click()
  })

  it('opens an album in the Albums view and plays it from its first track', async () => {
    await page.getByRole('button', { name: 'Albums' }).click()
    await page
      .getByTestId('album-group')
      .filter({ hasText: 'The Battle for Wesnoth OST' })
      .getByRole('button')
      .click()
    const album = page.getByRole('region', { name: 'Album The Battle for Wesnoth OST' })
    await album.getByTestId('album-track').first().waitFor()
    expect(await album.getByTestId('album-track').count()).toBe(12)
    await album.getByRole('button', { name: 'Play all' }).click()
    // Disc 1, track 2 is the album's first track in the fixtures.
    await page
      .getByTestId('now-playing-title')
      .filter({ hasText: 'Breaking the Chains' })
      .waitFor({ timeout: 10_000 })
    await until(playingNode, (n) => n !== null && n.time > 0.2, 'the album to play')
    await screenshot('album')
    await page.getByRole('button', { name: 'Pause', exact: true }).click()
    await page.getByRole('button', { name: 'Back to the album list' }).click()
    await page.getByTestId('album-count').waitFor()
  })

  it('shows the other screens', async () => {
    await page.getByRole('button', { name: 'Albums' }).click()
    await page.getByTestId('album-group').first().waitFor()
    await screenshot('albums')
    await page.getByRole('button', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Library folders' }).waitFor()
    await screenshot('settings')
    await page.getByRole('button', { name: 'Songs' }).click()
    await page.locator('body').press('?')
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    await screenshot('help')
    await page.keyboard.press('Escape')
  })
})
