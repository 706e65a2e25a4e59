import type { Database } from './database'
import { Statements } from './statements'

/**
 * Notices what another process (the CLI's `feedback` and `import-labels`) wrote to the same
 * database: SQLite's data_version moves only on other connections' commits, so a poll costs one
 * pragma while nobody else writes.
 */
export class OtherWriters {
  private readonly statements: Statements
  private version: unknown

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
    this.version = this.dataVersion()
  }

  private dataVersion(): unknown {
    return this.db.pragma('data_version', { simple: true })
  }

  /** Whether another connection committed since the last call (or since construction). */
  committedSince(): boolean {
    const now = this.dataVersion()
    if (now === this.version) return false
    this.version = now
    return true
  }

  /** Whether an event after `afterId` changes the picks (a mark, a label import, a play's end, a "never play" rule). */
  taughtAfter(afterId: number): boolean {
    return (
      this.statements
        .get<[number]>(
          `SELECT 1 FROM events WHERE id > ? AND kind IN ('mark', 'label_import', 'play_end', 'exclusion') LIMIT 1`,
        )
        .get(afterId) !== undefined
    )
  }
}
