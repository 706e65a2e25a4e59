import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { ftsQueryFor, scanLibrary, TrackStore } from '../../../src/main/library'
import { STATUS_COUNTS_SQL } from '../../../src/main/db/tracks'
import { FIXTURES, sandbox, type Sandbox } from '../library/library-helpers'

describe('searching and listing a scanned library', () => {
  let box: Sandbox
  let store: TrackStore
  beforeAll(async () => {
    box = sandbox()
    await scanLibrary(box.db, {
      roots: [join(FIXTURES, 'music'), join(FIXTURES, 'broken')],
      coversDir: box.coversDir,
    })
    store = new TrackStore(box.db)
  })
  afterAll(() => box.cleanup())

  it('finds tracks by the beginning of a word of their title or artist', () => {
    expect(store.listTracks({ search: 'north' }).map((t) => t.title)).toContain('Northerners')
    expect(store.listTracks({ search: 'rozan' }).every((t) => t.artist === 'Stephen Rozanc')).toBe(
      true,
    )
    expect(store.listTracks({ search: 'rozan' }).length).toBeGreaterThan(0)
    const both = store.listTracks({ search: 'Doug kauf epic' })
    expect(both.map((t) => t.title)).toEqual(['Battle Epic'])
  })

  it('matches across accents, and finds files by their path', () => {
    expect(store.listTracks({ search: 'unic' }).map((t) => t.artist)).toEqual(['Sigur Rós'])
    expect(store.listTracks({ search: 'sigur ros' })).toHaveLength(1)
    expect(store.listTracks({ search: 'infight' }).map((t) => t.path)).toEqual([
      join(FIXTURES, 'music/nexuiz/infight.mp3'),
    ])
  })

  it('never throws on quotes or query operators typed into the search box', () => {
    const hostile = [
      '"',
      "'",
      '"north',
      'north"',
      'AND',
      'OR north',
      'NOT',
      'NEAR(a b)',
      '*',
      'a*b',
      '-north',
      '^north',
      'title:north',
      '(',
      ')',
      '{x}',
      ':',
      '"" AND ""',
      '\\',
      '%',
      '_',
    ]
    for (const search of hostile) expect(() => store.listTracks({ search }), search).not.toThrow()
    expect(store.listTracks({ search: '"north' }).map((t) => t.title)).toContain('Northerners')
  })

  it('turns each word into a quoted prefix term', () => {
    expect(ftsQueryFor('Doug "kauf')).toBe('"Doug"* "kauf"*')
    expect(ftsQueryFor('  -- ')).toBeNull()
  })

  it('lists by album artist, album, disc and track number by default, with paging', () => {
    const wesnoth = store
      .listTracks({ search: 'wesnoth' })
      .filter((t) => t.path.includes('/music/wesnoth/'))
    const keys = wesnoth.map((t) => [t.discNo ?? 0, t.trackNo ?? 0] as const)
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1])
    expect(keys).toEqual(sorted)
    const all = store.listTracks()
    expect(store.listTracks({ limit: 5, offset: 5 })).toEqual(all.slice(5, 10))
    expect(store.countTracks()).toBe(all.length)
    expect(store.countTracks({ search: 'drascula' })).toBe(10)
  })

  it('sums up the library', () => {
    const stats = store.stats()
    expect(stats.tracks).toBe(50)
    expect(stats.missing).toBe(0)
    expect(stats.failed).toBe(3)
    expect(stats.byFormat).toMatchObject({ ogg: 14, mp3: 12, opus: 7, m4a: 10, flac: 3, wav: 1 })
    expect(stats.totalDuration).toBeGreaterThan(40 * 29)
    expect(stats.albums).toBeGreaterThanOrEqual(4)
    expect(stats.artists).toBeGreaterThanOrEqual(10)
  })

  it('counts the songs for the status bar from indexes alone, as the summary counts them', () => {
    const stats = store.stats()
    expect(store.counts()).toEqual({ tracks: 50, missing: 0, failed: 3 })
    expect(store.counts()).toEqual({
      tracks: stats.tracks,
      missing: stats.missing,
      failed: stats.failed,
    })
    const plan = (
      box.db.prepare(`EXPLAIN QUERY PLAN ${STATUS_COUNTS_SQL}`).all() as {
        detail: string
      }[]
    ).map((p) => p.detail)
    // Every count reads an index, never the rows (tags and paths: 66 ms at 100,000 songs).
    expect(plan.filter((p) => /^(SCAN|SEARCH) tracks/.test(p))).toHaveLength(3)
    for (const step of plan.filter((p) => /^(SCAN|SEARCH) tracks/.test(p)))
      expect(step).toMatch(/USING (COVERING )?INDEX/)
    expect(plan.join(' | ')).toMatch(/tracks_missing/)
    expect(plan.join(' | ')).toMatch(/tracks_failed/)
  })

  it('maps a row to the Track type', () => {
    const track = store.getTrackByPath(join(FIXTURES, 'music/wesnoth/northerners.ogg'))
    expect(track).not.toBeNull()
    expect(store.getTrack(track?.id ?? -1)).toEqual(track)
    expect(track?.replayGain).toEqual({
      trackGain: null,
      trackPeak: null,
      albumGain: null,
      albumPeak: null,
    })
    expect(track?.lossless).toBe(false)
    expect(store.getTrack(999_999)).toBeNull()
  })
})
