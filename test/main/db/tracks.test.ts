import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ftsQueryFor, LibraryFolderError, scanLibrary, TrackStore } from '../../../src/main/library'
import { copyFixture, FIXTURES, sandbox, type Sandbox } from '../library/library-helpers'

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

describe('library folders', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  it('stores the real path of a folder reached through a symlink, once', () => {
    box = sandbox()
    const store = new TrackStore(box.db)
    symlinkSync(box.music, join(box.dir, 'link'))
    const root = store.addRoot(join(box.dir, 'link'))
    expect(root.path).toBe(realpathSync(box.music))
    expect(store.addRoot(box.music).id).toBe(root.id)
    expect(store.listRoots()).toEqual([root])
  })

  it('refuses, in plain words, a folder that does not exist or is a file', () => {
    box = sandbox()
    const store = new TrackStore(box.db)
    expect(() => store.addRoot(join(box.dir, 'nope'))).toThrow(/does not exist/)
    writeFileSync(join(box.dir, 'file.txt'), 'x')
    expect(() => store.addRoot(join(box.dir, 'file.txt'))).toThrow(LibraryFolderError)
    expect(() => store.addRoot(join(box.dir, 'file.txt'))).toThrow(/is a file, not a folder/)
  })

  it('removing a folder keeps its tracks and their events, marked missing and detached', async () => {
    box = sandbox()
    mkdirSync(join(box.music, 'a'))
    copyFixture('formats/vbr.mp3', join(box.music, 'a', 'x.mp3'))
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    const store = new TrackStore(box.db)
    const track = store.listTracks()[0]
    box.db
      .prepare(`INSERT INTO events (ts, kind, track_id, mark) VALUES (1, 'mark', ?, 'like')`)
      .run(track?.id)
    expect(store.removeRoot(box.music)).toBe(true)
    expect(store.listRoots()).toEqual([])
    const kept = store.getTrack(track?.id ?? -1)
    expect(kept).toMatchObject({ rootId: null })
    expect(kept?.missingSince).not.toBeNull()
    expect(
      box.db.prepare('SELECT COUNT(*) FROM events WHERE track_id = ?').pluck().get(track?.id),
    ).toBe(1)
    expect(store.removeRoot(box.music)).toBe(false)

    // Adding the folder back and scanning finds the same track again.
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    expect(store.getTrack(track?.id ?? -1)).toMatchObject({ missingSince: null })
    expect(store.getTrack(track?.id ?? -1)?.rootId).not.toBeNull()
  })
})
