import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { latestVersion, migrations, type Migration } from './migrations'

export type { Database }

export interface OpenOptions {
  /** Path of a better-sqlite3 native binary built for another ABI (the Electron adapter passes one). */
  nativeBinding?: string
  /** Migrations to apply; tests pass a prefix of the list to check each step. */
  migrations?: readonly Migration[]
  readonly?: boolean
  /** Create the database's folder when it is missing (default true). */
  createFolder?: boolean
}

export class NewerDatabaseError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The database ${path} was written by a newer Attune (schema ${found}; this version knows ${known}). ` +
        'Update Attune, or open another database with --db FILE.',
    )
    this.name = 'NewerDatabaseError'
  }
}

/** Opens (creating if needed) an Attune database: WAL, foreign keys, and all migrations applied. */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  if (path !== ':memory:' && options.createFolder !== false)
    mkdirSync(dirname(path), { recursive: true })
  const db = new BetterSqlite3(path, {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    readonly: options.readonly ?? false,
  })
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
    if (!options.readonly) migrate(db, path, options.migrations ?? migrations)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

function migrate(db: Database, path: string, list: readonly Migration[]): void {
  const current = schemaVersion(db)
  const known = list[list.length - 1]?.version ?? 0
  if (current > Math.max(known, latestVersion)) throw new NewerDatabaseError(path, current, known)
  for (const migration of list) {
    if (migration.version <= current) continue
    db.transaction(() => {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    }).immediate()
  }
}
