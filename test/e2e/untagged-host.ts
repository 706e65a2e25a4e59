// The set-up the untagged-library e2e files share: a small library of WAV copies with every tag
// stripped (test/helpers/untagged.ts), the browser host scanning it, and a Chromium page on it.
import { join } from 'node:path'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { ensureBuilt } from './build'
import { callApi, launchChromium, startHost, stopHost, until, type Host } from './host'
import { tempDir } from '../helpers/temp'
import { UNTAGGED_LAYOUT, writeUntaggedLibrary } from '../helpers/untagged'

export interface UntaggedSession {
  /** The library folder (its name: "Music"). */
  library: string
  host: Host
  browser: Browser
  page: Page
  close(): Promise<void>
}

/** Writes the library, starts the host, waits for its scan and opens a 1400×900 page (not loaded). */
export async function openUntagged(options: BrowserContextOptions = {}): Promise<UntaggedSession> {
  ensureBuilt()
  const temp = tempDir()
  const library = join(temp.dir, 'Music')
  writeUntaggedLibrary(library)
  const host = await startHost(library, join(temp.dir, 'library.db'))
  await until(
    () => callApi<{ tracks: number; scanning: boolean }>(host, 'getStatus'),
    (s) => s.tracks === UNTAGGED_LAYOUT.length && !s.scanning,
    'the scan',
    60_000,
  )
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, ...options })
  page.on('pageerror', (error) => console.error('page error:', error.message))
  return {
    library,
    host,
    browser,
    page,
    async close() {
      await browser.close()
      await stopHost(host)
      temp.cleanup()
    },
  }
}
