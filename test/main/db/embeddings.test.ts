import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/main/db/database'
import {
  EmbeddingStaging,
  EmbeddingStore,
  HAS_VECTORS_SQL,
  VECTOR_COUNT_SQL,
  fromBlob,
  toBlob,
  type AnalysisJob,
} from '../../../src/main/db/embeddings'
import { tempLibrary, type TempLibrary } from '../media/library-rows'

let library: TempLibrary
let db: Database
let store: EmbeddingStore

beforeEach(() => {
  library = tempLibrary()
  db = library.db
  store = new EmbeddingStore(db)
})

afterEach(() => library.cleanUp())

/** A scanned track row; `missing` and `error` make it one analysis must leave out. */
function addTrack(path: string, options: { missing?: boolean; error?: string } = {}): number {
  return Number(
    db
      .prepare(
        `INSERT INTO tracks (path, size, mtime_ms, added_at, scanned_at, missing_since, error)
         VALUES (?, 100, 200, 1, 1, ?, ?)`,
      )
      .run(path, options.missing ? 5 : null, options.error ?? null).lastInsertRowid,
  )
}

const job = (trackId: number): AnalysisJob => ({
  trackId,
  path: `/m/${trackId}.ogg`,
  size: 100,
  mtimeMs: 200,
  duration: null,
})

describe('the embeddings repository', () => {
  it('lists for analysis the present, readable tracks without a current vector', () => {
    const done = addTrack('/m/a.ogg')
    const fresh = addTrack('/m/b.ogg')
    addTrack('/m/gone.ogg', { missing: true })
    addTrack('/m/broken.ogg', { error: 'unreadable' })
    const failed = addTrack('/m/failed.ogg')
    store.saveMany('features', 3, [
      { job: job(done), vector: new Float32Array([1, 2]) },
      { job: job(failed), error: 'could not decode', dim: 2 },
    ])
    expect(store.pending('features', 3).map((j) => j.trackId)).toEqual([fresh])
    // Another extractor version makes every vector stale, failed ones included.
    expect(store.pending('features', 4).map((j) => j.trackId)).toEqual([done, fresh, failed])
    // A changed file is analysed again.
    db.prepare('UPDATE tracks SET size = 101 WHERE id = ?').run(done)
    expect(store.pending('features', 3).map((j) => j.trackId)).toEqual([done, fresh])
  })

  it('stores vectors and errors, replaces them, and reads them back as a matrix of present tracks', () => {
    const a = addTrack('/m/a.ogg')
    const b = addTrack('/m/b.ogg')
    const c = addTrack('/m/c.ogg')
    store.saveMany('features', 1, [
      { job: job(a), vector: new Float32Array([1, 2]) },
      { job: job(b), vector: new Float32Array([3, 4]) },
      { job: job(c), error: 'too short', dim: 2 },
    ])
    store.saveMany('features', 1, [{ job: job(b), vector: new Float32Array([5, 6]) }])
    expect([...store.get(b, 'features')!]).toEqual([5, 6])
    expect(store.get(c, 'features')).toBeNull()
    expect(store.get(a, 'other')).toBeNull()
    db.prepare('UPDATE tracks SET missing_since = 9 WHERE id = ?').run(a)
    const matrix = store.matrix('features')
    expect([...matrix.trackIds]).toEqual([b])
    expect(matrix.dim).toBe(2)
    expect([...matrix.data]).toEqual([5, 6])
    expect(store.errors('features')).toEqual([{ trackId: c, path: '/m/c.ogg', error: 'too short' }])
    expect(store.spaces()).toEqual([{ space: 'features', dim: 2, vectors: 2, errors: 1 }])
  })

  it('says whether a space has vectors and counts them from the index, never reading a vector', () => {
    const a = addTrack('/m/a.ogg')
    const b = addTrack('/m/b.ogg')
    store.saveMany('features', 1, [{ job: job(a), error: 'too short', dim: 2 }])
    // A space with only failed songs has nothing to rank.
    expect(store.hasVectors('features')).toBe(false)
    expect(store.vectorCount('features')).toBe(0)
    expect(store.hasVectors('other')).toBe(false)
    store.saveMany('features', 1, [{ job: job(b), vector: new Float32Array([1, 2]) }])
    expect(store.hasVectors('features')).toBe(true)
    expect(store.vectorCount('features')).toBe(1)
    expect(store.spaces()).toEqual([{ space: 'features', dim: 2, vectors: 1, errors: 1 }])
    // The auto-queue asks before every pick: a probe of the partial index of analysed songs, not
    // a scan of the table (whose rows hold the vectors: 58 ms at 100,000 songs).
    const plan = (sql: string): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('features') as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ')
    for (const sql of [HAS_VECTORS_SQL, VECTOR_COUNT_SQL]) {
      expect(plan(sql)).toMatch(
        /SEARCH embeddings USING COVERING INDEX embeddings_space_computed \(space=\?\)/,
      )
    }
  })

  it('drops the vectors of another length, left by an older extractor', () => {
    const a = addTrack('/m/a.ogg')
    const b = addTrack('/m/b.ogg')
    store.saveMany('features', 1, [{ job: job(a), vector: new Float32Array([1, 2, 3]) }])
    store.saveMany('features', 2, [{ job: job(b), vector: new Float32Array([1, 2]) }])
    expect(store.dropOtherLengths('features', 2)).toBe(1)
    expect(store.get(a, 'features')).toBeNull()
    expect(store.matrix('features').dim).toBe(2)
  })

  it('round-trips a vector through a blob, whatever the alignment of the buffer', () => {
    const vector = new Float32Array([0.5, -1.25, 3])
    const blob = toBlob(vector)
    const unaligned = Buffer.concat([Buffer.from([0]), blob]).subarray(1)
    expect([...fromBlob(unaligned)]).toEqual([0.5, -1.25, 3])
  })
})

describe('staging imported vectors', () => {
  it('replaces the whole space with the staged rows of the right length, the last row of a track winning', () => {
    const a = addTrack('/m/a.ogg')
    const b = addTrack('/m/b.ogg')
    const old = addTrack('/m/old.ogg')
    store.saveMany('import:x', null, [{ job: job(old), vector: new Float32Array([9, 9]) }])
    const staging = new EmbeddingStaging(db)
    staging.add(a, new Float32Array([1, 1]))
    staging.add(a, new Float32Array([2, 2]))
    staging.add(b, new Float32Array([1, 2, 3]))
    staging.flush()
    expect(staging.commit('import:x', 2)).toBe(1)
    staging.drop()
    expect(store.matrix('import:x').trackIds).toEqual(new Int32Array([a]))
    expect([...store.get(a, 'import:x')!]).toEqual([2, 2])
    // The staging table is gone with drop(); a second one can be made.
    const again = new EmbeddingStaging(db)
    again.drop()
    expect(
      db.prepare(`SELECT COUNT(*) FROM temp.sqlite_master WHERE type = 'table'`).pluck().get(),
    ).toBe(0)
  })
})
