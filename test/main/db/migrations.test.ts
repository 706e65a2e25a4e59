import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { NewerDatabaseError, openDatabase, schemaVersion } from '../../../src/main/db/database'
import { latestVersion, migrations } from '../../../src/main/db/migrations'
import { tempDir } from '../../helpers/temp'

let cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.forEach((c) => c())
  cleanups = []
})
function dbFile(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return join(t.dir, 'nested', 'library.db')
}
function tableNames(db: ReturnType<typeof openDatabase>): string[] {
  return (
    db
      .prepare(`SELECT name FROM sqlite_schema WHERE type IN ('table','view') ORDER BY name`)
      .all() as {
      name: string
    }[]
  ).map((r) => r.name)
}

describe('database', () => {
  it('opens a new file in WAL mode with foreign keys on, at the latest schema', () => {
    const db = openDatabase(dbFile())
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(schemaVersion(db)).toBe(latestVersion)
    db.close()
  })

  it('migrations are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
  })

  it('reopening an up-to-date database changes nothing', () => {
    const file = dbFile()
    openDatabase(file).close()
    const db = openDatabase(file)
    expect(schemaVersion(db)).toBe(latestVersion)
    db.close()
  })

  it('refuses a database written by a newer Attune instead of guessing', () => {
    const file = dbFile()
    const db = openDatabase(file)
    db.pragma(`user_version = ${latestVersion + 1}`)
    db.close()
    expect(() => openDatabase(file)).toThrow(NewerDatabaseError)
  })
})

describe('migration 1: library, event log, settings, queue', () => {
  it('creates the tables and the history view', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 1) })
    expect(schemaVersion(db)).toBe(1)
    expect(tableNames(db)).toEqual(
      expect.arrayContaining([
        'covers',
        'events',
        'history',
        'queue',
        'roots',
        'settings',
        'tracks',
      ]),
    )
    db.close()
  })

  it('makes the event log append-only and keeps events tied to existing tracks', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 1) })
    db.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/a.mp3', 1)`).run()
    db.prepare(`INSERT INTO events (ts, kind, track_id, mark) VALUES (1, 'mark', 1, 'like')`).run()
    expect(() => db.prepare(`UPDATE events SET mark = 'love'`).run()).toThrow(/append-only/)
    expect(() => db.prepare(`DELETE FROM events`).run()).toThrow(/append-only/)
    expect(() =>
      db.prepare(`INSERT INTO events (ts, kind, track_id) VALUES (1, 'mark', 999)`).run(),
    ).toThrow(/FOREIGN KEY/)
    db.close()
  })

  it('derives history from play starts and their ends', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 1) })
    db.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/a.mp3', 1)`).run()
    const insert = db.prepare(
      `INSERT INTO events (ts, kind, track_id, play_id, position, reason) VALUES (?, ?, 1, 'p1', ?, ?)`,
    )
    insert.run(10, 'play_start', 0, null)
    insert.run(20, 'play_end', 12.5, 'next')
    expect(db.prepare(`SELECT * FROM history`).all()).toEqual([
      expect.objectContaining({
        started_at: 10,
        ended_at: 20,
        end_position: 12.5,
        end_reason: 'next',
      }),
    ])
    db.close()
  })
})

describe('migration 2: full-text search', () => {
  it('indexes existing rows and follows inserts, updates and deletes', () => {
    const file = dbFile()
    const v1 = openDatabase(file, { migrations: migrations.slice(0, 1) })
    v1.prepare(
      `INSERT INTO tracks (path, title, artist, added_at) VALUES ('/m/a.ogg', 'Northerners', 'Wesnoth', 1)`,
    ).run()
    v1.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 2) })
    const search = (q: string) =>
      (
        db.prepare(`SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?`).all(q) as {
          rowid: number
        }[]
      ).map((r) => r.rowid)
    expect(search('north*')).toEqual([1])
    db.prepare(`UPDATE tracks SET title = 'Loyalists' WHERE id = 1`).run()
    expect(search('north*')).toEqual([])
    expect(search('loyal*')).toEqual([1])
    db.prepare(`INSERT INTO tracks (path, title, added_at) VALUES ('/m/é.mp3', 'Élan', 1)`).run()
    expect(search('elan')).toEqual([2])
    db.close()
  })
})

describe('migration 3: embeddings', () => {
  it('stores one float32 vector or one error per track and space, and checks the length', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 3) })
    db.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/a.mp3', 1)`).run()
    const insert = db.prepare(
      `INSERT INTO embeddings (track_id, space, dim, vector, error, computed_at) VALUES (1, ?, ?, ?, ?, 1)`,
    )
    const vector = Buffer.from(new Float32Array([0.5, -1, 2]).buffer)
    insert.run('attune-dsp-v1', 3, vector, null)
    insert.run('import:clap', 3, null, 'could not decode')
    expect(() => insert.run('attune-dsp-v1', 3, vector, null)).toThrow(/UNIQUE|PRIMARY KEY/)
    expect(() => insert.run('bad-length', 4, vector, null)).toThrow(/CHECK/)
    expect(() => insert.run('neither', 3, null, null)).toThrow(/CHECK/)
    const row = db.prepare(`SELECT vector FROM embeddings WHERE space = 'attune-dsp-v1'`).get() as {
      vector: Buffer
    }
    expect(Array.from(new Float32Array(row.vector.buffer, row.vector.byteOffset, 3))).toEqual([
      0.5, -1, 2,
    ])
    db.close()
  })
})

describe('migration 4: model_state', () => {
  it('keeps one saved taste model per key, with its space, parameters and last event', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 4) })
    const save = db.prepare(
      `INSERT INTO model_state (key, space, params, state, last_event_id, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET state = excluded.state, last_event_id = excluded.last_event_id`,
    )
    save.run('attune-dsp-v1:abc', 'attune-dsp-v1', '{"pcaDims":32}', '{"v":1}', 10, 1)
    save.run('attune-dsp-v1:abc', 'attune-dsp-v1', '{"pcaDims":32}', '{"v":2}', 12, 2)
    expect(db.prepare(`SELECT state, last_event_id AS last FROM model_state`).all()).toEqual([
      { state: '{"v":2}', last: 12 },
    ])
    expect(() =>
      db
        .prepare(
          `INSERT INTO model_state (key, space, params, state, last_event_id, updated_at) VALUES ('k', 's', '{}', NULL, 0, 1)`,
        )
        .run(),
    ).toThrow(/NOT NULL/)
    db.close()
  })
})

describe('migration 5: missing tracks index', () => {
  it('answers "is anything missing?" from the partial index, without scanning the tracks', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 5) })
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM tracks WHERE missing_since IS NOT NULL)`,
        )
        .all() as { detail: string }[]
    )
      .map((p) => p.detail)
      .join(' ')
    expect(plan).toMatch(/tracks_missing/)
    db.close()
  })
})

describe('migration 6: runs and metrics', () => {
  it('keeps one value per run, metric and step, reads a series by its key, and drops them with their run', () => {
    const db = openDatabase(dbFile(), { migrations: migrations.slice(0, 6) })
    db.prepare(
      `INSERT INTO runs (name, kind, params, space, created_at) VALUES ('live', 'live', '{"alpha":1}', 'attune-dsp-v1', 1)`,
    ).run()
    const insert = db.prepare(
      `INSERT INTO metrics (run_id, step, name, value, ts) VALUES (?, ?, ?, ?, 1)`,
    )
    insert.run(1, 2, 'reward', 0.3)
    insert.run(1, 1, 'reward', -1)
    expect(() => insert.run(99, 1, 'reward', 1)).toThrow(/FOREIGN KEY/)
    expect(() => insert.run(1, 1, 'reward', 0.5)).toThrow(/UNIQUE|PRIMARY KEY/)
    expect(
      db
        .prepare(
          `SELECT step, value FROM metrics WHERE run_id = 1 AND name = 'reward' ORDER BY step`,
        )
        .all(),
    ).toEqual([
      { step: 1, value: -1 },
      { step: 2, value: 0.3 },
    ])
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT step, value FROM metrics WHERE run_id = 1 AND name = 'reward' ORDER BY step`,
        )
        .all() as { detail: string }[]
    )
      .map((p) => p.detail)
      .join(' ')
    expect(plan).toMatch(/USING PRIMARY KEY \(run_id=\? AND name=\?\)/)
    expect(plan).not.toMatch(/TEMP B-TREE/)
    db.prepare(`DELETE FROM runs WHERE id = 1`).run()
    expect(db.prepare(`SELECT COUNT(*) AS n FROM metrics`).get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('migration 7: library version', () => {
  it('moves when a track is added, removed or changes what the album views show, and only then', () => {
    const file = dbFile()
    // Tracks from before the migration are there when it runs: it starts at 0 all the same.
    const before = openDatabase(file, { migrations: migrations.slice(0, 6) })
    before.prepare(`INSERT INTO tracks (path, album, added_at) VALUES ('/m/a.mp3', 'A', 1)`).run()
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 7) })
    expect(schemaVersion(db)).toBe(7)
    const version = () => db.prepare(`SELECT version FROM library_version`).pluck().get()
    expect(version()).toBe(0)
    db.prepare(`INSERT INTO tracks (path, album, added_at) VALUES ('/m/b.mp3', 'B', 1)`).run()
    expect(version()).toBe(1)
    for (const change of [
      `album = 'C'`,
      `album_artist = 'X'`,
      `artist = 'Y'`,
      'year = 1999',
      'duration = 12.5',
      'disc_no = 2',
      'track_no = 3',
      'missing_since = 5',
    ]) {
      const was = version() as number
      db.prepare(`UPDATE tracks SET ${change} WHERE path = '/m/b.mp3'`).run()
      expect(version(), change).toBe(was + 1)
    }
    const was = version() as number
    // Rescans rewrite unchanged values and bookkeeping columns: no change for the album views.
    db.prepare(
      `UPDATE tracks SET album = 'C', scanned_at = 9, size = 10 WHERE path = '/m/b.mp3'`,
    ).run()
    expect(version()).toBe(was)
    db.prepare(`DELETE FROM tracks WHERE path = '/m/a.mp3'`).run()
    expect(version()).toBe(was + 1)
    expect(() => db.prepare(`INSERT INTO library_version VALUES (2, 0)`).run()).toThrow(/CHECK/)
    db.close()
  })
})

describe('migration 8: covering indexes for the album and artist summaries', () => {
  it('aggregates albums and finds each album’s cover from the new indexes alone, present tracks only', () => {
    const file = dbFile()
    // Tracks from before the migration are in the indexes it makes.
    const before = openDatabase(file, { migrations: migrations.slice(0, 7) })
    before
      .prepare(`INSERT INTO covers (id, mime, file, bytes) VALUES ('c1', 'image/png', 'c1.png', 1)`)
      .run()
    const insert = before.prepare(
      `INSERT INTO tracks (path, album, album_artist, artist, track_no, cover_id, missing_since, added_at)
       VALUES (?, 'A', 'X', 'Y', ?, ?, ?, 1)`,
    )
    insert.run('/m/1.mp3', 2, 'c1', null)
    insert.run('/m/2.mp3', 1, null, null)
    insert.run('/m/3.mp3', 3, 'c1', 7)
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 8) })
    expect(schemaVersion(db)).toBe(8)
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ')
    const aggregate = `SELECT album_artist, album, COUNT(*), TOTAL(duration), MAX(year), MIN(artist)
      FROM tracks WHERE missing_since IS NULL GROUP BY album_artist, album`
    // A covering index read in group order: no table rows, no sort.
    expect(plan(aggregate)).toMatch(/SCAN tracks USING COVERING INDEX tracks_groups/)
    expect(plan(aggregate)).not.toMatch(/TEMP B-TREE/)
    expect(db.prepare(aggregate).raw().all()).toEqual([['X', 'A', 2, 0, null, 'Y']])
    const cover = `SELECT cover_id FROM tracks WHERE album_artist IS 'X' AND album = 'A'
      AND missing_since IS NULL AND cover_id IS NOT NULL ORDER BY disc_no, track_no, id LIMIT 1`
    expect(plan(cover)).toMatch(
      /SEARCH tracks USING COVERING INDEX tracks_covers \(album_artist=\? AND album=\?\)/,
    )
    expect(plan(cover)).not.toMatch(/TEMP B-TREE/)
    expect(db.prepare(cover).pluck().get()).toBe('c1')
    db.close()
  })
})

describe('migration 9: embeddings by space and computation time', () => {
  it('lists a space’s analysed songs and finds its newest vector from the index alone, and the newer vectors by a range', () => {
    const file = dbFile()
    // Vectors from before the migration are in the index it makes.
    const before = openDatabase(file, { migrations: migrations.slice(0, 8) })
    const addTrack = before.prepare(`INSERT INTO tracks (path, added_at) VALUES (?, 1)`)
    for (const path of ['/m/1.mp3', '/m/2.mp3', '/m/3.mp3']) addTrack.run(path)
    const insert = before.prepare(
      `INSERT INTO embeddings (track_id, space, dim, vector, error, computed_at) VALUES (?, ?, 2, ?, ?, ?)`,
    )
    const vector = Buffer.from(new Float32Array([1, 2]).buffer)
    insert.run(1, 'attune-dsp-v1', vector, null, 30)
    insert.run(2, 'attune-dsp-v1', vector, null, 10)
    insert.run(3, 'attune-dsp-v1', null, 'could not decode', 50) // a failure: not in the index
    insert.run(3, 'import:clap', vector, null, 40) // another space
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 9) })
    expect(schemaVersion(db)).toBe(9)
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ')
    const summary = `SELECT COUNT(*), MIN(dim), MAX(dim), MAX(computed_at) FROM embeddings
      WHERE space = ? AND error IS NULL`
    const older = `SELECT track_id FROM embeddings
      WHERE space = ? AND error IS NULL AND computed_at <= ?`
    const newer = `SELECT track_id, vector FROM embeddings
      WHERE space = ? AND error IS NULL AND computed_at > ?`
    expect(plan(summary, 'attune-dsp-v1')).toMatch(
      /SEARCH embeddings USING COVERING INDEX embeddings_space_computed \(space=\?\)/,
    )
    expect(plan(older, 'attune-dsp-v1', 0)).toMatch(
      /SEARCH embeddings USING COVERING INDEX embeddings_space_computed \(space=\? AND computed_at<\?\)/,
    )
    // Only the newer rows' vectors are read from the table: an index range, then their rows.
    expect(plan(newer, 'attune-dsp-v1', 0)).toMatch(
      /SEARCH embeddings USING INDEX embeddings_space_computed \(space=\? AND computed_at>\?\)/,
    )
    expect(db.prepare(summary).raw().get('attune-dsp-v1')).toEqual([2, 2, 2, 30])
    expect(db.prepare(older).pluck().all('attune-dsp-v1', 10)).toEqual([2])
    expect(
      (db.prepare(newer).all('attune-dsp-v1', 10) as { track_id: number }[]).map((r) => r.track_id),
    ).toEqual([1])
    db.close()
  })
})

describe('migration 10: queue entries with their auto-pick', () => {
  it('keeps the entries saved before it, with no pick and untouched, and stores both for new ones', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 9) })
    before.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/1.mp3', 1)`).run()
    before
      .prepare(`INSERT INTO queue (position, track_id, source, added_at) VALUES (0, 1, 'auto', 1)`)
      .run()
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 10) })
    expect(schemaVersion(db)).toBe(10)
    expect(db.prepare(`SELECT track_id, pick_id, touched FROM queue`).raw().all()).toEqual([
      [1, null, 0],
    ])
    db.prepare(
      `INSERT INTO queue (position, track_id, source, added_at, pick_id, touched) VALUES (1, 1, 'auto', 1, 42, 1)`,
    ).run()
    expect(db.prepare(`SELECT pick_id, touched FROM queue WHERE position = 1`).raw().get()).toEqual(
      [42, 1],
    )
    db.close()
  })
})

describe('migration 11: titles, artists and albums for files without tags', () => {
  it('gives the untagged tracks already scanned a tidy title and their folders’ artist and album, and leaves tags alone', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 10) })
    before.prepare(`INSERT INTO roots (id, path, added_at) VALUES (1, '/music', 1)`).run()
    const add = before.prepare(
      `INSERT INTO tracks (root_id, path, title, artist, album, added_at) VALUES (?, ?, ?, ?, ?, 1)`,
    )
    add.run(1, '/music/Some_Band/First Album/03 - My_Song.ogg', null, null, null)
    add.run(1, '/music/Loose Album/01. Opening.flac', null, null, null)
    add.run(1, '/music/Tagged/x.mp3', 'Real Title', 'Real Artist', 'Real Album')
    add.run(null, '/elsewhere/track17.ogg', null, null, null)
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 11) })
    expect(schemaVersion(db)).toBe(11)
    const rows = db
      .prepare(`SELECT title, artist, album, derived_tags FROM tracks ORDER BY id`)
      .raw()
      .all()
    expect(rows).toEqual([
      ['My Song', 'Some Band', 'First Album', 7],
      ['Opening', 'Unknown artist', 'Loose Album', 7],
      ['Real Title', 'Real Artist', 'Real Album', 0],
      // Outside every library folder: only the file name speaks.
      ['track17', null, null, 1],
    ])
    // The search index follows (its triggers fire on the update).
    const found = db
      .prepare(`SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH '"some"* "band"*'`)
      .pluck()
      .all()
    expect(found).toEqual([1])
    db.close()
  })
})

describe('migration 12: a counter of the embeddings’ changes', () => {
  it('moves when an embedding is added, changed or removed, in any space, and not on other writes', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 11) })
    before.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/1.mp3', 1)`).run()
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 12) })
    expect(schemaVersion(db)).toBe(12)
    const version = () =>
      db.prepare(`SELECT version FROM embeddings_version`).pluck().get() as number
    const start = version()
    db.prepare(
      `INSERT INTO embeddings (track_id, space, dim, vector, computed_at) VALUES (1, 'a', 1, ?, 1)`,
    ).run(Buffer.alloc(4))
    expect(version()).toBe(start + 1)
    db.prepare(`UPDATE embeddings SET computed_at = 2 WHERE track_id = 1`).run()
    expect(version()).toBe(start + 2)
    db.prepare(
      `INSERT INTO embeddings (track_id, space, dim, error, computed_at) VALUES (1, 'b', 1, 'x', 1)`,
    ).run()
    expect(version()).toBe(start + 3)
    db.prepare(`INSERT INTO events (ts, kind, track_id) VALUES (1, 'mark', 1)`).run()
    db.prepare(`INSERT INTO settings (key, value) VALUES ('x', '1')`).run()
    expect(version()).toBe(start + 3)
    db.prepare(`DELETE FROM embeddings WHERE space = 'a'`).run()
    expect(version()).toBe(start + 4)
    db.close()
  })
})

describe('migration 13: listens waiting for the scrobbling services', () => {
  it('keeps one row per play and service, and the waiting ones in order by an index', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 12) })
    before.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/1.mp3', 1)`).run()
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 13) })
    expect(schemaVersion(db)).toBe(13)
    const insert = db.prepare(
      `INSERT INTO scrobbles (service, play_id, track_id, listened_at, artist, title) VALUES (?, ?, 1, 100, 'A', 'T')`,
    )
    insert.run('listenbrainz', 'p1')
    insert.run('lastfm', 'p1')
    expect(() => insert.run('listenbrainz', 'p1')).toThrow(/UNIQUE/)
    expect(() => insert.run('myspace', 'p2')).toThrow(/CHECK/)
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM scrobbles WHERE service = 'lastfm' AND sent_at IS NULL AND refused_at IS NULL ORDER BY id LIMIT 50`,
      )
      .all() as { detail: string }[]
    expect(plan.map((row) => row.detail).join(' ')).toMatch(
      /USING (COVERING )?INDEX scrobbles_waiting/,
    )
    // A song removed from the library keeps its waiting listen.
    db.prepare(`DELETE FROM tracks WHERE id = 1`).run()
    expect(db.prepare(`SELECT COUNT(*) FROM scrobbles WHERE track_id IS NULL`).pluck().get()).toBe(
      2,
    )
    db.close()
  })
})

describe('migration 14: the library version follows genre and path too', () => {
  it('moves when a song’s genre or path changes, as before for the album columns, not for bookkeeping', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 13) })
    before
      .prepare(`INSERT INTO tracks (path, genre, added_at) VALUES ('/m/a.mp3', 'Rock', 1)`)
      .run()
    const version = (db: ReturnType<typeof openDatabase>) =>
      db.prepare(`SELECT version FROM library_version`).pluck().get() as number
    // Before it, a re-tagged genre or a moved file left the version alone.
    const was = version(before)
    before.prepare(`UPDATE tracks SET genre = 'Jazz', path = '/m/b.mp3'`).run()
    expect(version(before)).toBe(was)
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 14) })
    expect(schemaVersion(db)).toBe(14)
    for (const change of [`genre = 'Polka'`, `path = '/m/moved/b.mp3'`, `artist = 'Y'`]) {
      const at = version(db)
      db.prepare(`UPDATE tracks SET ${change}`).run()
      expect(version(db), change).toBe(at + 1)
    }
    const at = version(db)
    db.prepare(`UPDATE tracks SET genre = 'Polka', scanned_at = 9, size = 10`).run()
    expect(version(db)).toBe(at)
    db.close()
  })
})

describe('migration 15: playlists and their ordered entries', () => {
  it('keeps entries in order, outlives its songs, and goes with its playlist', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 14) })
    before.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/m/1.mp3', 1)`).run()
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 15) })
    expect(schemaVersion(db)).toBe(15)
    db.prepare(
      `INSERT INTO playlists (id, name, created_at, updated_at) VALUES (1, 'Road', 1, 1)`,
    ).run()
    const entry = db.prepare(
      `INSERT INTO playlist_entries (playlist_id, position, track_id, path) VALUES (1, ?, ?, ?)`,
    )
    entry.run(1, 1, '/m/1.mp3')
    entry.run(0, null, '/elsewhere/2.mp3')
    expect(() => entry.run(0, null, '/x.mp3')).toThrow(/UNIQUE/)
    // Names are unique among playlists not deleted, whatever their case.
    expect(() =>
      db
        .prepare(`INSERT INTO playlists (name, created_at, updated_at) VALUES ('road', 1, 1)`)
        .run(),
    ).toThrow(/UNIQUE/)
    db.prepare(`UPDATE playlists SET deleted_at = 2 WHERE id = 1`).run()
    db.prepare(
      `INSERT INTO playlists (id, name, created_at, updated_at) VALUES (2, 'road', 1, 1)`,
    ).run()
    expect(
      db
        .prepare(`SELECT path FROM playlist_entries WHERE playlist_id = 1 ORDER BY position`)
        .pluck()
        .all(),
    ).toEqual(['/elsewhere/2.mp3', '/m/1.mp3'])
    // A song removed from the library leaves its entry (and its path).
    db.prepare(`DELETE FROM tracks WHERE id = 1`).run()
    expect(
      db.prepare(`SELECT count(*) FROM playlist_entries WHERE track_id IS NULL`).pluck().get(),
    ).toBe(2)
    db.prepare(`DELETE FROM playlists WHERE id = 1`).run()
    expect(db.prepare(`SELECT count(*) FROM playlist_entries`).pluck().get()).toBe(0)
    db.close()
  })
})

describe('migration 16: the tracks that failed to read', () => {
  it('counts the present songs that failed to read from a partial index of failed songs', () => {
    const file = dbFile()
    const before = openDatabase(file, { migrations: migrations.slice(0, 15) })
    const insert = before.prepare(
      `INSERT INTO tracks (path, added_at, error, missing_since) VALUES (?, 1, ?, ?)`,
    )
    insert.run('/m/fine.mp3', null, null)
    insert.run('/m/broken.mp3', 'unreadable', null)
    insert.run('/m/gone-broken.mp3', 'unreadable', 5)
    before.close()
    const db = openDatabase(file, { migrations: migrations.slice(0, 16) })
    expect(schemaVersion(db)).toBe(16)
    const sql = `SELECT COUNT(*) FROM tracks WHERE error IS NOT NULL AND missing_since IS NULL`
    expect(db.prepare(sql).pluck().get()).toBe(1)
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
      .map((p) => p.detail)
      .join(' ')
    expect(plan).toMatch(/tracks_failed/)
    db.close()
  })
})
