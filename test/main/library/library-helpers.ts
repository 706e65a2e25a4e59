import { copyFileSync, chmodSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import type { TrackRow } from '../../../src/main/library'
import { FIXTURES, tempDir } from '../../helpers/temp'

export { FIXTURES }

export interface Sandbox {
  dir: string
  music: string
  coversDir: string
  db: Database
  cleanup: () => void
}

/** A temp folder with an empty library database, a covers folder and a `music/` folder to fill. */
export function sandbox(): Sandbox {
  const temp = tempDir()
  const music = join(temp.dir, 'music')
  mkdirSync(music)
  const box: Sandbox = {
    dir: temp.dir,
    music,
    coversDir: join(temp.dir, 'library-covers'),
    db: openDatabase(join(temp.dir, 'library.db')),
    cleanup: () => {
      // A test may have reopened the database: close whichever is current (closing twice is harmless).
      box.db.close()
      temp.cleanup()
    },
  }
  return box
}

/** Copies a fixture (e.g. 'formats/vbr.mp3') to `target`, writable (the fixtures are read-only). */
export function copyFixture(fixture: string, target: string): string {
  mkdirSync(dirname(target), { recursive: true })
  copyFileSync(join(FIXTURES, fixture), target)
  chmodSync(target, 0o644)
  return target
}

export function rowByPath(db: Database, path: string): TrackRow | undefined {
  return db.prepare('SELECT * FROM tracks WHERE path = ?').get(path) as TrackRow | undefined
}

export function trackCount(db: Database): number {
  return db.prepare('SELECT COUNT(*) FROM tracks').pluck().get() as number
}
