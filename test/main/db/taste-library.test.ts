import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  SONGS_COMPUTED_UP_TO_SQL,
  TasteLibrary,
  VECTOR_SUMMARY_SQL,
  VECTORS_COMPUTED_AFTER_SQL,
} from '../../../src/main/db/taste-library'
import {
  FIXTURES,
  insertRoot,
  insertTrack,
  tempLibrary,
  type TempLibrary,
} from '../media/library-rows'

let library: TempLibrary
let reads: TasteLibrary
let trackA = 0
let trackB = 0
let trackC = 0

const blob = (values: number[]): Buffer => Buffer.from(new Float32Array(values).buffer)

function addVector(trackId: number, space: string, values: number[] | null, at: number): void {
  library.db
    .prepare(
      `INSERT OR REPLACE INTO embeddings (track_id, space, dim, vector, error, computed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      trackId,
      space,
      values?.length ?? 2,
      values === null ? null : blob(values),
      values === null ? 'could not decode' : null,
      at,
    )
}

beforeEach(() => {
  library = tempLibrary()
  const rootId = insertRoot(library.db, join(FIXTURES, 'music'))
  trackA = insertTrack(library.db, {
    path: join(FIXTURES, 'music/wesnoth/a.ogg'),
    rootId,
    duration: 30,
    title: 'Battle',
    album: 'Wesnoth',
    artist: 'X',
  })
  trackB = insertTrack(library.db, {
    path: join(FIXTURES, 'music/nexuiz/b.mp3'),
    rootId,
    duration: null,
    missingSince: 5,
  })
  trackC = insertTrack(library.db, { path: join(FIXTURES, 'music/muldjord/c.flac'), rootId })
  reads = new TasteLibrary(library.db)
})
afterEach(() => library.cleanUp())

describe('taste library: the vectors the model reads', () => {
  beforeEach(() => {
    addVector(trackC, 'attune-dsp-v1', [5, 6], 30)
    addVector(trackA, 'attune-dsp-v1', [1, 2], 10)
    addVector(trackB, 'attune-dsp-v1', null, 50) // a failure: no vector
    addVector(trackB, 'import:clap', [3, 4], 40) // another space
  })

  it('reads every vector of a space in track order, failures left out', () => {
    const rows = reads.vectors('attune-dsp-v1')
    expect(rows.map((r) => [r.trackId, r.dim, r.computedAt])).toEqual([
      [trackA, 2, 10],
      [trackC, 2, 30],
    ])
    expect([...new Float32Array(new Uint8Array(rows[1]?.vector ?? []).buffer)]).toEqual([5, 6])
    expect(reads.vectors('none')).toEqual([])
  })

  it('summarises a space: count, id sum, newest time and dimensions', () => {
    expect(reads.vectorSummary('attune-dsp-v1')).toEqual({
      count: 2,
      idSum: trackA + trackC,
      latest: 30,
      smallest: 2,
      largest: 2,
    })
    expect(reads.vectorSummary('none')).toEqual({
      count: 0,
      idSum: 0,
      latest: 0,
      smallest: null,
      largest: null,
    })
  })

  it('splits a space at a time: the newer vectors, the older songs, one vector at a time', () => {
    expect(reads.vectorsComputedAfter('attune-dsp-v1', 10).map((r) => r.trackId)).toEqual([trackC])
    expect(reads.songsComputedUpTo('attune-dsp-v1', 10)).toEqual([trackA])
    expect(reads.vectorOf(trackA, 'attune-dsp-v1')).toEqual(blob([1, 2]))
    expect(reads.vectorOf(trackB, 'attune-dsp-v1')).toBeNull()
  })

  it('reads the summary and the older songs from the index alone, and the newer vectors by a range', () => {
    const plan = (sql: string, ...params: unknown[]): string =>
      (library.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ')
    expect(plan(VECTOR_SUMMARY_SQL, 'attune-dsp-v1')).toMatch(
      /SEARCH embeddings USING COVERING INDEX embeddings_space_computed \(space=\?\)/,
    )
    expect(plan(SONGS_COMPUTED_UP_TO_SQL, 'attune-dsp-v1', 10)).toMatch(
      /SEARCH embeddings USING COVERING INDEX embeddings_space_computed \(space=\? AND computed_at<\?\)/,
    )
    expect(plan(VECTORS_COMPUTED_AFTER_SQL, 'attune-dsp-v1', 10)).toMatch(
      /SEARCH embeddings USING INDEX embeddings_space_computed \(space=\? AND computed_at>\?\)/,
    )
  })

  it('moves the library counters with a new vector, not with a logged mark', () => {
    const before = reads.libraryVersions()
    library.db
      .prepare(`INSERT INTO events (ts, kind, track_id, mark) VALUES (1, 'mark', ?, 'like')`)
      .run(trackA)
    expect(reads.libraryVersions()).toEqual(before)
    addVector(trackC, 'import:clap', [7, 8], 60)
    expect(reads.libraryVersions().embeddings).toBeGreaterThan(before.embeddings)
    expect(reads.libraryVersions().tracks).toBe(before.tracks)
  })

  it('runs reads in one transaction and gives back what they return', () => {
    expect(reads.consistently(() => reads.vectorSummary('import:clap').count)).toBe(1)
  })
})

describe('taste library: songs', () => {
  it('knows the missing songs, by id and as a summary', () => {
    expect(reads.missingTrackIds()).toEqual([trackB])
    expect(reads.missingSummary()).toEqual({ n: 1, ids: trackB })
  })

  it('knows every song’s duration, null when unknown', () => {
    expect(reads.durations()).toEqual(
      new Map([
        [trackA, 30],
        [trackB, null],
        [trackC, null],
      ]),
    )
  })

  it('gives a song’s title and path, null for a song no longer there', () => {
    expect(reads.titleAndPath(trackA)).toEqual({
      title: 'Battle',
      path: join(FIXTURES, 'music/wesnoth/a.ogg'),
    })
    expect(reads.titleAndPath(999_999)).toBeNull()
  })

  it('lists the songs and folders a label list is matched against', () => {
    expect(reads.songsToMatch()).toContainEqual({
      id: trackA,
      path: join(FIXTURES, 'music/wesnoth/a.ogg'),
      album: 'Wesnoth',
      albumArtist: null,
      artist: 'X',
    })
    expect(reads.songsToMatch()).toHaveLength(3)
    expect(reads.folderPaths()).toEqual([join(FIXTURES, 'music')])
  })
})
