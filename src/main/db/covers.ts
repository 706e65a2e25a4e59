import type { Database } from 'better-sqlite3'
import { Statements } from './statements'

/** A stored cover image: its type and its file name in the covers folder. */
export interface CoverFile {
  mime: string
  file: string
}

/** The `covers` table: one row per image saved in the covers folder, keyed by its content hash. */
export class CoverRepository {
  private readonly statements: Statements

  constructor(db: Database) {
    this.statements = new Statements(db)
  }

  /** Every cover id already stored. */
  ids(): string[] {
    return this.statements.get<[], string>('SELECT id FROM covers').pluck().all()
  }

  /** Records an image saved as `file`; a cover already recorded under `id` is kept as it is. */
  add(id: string, mime: string, file: string, bytes: number): void {
    this.statements
      .get<[string, string, string, number]>(
        'INSERT OR IGNORE INTO covers (id, mime, file, bytes) VALUES (?, ?, ?, ?)',
      )
      .run(id, mime, file, bytes)
  }

  byId(id: string): CoverFile | null {
    return (
      this.statements
        .get<[string], CoverFile>('SELECT mime, file FROM covers WHERE id = ?')
        .get(id) ?? null
    )
  }
}
