import type { Database } from './database'
import { Statements } from './statements'
import type { ScrobbleService } from '../../shared/scrobbling'

/** A listen as it is sent: what the song was called when it was heard, and when. */
export interface Listen {
  id: number
  service: ScrobbleService
  playId: string
  trackId: number | null
  /** Unix seconds: when the play started. */
  listenedAt: number
  artist: string
  title: string
  album: string | null
  albumArtist: string | null
  /** Seconds. */
  duration: number | null
  trackNo: number | null
  attempts: number
}

export type NewListen = Omit<Listen, 'id' | 'attempts'>

export interface ScrobbleCounts {
  pending: number
  sent: number
  refused: number
}

interface ListenRow {
  id: number
  service: ScrobbleService
  play_id: string
  track_id: number | null
  listened_at: number
  artist: string
  title: string
  album: string | null
  album_artist: string | null
  duration: number | null
  track_no: number | null
  attempts: number
}

const LISTEN_COLUMNS = `id, service, play_id, track_id, listened_at, artist, title, album, album_artist, duration, track_no, attempts`

function toListen(row: ListenRow): Listen {
  return {
    id: row.id,
    service: row.service,
    playId: row.play_id,
    trackId: row.track_id,
    listenedAt: row.listened_at,
    artist: row.artist,
    title: row.title,
    album: row.album,
    albumArtist: row.album_artist,
    duration: row.duration,
    trackNo: row.track_no,
    attempts: row.attempts,
  }
}

/**
 * Listens waiting for ListenBrainz or Last.fm (migration 13). A play is kept once per service
 * (a second `add` for the same play is ignored); waiting listens come out oldest first; a batch
 * is marked sent in one transaction, so a crash between the service's answer and the mark can at
 * worst resend a batch the services then de-duplicate by timestamp, never lose one.
 */
export class ScrobbleRepository {
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
  }

  /** Keeps a listen; false when this play was already kept for this service. */
  add(listen: NewListen): boolean {
    const result = this.statements
      .get(
        `INSERT OR IGNORE INTO scrobbles (service, play_id, track_id, listened_at, artist, title, album, album_artist, duration, track_no)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        listen.service,
        listen.playId,
        listen.trackId,
        listen.listenedAt,
        listen.artist,
        listen.title,
        listen.album,
        listen.albumArtist,
        listen.duration,
        listen.trackNo,
      )
    return result.changes === 1
  }

  /** The oldest waiting listens of a service, at most `limit`, oldest first. */
  waiting(service: ScrobbleService, limit: number): Listen[] {
    return this.statements
      .get<[ScrobbleService, number], ListenRow>(
        `SELECT ${LISTEN_COLUMNS} FROM scrobbles
         WHERE service = ? AND sent_at IS NULL AND refused_at IS NULL ORDER BY id LIMIT ?`,
      )
      .all(service, limit)
      .map(toListen)
  }

  markSent(ids: readonly number[], at = Date.now()): void {
    const mark = this.statements.get(
      `UPDATE scrobbles SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`,
    )
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, id)
    })()
  }

  /** The service will never take these (it said why): kept, no longer retried. */
  markRefused(ids: readonly number[], error: string, at = Date.now()): void {
    const mark = this.statements.get(
      `UPDATE scrobbles SET refused_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?`,
    )
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, error, id)
    })()
  }

  /** A try that failed for a reason that may pass (offline, service down, token to fix). */
  markFailed(ids: readonly number[], error: string): void {
    const mark = this.statements.get(
      `UPDATE scrobbles SET attempts = attempts + 1, last_error = ? WHERE id = ?`,
    )
    this.db.transaction(() => {
      for (const id of ids) mark.run(error, id)
    })()
  }

  counts(service: ScrobbleService): ScrobbleCounts {
    const row = this.statements
      .get<
        [ScrobbleService],
        { pending: number | null; sent: number | null; refused: number | null }
      >(
        `SELECT SUM(sent_at IS NULL AND refused_at IS NULL) AS pending, SUM(sent_at IS NOT NULL) AS sent,
                SUM(refused_at IS NOT NULL) AS refused
         FROM scrobbles WHERE service = ?`,
      )
      .get(service)
    return { pending: row?.pending ?? 0, sent: row?.sent ?? 0, refused: row?.refused ?? 0 }
  }
}
