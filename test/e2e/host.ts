// Shared by the end-to-end tests: the real browser host (`attune serve`) as a child process, its
// API, and Debian's headless Chromium with the flags this workplace needs.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { ensureBuilt, REPO } from './build'
import { tempDir } from '../helpers/temp'

export interface Host {
  process: ChildProcess
  url: string
  origin: string
  token: string
}

/** Starts `attune serve` on a library and a database, and reads the JSON it prints once it listens. */
/** Starts `attune serve` on `library` (`extra`: more of its options, e.g. `--seed 7`). */
export function startHost(library: string, dbPath: string, extra: string[] = []): Promise<Host> {
  const child = spawn(
    process.execPath,
    [
      'bin/attune.js',
      'serve',
      '--library',
      library,
      '--db',
      dbPath,
      '--port',
      '0',
      '--json',
      ...extra,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((ok, fail) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => fail(new Error(`attune serve did not start:\n${err}`)), 30_000)
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      try {
        const info = JSON.parse(out) as { url: string; token: string }
        clearTimeout(timer)
        ok({ process: child, url: info.url, token: info.token, origin: new URL(info.url).origin })
      } catch {
        // Not the whole JSON yet.
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`attune serve exited with ${code}:\n${err}`))
    })
  })
}

export function stopHost(host: Host): Promise<void> {
  return new Promise((done) => {
    if (host.process.exitCode !== null) return done()
    host.process.once('exit', () => done())
    host.process.kill('SIGTERM')
  })
}

/** Calls the host's API as the page would (with the token as a bearer header). */
export async function callApi<T>(host: Host, name: string, args: unknown = {}): Promise<T> {
  const response = await fetch(`${host.origin}/api/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  })
  const body = (await response.json()) as { result: T; error?: string }
  if (!response.ok) throw new Error(body.error)
  return body.result
}

/** Polls `probe` until `ok` holds, or fails with what it was waiting for. */
export async function until<T>(
  probe: () => Promise<T> | T,
  ok: (value: T) => boolean,
  what: string,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: T = await probe()
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, 150))
    last = await probe()
  }
  return last
}

/** Debian's Chromium, headless, never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

export interface AudioNode {
  src: string
  time: number
  paused: boolean
}

/**
 * The sounds the player holds in a page: the songs decoded with Web Audio (the app's diagnostics,
 * `window.attuneAudio`) and the <audio> elements howler streams very long files through (html5
 * mode keeps them out of the DOM). `paused` is true for a song scheduled but not yet sounding.
 */
export function playerAudio(page: Page): Promise<AudioNode[]> {
  return page.evaluate<AudioNode[]>(`(() => {
    const decoded = window.attuneAudio ? window.attuneAudio.sounds().map((s) => ({
      src: s.src, time: s.time, paused: s.paused,
    })) : []
    const howler = window.Howler
    const streamed = howler ? howler._howls.flatMap((h) => h._sounds.filter((s) => s._node).map((s) => ({
      src: s._node.currentSrc || String(h._src), time: s._node.currentTime, paused: s._node.paused,
    }))) : []
    return [...decoded, ...streamed]
  })()`)
}

/**
 * Moves the playing song to `seconds` (negative: that many seconds before its end) behind the
 * player's back, as the tests' shortcut to a later part of a song.
 */
export function setPlayingTime(page: Page, seconds: number): Promise<void> {
  return page.evaluate(`(() => {
    const at = (duration) => (${seconds} < 0 ? duration + ${seconds} : ${seconds})
    const decoded = window.attuneAudio ? window.attuneAudio.sounds().find((s) => !s.paused) : null
    if (decoded) return decoded.seek(at(decoded.duration))
    const s = window.Howler._howls.flatMap((h) => h._sounds).find((s) => s._node && !s._node.paused)
    s._node.currentTime = at(s._node.duration)
  })()`)
}

/** Starts `attune serve` and waits until every scanned track is analysed. */
export async function startAnalysedHost(
  library: string,
  dbPath: string,
  ms = 120_000,
  extra: string[] = [],
): Promise<Host> {
  const host = await startHost(library, dbPath, extra)
  try {
    await until(
      () =>
        callApi<{ tracks: number; scanning: boolean; analysed: number; analysing: boolean }>(
          host,
          'getStatus',
        ),
      (s) => s.tracks > 0 && !s.scanning && s.analysed === s.tracks && !s.analysing,
      'the scan and analysis',
      ms,
    )
  } catch (error) {
    await stopHost(host)
    throw error
  }
  return host
}

/** What the listener does with one auto-pick: plays it through, skips it early, turns it down or not yet. */
export type PickFate = 'kept' | 'skipped' | 'turnedDown' | 'waiting'

/**
 * Asks the auto-queue for one pick per fate and reports each as the player would (play start and
 * end, or a "not for me" mark). Returns the picked track ids, in order.
 */
export async function playAutoPicks(
  host: Host,
  fates: readonly PickFate[],
  durationOf: (trackId: number) => number,
  exclude: readonly number[] = [],
): Promise<number[]> {
  const picked: number[] = []
  for (const fate of fates) {
    const pick = await callApi<{ entry: { trackId: number } | null }>(host, 'autoQueueNext', {
      exclude: [...exclude, ...picked],
    })
    if (!pick.entry) throw new Error(`The auto-queue had no pick left after ${picked.length}.`)
    const trackId = pick.entry.trackId
    picked.push(trackId)
    if (fate === 'turnedDown') await callApi(host, 'setMark', { trackId, mark: 'not_for_me' })
    if (fate !== 'kept' && fate !== 'skipped') continue
    const duration = durationOf(trackId)
    const { playId } = await callApi<{ playId: string }>(host, 'playStarted', { trackId })
    await callApi(host, 'playEnded', {
      trackId,
      playId,
      position: fate === 'kept' ? duration : duration * 0.05,
      duration,
      reason: fate === 'kept' ? 'ended' : 'next',
    })
  }
  return picked
}

/**
 * Types in the search box and waits until the table shows only matching rows: a double-click
 * plays the list from its row on, so it must land on the filtered list, not the one before.
 */
export async function searchFor(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search' }).fill(text)
  const rows = page.getByTestId('track-row')
  await until(
    async () => ({
      shown: await rows.count(),
      other: await rows.filter({ hasNotText: text }).count(),
    }),
    ({ shown, other }) => shown > 0 && other === 0,
    `the table to show only songs matching “${text}”`,
  )
}

export interface LibrarySession {
  host: Host
  browser: Browser
  page: Page
  /** The session's temp folder (the database, and a library made there): removed by close(). */
  dir: string
  close(): Promise<void>
}

export interface LibraryPageOptions {
  /** Wait until every scanned song is analysed too. */
  analysed?: boolean
  /** More `attune serve` options, e.g. `['--seed', '7']`. */
  hostArgs?: string[]
  /** How long the scan (and analysis) may take; 60 s for a scan, 120 s with analysis. */
  timeoutMs?: number
  /** Runs with the library scanned, before the browser opens: settings, marks, plays by the API. */
  beforePage?: (host: Host) => Promise<void>
  /** 1400×900 unless given. */
  viewport?: { width: number; height: number }
  /** Lets a test inject scripts (axe-core) past the app's CSP (script-src 'self'). */
  bypassCSP?: boolean
  colorScheme?: 'dark' | 'light'
  /** Load the app and wait for the song table (the default), or leave the page blank. */
  load?: boolean
}

/**
 * The browser host on `library` (scanned, and analysed too when `analysed`), with a Chromium page
 * loaded on it and showing the song table. `library` may be a function that makes the library in
 * the session's temp folder and returns its path.
 */
export async function openLibraryPage(
  library: string | ((dir: string) => string),
  options: LibraryPageOptions = {},
): Promise<LibrarySession> {
  ensureBuilt()
  const temp = tempDir()
  let host: Host | null = null
  let browser: Browser | null = null
  try {
    const folder = typeof library === 'string' ? library : library(temp.dir)
    const dbPath = join(temp.dir, 'library.db')
    if (options.analysed)
      host = await startAnalysedHost(folder, dbPath, options.timeoutMs, options.hostArgs)
    else {
      const started = await startHost(folder, dbPath, options.hostArgs)
      host = started
      await until(
        () => callApi<{ tracks: number; scanning: boolean }>(started, 'getStatus'),
        (s) => s.tracks > 0 && !s.scanning,
        'the scan',
        options.timeoutMs ?? 60_000,
      )
    }
    await options.beforePage?.(host)
    browser = await launchChromium()
    const page = await browser.newPage({
      viewport: options.viewport ?? { width: 1400, height: 900 },
      bypassCSP: options.bypassCSP ?? false,
    })
    page.on('pageerror', (error) => console.error('page error:', error.message))
    if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme })
    if (options.load ?? true) {
      await page.goto(host.url)
      await page.waitForSelector('[data-testid="track-row"]')
    }
    const [openHost, openBrowser] = [host, browser]
    return {
      host: openHost,
      browser: openBrowser,
      page,
      dir: temp.dir,
      async close() {
        await openBrowser.close()
        await stopHost(openHost)
        temp.cleanup()
      },
    }
  } catch (error) {
    // Nothing of a failed set-up outlives it.
    await browser?.close()
    if (host) await stopHost(host)
    temp.cleanup()
    throw error
  }
}

/**
 * openLibraryPage for a whole test file: opened before its tests (then `setUp` runs, e.g. to open a
 * view) and closed after them. The session's fields are there from the tests on, not at load time.
 */
export function useLibraryPage(
  library: string | ((dir: string) => string),
  options: LibraryPageOptions & { setUp?: (session: LibrarySession) => Promise<void> } = {},
  timeoutMs = 180_000,
): LibrarySession {
  // Filled in by beforeAll; the tests only run once it has.
  const session = {} as LibrarySession
  beforeAll(async () => {
    Object.assign(session, await openLibraryPage(library, options))
    await options.setUp?.(session)
  }, timeoutMs)
  afterAll(async () => {
    if ('close' in session) await session.close()
  })
  return session
}
