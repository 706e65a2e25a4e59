import type { Database, Statement } from 'better-sqlite3'

export interface StoredEmbedding {
  trackId: number
  space: string
  vector: Float32Array
}

export interface AnalysisJob {
  trackId: number
  path: string
  size: number
  mtimeMs: number
  duration: number | null
}

/** Float32 vectors per track and space (DESIGN.md: `embeddings`), and which tracks need analysis. */
export class EmbeddingStore {
  constructor(private readonly db: Database) {}

  /**
   * Tracks of the library whose vector in `space` is absent or stale: never analysed, the file's
   * size or mtime changed since, or analysed by another extractor version. Missing and unreadable
   * files are left out; a failed analysis is retried only when the file or the extractor changes.
   */
  pending(space: string, extractorVersion: number): AnalysisJob[] {
    return this.db
      .prepare(
        `SELECT t.id AS trackId, t.path, t.size, t.mtime_ms AS mtimeMs, t.duration
         FROM tracks t
         LEFT JOIN embeddings e ON e.track_id = t.id AND e.space = ?
         WHERE t.missing_since IS NULL AND t.error IS NULL AND t.scanned_at IS NOT NULL
           AND (e.track_id IS NULL OR e.source_size IS NOT t.size OR e.source_mtime_ms IS NOT t.mtime_ms
                OR e.extractor_version IS NOT ?)
         ORDER BY t.id`,
      )
      .all(space, extractorVersion) as AnalysisJob[]
  }

  /** Removes the vectors of `space` that are not `dim` long (left by an older extractor version). */
  dropOtherLengths(space: string, dim: number): number {
    return this.db
      .prepare('DELETE FROM embeddings WHERE space = ? AND vector IS NOT NULL AND dim IS NOT ?')
      .run(space, dim).changes
  }

  /** Stores results in one transaction (a batch from the pool). */
  saveMany(
    space: string,
    extractorVersion: number | null,
    results: (
      { job: AnalysisJob; vector: Float32Array } | { job: AnalysisJob; error: string; dim: number }
    )[],
  ): void {
    const upsert = this.db.prepare(
      `INSERT INTO embeddings (track_id, space, dim, vector, error, source_size, source_mtime_ms, extractor_version, computed_at)
       VALUES (@trackId, @space, @dim, @vector, @error, @size, @mtimeMs, @version, @now)
       ON CONFLICT(track_id, space) DO UPDATE SET dim = excluded.dim, vector = excluded.vector,
         error = excluded.error, source_size = excluded.source_size, source_mtime_ms = excluded.source_mtime_ms,
         extractor_version = excluded.extractor_version, computed_at = excluded.computed_at`,
    )
    const now = Date.now()
    this.db.transaction(() => {
      for (const r of results) {
        const isVector = 'vector' in r
        upsert.run({
          trackId: r.job.trackId,
          space,
          dim: isVector ? r.vector.length : r.dim,
          vector: isVector ? toBlob(r.vector) : null,
          error: isVector ? null : r.error,
          size: r.job.size,
          mtimeMs: r.job.mtimeMs,
          version: extractorVersion,
          now,
        })
      }
    })()
  }

  get(trackId: number, space: string): Float32Array | null {
    const row = this.db
      .prepare(
        `SELECT vector FROM embeddings WHERE track_id = ? AND space = ? AND vector IS NOT NULL`,
      )
      .get(trackId, space) as { vector: Buffer } | undefined
    return row ? fromBlob(row.vector) : null
  }

  /** Every vector of a space for tracks that are present, as one row-major matrix. */
  matrix(space: string): { trackIds: Int32Array; dim: number; data: Float32Array } {
    const rows = this.db
      .prepare(
        `SELECT e.track_id AS trackId, e.dim, e.vector FROM embeddings e JOIN tracks t ON t.id = e.track_id
         WHERE e.space = ? AND e.vector IS NOT NULL AND t.missing_since IS NULL ORDER BY e.track_id`,
      )
      .all(space) as { trackId: number; dim: number; vector: Buffer }[]
    const dim = rows[0]?.dim ?? 0
    const data = new Float32Array(rows.length * dim)
    const trackIds = new Int32Array(rows.length)
    rows.forEach((r, i) => {
      if (r.dim !== dim)
        throw new Error(`Space ${space} mixes ${dim}- and ${r.dim}-dimensional vectors.`)
      trackIds[i] = r.trackId
      data.set(fromBlob(r.vector), i * dim)
    })
    return { trackIds, dim, data }
  }

  errors(space: string): { trackId: number; path: string; error: string }[] {
    return this.db
      .prepare(
        `SELECT e.track_id AS trackId, t.path, e.error FROM embeddings e JOIN tracks t ON t.id = e.track_id
         WHERE e.space = ? AND e.error IS NOT NULL ORDER BY t.path`,
      )
      .all(space) as { trackId: number; path: string; error: string }[]
  }

  /**
   * Whether any song has a vector in `space`: what the auto-queue asks before each pick. One probe
   * of the partial index of analysed songs (migration 9), never a count: `spaces()` reads every
   * row, vectors inline (58 ms at 100,000 songs, on every pick).
   */
  hasVectors(space: string): boolean {
    const row = this.db.prepare(HAS_VECTORS_SQL).get(space) as { found: number }
    return row.found === 1
  }

  /** How many songs have a vector in `space`, counted in the partial index alone (no vectors read). */
  vectorCount(space: string): number {
    const row = this.db.prepare(VECTOR_COUNT_SQL).get(space) as { vectors: number }
    return row.vectors
  }

  /** Every space with its dimension and counts: reads every row (Settings and evaluations only). */
  spaces(): { space: string; dim: number; vectors: number; errors: number }[] {
    return this.db
      .prepare(
        `SELECT space, MAX(dim) AS dim, COUNT(vector) AS vectors, COUNT(error) AS errors
         FROM embeddings GROUP BY space ORDER BY space`,
      )
      .all() as { space: string; dim: number; vectors: number; errors: number }[]
  }
}

/** Whether a space has a vector: one probe of the partial index (error IS NULL ⇔ a vector). */
export const HAS_VECTORS_SQL = `SELECT EXISTS (SELECT 1 FROM embeddings WHERE space = ? AND error IS NULL) AS found`
/** A space's analysed songs, counted in the partial index alone. */
export const VECTOR_COUNT_SQL = `SELECT COUNT(*) AS vectors FROM embeddings WHERE space = ? AND error IS NULL`

/** Staged rows written per transaction. */
const STAGING_BATCH = 512

/**
 * Imported vectors waiting for the final copy, in a TEMP table (so memory stays flat however large
 * the file), keyed by track: a later row for the same track replaces it.
 */
export class EmbeddingStaging {
  private static counter = 0
  private readonly name = `attune_import_${process.pid}_${EmbeddingStaging.counter++}`
  private readonly insert: Statement
  private pending: { trackId: number; vector: Buffer }[] = []

  constructor(private readonly db: Database) {
    db.exec(`CREATE TEMP TABLE ${this.name} (track_id INTEGER PRIMARY KEY, vector BLOB NOT NULL)`)
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO temp.${this.name} (track_id, vector) VALUES (?, ?)`,
    )
  }

  add(trackId: number, vector: Float32Array): void {
    this.pending.push({ trackId, vector: toBlob(vector) })
    if (this.pending.length >= STAGING_BATCH) this.flush()
  }

  flush(): void {
    const batch = this.pending
    this.pending = []
    if (batch.length === 0) return
    this.db.transaction(() => {
      for (const row of batch) this.insert.run(row.trackId, row.vector)
    })()
  }

  /** Replaces the space with the staged rows, in one transaction; returns how many were written. */
  commit(space: string, dim: number): number {
    const now = Date.now()
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM embeddings WHERE space = ?').run(space)
      return this.db
        .prepare(
          `INSERT INTO embeddings (track_id, space, dim, vector, error, source_size, source_mtime_ms, extractor_version, computed_at)
           SELECT s.track_id, ?, ?, s.vector, NULL, t.size, t.mtime_ms, NULL, ?
           FROM temp.${this.name} s JOIN tracks t ON t.id = s.track_id
           WHERE length(s.vector) = 4 * ?`,
        )
        .run(space, dim, now, dim).changes
    })()
  }

  drop(): void {
    this.pending = []
    this.db.exec(`DROP TABLE IF EXISTS temp.${this.name}`)
  }
}

export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
}

/** Copies out of the SQLite buffer (which may not be 4-byte aligned). */
export function fromBlob(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength)
  copy.set(blob)
  return new Float32Array(copy.buffer)
}
