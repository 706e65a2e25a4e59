import type { Database } from './database'
import { Statements } from './statements'
import type { QueueEntry, QueueState } from '../../shared/contract'
import { asAutoPickReason } from '../../shared/reasons'

interface PlayerSettings {
  current: number | null
  position: number
  shuffle: boolean
  repeat: 'off' | 'all' | 'one'
  volume: number
}

const DEFAULT_PLAYER: PlayerSettings = {
  current: null,
  position: 0,
  shuffle: false,
  repeat: 'off',
  volume: 1,
}
const PLAYER_KEY = 'player'

interface QueueRow {
  track_id: number
  source: 'user' | 'auto'
  reason: string | null
  pick_id: number | null
  touched: number
}

interface HistoryRow {
  event_id: number
  started_at: number
  ended_at: number | null
  end_position: number | null
  end_reason: string | null
  track_id: number
}

/** The play queue and player state, saved so both survive a restart. */
export class QueueStore {
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
  }

  /**
   * Runs `write` (this store's save and whatever must land with it, e.g. the picks it queues) in
   * one transaction: all of it is saved or none.
   */
  together<T>(write: () => T): T {
    return this.db.transaction(write)()
  }

  load(): Omit<QueueState, 'entries' | 'revision'> & { entries: QueueEntry[] } {
    const rows = this.statements
      .get<[], QueueRow>(
        `SELECT track_id, source, reason, pick_id, touched FROM queue ORDER BY position`,
      )
      .all()
    const entries: QueueEntry[] = rows.map((r) => {
      // A reason saved by an older version may be in another shape: put back, or left out.
      const reason = r.reason !== null ? asAutoPickReason(JSON.parse(r.reason) as unknown) : null
      return {
        trackId: r.track_id,
        source: r.source,
        ...(reason ? { reason } : {}),
        ...(r.pick_id !== null ? { pickId: r.pick_id } : {}),
        ...(r.touched ? { touched: true } : {}),
      }
    })
    const player = this.player()
    const current =
      player.current !== null && player.current < entries.length ? player.current : null
    return { entries, ...player, current }
  }

  /**
   * The songs of the entry playing (the current one; the first when none is) and of the entries
   * after it, `count` in all, in queue order: the songs the listener may reward next. Reads only
   * those rows (no reason is parsed), by the queue's primary key.
   */
  upcoming(count: number): number[] {
    const { current } = this.player()
    const from = typeof current === 'number' && current > 0 ? current : 0
    const read = (start: number): number[] =>
      this.statements
        .get<[number, number], { track_id: number }>(
          `SELECT track_id FROM queue WHERE position >= ? ORDER BY position LIMIT ?`,
        )
        .all(start, Math.max(0, count))
        .map((r) => r.track_id)
    const songs = read(from)
    // A current entry past the end is no entry (as `load` reads it): from the first then.
    return songs.length === 0 && from > 0 ? read(0) : songs
  }

  /** The player's saved state (the entry playing, position, modes), defaults where none is saved. */
  private player(): PlayerSettings {
    const raw = this.statements
      .get<[string], { value: string }>(`SELECT value FROM settings WHERE key = ?`)
      .get(PLAYER_KEY)
    return { ...DEFAULT_PLAYER, ...(raw ? (JSON.parse(raw.value) as Partial<PlayerSettings>) : {}) }
  }

  /** Replaces the queue in one transaction: a crash leaves the old queue or the new one. */
  save(state: { entries: QueueEntry[] } & PlayerSettings): void {
    const now = Date.now()
    const insert = this.statements.get<
      [number, number, string, string | null, number, number | null, number]
    >(
      `INSERT INTO queue (position, track_id, source, reason, added_at, pick_id, touched)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    this.db.transaction(() => {
      this.statements.get(`DELETE FROM queue`).run()
      state.entries.forEach((e, i) =>
        insert.run(
          i,
          e.trackId,
          e.source,
          e.reason === undefined ? null : JSON.stringify(e.reason),
          now,
          e.pickId ?? null,
          e.touched ? 1 : 0,
        ),
      )
      const player: PlayerSettings = {
        current: state.current,
        position: state.position,
        shuffle: state.shuffle,
        repeat: state.repeat,
        volume: state.volume,
      }
      this.statements
        .get<[string, string]>(
          `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        )
        .run(PLAYER_KEY, JSON.stringify(player))
    })()
  }

  history(limit: number): {
    eventId: number
    startedAt: number
    endedAt: number | null
    endPosition: number | null
    endReason: string | null
    trackId: number
  }[] {
    const rows = this.statements
      .get<[number], HistoryRow>(
        `SELECT event_id, started_at, ended_at, end_position, end_reason, track_id
         FROM history ORDER BY event_id DESC LIMIT ?`,
      )
      .all(limit)
    return rows.map((r) => ({
      eventId: r.event_id,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      endPosition: r.end_position,
      endReason: r.end_reason,
      trackId: r.track_id,
    }))
  }
}
