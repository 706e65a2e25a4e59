// A 100,000-track library: the hot queries must use their indexes rather than scan the whole
// table, pages after a change must not rebuild the summaries, and a rebuild must yield to the
// event loop. No stopwatch here: how fast these answer (the < 50 ms median of DESIGN.md) is
// measured by `npm run bench -- library` (bench/library.ts) and checked by `npm run bench:check`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dirname, join } from 'node:path'
import { CoverRepository } from '../../../src/main/db/covers'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { TrackWriteRepository } from '../../../src/main/db/track-writes'
import { TrackStore } from '../../../src/main/library'
import { GROUP_TRACKS_SQL, GROUP_WALKS, groupWalkSql } from '../../../src/main/db/tracks'
import { tempDir } from '../../helpers/temp'
import { BIG_LIBRARY_SEARCHES, fillBigLibrary } from '../library/big-library'

const N = 100_000
let db: Database
let cleanup: () => void

beforeAll(() => {
  const t = tempDir()
  cleanup = t.cleanup
  db = openDatabase(join(t.dir, 'big.db'))
  fillBigLibrary(db, N)
}, 120_000)

afterAll(() => {
  db.close()
  cleanup()
})

/** The SQL statements `run` prepares on `db` (the real statements run; they are only listed). */
async function statementsOf<T>(run: () => T | Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = []
  const prepare = db.prepare.bind(db)
  db.prepare = (source: string) => {
    sql.push(source)
    return prepare(source)
  }
  try {
    return { result: await run(), sql }
  } finally {
    delete (db as { prepare?: unknown }).prepare // the prototype's method again
  }
}

/** SQLite's query plan of `sql` (parameters bound to NULL), one line per step. */
function planOf(sql: string): string[] {
  const count = (sql.match(/\?/g) ?? []).length
  return (
    db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<null>(count).fill(null)) as {
      detail: string
    }[]
  ).map((p) => p.detail)
}

/** A step that reads every row of the tracks table (a full scan, not an index range). */
const FULL_SCAN = /^SCAN (t|tracks)( |$)(?!USING)/

describe('a 100,000-track library', () => {
  it('answers a search (a page and the count) through the full-text index, never a scan of every track', async () => {
    const store = new TrackStore(db)
    const queries = BIG_LIBRARY_SEARCHES
    for (const search of queries) {
      const { result, sql } = await statementsOf(() => ({
        tracks: store.listTracks({ search, limit: 200 }),
        total: store.countTracks({ search }),
      }))
      expect(result.tracks.length, search).toBeGreaterThan(0)
      expect(result.tracks.length, search).toBeLessThanOrEqual(200)
      expect(result.total, search).toBeGreaterThanOrEqual(result.tracks.length)
      const plans = sql.map(planOf)
      // Every statement that reads the tracks table reads the matches through tracks_fts, or walks
      // the album index in order (a wide search; it stops at a full page).
      for (const [at, plan] of plans.entries()) {
        const text = plan.join(' | ')
        expect(
          plan.filter((step) => FULL_SCAN.test(step)),
          `${search}: ${sql[at]} → ${text}`,
        ).toEqual([])
        if (/tracks_fts/.test(sql[at]!)) expect(text, search).toMatch(/VIRTUAL TABLE INDEX/)
      }
      expect(sql.some((statement) => /tracks_fts MATCH/.test(statement))).toBe(true)
    }
  })

  it('pages through the library in album order without sorting the whole table', () => {
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT t.* FROM tracks t WHERE t.missing_since IS NULL
         ORDER BY t.album_artist, t.album, t.disc_no, t.track_no, t.id LIMIT 200`,
      )
      .all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX tracks_album/)
  })

  it('finds a track by path and the tracks of a moved file by fingerprint through their indexes', () => {
    const byPath = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE path = ?`)
      .all('x') as { detail: string }[]
    expect(byPath.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX/)
    const byPrint = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE fingerprint = ?`)
      .all('x') as { detail: string }[]
    expect(byPrint.map((p) => p.detail).join(' ')).toMatch(
      /USING (COVERING )?INDEX tracks_fingerprint/,
    )
  })

  it('lists folders, finds moved files and serves tracks through index seeks, never a scan', async () => {
    const store = new TrackStore(db)
    const writes = new TrackWriteRepository(db)
    const first = store.listTracks({ orderBy: 'path', limit: 1 })[0]!
    const artistFolder = dirname(dirname(first.path))
    const { result, sql } = await statementsOf(() => ({
      top: store.listFolder(null).folders[0]?.trackCount,
      folder: store.listFolder(artistFolder),
      tracks: store.listFolderTracks(artistFolder),
      paths: store.pathsUnder(artistFolder),
      known: writes.knownTrack(first.path),
      moved: writes.withFingerprint('no such print'),
      playback: store.playback(first.id),
      id: store.idOfPath(first.path),
      cover: new CoverRepository(db).byId('no such cover'),
      root: store.roots.byPath('/music'),
    }))
    expect(result.top).toBe(N)
    expect(result.folder.folders.length).toBeGreaterThan(0)
    expect(result.tracks.total).toBe(result.paths.length)
    expect(result.known?.id).toBe(first.id)
    expect(result.playback?.path).toBe(first.path)
    expect(result.id).toBe(first.id)
    expect(result.root?.path).toBe('/music')
    for (const statement of sql) {
      const plan = planOf(statement)
      expect(
        plan.filter((step) => FULL_SCAN.test(step)),
        `${statement} → ${plan.join(' | ')}`,
      ).toEqual([])
    }
    // The folder walk seeks the path index once per sub-folder (a statement prepared once).
    expect(new Set(sql).size).toBe(sql.length)
  })

  it('answers pages of albums or artists from the summaries, up to the last page, without rebuilding them', async () => {
    const store = new TrackStore(db)
    const first = await store.listAlbums({ limit: 200 })
    const artists = await store.listArtists({ limit: 200 })
    expect(first.total).toBeGreaterThan(50_000)
    expect(artists.total).toBeGreaterThan(50_000)
    // Once built, a page reads the library's version and nothing else: no aggregate over the
    // tracks, however deep the page or whatever the search.
    const { sql } = await statementsOf(async () => {
      for (const depth of [0, 0.1, 0.5, 1]) {
        const albumsAt = Math.floor(depth * (first.total - 200))
        const artistsAt = Math.floor(depth * (artists.total - 200))
        expect((await store.listAlbums({ offset: albumsAt, limit: 200 })).albums).toHaveLength(200)
        expect((await store.listArtists({ offset: artistsAt, limit: 200 })).artists).toHaveLength(
          200,
        )
      }
    })
    expect(sql.filter((statement) => /tracks_groups|GROUP BY/.test(statement))).toEqual([])
    for (const search of ['night', 'golden echo', 'band 17', 'song 4242']) {
      const searched = await statementsOf(async () => ({
        albums: await store.listAlbums({ search, limit: 200 }),
        artists: await store.listArtists({ search, limit: 200 }),
      }))
      expect(searched.result.albums.total, search).toBeGreaterThan(0)
      expect(searched.result.artists.total, search).toBeGreaterThan(0)
      for (const statement of searched.sql) {
        expect(
          planOf(statement).filter((step) => FULL_SCAN.test(step)),
          statement,
        ).toEqual([])
      }
    }
    const last = await store.listAlbums({ offset: first.total - 1, limit: 200 })
    expect(last.albums).toHaveLength(1)
    expect((await store.listArtists({ offset: artists.total - 1 })).artists).toHaveLength(1)
    const artistAlbums = await store.listAlbums({ artist: last.albums[0]!.artist! })
    expect(artistAlbums.albums.map((a) => a.key)).toContain(last.albums[0]!.key)
  })

  it('rebuilds the summaries after a library change without blocking the engine for long', async () => {
    // This library is the worst case: ~100,000 albums of one track each.
    const store = new TrackStore(db)
    await store.listAlbums({ limit: 1 })
    db.prepare(`UPDATE tracks SET year = year + 1 WHERE id = 1`).run()
    // A heartbeat on the event loop counts how often the build let other work run; every
    // aggregate query it makes reads one bounded range of groups (LIMIT, see groupWalkSql).
    let beats = 0
    let running = true
    const beat = () => {
      beats += 1
      if (running) setImmediate(beat)
    }
    setImmediate(beat)
    const { result: page, sql } = await statementsOf(() => store.listAlbums({ limit: 200 }))
    running = false
    expect(page.albums).toHaveLength(200)
    const aggregates = sql.filter((statement) => /GROUP BY/.test(statement))
    expect(aggregates.length).toBeGreaterThan(0)
    for (const statement of aggregates) expect(statement).toMatch(/LIMIT \d+$/)
    const changed = store.getTrack(1)!
    const ofArtist = await store.listAlbums({ artist: changed.albumArtist!, limit: 500 })
    expect(ofArtist.albums.find((a) => a.title === changed.album)?.year).toBe(changed.year)
    // ~100,000 groups in chunks of 1,000, handing the loop back between slices: it ran many times
    // while the build went on (how long each slice blocks is measured by bench/library.ts).
    expect(beats).toBeGreaterThan(10)
  })

  it('reads the page after a row from an index seek, however deep, to the last row', async () => {
    const store = new TrackStore(db)
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT t.* FROM tracks t WHERE t.missing_since IS NULL
         AND (t.album_artist IS ? AND t.album IS ? AND t.disc_no IS ? AND t.track_no > ?)
         ORDER BY t.album_artist, t.album, t.disc_no, t.track_no, t.id LIMIT 200`,
      )
      .all('a', 'b', 1, 2) as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(
      /SEARCH t USING INDEX tracks_album \(album_artist=\? AND album=\? AND disc_no=\? AND track_no>\?\)/,
    )
    for (const offset of [10_000, 50_000, 99_000]) {
      const previous = store.listTracks({ offset: offset - 1, limit: 1 })[0]!
      const paged = store.listTracks({ offset, limit: 200 })
      const { result: after, sql } = await statementsOf(() =>
        store.listTracks({ after: previous.id, limit: 200 }),
      )
      expect(after).toEqual(paged)
      // The page after a row never walks the rows before it: no OFFSET, no full scan.
      for (const statement of sql) {
        expect(statement).not.toMatch(/OFFSET \?/)
        expect(
          planOf(statement).filter((step) => FULL_SCAN.test(step)),
          statement,
        ).toEqual([])
      }
    }
    const all = store.countTracks()
    const beforeLast = store.listTracks({ offset: all - 2, limit: 1 })[0]!
    expect(store.listTracks({ after: beforeLast.id, limit: 200 })).toHaveLength(1)
  })

  it('reads an album or an artist’s tracks through the indexes', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ')
    expect(plan(GROUP_TRACKS_SQL.album, 'a', 'b', 10)).toMatch(
      /SEARCH t USING INDEX tracks_album \(album_artist=\? AND album=\?\)/,
    )
    const artist = plan(GROUP_TRACKS_SQL.artist, 'a', 'a', 10)
    expect(artist).toMatch(/MULTI-INDEX OR/)
    // Either index that starts with album_artist (migration 8's tracks_groups holds only present
    // tracks, which is all this query wants).
    expect(artist).toMatch(/SEARCH t USING INDEX tracks_(album|groups) \(album_artist=\?\)/)
    expect(artist).toMatch(/SEARCH t USING INDEX tracks_artist \(artist=\?\)/)
  })

  it('aggregates the summaries from covering index ranges, with no sort', () => {
    for (const walk of Object.values(GROUP_WALKS)) {
      for (const [range, sql] of Object.entries(groupWalkSql(walk))) {
        const params = Array<string>((sql.match(/\?/g) ?? []).length).fill('x')
        const plan = (
          db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
        )
          .map((p) => p.detail)
          .join(' | ')
        // One range of tracks_groups (SEARCH, not SCAN): SQLite stops after one chunk of groups.
        expect(plan, range).toMatch(/^SEARCH g USING COVERING INDEX tracks_groups \(album_artist/)
        expect(plan, range).not.toMatch(/TEMP B-TREE|SCAN/)
        if (walk === GROUP_WALKS.albums)
          expect(plan, range).toMatch(/SEARCH c USING COVERING INDEX tracks_covers/)
      }
    }
  })

  it('gives the 10,000 tracks of one artist in album and play order', async () => {
    const insert = db.prepare(
      `INSERT INTO tracks (root_id, path, size, mtime_ms, format, duration, title, artist, album, album_artist,
         track_no, disc_no, added_at)
       VALUES (1, ?, 1000, 1, 'mp3', 200, ?, 'Prolific', ?, 'Prolific', ?, ?, 1)`,
    )
    db.transaction(() => {
      for (let i = 0; i < 10_000; i++)
        insert.run(
          `/music/Prolific/${i}.mp3`,
          `Piece ${i}`,
          `Box ${i % 100}`,
          (i % 50) + 1,
          (i % 2) + 1,
        )
    })()
    const store = new TrackStore(db)
    const { tracks, total } = store.listGroupTracks({ artist: 'Prolific' })
    expect(tracks).toHaveLength(10_000)
    expect(total).toBe(10_000)
    const order = tracks.map((t) => [t.album!.toLowerCase(), t.discNo!, t.trackNo!] as const)
    const sorted = [...order].sort(
      (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || a[1] - b[1] || a[2] - b[2],
    )
    expect(order).toEqual(sorted)
    const albums = await store.listAlbums({ artist: 'Prolific', limit: 500 })
    expect(albums.total).toBe(100)
    expect((await store.listArtists({ search: 'prolific' })).artists[0]).toMatchObject({
      name: 'Prolific',
      albumCount: 100,
      trackCount: 10_000,
    })

    // One more: still the first 10,000 in play order, and the answer says how many there are.
    insert.run('/music/Prolific/extra.mp3', 'Piece extra', 'Box 0', 0, 1)
    const cut = store.listGroupTracks({ artist: 'Prolific' })
    expect(cut.tracks).toHaveLength(10_000)
    expect(cut.total).toBe(10_001)
    expect(cut.tracks[0]!.title).toBe('Piece extra')
  })
})
