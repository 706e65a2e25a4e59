import type { Database } from './database'
import { Statements } from './statements'

/** An entry as stored: its song, and what finds the song again when its file moves or returns. */
export interface StoredEntry {
  trackId: number | null
  path: string
  fingerprint: string | null
  title: string | null
  duration: number | null
}

/** An entry as read: its stored fields and the song it names now (see `entries`). */
export interface ResolvedEntry {
  position: number
  /** The song now: a present one when any matches, else the last one known; null when none. */
  trackId: number | null
  path: string
  title: string | null
  duration: number | null
  missing: boolean
}

export interface PlaylistRow {
  id: number
  name: string
  createdAt: number
  updatedAt: number
}

export interface PlaylistSummaryRow extends PlaylistRow {
  entryCount: number
  missingCount: number
  duration: number
}

/**
 * The song an entry names now, in SQL over an entry `e` and its linked track `t` (LEFT JOIN): its
 * own song while present; else a present song at its path (an entry imported before its file was
 * scanned); else a present song with the same content fingerprint (how the scanner recognises a
 * moved file; it normally moves the row itself, so this covers a copy scanned as a new row); else
 * the song it was, missing. Each look-up is one index seek (tracks.path is unique, tracks_fingerprint).
 */
const RESOLVED_TRACK = `COALESCE(
  CASE WHEN t.missing_since IS NULL THEN t.id END,
  (SELECT p.id FROM tracks p WHERE p.path = e.path AND p.missing_since IS NULL),
  (SELECT f.id FROM tracks f
     WHERE f.fingerprint = COALESCE(t.fingerprint, e.fingerprint) AND f.missing_since IS NULL
     ORDER BY f.id LIMIT 1),
  t.id,
  (SELECT p.id FROM tracks p WHERE p.path = e.path)
)`

const RESOLVED_ENTRIES = `
  SELECT e.position, e.path, e.title, e.duration, ${RESOLVED_TRACK} AS trackId
  FROM playlist_entries e LEFT JOIN tracks t ON t.id = e.track_id
  WHERE e.playlist_id = ?`

/** A playlist's entries in order with the song each names now (the parameter: the playlist's id). */
export const PLAYLIST_ENTRIES = `
  SELECT r.position, coalesce(tr.path, r.path) AS path, r.title,
         coalesce(tr.duration, r.duration) AS duration, r.trackId,
         (tr.id IS NULL OR tr.missing_since IS NOT NULL) AS missing
  FROM (${RESOLVED_ENTRIES}) r LEFT JOIN tracks tr ON tr.id = r.trackId
  ORDER BY r.position`

/**
 * Saved playlists and their ordered entries (migration 15). A playlist is rewritten whole when its
 * order changes; a delete keeps the rows (deleted_at) until the next delete, so it can be undone.
 */
export class PlaylistRepository {
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
  }

  /** Every playlist not deleted, by name, with its counts (missing entries resolved as `entries` does). */
  summaries(): PlaylistSummaryRow[] {
    return this.statements
      .get<[], PlaylistSummaryRow>(
        `SELECT pl.id, pl.name, pl.created_at AS createdAt, pl.updated_at AS updatedAt,
                count(r.position) AS entryCount,
                count(r.position) FILTER (WHERE r.present = 0) AS missingCount,
                coalesce(sum(r.duration) FILTER (WHERE r.present = 1), 0) AS duration
         FROM playlists pl
         LEFT JOIN (
           SELECT x.playlist_id, x.position, tr.duration,
                  (tr.id IS NOT NULL AND tr.missing_since IS NULL) AS present
           FROM (SELECT e.playlist_id, e.position, ${RESOLVED_TRACK} AS trackId
                 FROM playlist_entries e LEFT JOIN tracks t ON t.id = e.track_id) x
           LEFT JOIN tracks tr ON tr.id = x.trackId
         ) r ON r.playlist_id = pl.id
         WHERE pl.deleted_at IS NULL
         GROUP BY pl.id
         ORDER BY pl.name COLLATE NOCASE, pl.id`,
      )
      .all()
  }

  get(id: number): PlaylistRow | null {
    return (
      this.statements
        .get<[number], PlaylistRow>(
          `SELECT id, name, created_at AS createdAt, updated_at AS updatedAt
           FROM playlists WHERE id = ? AND deleted_at IS NULL`,
        )
        .get(id) ?? null
    )
  }

  /** The playlist not deleted with this name (case-insensitive), if any. */
  byName(name: string): PlaylistRow | null {
    return (
      this.statements
        .get<[string], PlaylistRow>(
          `SELECT id, name, created_at AS createdAt, updated_at AS updatedAt
           FROM playlists WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL`,
        )
        .get(name) ?? null
    )
  }

  names(): string[] {
    return this.statements
      .get<[], string>(`SELECT name FROM playlists WHERE deleted_at IS NULL`)
      .pluck()
      .all()
  }

  /** A playlist's entries in order, each with the song it names now. */
  entries(playlistId: number): ResolvedEntry[] {
    const rows = this.statements
      .get<[number], Omit<ResolvedEntry, 'missing'> & { missing: number }>(PLAYLIST_ENTRIES)
      .all(playlistId)
    return rows.map((row) => ({ ...row, missing: row.missing === 1 }))
  }

  /** The stored entries in order, to write back reordered (`setEntries`). */
  storedEntries(playlistId: number): StoredEntry[] {
    return this.statements
      .get<[number], StoredEntry>(
        `SELECT track_id AS trackId, path, fingerprint, title, duration
         FROM playlist_entries WHERE playlist_id = ? ORDER BY position`,
      )
      .all(playlistId)
  }

  /** What an entry stores of each song (present or not), in the order of `trackIds`; unknown ids are left out. */
  entriesForTracks(trackIds: readonly number[]): StoredEntry[] {
    const get = this.statements.get<[number], StoredEntry>(
      `SELECT id AS trackId, path, fingerprint, title, duration FROM tracks WHERE id = ?`,
    )
    return trackIds.flatMap((id) => get.get(id) ?? [])
  }

  /** Every song's id and path (present or not), for matching an imported playlist's entries. */
  trackPaths(): { id: number; path: string; missing: boolean }[] {
    return this.statements
      .get<[], { id: number; path: string; missing: number }>(
        `SELECT id, path, missing_since IS NOT NULL AS missing FROM tracks`,
      )
      .all()
      .map((row) => ({ ...row, missing: row.missing === 1 }))
  }

  create(name: string, entries: readonly StoredEntry[], now = Date.now()): number {
    return this.db.transaction(() => {
      const id = Number(
        this.statements
          .get(`INSERT INTO playlists (name, created_at, updated_at) VALUES (?, ?, ?)`)
          .run(name, now, now).lastInsertRowid,
      )
      this.insertEntries(id, entries, 0)
      return id
    })()
  }

  rename(id: number, name: string, now = Date.now()): void {
    this.statements
      .get(`UPDATE playlists SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`)
      .run(name, now, id)
  }

  /** Replaces a playlist's entries with these, in this order. */
  setEntries(id: number, entries: readonly StoredEntry[], now = Date.now()): void {
    this.db.transaction(() => {
      this.statements.get(`DELETE FROM playlist_entries WHERE playlist_id = ?`).run(id)
      this.insertEntries(id, entries, 0)
      this.touch(id, now)
    })()
  }

  /** Adds entries at the end. */
  append(id: number, entries: readonly StoredEntry[], now = Date.now()): void {
    this.db.transaction(() => {
      const next = this.statements
        .get<[number], number>(
          `SELECT coalesce(max(position) + 1, 0) FROM playlist_entries WHERE playlist_id = ?`,
        )
        .pluck()
        .get(id)
      this.insertEntries(id, entries, next ?? 0)
      this.touch(id, now)
    })()
  }

  /**
   * Deletes a playlist so that `restore` can bring it back: the one deleted before it (if any) is
   * dropped for good now.
   */
  delete(id: number, now = Date.now()): void {
    this.db.transaction(() => {
      this.statements.get(`DELETE FROM playlists WHERE deleted_at IS NOT NULL`).run()
      this.statements
        .get(`UPDATE playlists SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`)
        .run(now, id)
    })()
  }

  /** The deleted playlist's row (null when it is not deleted, or gone for good). */
  deleted(id: number): PlaylistRow | null {
    return (
      this.statements
        .get<[number], PlaylistRow>(
          `SELECT id, name, created_at AS createdAt, updated_at AS updatedAt
           FROM playlists WHERE id = ? AND deleted_at IS NOT NULL`,
        )
        .get(id) ?? null
    )
  }

  /** Brings a deleted playlist back, under `name` (its own, or another when that was taken since). */
  restore(id: number, name: string): void {
    this.statements
      .get(
        `UPDATE playlists SET deleted_at = NULL, name = ? WHERE id = ? AND deleted_at IS NOT NULL`,
      )
      .run(name, id)
  }

  private touch(id: number, now: number): void {
    this.statements.get(`UPDATE playlists SET updated_at = ? WHERE id = ?`).run(now, id)
  }

  private insertEntries(id: number, entries: readonly StoredEntry[], from: number): void {
    const insert = this.statements.get(
      `INSERT INTO playlist_entries (playlist_id, position, track_id, path, fingerprint, title, duration)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    entries.forEach((e, i) =>
      insert.run(id, from + i, e.trackId, e.path, e.fingerprint, e.title, e.duration),
    )
  }
}
