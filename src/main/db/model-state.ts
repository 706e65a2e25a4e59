import type { Database } from './database'
import { Statements } from './statements'

/** One saved taste model: its parameter set's key, and its state as of an event. */
export interface SavedModelState {
  /** `space:hash` of the parameters that shape the model (see taste/core `modelKey`). */
  key: string
  space: string
  /** The parameters, stored as JSON for people reading the database. */
  params: unknown
  /** The model's state as JSON text (taste/core's `SavedState`). */
  state: string
  /** The newest event the state has learned from. */
  lastEventId: number
}

/**
 * `model_state`: the taste model's snapshots, one per parameter set. The main thread saves them
 * (its connection is the only writer); the taste worker restores them from its read-only one.
 * A snapshot can always be deleted: the model is rebuilt from the event log.
 */
export class ModelStateStore {
  private readonly statements: Statements

  constructor(db: Database) {
    this.statements = new Statements(db)
  }

  /** Saves (or replaces) the snapshot of `saved.key`. */
  save(saved: SavedModelState, now: number = Date.now()): void {
    this.statements
      .get<[string, string, string, string, number, number]>(
        `INSERT INTO model_state (key, space, params, state, last_event_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET space = excluded.space, params = excluded.params,
           state = excluded.state, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at`,
      )
      .run(
        saved.key,
        saved.space,
        JSON.stringify(saved.params),
        saved.state,
        saved.lastEventId,
        now,
      )
  }

  /** The saved state (JSON text) of a parameter set, or null when none was saved. */
  stateOf(key: string): string | null {
    return (
      this.statements
        .get<[string], { state: string }>(`SELECT state FROM model_state WHERE key = ?`)
        .get(key)?.state ?? null
    )
  }
}
