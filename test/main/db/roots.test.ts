import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/main/db/database'
import { RootRepository } from '../../../src/main/db/roots'
import { TrackRepository } from '../../../src/main/db/tracks'
import { insertTrack, tempLibrary, type TempLibrary } from '../media/library-rows'

let library: TempLibrary
let db: Database
let roots: RootRepository

beforeEach(() => {
  library = tempLibrary()
  db = library.db
  roots = new RootRepository(db)
})

afterEach(() => library.cleanUp())

/** A track row at `path`, attached to `rootId`, missing since `missingSince` (null: present). */
const addTrack = (path: string, rootId: number | null, missingSince: number | null = null) =>
  insertTrack(db, { path, rootId, missingSince })

describe('the roots repository', () => {
  it('adds a folder once and lists folders by path, and paths in the order they were added', () => {
    const music = roots.add('/music', 10)
    const audio = roots.add('/audio', 20)
    expect(music).toEqual({ id: music!.id, path: '/music', addedAt: 10 })
    expect(roots.add('/music', 30)).toEqual(music)
    expect(roots.list().map((r) => r.path)).toEqual(['/audio', '/music'])
    expect(roots.pathsInOrderAdded()).toEqual(['/music', '/audio'])
    expect(roots.byPath('/audio')).toEqual(audio)
    expect(roots.byPath('/nowhere')).toBeNull()
    expect(roots.pathOf(audio!.id)).toBe('/audio')
    expect(roots.pathOf(9999)).toBeNull()
  })

  it('removing a folder keeps its tracks, marked missing and detached, and keeps earlier missing dates', () => {
    const music = roots.add('/music', 1)!
    const other = roots.add('/other', 1)!
    const present = addTrack('/music/a.ogg', music.id)
    const goneBefore = addTrack('/music/b.ogg', music.id, 5)
    const elsewhere = addTrack('/other/c.ogg', other.id)
    roots.remove(music.id, 100)
    expect(roots.list().map((r) => r.path)).toEqual(['/other'])
    const row = (id: number) =>
      db.prepare('SELECT root_id, missing_since FROM tracks WHERE id = ?').get(id)
    expect(row(present)).toEqual({ root_id: null, missing_since: 100 })
    expect(row(goneBefore)).toEqual({ root_id: null, missing_since: 5 })
    expect(row(elsewhere)).toEqual({ root_id: other.id, missing_since: null })
  })
})

describe('the tracks repository: ranges of the path index', () => {
  it('counts, seeks and lists the present tracks under a folder, and every path under it', () => {
    const tracks = new TrackRepository(db)
    const root = roots.add('/music', 1)!
    addTrack('/music/a/1.ogg', root.id)
    addTrack('/music/a/2.ogg', root.id)
    addTrack('/music/a/gone.ogg', root.id, 7)
    addTrack('/music/ab.ogg', root.id)
    addTrack('/music/b/3.ogg', root.id)
    addTrack('/musical/4.ogg', null)
    expect(tracks.countPresentUnder('/music')).toBe(4)
    expect(tracks.countPresentUnder('/music/a')).toBe(2)
    expect(tracks.countPresentUnder('/music/')).toBe(4)
    expect(tracks.presentUnder('/music/a', 10).map((t) => t.path)).toEqual([
      '/music/a/1.ogg',
      '/music/a/2.ogg',
    ])
    expect(tracks.presentUnder('/music', 2).map((t) => t.path)).toEqual([
      '/music/a/1.ogg',
      '/music/a/2.ogg',
    ])
    expect(tracks.pathsUnder('/music/a')).toEqual([
      '/music/a/1.ogg',
      '/music/a/2.ogg',
      '/music/a/gone.ogg',
    ])
    expect(tracks.firstPresentBetween('/music/a/2.ogg\u0000', '/music0')?.path).toBe(
      '/music/ab.ogg',
    )
    expect(tracks.firstPresentBetween('/music/c', '/music0')).toBeNull()
  })

  it('finds a track id by its exact path, and each present track with its library folder', () => {
    const tracks = new TrackRepository(db)
    const root = roots.add('/music', 1)!
    const a = addTrack('/music/a.ogg', root.id)
    const loose = addTrack('/loose/b.ogg', null)
    const gone = addTrack('/music/gone.ogg', root.id, 3)
    expect(tracks.idOfPath('/music/a.ogg')).toBe(a)
    expect(tracks.idOfPath('/music/gone.ogg')).toBe(gone)
    expect(tracks.idOfPath('/music/A.ogg')).toBeNull()
    expect(tracks.presentWithFolders()).toEqual([
      { id: a, path: '/music/a.ogg', root: '/music' },
      { id: loose, path: '/loose/b.ogg', root: null },
    ])
  })
})
