import type { Database } from './database'
import { Statements } from './statements'
import { DECLINE_NAMES_PICK } from './events'

/** The latest auto-picks' artists (PickHistory.recentAutoPickArtists); exported for its plan's test. */
export const RECENT_PICK_ARTISTS_SQL = `SELECT t.artist AS artist, t.album_artist AS albumArtist FROM events a
  LEFT JOIN tracks t ON t.id = a.track_id
  WHERE a.kind = 'auto_pick'
    AND NOT EXISTS (SELECT 1 FROM events d WHERE ${DECLINE_NAMES_PICK})
  ORDER BY a.ts DESC, a.id DESC LIMIT ?`

/**
 * What the auto-queue reads of the listening history and the queue: the artists of the latest
 * picks and of the candidates (for artist spacing), the songs ever started, and whether a pick
 * still waits in the queue.
 */
export class PickHistory {
  private readonly statements: Statements

  constructor(db: Database) {
    this.statements = new Statements(db)
  }

  /**
   * Artists (or album artists) of the latest `count` auto-picks, newest last; a replacement the
   * player declined never reached the queue, so it is not among them. Latest by time (then by id),
   * so the read walks the kind index back from the newest pick and stops after `count`: it runs
   * on every pick and re-rank, and a long history holds thousands of picks (ordered by id, it
   * sorted them all).
   */
  recentAutoPickArtists(count: number): (string | null)[] {
    if (count <= 0) return []
    const rows = this.statements
      .get<[number], { artist: string | null; albumArtist: string | null }>(RECENT_PICK_ARTISTS_SQL)
      .all(count)
    return rows.map(spacingArtist).reverse()
  }

  /**
   * The artist (else the album artist) of each of `trackIds` that is in the library, by track id:
   * the name artist spacing keeps apart (as recentAutoPickArtists reads it). One statement for
   * the whole short-list.
   */
  artistsOf(trackIds: readonly number[]): Map<number, string | null> {
    const artists = new Map<number, string | null>()
    if (trackIds.length === 0) return artists
    const rows = this.statements
      .get<[string], { id: number; artist: string | null; albumArtist: string | null }>(
        `SELECT id, artist, album_artist AS albumArtist FROM tracks
         WHERE id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(trackIds))
    for (const row of rows) artists.set(row.id, spacingArtist(row))
    return artists
  }

  /** Ids of every track that was ever started. */
  playedTrackIds(): number[] {
    return this.statements
      .get<[], { trackId: number }>(
        `SELECT DISTINCT track_id AS trackId FROM events WHERE kind = 'play_start' AND track_id IS NOT NULL`,
      )
      .all()
      .map((r) => r.trackId)
  }

  /** Whether an auto-pick the listener has not moved waits in the queue. */
  hasWaitingAutoPicks(): boolean {
    return (
      this.statements
        .get(`SELECT 1 FROM queue WHERE source = 'auto' AND touched = 0 LIMIT 1`)
        .get() !== undefined
    )
  }
}

/** The name artist spacing keeps apart: the song's artist, else its album artist. */
function spacingArtist(row: { artist: string | null; albumArtist: string | null }): string | null {
  return row.artist ?? row.albumArtist
}
