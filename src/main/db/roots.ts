import type { Database } from 'better-sqlite3'
import type { Root } from '../../shared/domain'
import { Statements } from './statements'

interface RootRow {
  id: number
  path: string
  added_at: number
}

const fromRow = (row: RootRow): Root => ({ id: row.id, path: row.path, addedAt: row.added_at })

/** The `roots` table: the library folders, stored by their real path. */
export class RootRepository {
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
  }

  /** Every library folder, by path. */
  list(): Root[] {
    return this.statements
      .get<[], RootRow>('SELECT id, path, added_at FROM roots ORDER BY path')
      .all()
      .map(fromRow)
  }

  /** Library folder paths in the order they were added (oldest first). */
  pathsInOrderAdded(): string[] {
    return this.statements.get<[], string>('SELECT path FROM roots ORDER BY id').pluck().all()
  }

  byPath(path: string): Root | null {
    const row = this.statements
      .get<[string], RootRow>('SELECT id, path, added_at FROM roots WHERE path = ?')
      .get(path)
    return row ? fromRow(row) : null
  }

  /** The path of library folder `id`, or null when there is none. */
  pathOf(id: number): string | null {
    return (
      (this.db.prepare('SELECT path FROM roots WHERE id = ?').pluck().get(id) as
        string | undefined) ?? null
    )
  }

  /** Adds `realPath` (already checked by the caller) unless it is there; returns the folder. */
  add(realPath: string, addedAt: number): Root | null {
    this.db
      .prepare('INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)')
      .run(realPath, addedAt)
    return this.byPath(realPath)
  }

  /**
   * Removes library folder `id` in one transaction. Its tracks are kept (their events must
   * survive) but marked missing since `at` (unless they already were) and detached from it.
   */
  remove(id: number, at: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE tracks SET missing_since = COALESCE(missing_since, ?), root_id = NULL WHERE root_id = ?',
        )
        .run(at, id)
      this.db.prepare('DELETE FROM roots WHERE id = ?').run(id)
    })()
  }
}
