import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, openSync, writeSync, closeSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { scanLibrary, TrackStore } from '../../../src/main/library'
import { analyseLibrary } from '../../../src/main/analysis/pool'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { EXTRACTOR } from '../../../src/main/analysis/feature-names'
import { FIXTURES, tempDir } from '../../helpers/temp'

let db: Database
let dir: string
let cleanup: () => void

/** A long WAV (mono, 8 kHz, 16-bit) of a slow sine sweep, written in chunks. */
function writeLongWav(path: string, seconds: number): void {
  const rate = 8000
  const samples = rate * seconds
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + samples * 2, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(samples * 2, 40)
  const fd = openSync(path, 'w')
  writeSync(fd, header)
  const chunk = Buffer.alloc(rate * 2 * 60)
  for (let minute = 0; minute < seconds / 60; minute++) {
    for (let i = 0; i < rate * 60; i++) {
      const t = minute * 60 + i / rate
      chunk.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * (220 + minute * 5) * t)), i * 2)
    }
    writeSync(fd, chunk)
  }
  closeSync(fd)
}

beforeAll(async () => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  const library = join(dir, 'library')
  mkdirSync(library)
  cpSync(join(FIXTURES, 'formats'), join(library, 'formats'), { recursive: true })
  cpSync(join(FIXTURES, 'broken'), join(library, 'broken'), { recursive: true })
  writeLongWav(join(library, 'an hour.wav'), 3600)
  db = openDatabase(join(dir, 'library.db'))
  new TrackStore(db).addRoot(library)
  await scanLibrary(db, { roots: [library], coversDir: join(dir, 'covers') })
}, 180_000)

afterAll(() => {
  db.close()
  cleanup()
})

describe('analysis pool', () => {
  it('stops a file that takes too long, records why, and goes on with the others', async () => {
    const summary = await analyseLibrary(db, {
      workers: 2,
      timeoutMs: (job) => (job.path.endsWith('an hour.wav') ? 30 : 120_000),
    })
    const hour = summary.failed.find((f) => f.path.endsWith('an hour.wav'))
    expect(hour?.error).toMatch(/too long/)
    expect(summary.analysed).toBeGreaterThanOrEqual(16)
  }, 300_000)

  it('gives every format a finite vector and stores an error for each file it cannot read', () => {
    const store = new EmbeddingStore(db)
    const tracks = new TrackStore(db).listTracks({ limit: 1000 })
    for (const track of tracks.filter((t) => t.path.includes('/formats/'))) {
      const vector = store.get(track.id, EXTRACTOR.space)
      expect(vector, track.path).not.toBeNull()
      expect(vector!.length).toBe(EXTRACTOR.dims)
      expect(vector!.every(Number.isFinite)).toBe(true)
    }
    const unreadable = tracks.filter((t) => /zero-bytes|text\.mp3|random-bytes/.test(t.path))
    expect(unreadable).toHaveLength(3)
    for (const t of unreadable)
      expect(t.error ?? store.errors(EXTRACTOR.space).find((e) => e.trackId === t.id)).toBeTruthy()
  })

  it('re-analyses only files that changed since', async () => {
    const file = join(dir, 'library', 'formats', 's16.wav')
    const later = new Date(Date.now() + 5000)
    utimesSync(file, later, later)
    await scanLibrary(db, { roots: [join(dir, 'library')], coversDir: join(dir, 'covers') })
    const summary = await analyseLibrary(db, { workers: 1 })
    expect(summary.total).toBe(1)
    expect(summary.analysed).toBe(1)
    expect((await analyseLibrary(db, { workers: 1 })).total).toBe(0)
  }, 300_000)

  it('drops vectors of an older length when it starts, so the space never mixes lengths', async () => {
    const store = new EmbeddingStore(db)
    const track = new TrackStore(db)
      .listTracks({ limit: 1000 })
      .find((t) => t.path.endsWith('s16.wav'))!
    const job = store.pending(EXTRACTOR.space, -1).find((j) => j.trackId === track.id)!
    // As an older version with fewer features would have left it.
    store.saveMany(EXTRACTOR.space, EXTRACTOR.version - 1, [{ job, vector: new Float32Array(90) }])
    const summary = await analyseLibrary(db, { workers: 1 })
    expect(summary.total).toBe(1)
    expect(store.get(track.id, EXTRACTOR.space)?.length).toBe(EXTRACTOR.dims)
    const lengths = db
      .prepare('SELECT DISTINCT dim FROM embeddings WHERE space = ? AND vector IS NOT NULL')
      .pluck()
      .all(EXTRACTOR.space)
    expect(lengths).toEqual([EXTRACTOR.dims])
  }, 300_000)

  it('analyses an hour-long file within its time bound and without ballooning memory', async () => {
    const other = join(dir, 'hour-only')
    mkdirSync(other)
    cpSync(join(dir, 'library', 'an hour.wav'), join(other, 'an hour.wav'))
    const hourDb = openDatabase(join(dir, 'hour.db'))
    try {
      new TrackStore(hourDb).addRoot(other)
      await scanLibrary(hourDb, { roots: [other], coversDir: join(dir, 'covers') })
      const before = process.memoryUsage().rss
      const started = Date.now()
      const summary = await analyseLibrary(hourDb, { workers: 1 })
      expect(summary.failed).toEqual([])
      expect(summary.analysed).toBe(1)
      expect(Date.now() - started).toBeLessThan(60_000)
      expect(process.memoryUsage().rss - before).toBeLessThan(1024 * 1024 * 1024)
    } finally {
      hourDb.close()
    }
  }, 300_000)
})
