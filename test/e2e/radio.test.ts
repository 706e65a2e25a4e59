// End to end in Chromium: "Start radio" in a song's menu while another song plays. The song
// playing goes on, the queue fills with the radio's picks (never the seed itself), each saying it
// is close to the seed; "End radio" in the banner above the queue gives the picks back to the
// taste alone.
import { resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO } from './build'
import { callApi, openLibraryPage, until, type Host, type LibrarySession } from './host'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

let session: LibrarySession
let host: Host
let page: Page

beforeAll(async () => {
  session = await openLibraryPage(LIBRARY, { analysed: true })
  ;({ host, page } = session)
}, 180_000)

afterAll(async () => {
  await session?.close()
})

interface SavedQueue {
  entries: { trackId: number; source: string; reason?: { why?: { line: string } } }[]
  current: number | null
}

describe('radio from a song, end to end', () => {
  it('fills the queue with picks close to the seed, keeps the song playing, and ends', async () => {
    const rows = page.getByTestId('track-row')
    const playingId = Number(await rows.nth(2).getAttribute('data-track-id'))
    // Just this song (a double-click would queue the rest of the list, leaving no room for picks).
    await rows.nth(2).click({ button: 'right' })
    await page.getByRole('menuitemcheckbox', { name: 'Play now' }).click()
    await until(
      () => callApi<SavedQueue>(host, 'getQueue'),
      (q) => q.current !== null && q.entries[q.current]?.trackId === playingId,
      'the song to play',
    )
    // Paused, so the 30-second song is still the one playing when the radio has started.
    await page.getByRole('button', { name: 'Pause' }).click()
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor()
    const seedId = Number(await rows.nth(0).getAttribute('data-track-id'))
    const seed = await callApi<{ title: string }>(host, 'getTrack', { id: seedId })

    await rows.nth(0).click({ button: 'right' })
    await page.getByRole('menuitemcheckbox', { name: 'Start radio' }).click()
    await page
      .getByTestId('mark-notice')
      .filter({ hasText: `Radio from ${seed.title}` })
      .waitFor()
    await expect.poll(() => page.getByTestId('radio-seed').textContent()).toBe(seed.title)

    // The auto-queue (switched on by the radio) fills up with songs the seed decided.
    const closeToSeed = `Close to ${seed.title}, where this radio started.`
    const reasons = page.getByTestId('queue-reason').filter({ hasText: closeToSeed })
    await until(
      () => reasons.count(),
      (n) => n >= 2,
      'radio picks in the queue',
      60_000,
    )
    // The window saves its queue a moment later.
    const onRadio = await until(
      () => callApi<SavedQueue>(host, 'getQueue'),
      (q) => q.entries.filter((e) => e.source === 'auto').length >= 2,
      'the radio picks saved',
    )
    // The song playing was not restarted or replaced, and the seed itself is not picked again.
    expect(onRadio.entries[onRadio.current!]?.trackId).toBe(playingId)
    const auto = onRadio.entries.filter((e) => e.source === 'auto')
    expect(auto.length).toBeGreaterThanOrEqual(2)
    expect(auto.map((e) => e.trackId)).not.toContain(seedId)
    expect(auto.every((e) => e.reason?.why?.line.startsWith(closeToSeed))).toBe(true)
    expect(await page.getByTestId('now-playing-title').textContent()).toContain(
      (await callApi<{ title: string }>(host, 'getTrack', { id: playingId })).title,
    )

    // End radio: the banner goes, and the waiting picks are the taste's again.
    await page.getByTestId('radio-banner').getByRole('button', { name: 'End radio' }).click()
    await page.getByTestId('radio-banner').waitFor({ state: 'detached' })
    await until(
      () => reasons.count(),
      (n) => n === 0,
      'the radio’s reasons to leave the queue',
      30_000,
    )
    const after = await callApi<SavedQueue>(host, 'getQueue')
    expect(after.entries[after.current!]?.trackId).toBe(playingId)
    expect(
      after.entries.some((e) => e.reason?.why?.line.includes('where this radio started')),
    ).toBe(false)
    expect((await callApi<{ radio: unknown }>(host, 'radioStatus')).radio).toBeNull()
  }, 150_000)
})
