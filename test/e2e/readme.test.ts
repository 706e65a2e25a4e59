// README's "In the app" against the app itself, in Chromium: every view of the sidebar is
// described there, the keyboard shortcuts it lists are exactly those `?` shows, and its screenshots
// are real PNGs in docs/ of a window's size (taken by test/e2e/screenshots.test.ts).
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from './build'
import { useLibraryPage } from './host'

const README = readFileSync(join(REPO, 'README.md'), 'utf8')
const start = README.indexOf('## In the app')
const IN_THE_APP = README.slice(start, README.indexOf('\n## ', start + 1))

const session = useLibraryPage(resolve(REPO, '../shared/fixtures/music/muldjord'))

describe('README’s "In the app"', () => {
  it('describes every view of the sidebar', async () => {
    const views = (
      await session.page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button')
        .allInnerTexts()
    )
      .map((name) => name.trim())
      .filter((name) => /^[A-Z][a-z]+$/.test(name))
    expect(views).toContain('Folders')
    const missing = views.filter(
      (name) => !new RegExp(`\\b${name.replace(/s$/, '')}s?\\b`, 'i').test(IN_THE_APP),
    )
    expect(missing).toEqual([])
  })

  it('lists exactly the keyboard shortcuts that ? shows', async () => {
    await session.page.locator('body').click({ position: { x: 5, y: 5 } })
    await session.page.keyboard.press('?')
    const dialog = session.page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    const shown = (await dialog.locator('dt').allInnerTexts())
      .map((key) => key.trim())
      .filter((key) => key !== '?')
    await session.page.keyboard.press('Escape')
    // "`?` lists the keyboard shortcuts (space, ←/→ seek, ↑/↓ volume, 0 mute, N, …)"
    const list = /`\?` lists the keyboard shortcuts \(([^)]*)\)/.exec(IN_THE_APP)?.[1]
    expect(list, 'the shortcut list in README').toBeTruthy()
    const listed = list!
      .replace(/\s+/g, ' ')
      .split(', ')
      .map((item) => item.split(' ')[0]!)
      .flatMap((key) => (key.length > 1 && key.includes('/') ? key.split('/') : [key]))
    const norm = (keys: string[]) => keys.map((k) => k.toLowerCase()).sort()
    expect(shown.length).toBeGreaterThan(10)
    expect(norm(listed)).toEqual(norm(shown))
  })

  it('shows the library and the now-playing view in screenshots kept in docs/', () => {
    const images = [...IN_THE_APP.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!)
    expect(images).toEqual(
      expect.arrayContaining(['docs/screenshot-library.png', 'docs/screenshot-now-playing.png']),
    )
    for (const image of images) {
      const png = readFileSync(join(REPO, image))
      expect(png.subarray(1, 4).toString('latin1'), image).toBe('PNG')
      // IHDR: a window's size, not a thumbnail or an empty image.
      expect(png.readUInt32BE(16), image).toBeGreaterThanOrEqual(900)
      expect(png.readUInt32BE(20), image).toBeGreaterThanOrEqual(600)
    }
  })
})
