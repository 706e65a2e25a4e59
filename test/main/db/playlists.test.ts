import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../../src/main/db/database'
import {
  PLAYLIST_ENTRIES,
  PlaylistRepository,
  type StoredEntry,
} from '../../../src/main/db/playlists'
import { tempDir } from '../../helpers/temp'

let cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.forEach((c) => c())
  cleanups = []
})

function library(): Database {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const db = openDatabase(join(t.dir, 'library.db'))
  cleanups.unshift(() => db.close())
  return db
}

function addTrack(db: Database, path: string, fingerprint: string | null, duration = 100): number {
  return Number(
    db
      .prepare(
        `INSERT INTO tracks (path, fingerprint, title, duration, added_at) VALUES (?, ?, ?, ?, 1)`,
      )
      .run(path, fingerprint, path.split('/').pop(), duration).lastInsertRowid,
  )
}

const missing = (db: Database, id: number, since: number | null): void => {
  db.prepare(`UPDATE tracks SET missing_since = ? WHERE id = ?`).run(since, id)
}

describe('playlists in the database', () => {
  it('keeps songs in the order they were saved, and reorders them', () => {
    const db = library()
    const repo = new PlaylistRepository(db)
    const [a, b, c] = ['/m/a.mp3', '/m/b.mp3', '/m/c.mp3'].map((p) => addTrack(db, p, p))
    const id = repo.create('Road', repo.entriesForTracks([c!, a!, b!, 999]))
    expect(repo.entries(id).map((e) => e.trackId)).toEqual([c, a, b])
    const stored = repo.storedEntries(id)
    repo.setEntries(id, [stored[2]!, stored[0]!, stored[1]!])
    expect(repo.entries(id).map((e) => e.trackId)).toEqual([b, c, a])
    repo.append(id, repo.entriesForTracks([a!]))
    expect(repo.entries(id).map((e) => e.position)).toEqual([0, 1, 2, 3])
    expect(repo.summaries()).toEqual([
      expect.objectContaining({ id, name: 'Road', entryCount: 4, missingCount: 0, duration: 400 }),
    ])
  })

  it('keeps an entry whose file went missing, and gives it back when the file returns', () => {
    const db = library()
    const repo = new PlaylistRepository(db)
    const a = addTrack(db, '/m/a.mp3', 'fp-a')
    const b = addTrack(db, '/m/b.mp3', 'fp-b')
    const id = repo.create('Mix', repo.entriesForTracks([a, b]))
    missing(db, a, 5)
    expect(repo.entries(id).map((e) => [e.trackId, e.missing])).toEqual([
      [a, true],
      [b, false],
    ])
    expect(repo.summaries()[0]).toMatchObject({ entryCount: 2, missingCount: 1, duration: 100 })
    // The same content scanned as a new row elsewhere (a copy): found by its fingerprint.
    const copy = addTrack(db, '/other/a-copy.mp3', 'fp-a')
    expect(repo.entries(id)[0]).toMatchObject({
      trackId: copy,
      missing: false,
      path: '/other/a-copy.mp3',
    })
    // Its own file back: its own song again.
    missing(db, a, null)
    expect(repo.entries(id)[0]).toMatchObject({ trackId: a, missing: false, path: '/m/a.mp3' })
  })

  it('finds an imported entry by its path once the file is scanned', () => {
    const db = library()
    const repo = new PlaylistRepository(db)
    const entry: StoredEntry = {
      trackId: null,
      path: '/m/later.mp3',
      fingerprint: null,
      title: 'Later',
      duration: 42,
    }
    const id = repo.create('Imported', [entry])
    expect(repo.entries(id)).toEqual([
      {
        position: 0,
        trackId: null,
        path: '/m/later.mp3',
        title: 'Later',
        duration: 42,
        missing: true,
      },
    ])
    const later = addTrack(db, '/m/later.mp3', 'fp-later', 60)
    expect(repo.entries(id)[0]).toMatchObject({ trackId: later, missing: false, duration: 60 })
  })

  it('deletes a playlist so that Undo can bring it back, until the next delete', () => {
    const db = library()
    const repo = new PlaylistRepository(db)
    const first = repo.create('One', repo.entriesForTracks([addTrack(db, '/m/1.mp3', null)]))
    const second = repo.create('Two', [])
    repo.delete(first)
    expect(repo.summaries().map((p) => p.name)).toEqual(['Two'])
    expect(repo.get(first)).toBeNull()
    repo.restore(first, 'One')
    expect(repo.entries(first)).toHaveLength(1)
    repo.delete(first)
    repo.delete(second)
    expect(repo.deleted(first)).toBeNull() // dropped for good by the next delete
    expect(repo.deleted(second)?.name).toBe('Two')
    expect(db.prepare(`SELECT count(*) FROM playlist_entries`).pluck().get()).toBe(0)
  })

  it('reads a playlist with index seeks, never a scan of the library', () => {
    const db = library()
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${PLAYLIST_ENTRIES}`).all(1) as { detail: string }[]
    ).map((row) => row.detail)
    expect(plan.join('\n')).not.toMatch(/SCAN (tracks|p|f|t|tr)\b/)
    expect(plan.join('\n')).toMatch(/INDEX tracks_fingerprint/)
    expect(plan.join('\n')).toMatch(/SEARCH e USING PRIMARY KEY/)
    const own = (
      db
        .prepare(`EXPLAIN QUERY PLAN ${'SELECT * FROM playlist_entries WHERE playlist_id = 1'}`)
        .all() as { detail: string }[]
    ).map((row) => row.detail)
    expect(own.join('\n')).toMatch(/SEARCH playlist_entries USING PRIMARY KEY/)
  })
})
