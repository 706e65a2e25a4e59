import type { Database } from 'better-sqlite3'
import { shownTags } from '../../shared/folder-tags'

/**
 * Numbered, forward-only migrations. A released migration is never edited: a change is a new
 * migration with the next number. Each runs in its own transaction together with the bump of
 * `PRAGMA user_version`, so a database is always at exactly one known version.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  up(db: Database): void
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'library, event log, settings, queue',
    up(db) {
      db.exec(`
        CREATE TABLE roots (
          id        INTEGER PRIMARY KEY,
          path      TEXT NOT NULL UNIQUE,
          added_at  INTEGER NOT NULL
        );

        -- Embedded cover art, stored once (by content hash) as a file in the covers folder.
        CREATE TABLE covers (
          id      TEXT PRIMARY KEY,          -- sha1 of the image bytes
          mime    TEXT NOT NULL,
          file    TEXT NOT NULL,             -- file name inside the covers folder
          bytes   INTEGER NOT NULL
        );

        -- A track is never deleted: a file that disappears gets missing_since, and keeps its events.
        -- A track may also exist before it is scanned (an imported event log names its path).
        CREATE TABLE tracks (
          id                INTEGER PRIMARY KEY,
          root_id           INTEGER REFERENCES roots(id) ON DELETE SET NULL,
          path              TEXT NOT NULL UNIQUE,
          size              INTEGER NOT NULL DEFAULT 0,
          mtime_ms          INTEGER NOT NULL DEFAULT 0,
          fingerprint       TEXT,            -- content hash used to recognise moved files
          format            TEXT,            -- container recognised from content: mp3 flac ogg opus m4a wav aiff
          codec             TEXT,
          sample_rate       INTEGER,
          channels          INTEGER,
          bits_per_sample   INTEGER,
          bitrate           REAL,
          lossless          INTEGER,
          duration          REAL,
          title             TEXT,
          artist            TEXT,
          album             TEXT,
          album_artist      TEXT,
          genre             TEXT,
          year              INTEGER,
          track_no          INTEGER,
          track_total       INTEGER,
          disc_no           INTEGER,
          disc_total        INTEGER,
          rg_track_gain     REAL,
          rg_track_peak     REAL,
          rg_album_gain     REAL,
          rg_album_peak     REAL,
          cover_id          TEXT REFERENCES covers(id),
          added_at          INTEGER NOT NULL,
          scanned_at        INTEGER,
          missing_since     INTEGER,
          error             TEXT
        );
        CREATE INDEX tracks_root ON tracks(root_id);
        CREATE INDEX tracks_fingerprint ON tracks(fingerprint) WHERE fingerprint IS NOT NULL;
        CREATE INDEX tracks_album ON tracks(album_artist, album, disc_no, track_no);
        CREATE INDEX tracks_artist ON tracks(artist);

        -- Append-only log of everything the listener did. Labels, rewards and history are derived
        -- from it; the triggers below make the append-only rule hold for every writer.
        CREATE TABLE events (
          id        INTEGER PRIMARY KEY,
          ts        INTEGER NOT NULL,        -- ms since the epoch
          kind      TEXT NOT NULL,           -- play_start play_progress play_end mark label_import auto_pick
          track_id  INTEGER REFERENCES tracks(id),
          play_id   TEXT,                    -- ties the start, progress and end of one play together
          position  REAL,                    -- seconds into the track
          duration  REAL,                    -- the track's duration when the event happened
          reason    TEXT,                    -- play_end: ended next previous picked error quit
          mark      TEXT,                    -- mark / label_import: like love near_miss not_for_me none
          source    TEXT,                    -- where it came from: ui, cli, import file name, auto-queue
          data      TEXT                     -- JSON for anything else (auto-pick candidates, probability)
        );
        CREATE INDEX events_track ON events(track_id, ts);
        CREATE INDEX events_kind ON events(kind, ts);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

        CREATE TABLE settings (
          key    TEXT PRIMARY KEY,
          value  TEXT NOT NULL               -- JSON
        );

        -- The play queue as the listener left it (order by position).
        CREATE TABLE queue (
          position  INTEGER PRIMARY KEY,
          track_id  INTEGER NOT NULL REFERENCES tracks(id),
          source    TEXT NOT NULL DEFAULT 'user',   -- user | auto
          reason    TEXT,                           -- JSON: why an auto-pick was chosen
          added_at  INTEGER NOT NULL
        );

        -- History is derived from the log, so it can never disagree with it.
        CREATE VIEW history AS
          SELECT s.id AS event_id, s.ts AS started_at, s.track_id, s.play_id,
                 e.ts AS ended_at, e.position AS end_position, e.reason AS end_reason
          FROM events s
          LEFT JOIN events e ON e.kind = 'play_end' AND e.play_id = s.play_id
          WHERE s.kind = 'play_start';
      `)
    },
  },
  {
    version: 2,
    name: 'full-text search over tags and file names',
    up(db) {
      db.exec(`
        CREATE VIRTUAL TABLE tracks_fts USING fts5(
          title, artist, album, album_artist, genre, path,
          content='tracks', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
          prefix='1 2 3'
        );
        CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
          INSERT INTO tracks_fts(rowid, title, artist, album, album_artist, genre, path)
          VALUES (new.id, new.title, new.artist, new.album, new.album_artist, new.genre, new.path);
        END;
        CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
          INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album, album_artist, genre, path)
          VALUES ('delete', old.id, old.title, old.artist, old.album, old.album_artist, old.genre, old.path);
        END;
        CREATE TRIGGER tracks_fts_update AFTER UPDATE OF title, artist, album, album_artist, genre, path ON tracks BEGIN
          INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album, album_artist, genre, path)
          VALUES ('delete', old.id, old.title, old.artist, old.album, old.album_artist, old.genre, old.path);
          INSERT INTO tracks_fts(rowid, title, artist, album, album_artist, genre, path)
          VALUES (new.id, new.title, new.artist, new.album, new.album_artist, new.genre, new.path);
        END;
        INSERT INTO tracks_fts(tracks_fts) VALUES ('rebuild');
      `)
    },
  },
  {
    version: 3,
    name: 'audio embeddings per track and space',
    up(db) {
      db.exec(`
        -- One vector per track and embedding space (attune-dsp-v1, import:<name>, onnx:<model>), so
        -- features can be recomputed or swapped without losing anything. A failed analysis keeps
        -- its error here (vector NULL) so it is not retried until the file or the extractor changes.
        CREATE TABLE embeddings (
          track_id        INTEGER NOT NULL REFERENCES tracks(id),
          space           TEXT NOT NULL,
          dim             INTEGER NOT NULL,
          vector          BLOB,               -- float32, little-endian, dim values
          error           TEXT,
          source_size     INTEGER,            -- the file's size and mtime when it was analysed
          source_mtime_ms INTEGER,
          extractor_version INTEGER,
          computed_at     INTEGER NOT NULL,
          PRIMARY KEY (track_id, space),
          CHECK ((vector IS NULL) <> (error IS NULL)),
          CHECK (vector IS NULL OR length(vector) = 4 * dim)
        ) WITHOUT ROWID;
        CREATE INDEX embeddings_space ON embeddings(space);
      `)
    },
  },
  {
    version: 4,
    name: 'saved taste model state per space and parameter set',
    up(db) {
      db.exec(`
        -- A cache of the taste model, so a restart does not replay the whole event log: the
        -- preprocessing, LinUCB's A, A⁻¹ and b, the ledger's rows and the last event applied.
        -- The key is the space plus a hash of the parameters that shape the model (rewards, PCA
        -- dimensions, λ, forgetting window); it can always be deleted and rebuilt from the events.
        CREATE TABLE model_state (
          key            TEXT PRIMARY KEY,
          space          TEXT NOT NULL,
          params         TEXT NOT NULL,      -- JSON
          state          TEXT NOT NULL,      -- JSON
          last_event_id  INTEGER NOT NULL,
          updated_at     INTEGER NOT NULL
        );
      `)
    },
  },
  {
    version: 5,
    name: 'index the few missing tracks',
    up(db) {
      // Partial: only missing rows are in it, so "is anything missing?" and "which matches are
      // missing?" cost nothing on a library where everything is present.
      db.exec(
        `CREATE INDEX tracks_missing ON tracks(missing_since) WHERE missing_since IS NOT NULL;`,
      )
    },
  },
  {
    version: 6,
    name: 'runs and their metrics, for insights and offline evaluation',
    up(db) {
      db.exec(`
        -- A run is one model trajectory: the live model, or a policy replayed offline on the
        -- event log. Its params and preprocessing are JSON so any model kind fits one table.
        CREATE TABLE runs (
          id             INTEGER PRIMARY KEY,
          name           TEXT NOT NULL,
          kind           TEXT NOT NULL,      -- linucb thompson cosine random live ...
          params         TEXT NOT NULL DEFAULT '{}',   -- JSON
          space          TEXT,               -- embedding space the run scored in
          preprocessing  TEXT,               -- JSON
          created_at     INTEGER NOT NULL
        );
        -- One value per (run, metric, step); logging a step again replaces it. Keyed WITHOUT
        -- ROWID on (run_id, name, step): one B-tree serves both the writes and the read of one
        -- metric's series in step order (measured ~1.6× cheaper per row than a table + index).
        CREATE TABLE metrics (
          run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name    TEXT NOT NULL,
          step    INTEGER NOT NULL,
          value   REAL NOT NULL,
          ts      INTEGER NOT NULL,
          PRIMARY KEY (run_id, name, step)
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    version: 7,
    name: 'a version number of the library, for the album and artist summaries',
    up(db) {
      // Grouping 100,000 tracks into albums costs ~0.5 s, so TrackStore keeps the summaries in
      // memory and rebuilds them only when this number moves: on any track added or removed, and
      // on any change to what the album and artist views show (from any connection or process).
      const shown = [
        'album',
        'album_artist',
        'artist',
        'year',
        'duration',
        'cover_id',
        'missing_since',
        'disc_no',
        'track_no',
      ]
      const changed = shown.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ')
      db.exec(`
        CREATE TABLE library_version (
          id       INTEGER PRIMARY KEY CHECK (id = 1),
          version  INTEGER NOT NULL
        );
        INSERT INTO library_version (id, version) VALUES (1, 0);
        CREATE TRIGGER tracks_version_insert AFTER INSERT ON tracks BEGIN
          UPDATE library_version SET version = version + 1;
        END;
        CREATE TRIGGER tracks_version_delete AFTER DELETE ON tracks BEGIN
          UPDATE library_version SET version = version + 1;
        END;
        CREATE TRIGGER tracks_version_update AFTER UPDATE OF ${shown.join(', ')} ON tracks
          WHEN ${changed} BEGIN
          UPDATE library_version SET version = version + 1;
        END;
      `)
    },
  },
  {
    version: 8,
    name: 'covering indexes for the album and artist summaries',
    up(db) {
      // TrackStore aggregates the summaries in SQL (one row per album, not per track). Partial
      // (present tracks only) and covering, so the aggregation reads index entries in group order
      // instead of every table row, and each album's cover is one seek in play order. They end
      // with missing_since (always NULL in them) because SQLite counts an index as covering only
      // if it holds every column the query names, its WHERE included; tracks_covers names the id
      // before cover_id so that play order's last tie-break (the id) is index order too.
      db.exec(`
        CREATE INDEX tracks_groups
          ON tracks(album_artist, album, artist, year, duration, missing_since)
          WHERE missing_since IS NULL;
        CREATE INDEX tracks_covers
          ON tracks(album_artist, album, disc_no, track_no, id, cover_id, missing_since)
          WHERE missing_since IS NULL AND cover_id IS NOT NULL;
      `)
    },
  },
  {
    version: 9,
    name: 'index the embeddings by space and computation time',
    up(db) {
      // The taste model lists a space's songs, finds its newest vector and reads only the vectors
      // computed since its last look, many times a minute. Without this index each of those reads
      // every row, vectors inline (64 MB at 100,000 songs). Partial (analysed songs only) and
      // covering: it ends with dim and error (always NULL in it, as vector IS NOT NULL ⇔ error IS
      // NULL by the table's CHECK) because SQLite counts an index as covering only if it holds
      // every column the query names, its WHERE included; track_id, the primary key, is in it too.
      db.exec(`
        CREATE INDEX embeddings_space_computed
          ON embeddings(space, computed_at, track_id, dim, error)
          WHERE error IS NULL;
      `)
    },
  },
  {
    version: 10,
    name: 'queue entries remember their auto-pick and whether the listener moved them',
    up(db) {
      // A mark re-ranks the auto-picks still waiting in the queue (issue 10): the engine replaces
      // a pick by its auto_pick event (pick_id), and never one the listener moved (touched).
      db.exec(`
        ALTER TABLE queue ADD COLUMN pick_id INTEGER;
        ALTER TABLE queue ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
      `)
    },
  },
  {
    version: 11,
    name: 'titles, artists and albums for files without tags',
    up(db) {
      // A file without tags shows a title from its file name and an artist and album from its
      // folders (src/shared/folder-tags.ts). They are stored in title/artist/album, so every
      // sort, index, search and summary serves them as it serves tags; derived_tags says which
      // of the three were derived (bits 1 title, 2 artist, 4 album): a derived value stands for
      // a tag the file does not have, so the real tags stay known. The scanner fills them from
      // now on; this fills the tracks already scanned.
      db.exec(`ALTER TABLE tracks ADD COLUMN derived_tags INTEGER NOT NULL DEFAULT 0;`)
      const rows = db
        .prepare(
          `SELECT t.id, t.path, r.path AS root, t.title, t.artist, t.album, t.album_artist
           FROM tracks t LEFT JOIN roots r ON r.id = t.root_id
           WHERE t.title IS NULL OR t.album IS NULL OR (t.artist IS NULL AND t.album_artist IS NULL)`,
        )
        .all() as {
        id: number
        path: string
        root: string | null
        title: string | null
        artist: string | null
        album: string | null
        album_artist: string | null
      }[]
      const update = db.prepare(
        'UPDATE tracks SET title = ?, artist = ?, album = ?, derived_tags = ? WHERE id = ?',
      )
      for (const row of rows) {
        const shown = shownTags(
          { title: row.title, artist: row.artist, album: row.album, albumArtist: row.album_artist },
          row.path,
          row.root,
        )
        if (shown.derived !== 0)
          update.run(shown.title, shown.artist, shown.album, shown.derived, row.id)
      }
    },
  },
  {
    version: 12,
    name: 'a counter that moves with every change of the embeddings',
    up(db) {
      // The taste worker must notice a new or changed vector before its next answer, and did so
      // by counting and summing a space's embeddings whenever any connection had written: every
      // logged mark paid an O(N) index walk on the reward → pick path (~13 ms at 100,000 songs,
      // ~1 s at 1,000,000). With this counter and library_version (migration 7: tracks added,
      // removed, found missing), it re-counts only when one of them moved.
      db.exec(`
        CREATE TABLE embeddings_version (
          id       INTEGER PRIMARY KEY CHECK (id = 1),
          version  INTEGER NOT NULL
        );
        INSERT INTO embeddings_version (id, version) VALUES (1, 0);
        CREATE TRIGGER embeddings_version_insert AFTER INSERT ON embeddings BEGIN
          UPDATE embeddings_version SET version = version + 1;
        END;
        CREATE TRIGGER embeddings_version_delete AFTER DELETE ON embeddings BEGIN
          UPDATE embeddings_version SET version = version + 1;
        END;
        CREATE TRIGGER embeddings_version_update AFTER UPDATE ON embeddings BEGIN
          UPDATE embeddings_version SET version = version + 1;
        END;
      `)
    },
  },
  {
    version: 13,
    name: 'listens waiting for ListenBrainz and Last.fm',
    up(db) {
      // One row per play that counted as a listen, per service the listener turned on, kept until
      // the service took it (sent_at) or refused it for good (refused_at): offline listens survive
      // restarts and go out later in order; UNIQUE(service, play_id) keeps a play from counting twice.
      // Title and artist are copied: the service must get what the song was called when heard.
      db.exec(`
        CREATE TABLE scrobbles (
          id           INTEGER PRIMARY KEY,
          service      TEXT NOT NULL CHECK (service IN ('listenbrainz', 'lastfm')),
          play_id      TEXT NOT NULL,
          track_id     INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
          listened_at  INTEGER NOT NULL,            -- unix seconds, when the play started
          artist       TEXT NOT NULL,
          title        TEXT NOT NULL,
          album        TEXT,
          album_artist TEXT,
          duration     REAL,
          track_no     INTEGER,
          attempts     INTEGER NOT NULL DEFAULT 0,
          last_error   TEXT,
          sent_at      INTEGER,
          refused_at   INTEGER,
          UNIQUE (service, play_id)
        );
        CREATE INDEX scrobbles_waiting ON scrobbles (service, id) WHERE sent_at IS NULL AND refused_at IS NULL;
      `)
    },
  },
  {
    version: 14,
    name: 'the library version also moves with a song’s genre and path',
    up(db) {
      // Never-play rules (db/exclusions.ts) cache the songs they cover until library_version moves,
      // and match genres and folders too: a song re-tagged to an excluded genre, or moved into an
      // excluded folder, must move it. Both change rarely, so the album summaries rebuilt with it
      // cost nothing noticeable. Migration 7's columns, plus genre and path.
      const watched = [
        'album',
        'album_artist',
        'artist',
        'year',
        'duration',
        'cover_id',
        'missing_since',
        'disc_no',
        'track_no',
        'genre',
        'path',
      ]
      const changed = watched.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ')
      db.exec(`
        DROP TRIGGER tracks_version_update;
        CREATE TRIGGER tracks_version_update AFTER UPDATE OF ${watched.join(', ')} ON tracks
          WHEN ${changed} BEGIN
          UPDATE library_version SET version = version + 1;
        END;
      `)
    },
  },
  {
    version: 15,
    name: 'playlists and their ordered entries',
    up(db) {
      // A playlist's entries are kept in order by position (rewritten whole on a reorder: a playlist
      // is hundreds of songs, not millions). An entry names its song (track_id) and keeps what finds
      // it again: its path, and the content fingerprint the scanner recognises moved files by. A
      // song whose file disappeared stays in the playlist, shown missing, and comes back when the
      // file does (the scanner gives the track row back; an entry imported before its file was in
      // the library finds it by path). title and duration come from #EXTINF, for entries without a
      // song. A deleted playlist keeps its rows (deleted_at) until the next delete, for Undo.
      db.exec(`
        CREATE TABLE playlists (
          id          INTEGER PRIMARY KEY,
          name        TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          updated_at  INTEGER NOT NULL,
          deleted_at  INTEGER
        );
        CREATE UNIQUE INDEX playlists_name ON playlists(name COLLATE NOCASE) WHERE deleted_at IS NULL;
        CREATE TABLE playlist_entries (
          playlist_id  INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
          position     INTEGER NOT NULL,
          track_id     INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
          path         TEXT NOT NULL,
          fingerprint  TEXT,
          title        TEXT,
          duration     REAL,
          PRIMARY KEY (playlist_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX playlist_entries_track ON playlist_entries(track_id) WHERE track_id IS NOT NULL;
      `)
    },
  },
  {
    version: 16,
    name: 'index the tracks that failed to read',
    up(db) {
      // The status bar counts the library's songs, the missing ones and the ones that failed to
      // read, after every scan and library change. COUNT(*) reads the smallest index and the
      // missing songs have theirs (migration 5); without this one the failed songs were found by
      // reading every row (66 ms at 100,000 songs). Partial: failed songs are few.
      db.exec(`CREATE INDEX tracks_failed ON tracks(missing_since) WHERE error IS NOT NULL;`)
    },
  },
]

export const latestVersion = migrations[migrations.length - 1]?.version ?? 0
