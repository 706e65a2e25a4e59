// The taste core's test library: a real SQLite file of songs with correlated synthetic vectors in
// an imported space (stored through the embedding store), a few marks, and the worker's view of it.
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { EventLog } from '../../../src/main/db/events'
import { SettingsStore } from '../../../src/main/db/settings'
import { TasteCore } from '../../../src/main/taste/core'
import { tempDir } from '../../helpers/temp'
import { correlatedData } from './random'

export interface CoreLibrary {
  db: Database
  dbPath: string
  events: EventLog
  /** A worker's core on its own read-only connection, as the taste worker opens it. */
  workerCore(): { core: TasteCore; close: () => void }
  cleanUp(): void
}

/**
 * `songs` songs (ids 1…songs) with `dim`-dim vectors in `space`, PCA 6 dims, songs 1–40 marked
 * (every third loved, the others not for me); `artistOf` names each song's artist (none by
 * default; every 7th song then names only its album artist).
 */
export function coreLibrary(options: {
  space: string
  songs: number
  dim: number
  artistOf?: (trackId: number) => string
}): CoreLibrary {
  const { space, songs, dim, artistOf } = options
  const temp = tempDir()
  const dbPath = join(temp.dir, 'attune.db')
  const db = openDatabase(dbPath)
  const insert = db.prepare(
    `INSERT INTO tracks (path, duration, added_at, artist, album_artist) VALUES (?, 200, 1, ?, ?)`,
  )
  db.transaction(() => {
    for (let id = 1; id <= songs; id++) {
      const artist = artistOf ? artistOf(id) : null
      insert.run(`/music/${id}.ogg`, id % 7 === 0 ? null : artist, artist)
    }
  })()
  const vectors = correlatedData(songs, dim, 5)
  new EmbeddingStore(db).saveMany(
    space,
    null,
    Array.from({ length: songs }, (_, i) => ({
      job: { trackId: i + 1, path: `/music/${i + 1}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector: Float32Array.from(vectors.subarray(i * dim, (i + 1) * dim)),
    })),
  )
  new SettingsStore(db).update('model', { space, pcaDims: 6, albumSound: 0 })
  const events = new EventLog(db)
  for (let id = 1; id <= 40; id++) events.mark(id, id % 3 === 0 ? 'love' : 'not_for_me')
  return {
    db,
    dbPath,
    events,
    workerCore() {
      const readonly = openDatabase(dbPath, { readonly: true })
      return { core: new TasteCore(readonly), close: () => readonly.close() }
    },
    cleanUp() {
      db.close()
      temp.cleanup()
    },
  }
}
