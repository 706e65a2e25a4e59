// A library database for the engine's benchmarks: `n` songs in clusters (a style each) with an
// artist per 20 songs and an album per 10, each with a vector in an imported space (so no audio is
// analysed). Used by bench/engine-calls.ts and bench/live-queue.ts.
import { openDatabase } from '../src/main/db/database'
import { EmbeddingStore } from '../src/main/db/embeddings'
import { EXTRACTOR } from '../src/main/analysis/feature-names'
import { seededRandom } from '../src/shared/random'
import { standardNormal } from '../src/main/insights/evaluation'

export interface SyntheticLibrary {
  n: number
  space: string
  dims: number
  clusters: number
  /** Whether songs have an album (one per 10 songs; default true). */
  albums?: boolean
  /**
   * Also give every song a vector in the built-in extractor's space (its first dimensions), so
   * what counts the analysed songs (the status bar) counts as many as a real library would.
   */
  analysed?: boolean
}

/** Writes the library's tracks and vectors into a new database at `dbPath`. */
export function buildSyntheticLibrary(dbPath: string, library: SyntheticLibrary): void {
  const { n, space, dims, clusters } = library
  const db = openDatabase(dbPath)
  try {
    const random = seededRandom(n)
    const normal = (): number => standardNormal(random)
    const centres = Array.from({ length: clusters }, () =>
      Float32Array.from({ length: dims }, normal),
    )
    const insert = db.prepare(
      `INSERT INTO tracks (path, duration, added_at, artist, title, album) VALUES (?, 200, 1, ?, ?, ?)`,
    )
    db.transaction(() => {
      for (let id = 1; id <= n; id++)
        insert.run(
          `/music/${id}.ogg`,
          `Artist ${Math.ceil(id / 20)}`,
          `Song ${id}`,
          library.albums === false ? null : `Album ${Math.ceil(id / 10)}`,
        )
    })()
    const store = new EmbeddingStore(db)
    for (let start = 1; start <= n; start += 5000) {
      const results = []
      for (let id = start; id < Math.min(n + 1, start + 5000); id++) {
        const centre = centres[id % clusters] as Float32Array
        results.push({
          job: { trackId: id, path: `/music/${id}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
          vector: Float32Array.from(centre, (c) => c + 0.8 * normal()),
        })
      }
      store.saveMany(space, null, results)
      if (library.analysed) {
        store.saveMany(
          EXTRACTOR.space,
          EXTRACTOR.version,
          results.map(({ job, vector }) => ({ job, vector: vector.slice(0, EXTRACTOR.dims) })),
        )
      }
    }
  } finally {
    db.close()
  }
}
