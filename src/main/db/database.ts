import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
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
  /**
   * When the database exists but cannot be written (a read-only file, folder or disk), open it for
   * reading instead of failing, and call this with a note for the listener.
   */
  onReadOnly?: (note: string) => void
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

/** SQLite's ways of saying the file, its folder or its disk cannot be written. */
function isReadOnlyError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN')
  )
}

/**
 * Opens (creating if needed) an Attune database: WAL, foreign keys, and all migrations applied.
 * With `onReadOnly`, a database that cannot be written is opened for reading (see there).
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  try {
    return openWritable(path, options)
  } catch (error) {
    if (!options.onReadOnly || options.readonly || !isReadOnlyError(error) || !existsSync(path)) {
      throw error
    }
    return openReadOnlyCopy(path, options, options.onReadOnly)
  }
}

/**
 * A WAL database cannot be read in place without writing its -shm file beside it, which a
 * read-only folder or disk forbids; so the database (and its -wal) is copied to a private temp
 * folder and the copy is opened read-only. Nothing written to it could be saved anyway.
 */
function openReadOnlyCopy(
  path: string,
  options: OpenOptions,
  onReadOnly: (note: string) => void,
): Database {
  const dir = mkdtempSync(join(tmpdir(), 'attune-readonly-'))
  const copy = join(dir, basename(path))
  copyFileSync(path, copy)
  if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`)
  const db = openWritable(copy, { ...options, createFolder: false })
  db.pragma('query_only = ON')
  onReadOnly(
    `The database ${path} cannot be written (its file, folder or disk is read-only). Attune opened it for reading only: new marks, plays and scans will not be saved. Make it writable, or give another one with --db FILE.`,
  )
  const close = db.close.bind(db)
  db.close = () => {
    close()
    rmSync(dir, { recursive: true, force: true })
    return db
  }
  return db
}

function openWritable(path: string, options: OpenOptions): Database {
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

/**
 * Throws SQLite's busy error at once (after the busy timeout) when another connection holds the
 * write lock: a long job (a scan) asks before it starts instead of failing on every write.
 */
export function checkWritable(db: Database): void {
  db.prepare('BEGIN IMMEDIATE').run()
  db.prepare('ROLLBACK').run()
}
