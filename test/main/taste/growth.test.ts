// Issue 5: the PCA is re-fitted only when the library grows by ≥ 10 %; below that, new songs
// extend the model; a missing file only stops a song being a candidate. Real SQLite files, with
// synthetic vectors stored through the embedding store and events through the event log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { EventLog } from '../../../src/main/db/events'
import { SettingsStore } from '../../../src/main/db/settings'
import { ModelStateStore } from '../../../src/main/db/model-state'
import { TasteCore, type TasteSnapshot } from '../../../src/main/taste/core'
import { TasteService } from '../../../src/main/taste/service'
import { LinUcb } from '../../../src/main/taste/linucb'
import { Preprocessor } from '../../../src/main/taste/preprocess'
import type { TasteLearnerJson } from '../../../src/main/taste/model'
import { tempDir } from '../../helpers/temp'
import { correlatedData } from './random'
import { tagDimensionsFor, tagMatrix, type SongTags } from '../../../src/main/taste/tags'
import { DEFAULT_SETTINGS } from '../../../src/shared/settings'

const SPACE = 'import:growth'
const DIM = 12
const FITTED = 200
const TOLERANCE = 1e-9

let temp: ReturnType<typeof tempDir>
let db: Database
let dbPath: string
let service: TasteService | null = null

/** The same 400 synthetic songs in every test (ids 1…400), of which the tests store a prefix. */
const ALL_VECTORS = Float32Array.from(correlatedData(400, DIM, 11))

function vectorOf(trackId: number, shift = 0): Float32Array {
  const start = (trackId - 1) * DIM
  return ALL_VECTORS.slice(start, start + DIM).map((value) => value + shift)
}

/** The tags of song i: one of 9 albums, one of 4 artists, every fifth song none (tags.ts). */
function tagsOf(i: number): SongTags {
  return i % 5 === 0
    ? { artist: null, albumArtist: null, album: null, genre: null, year: null }
    : {
        artist: `artist ${i % 4}`,
        albumArtist: null,
        album: `album ${i % 9}`,
        genre: null,
        year: 1990 + (i % 20),
      }
}

/**
 * 400 tracks (so events can name songs not analysed yet), the first `analysed` with vectors. The
 * songs have tags, so the tag context (on by default) is followed through every change too.
 */
function seedLibrary(analysed: number, forgettingWindow: number | null = null): void {
  const insert = db.prepare(
    `INSERT INTO tracks (path, duration, added_at, artist, album, year) VALUES (?, 200, 1, ?, ?, ?)`,
  )
  db.transaction(() => {
    for (let i = 1; i <= 400; i++) {
      const tags = tagsOf(i)
      insert.run(`/music/${i}.ogg`, tags.artist, tags.album, tags.year)
    }
  })()
  storeVectors(1, analysed)
  // The album's sound (on by default) has its own growth rules and tests below; the others test
  // the PCA's growth on the vectors as they are.
  new SettingsStore(db).update('model', {
    space: SPACE,
    pcaDims: 6,
    forgettingWindow,
    albumSound: 0,
  })
}

/** Stores the vectors of tracks first…last (as an analysis or import batch would). */
function storeVectors(first: number, last: number, shift = 0): void {
  const results = []
  for (let trackId = first; trackId <= last; trackId++) {
    results.push({
      job: { trackId, path: `/music/${trackId}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector: vectorOf(trackId, shift),
    })
  }
  new EmbeddingStore(db).saveMany(SPACE, null, results)
}

/**
 * As storeVectors, with a shift each album's songs share (albums that hold one sound each, as the
 * album's sound expects; songs without an album get none).
 */
function storeAlbumVectors(first: number, last: number): void {
  const results = []
  for (let trackId = first; trackId <= last; trackId++) {
    const album = tagsOf(trackId).album === null ? null : trackId % 9
    results.push({
      job: { trackId, path: `/music/${trackId}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector: vectorOf(trackId).map((value, a) =>
        album === null ? value : value + 2 * Math.sin(album * 7 + a),
      ),
    })
  }
  new EmbeddingStore(db).saveMany(SPACE, null, results)
}

/** Marks and plays on analysed songs, plus (`earlyLike`) a like of song 205, not analysed yet. */
function logHistory(earlyLike = true): void {
  const events = new EventLog(db)
  events.mark(3, 'love')
  events.mark(17, 'like')
  events.mark(40, 'not_for_me')
  events.mark(17, 'near_miss') // replaces the like: one label row per song
  for (const [trackId, position, reason] of [
    [60, 200, 'ended'],
    [61, 20, 'next'],
    [62, 120, 'next'],
    [60, 200, 'ended'],
  ] as const) {
    const playId = events.playStart(trackId, { ts: 1000 })
    events.playEnd(trackId, playId, { position, duration: 200, reason, ts: 2000 })
  }
  if (earlyLike) events.mark(205, 'like')
}

/**
 * 12 more marks (songs 100…111), alternately liked and not for me, then one unmarked: with a
 * window of 10, rows were forgotten before that removal, so the window holds only 9.
 */
function markMany(): void {
  const events = new EventLog(db)
  for (let id = 100; id < 112; id++) events.mark(id, id % 2 === 0 ? 'like' : 'not_for_me')
  events.mark(110, 'none')
}

function savedLearner(snapshot: TasteSnapshot): TasteLearnerJson {
  return (JSON.parse(snapshot.state) as { learner: TasteLearnerJson }).learner
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let largest = 0
  for (let i = 0; i < a.length; i++)
    largest = Math.max(largest, Math.abs((a[i] as number) - (b[i] as number)))
  return largest
}

/** Every song's mean, bonus and UCB as the core reports them (explain), in track order. */
function scores(core: TasteCore, trackIds: number[]): number[] {
  return trackIds.flatMap((id) => {
    const explanation = core.explain(id)
    if (!explanation) throw new Error(`no score for song ${id}`)
    return [explanation.mean, explanation.bonus, explanation.ucb]
  })
}

/** The same songs, in the same order, with the same scores (a restored model). */
function expectSamePicks(restored: readonly Scored[], picks: readonly Scored[]): void {
  expect(restored.map((r) => r.trackId)).toEqual(picks.map((r) => r.trackId))
  expect(
    maxDifference(
      restored.flatMap((r) => [r.mean, r.bonus, r.ucb]),
      picks.flatMap((r) => [r.mean, r.bonus, r.ucb]),
    ),
  ).toBeLessThan(TOLERANCE)
}

type Scored = { trackId: number; mean: number; bonus: number; ucb: number }

const range = (first: number, last: number): number[] =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i)

beforeEach(() => {
  temp = tempDir()
  dbPath = join(temp.dir, 'attune.db')
  db = openDatabase(dbPath)
})

afterEach(async () => {
  await service?.close()
  service = null
  db.close()
  temp.cleanup()
})

describe('the taste model follows a growing library', () => {
  it('extends the model without a re-fit when the library grows by 5 %', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    expect(core.rebuild()).toMatchObject({ source: 'replay', tracks: 200, fittedOn: 200, rows: 7 })
    const before = savedLearner(core.snapshot())

    storeVectors(201, 210) // 5 %, including song 205 that the listener liked before its analysis
    const status = core.update()
    expect(status).toMatchObject({
      source: 'replay',
      libraryChange: 'extended',
      tracks: 210,
      fittedOn: 200,
      rows: 8,
    })
    const after = savedLearner(core.snapshot())
    // The PCA is untouched (bit for bit); the running sums hold the new songs for the next fit.
    expect(after.model.preprocessor.fitted).toEqual(before.model.preprocessor.fitted)
    expect(after.model.preprocessor.count).toBe(210)
    expect(after.model.fittedCount).toBe(200)
    expect(after.model.trackIds).toEqual(range(1, 210))
    // The listener's rows are all there, the early like of song 205 now applied too.
    expect(after.rows).toEqual(before.rows)
    const earlyLike = before.rows.find((row) => row.trackId === 205)?.eventId
    expect(before.model.appliedRows).not.toContain(earlyLike)
    expect(after.model.appliedRows).toEqual([...before.model.appliedRows, earlyLike])

    // Every song, old and new, scores as a from-scratch computation with the same preprocessor.
    const preprocessor = Preprocessor.fromJSON(after.model.preprocessor)
    const linucb = LinUcb.fromJSON(after.model.linucb)
    const expected = range(1, 210).flatMap((id) => {
      // The unit audio vector, then the song's tag dimensions times the tag weight.
      const audio = preprocessor.transform(vectorOf(id))
      // The tags take half of the 6 model dimensions: 3 for the sound, 3 for the tags.
      const tagDims = tagDimensionsFor(6)
      expect(audio.length).toBe(6 - tagDims)
      const x = new Float32Array(audio.length + tagDims)
      x.set(audio)
      const tags = tagMatrix([tagsOf(id)], tagDims)
      tags.forEach((value, j) => (x[audio.length + j] = value * DEFAULT_SETTINGS.model.tagWeight))
      expect(linucb.dimension).toBe(x.length)
      const { mean, bonus, ucb } = linucb.predict(x)
      return [mean, bonus, ucb]
    })
    expect(maxDifference(scores(core, range(1, 210)), expected)).toBeLessThan(TOLERANCE)
    expect(core.recommend({ n: 210 }).map((r) => r.trackId)).toEqual(
      expect.arrayContaining(range(201, 210).filter((id) => id !== 205)),
    )
  })

  for (const forgettingWindow of [null, 10]) {
    it(`re-fits and replays its rows when the library grows by 10 % (window ${forgettingWindow ?? 'off'}), as a rebuild from scratch would`, () => {
      seedLibrary(FITTED, forgettingWindow)
      // With a window, an early row of a new song would enter it out of log order: that case
      // replays the log (next test), so here only the model's own rows are replayed.
      logHistory(forgettingWindow === null)
      markMany() // more rows than the window holds, so it has forgotten some
      const core = new TasteCore(db)
      core.rebuild()
      const before = savedLearner(core.snapshot())

      storeVectors(201, 220) // exactly 10 %
      const status = core.update()
      expect(status).toMatchObject({ libraryChange: 'refitted', tracks: 220, fittedOn: 220 })
      const grown = savedLearner(core.snapshot())
      expect(
        maxDifference(
          grown.model.preprocessor.fitted?.components ?? [],
          before.model.preprocessor.fitted?.components ?? [],
        ),
      ).toBeGreaterThan(1e-6)

      const scratch = new TasteCore(db)
      expect(scratch.rebuild({ force: true })).toMatchObject({
        source: 'replay',
        tracks: 220,
        rows: status.rows,
      })
      const fresh = savedLearner(scratch.snapshot())
      const fitted = grown.model.preprocessor.fitted
      const freshFit = fresh.model.preprocessor.fitted
      expect(fitted?.k).toBe(freshFit?.k)
      expect(maxDifference(fitted?.components ?? [], freshFit?.components ?? [])).toBeLessThan(
        TOLERANCE,
      )
      expect(maxDifference(grown.model.linucb.inverse, fresh.model.linucb.inverse)).toBeLessThan(
        TOLERANCE,
      )
      expect(maxDifference(grown.model.linucb.b, fresh.model.linucb.b)).toBeLessThan(TOLERANCE)
      expect(grown.model.linucb.rowCount).toBe(fresh.model.linucb.rowCount)
      expect(grown.model.linucb.window.map((row) => row.tag)).toEqual(
        fresh.model.linucb.window.map((row) => row.tag),
      )
      expect(grown.rows).toEqual(fresh.rows)
      expect(grown.model.appliedRows).toEqual(fresh.model.appliedRows)
      expect(
        maxDifference(scores(core, range(1, 220)), scores(scratch, range(1, 220))),
      ).toBeLessThan(TOLERANCE)
    })
  }

  it('replays the log when a forgetting window is on and a new song already has events', () => {
    seedLibrary(FITTED, 10)
    logHistory()
    markMany()
    new EventLog(db).mark(205, 'none') // no row in force, but its like came and went in the window
    const core = new TasteCore(db)
    core.rebuild()
    storeVectors(201, 210)
    expect(core.update()).toMatchObject({ source: 'replay', libraryChange: null, tracks: 210 })
    storeVectors(211, 212) // no events: extended
    expect(core.update()).toMatchObject({ source: 'replay', libraryChange: 'extended' })
  })

  it('never recommends a song whose file went missing, and does not re-fit for it', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    core.rebuild()
    const before = savedLearner(core.snapshot())
    const favourites = core.recommend({ n: 6, exclude: [3] }).map((r) => r.trackId)
    const gone = favourites.slice(0, 3)

    const setMissing = db.prepare(`UPDATE tracks SET missing_since = ? WHERE id = ?`)
    for (const id of [...gone, 3]) setMissing.run(5000, id) // 3 is loved: its row must stay
    const status = core.update()
    expect(status).toMatchObject({
      libraryChange: 'unchanged',
      tracks: 200,
      fittedOn: 200,
      rows: 7,
    })
    const after = savedLearner(core.snapshot())
    expect(after.model.preprocessor).toEqual(before.model.preprocessor)
    expect(after.model.linucb.inverse).toEqual(before.model.linucb.inverse)
    const picks = core.recommend({ n: 200 }).map((r) => r.trackId)
    expect(picks).toHaveLength(200 - 4 - 1) // 4 missing, 1 not for me (song 40)
    for (const id of [...gone, 3]) expect(picks).not.toContain(id)

    // Back again (the drive is plugged in): a candidate again, still without a re-fit.
    for (const id of gone) setMissing.run(null, id)
    expect(core.update()).toMatchObject({ libraryChange: 'unchanged', fittedOn: 200 })
    expect(core.recommend({ n: 6 }).map((r) => r.trackId)).toEqual(favourites)
  })

  it('re-fits and replays the whole log when a vector changed (a re-analysis)', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    core.rebuild()
    db.prepare(`UPDATE embeddings SET computed_at = computed_at + 1 WHERE track_id = 8`).run()
    expect(core.rebuild()).toMatchObject({ source: 'replay', libraryChange: 'unchanged' })
    storeVectors(8, 8, 0.5)
    expect(core.rebuild()).toMatchObject({ source: 'replay', libraryChange: null, rows: 7 })
    expect(savedLearner(core.snapshot()).model.preprocessor.count).toBe(200)
  })

  it('notices a changed vector at the next update(), without waiting, and replays the log', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    core.rebuild()
    expect(core.update()).toMatchObject({ source: 'replay', libraryChange: null, appliedEvents: 0 })
    // A re-analysis right after the last look: nothing waits between the two calls.
    storeVectors(8, 8, 0.5)
    const status = core.update()
    expect(status).toMatchObject({ source: 'replay', libraryChange: null, tracks: 200, rows: 7 })
    // Replayed on the new vector: the model holds it, not the one it was first built on.
    const rebuilt = new TasteCore(db)
    rebuilt.rebuild({ force: true })
    expect(maxDifference(scores(core, range(1, 200)), scores(rebuilt, range(1, 200)))).toBeLessThan(
      TOLERANCE,
    )
  })

  it('follows a re-tag at the next update() with a replay on the new tags, as a rebuild from scratch would', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    core.rebuild()
    const before = scores(core, range(1, 200))
    // Song 12 moves to the album of song 3 (loved): a scan updates the row; no re-analysis yet.
    db.prepare(`UPDATE tracks SET album = 'album 3', artist = 'artist 3' WHERE id = 12`).run()
    expect(core.update()).toMatchObject({ libraryChange: null, tracks: 200, rows: 7 })
    const after = scores(core, range(1, 200))
    expect(maxDifference(before, after)).toBeGreaterThan(1e-3)
    const rebuilt = new TasteCore(db)
    rebuilt.rebuild({ force: true })
    expect(maxDifference(after, scores(rebuilt, range(1, 200)))).toBeLessThan(TOLERANCE)
    // A genre (which the library's counter does not follow) shows with the re-analysis that a
    // changed file brings, even when the sound's vector comes out the same.
    db.prepare(`UPDATE tracks SET genre = 'Chiptune' WHERE id = 12`).run()
    storeVectors(12, 12)
    expect(core.update()).toMatchObject({ libraryChange: null, tracks: 200 })
    const again = new TasteCore(db)
    again.rebuild({ force: true })
    expect(maxDifference(scores(core, range(1, 200)), scores(again, range(1, 200)))).toBeLessThan(
      TOLERANCE,
    )
    expect(maxDifference(scores(core, range(1, 200)), after)).toBeGreaterThan(1e-6)
  })

  it('is audio only with tags off: k dimensions, and the scores do not depend on the tags', () => {
    seedLibrary(FITTED)
    logHistory()
    new SettingsStore(db).update('model', { useTags: false })
    const core = new TasteCore(db)
    const { k } = core.rebuild()
    expect(LinUcb.fromJSON(savedLearner(core.snapshot()).model.linucb).dimension).toBe(k)
    const before = scores(core, range(1, 200))
    db.prepare(`UPDATE tracks SET album = 'album 3' WHERE id = 12`).run()
    core.update()
    expect(maxDifference(before, scores(core, range(1, 200)))).toBeLessThan(TOLERANCE)
  })

  it("with the album's sound, extends with the statistics of the last fit; a re-fit or a re-tag rebuilds", () => {
    seedLibrary(0)
    storeAlbumVectors(1, FITTED)
    logHistory()
    new SettingsStore(db).update('model', { albumSound: 0, useTags: false })
    const plain = new TasteCore(db)
    plain.rebuild()
    const withoutAlbums = scores(plain, range(1, 200))
    new SettingsStore(db).update('model', { albumSound: 0.75 })
    const core = new TasteCore(db)
    core.rebuild()
    // The album's sound changes the scores.
    expect(maxDifference(scores(core, range(1, 200)), withoutAlbums)).toBeGreaterThan(1e-3)
    const fitted = scores(core, range(1, 200))
    // New songs join albums that already have songs: they are standardised and mixed with the
    // statistics of the fit, no other song's vector (so score) changes, and the model extends.
    storeAlbumVectors(201, 204)
    expect(core.update()).toMatchObject({ libraryChange: 'extended', tracks: 204, fittedOn: 200 })
    expect(maxDifference(scores(core, range(1, 200)), fitted)).toBe(0)
    // A model restored from the snapshot mixes every song afresh from the library with the
    // statistics fitted on the first 200 songs: the same vectors (its checksum), the same scores.
    new ModelStateStore(db).save(core.snapshot())
    const restored = new TasteCore(db)
    expect(restored.rebuild()).toMatchObject({ source: 'snapshot', libraryChange: null })
    expect(maxDifference(scores(core, range(1, 204)), scores(restored, range(1, 204)))).toBe(0)
    // Growth to 10 % re-fits: the statistics are fitted again on every song (a rebuild).
    storeAlbumVectors(205, 220)
    expect(core.update()).toMatchObject({ source: 'replay', tracks: 220, fittedOn: 220 })
    const rebuilt = new TasteCore(db)
    rebuilt.rebuild({ force: true })
    expect(maxDifference(scores(core, range(1, 220)), scores(rebuilt, range(1, 220)))).toBeLessThan(
      TOLERANCE,
    )
    // With tags off a re-tag still shows: song 12 moves from album 3 to album 5.
    const before = scores(core, range(1, 220))
    db.prepare(`UPDATE tracks SET album = 'album 5' WHERE id = 12`).run()
    expect(core.update()).toMatchObject({ source: 'replay' })
    expect(maxDifference(before, scores(core, range(1, 220)))).toBeGreaterThan(1e-6)
    const again = new TasteCore(db)
    again.rebuild({ force: true })
    expect(maxDifference(scores(core, range(1, 220)), scores(again, range(1, 220)))).toBeLessThan(
      TOLERANCE,
    )
  })

  it('extends the model with new songs dated no later than its last look (a clock set back)', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    core.rebuild()
    storeVectors(201, 204)
    db.prepare(`UPDATE embeddings SET computed_at = 1 WHERE track_id > ?`).run(FITTED)
    expect(core.update()).toMatchObject({ libraryChange: 'extended', tracks: 204, fittedOn: 200 })
    expect(savedLearner(core.snapshot()).model.trackIds).toEqual(range(1, 204))
  })

  it('replays the log when a song loses its vector (a re-analysis that failed)', () => {
    seedLibrary(FITTED)
    logHistory()
    const core = new TasteCore(db)
    core.rebuild()
    db.prepare(
      `UPDATE embeddings SET vector = NULL, error = 'could not decode', computed_at = ?
       WHERE track_id = 8`,
    ).run(Date.now())
    expect(core.update()).toMatchObject({
      source: 'replay',
      libraryChange: null,
      tracks: 199,
      fittedOn: 199,
      rows: 7,
    })
  })

  it("restarts from the snapshot with the album's sound and recommends exactly the same songs", async () => {
    seedLibrary(FITTED)
    logHistory()
    new SettingsStore(db).update('model', { albumSound: 0.75 })
    service = await TasteService.start({ db, dbPath })
    const picks = await service.recommend({ n: 20 })
    await service.close({ save: true })
    service = await TasteService.start({ db, dbPath })
    expect(service.status).toMatchObject({ source: 'snapshot', libraryChange: null, tracks: 200 })
    expectSamePicks(await service.recommend({ n: 20 }), picks)
    await service.close({ save: true })
  })

  it('restarts from the snapshot of an extended model and recommends exactly the same songs', async () => {
    seedLibrary(FITTED)
    logHistory()
    service = await TasteService.start({ db, dbPath })
    storeVectors(201, 210)
    expect(await service.update()).toMatchObject({ libraryChange: 'extended', tracks: 210 })
    const picks = await service.recommend({ n: 20 })
    await service.close({ save: true })

    service = await TasteService.start({ db, dbPath })
    expect(service.status).toMatchObject({
      source: 'snapshot',
      libraryChange: null,
      tracks: 210,
      fittedOn: 200,
      rows: 8,
      appliedEvents: 0,
    })
    expectSamePicks(await service.recommend({ n: 20 }), picks)
    await service.close({ save: true })

    // Songs analysed while the app was closed extend the restored model; a changed vector replays.
    storeVectors(211, 212)
    service = await TasteService.start({ db, dbPath })
    expect(service.status).toMatchObject({
      source: 'snapshot',
      libraryChange: 'extended',
      tracks: 212,
      fittedOn: 200,
    })
    // The extension is saved at once, not only at a clean close: a crash now loses nothing.
    const saved = db.prepare(`SELECT state FROM model_state`).pluck().all() as string[]
    const songCounts = saved.map((state) => {
      const ids = /"trackIds":\[([^\]]*)\]/.exec(state)?.[1]
      return ids ? ids.split(',').length : 0
    })
    expect(songCounts).toContain(212)
    await service.close({ save: true })
    storeVectors(100, 100, 0.25)
    service = await TasteService.start({ db, dbPath })
    expect(service.status).toMatchObject({ source: 'replay', tracks: 212, fittedOn: 212 })
  })
})
