// End to end in Chromium: "Start a path from here" on one song, "Play a path from … to here" on
// another, and the queue plays the path the engine made, from the first song to the second.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from './build'
import { callApi, useLibraryPage, until } from './host'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/nexuiz')

const session = useLibraryPage(LIBRARY, { analysed: true })

describe('a path between two songs, end to end', () => {
  it('plays the path from the first song chosen to the second', async () => {
    const rows = session.page.getByTestId('track-row')
    await rows.nth(0).click({ button: 'right' })
    await session.page.getByRole('menuitemcheckbox', { name: 'Start a path from here' }).click()
    await session.page
      .getByTestId('mark-notice')
      .filter({ hasText: 'now right-click the song' })
      .waitFor()
    await rows.nth(5).click({ button: 'right' })
    await session.page
      .getByRole('menuitemcheckbox', { name: /^Play a path from .* to here$/ })
      .click()
    const notice = session.page.getByTestId('mark-notice').filter({ hasText: 'Playing a path of' })
    await notice.waitFor()
    // Two ends and up to eight songs between them (fewer when the folder runs out).
    const count = Number(/of (\d+) songs/.exec(await notice.innerText())?.[1])
    expect(count).toBeGreaterThanOrEqual(3)
    expect(count).toBeLessThanOrEqual(10)
    // The path starts with the first song chosen: it plays, and the song chosen second ends the queue.
    const from = Number(await rows.nth(0).getAttribute('data-track-id'))
    const to = Number(await rows.nth(5).getAttribute('data-track-id'))
    const queue = await until(
      () =>
        callApi<{ entries: { trackId: number }[]; current: number | null }>(
          session.host,
          'getQueue',
        ),
      (q) => q.current !== null && q.entries.length >= count,
      'the path in the queue',
    )
    const entries = queue.entries.map((e) => e.trackId)
    expect(entries[queue.current!]).toBe(from)
    expect(entries.at(-1)).toBe(to)
    expect(new Set(entries.slice(queue.current!)).size).toBe(count)
    expect(await session.page.getByTestId('queue-entry').count()).toBeGreaterThanOrEqual(count - 1)
  }, 120_000)
})
