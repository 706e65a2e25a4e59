import type { Database } from './database'
import { Statements } from './statements'

/** A vector as stored (Float32 bytes), with its song and when it was computed. */
export interface StoredVector {
  trackId: number
  vector: Buffer
}

/** What the index alone tells of a space's vectors (failures excluded). */
export interface VectorSummary {
  /** How many songs have a vector in the space. */
  count: number
  /** The sum of their track ids (with `count` and `latest`, the library's fingerprint). */
  idSum: number
  /** The newest `computed_at` among them; 0 when there are none. */
  latest: number
  /** The smallest and largest dimension (they differ only in a broken space); null when empty. */
  smallest: number | null
  largest: number | null
}

/**
 * A space's summary from the covering index embeddings_space_computed (migration 9) alone:
 * `error IS NULL` is `vector IS NOT NULL` (the table's CHECK) in the form the index covers.
 */
export const VECTOR_SUMMARY_SQL = `
  SELECT COUNT(*) AS count, COALESCE(SUM(track_id), 0) AS idSum,
    COALESCE(MAX(computed_at), 0) AS latest, MIN(dim) AS smallest, MAX(dim) AS largest
  FROM embeddings WHERE space = ? AND error IS NULL`

/** The vectors computed after a time: a range of the same index. */
export const VECTORS_COMPUTED_AFTER_SQL = `
  SELECT track_id AS trackId, vector FROM embeddings
  WHERE space = ? AND error IS NULL AND computed_at > ?`

/** The songs whose vectors were computed up to a time, from the index alone (no vector read). */
export const SONGS_COMPUTED_UP_TO_SQL = `
  SELECT track_id FROM embeddings WHERE space = ? AND error IS NULL AND computed_at <= ?`

/** A song's tags as the taste model's tag context reads them (taste/tags.ts). */
export interface SongTags {
  artist: string | null
  albumArtist: string | null
  album: string | null
  genre: string | null
  year: number | null
}

/** A song as a label list is matched against it: by path, and by album for "others not". */
export interface SongToMatch {
  id: number
  path: string
  album: string | null
  albumArtist: string | null
  artist: string | null
}

/**
 * The library as the taste side reads it. The model, from its worker's read-only connection: the
 * vectors of a space (all, or only the new ones), the songs whose file is missing, durations,
 * titles, and the counters that say whether any of it changed. Label import: the songs and
 * library folders a playlist's entries are matched against.
 */
export class TasteLibrary {
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
  }

  /** Runs `read` in one transaction, so everything it reads describes the same moment. */
  consistently<T>(read: () => T): T {
    return this.db.transaction(read)()
  }

  /** Every vector of the space (of present and missing songs), ordered by track id. */
  vectors(space: string): (StoredVector & { dim: number; computedAt: number })[] {
    return this.statements
      .get<[string], StoredVector & { dim: number; computedAt: number }>(
        `SELECT track_id AS trackId, dim, computed_at AS computedAt, vector
         FROM embeddings WHERE space = ? AND vector IS NOT NULL ORDER BY track_id`,
      )
      .all(space)
  }

  vectorSummary(space: string): VectorSummary {
    return this.statements
      .get<[string], VectorSummary>(VECTOR_SUMMARY_SQL)
      .get(space) as VectorSummary
  }

  /** The vectors of the space computed after `since` (ms since the epoch), in no set order. */
  vectorsComputedAfter(space: string, since: number): StoredVector[] {
    return this.statements
      .get<[string, number], StoredVector>(VECTORS_COMPUTED_AFTER_SQL)
      .all(space, since)
  }

  /** The songs whose vector in the space was computed no later than `since`. */
  songsComputedUpTo(space: string, since: number): number[] {
    return this.statements
      .get<[string, number], number>(SONGS_COMPUTED_UP_TO_SQL)
      .pluck()
      .all(space, since)
  }

  /** One song's vector in the space, or null. */
  vectorOf(trackId: number, space: string): Buffer | null {
    return (
      this.statements
        .get<[number, string], { vector: Buffer }>(
          `SELECT vector FROM embeddings WHERE track_id = ? AND space = ? AND vector IS NOT NULL`,
        )
        .get(trackId, space)?.vector ?? null
    )
  }

  /** Songs whose file is missing (kept in the model, never picked). */
  missingTrackIds(): number[] {
    return this.statements
      .get<[], number>(`SELECT id FROM tracks WHERE missing_since IS NOT NULL`)
      .pluck()
      .all()
  }

  /** How many songs are missing and the sum of their ids (part of the library's fingerprint). */
  missingSummary(): { n: number; ids: number } {
    return this.statements
      .get<[], { n: number; ids: number }>(
        `SELECT COUNT(*) AS n, COALESCE(SUM(id), 0) AS ids FROM tracks WHERE missing_since IS NOT NULL`,
      )
      .get() as { n: number; ids: number }
  }

  /**
   * Two counters the schema's triggers move with every change of the tracks (added, removed,
   * found missing) and of the embeddings: a mark or a play logged meanwhile moves neither.
   */
  libraryVersions(): { tracks: number; embeddings: number } {
    return this.statements
      .get<[], { tracks: number; embeddings: number }>(
        `SELECT (SELECT version FROM library_version) AS tracks,
                (SELECT version FROM embeddings_version) AS embeddings`,
      )
      .get() as { tracks: number; embeddings: number }
  }

  /**
   * Every song's tags as the taste model's tag context reads them (the shown artist and album:
   * a file without tags has those its folders name), by track id.
   */
  songTags(): Map<number, SongTags> {
    const out = new Map<number, SongTags>()
    const rows = this.statements
      .get<[], SongTags & { id: number }>(
        `SELECT id, artist, album_artist AS albumArtist, album, genre, year FROM tracks`,
      )
      .all()
    for (const { id, ...tags } of rows) out.set(id, tags)
    return out
  }

  /** One song's tags (as `songTags`), or null when it is not in the library. */
  tagsOf(trackId: number): SongTags | null {
    return (
      this.statements
        .get<[number], SongTags>(
          `SELECT artist, album_artist AS albumArtist, album, genre, year FROM tracks WHERE id = ?`,
        )
        .get(trackId) ?? null
    )
  }

  /** Every song's duration in seconds (null when unknown), by track id. */
  durations(): Map<number, number | null> {
    const durations = new Map<number, number | null>()
    const rows = this.statements
      .get<[], { id: number; duration: number | null }>(`SELECT id, duration FROM tracks`)
      .all()
    for (const row of rows) durations.set(row.id, row.duration)
    return durations
  }

  /** Every song of the library, for matching a label list's entries. */
  songsToMatch(): SongToMatch[] {
    return this.statements
      .get<[], SongToMatch>(
        `SELECT id, path, album, album_artist AS albumArtist, artist FROM tracks`,
      )
      .all()
  }

  /** The library's folders. */
  folderPaths(): string[] {
    return this.statements.get<[], string>(`SELECT path FROM roots`).pluck().all()
  }

  /** A song's title tag and path, or null when it is no longer in the library. */
  titleAndPath(trackId: number): { title: string | null; path: string } | null {
    return (
      this.statements
        .get<[number], { title: string | null; path: string }>(
          `SELECT title, path FROM tracks WHERE id = ?`,
        )
        .get(trackId) ?? null
    )
  }
}
