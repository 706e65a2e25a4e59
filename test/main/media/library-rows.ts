// Test helper: puts library rows straight into a real database, so these tests need no scanner.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import type { AudioFormat } from '../../../src/shared/domain'

/** The shared real-audio fixtures (tests run with cwd = the repository root). */
export { FIXTURES } from '../../helpers/temp'

export interface TempLibrary {
  dir: string
  db: Database
  cleanUp(): void
}

/** A fresh database in its own temp folder. */
export function tempLibrary(): TempLibrary {
  const dir = mkdtempSync(join(tmpdir(), 'attune-'))
  const db = openDatabase(join(dir, 'library.db'))
  return {
    dir,
    db,
    cleanUp() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function insertRoot(db: Database, path: string): number {
  return Number(
    db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run(path, Date.now())
      .lastInsertRowid,
  )
}

export interface TrackRowInput {
  path: string
  rootId?: number | null
  format?: AudioFormat | null
  /** false leaves scanned_at NULL, like a placeholder from an imported event log. */
  scanned?: boolean
  missingSince?: number | null
  duration?: number | null
  title?: string | null
  artist?: string | null
  album?: string | null
}

export function insertTrack(db: Database, track: TrackRowInput): number {
  const now = Date.now()
  return Number(
    db
      .prepare(
        `INSERT INTO tracks (root_id, path, format, duration, title, artist, album, added_at, scanned_at, missing_since)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        track.rootId ?? null,
        track.path,
        track.format === undefined ? formatOfFixture(track.path) : track.format,
        track.duration ?? null,
        track.title ?? null,
        track.artist ?? null,
        track.album ?? null,
        now,
        track.scanned === false ? null : now,
        track.missingSince ?? null,
      ).lastInsertRowid,
  )
}

/** The container a scanner would recognise in a fixture (from its content; here from its name). */
export function formatOfFixture(path: string): AudioFormat | null {
  if (/opus-in-ogg\.ogg$/.test(path) || /\.opus$/.test(path)) return 'opus'
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase()
  switch (extension) {
    case 'mp3':
    case 'flac':
    case 'ogg':
    case 'm4a':
    case 'wav':
      return extension
    case 'aiff':
    case 'aif':
      return 'aiff'
    default:
      return null
  }
}
