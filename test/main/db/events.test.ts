import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CURRENT_LABELS_SQL, EventLog } from '../../../src/main/db/events'
import {
  InvalidEventError,
  validateEventColumns,
  type NewEvent,
} from '../../../src/main/db/event-columns'
import { END_REASONS, type EndReason } from '../../../src/shared/domain'
import {
  FIXTURES,
  insertRoot,
  insertTrack,
  tempLibrary,
  type TempLibrary,
} from '../media/library-rows'

let library: TempLibrary
let log: EventLog
let trackA = 0
let trackB = 0
let trackC = 0

beforeEach(() => {
  library = tempLibrary()
  const rootId = insertRoot(library.db, join(FIXTURES, 'music'))
  trackA = insertTrack(library.db, {
    path: join(FIXTURES, 'music/wesnoth/a.ogg'),
    rootId,
    duration: 30,
  })
  trackB = insertTrack(library.db, {
    path: join(FIXTURES, 'music/nexuiz/b.mp3'),
    rootId,
    duration: 40,
  })
  trackC = insertTrack(library.db, {
    path: join(FIXTURES, 'music/muldjord/c.flac'),
    rootId,
    duration: null,
  })
  log = new EventLog(library.db)
})
afterEach(() => library.cleanUp())

function eventCount(): number {
  return (library.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
}

describe('event log: writing', () => {
  it('logs a play as start, progress and end, tied by one play id', () => {
    const playId = log.playStart(trackA, { source: 'ui', ts: 1000 })
    log.playProgress(trackA, playId, 10, 11_000)
    log.playEnd(trackA, playId, { position: 29.5, duration: 30, reason: 'ended', ts: 30_500 })
    const events = log.list()
    expect(events.map((e) => e.kind)).toEqual(['play_start', 'play_progress', 'play_end'])
    expect(new Set(events.map((e) => e.playId))).toEqual(new Set([playId]))
    expect(events[0]).toMatchObject({
      trackId: trackA,
      ts: 1000,
      position: 0,
      duration: 30,
      source: 'ui',
    })
    expect(events[2]).toMatchObject({ position: 29.5, duration: 30, reason: 'ended', ts: 30_500 })
  })

  it('gives every play a new play id unless one is given', () => {
    const first = log.playStart(trackA)
    const second = log.playStart(trackA)
    expect(first).not.toBe(second)
    expect(log.playStart(trackB, { playId: 'chosen-id' })).toBe('chosen-id')
  })

  it('stores auto-pick data as JSON and reads it back as the same value', () => {
    const data = {
      candidates: [trackA, trackB],
      probability: 0.83,
      scores: { mean: 0.1, bonus: 0.4 },
    }
    const event = log.autoPick(trackB, data)
    expect(event.data).toEqual(data)
    expect(log.list({ kinds: ['auto_pick'] })[0]?.data).toEqual(data)
    expect(log.list({ kinds: ['auto_pick'] })[0]?.source).toBe('auto-queue')
  })

  it.each<[string, NewEvent, RegExp]>([
    ['an unknown kind', { kind: 'skip' as never, trackId: 1 }, /Unknown event kind "skip"/],
    ['an unknown mark', { kind: 'mark', trackId: 1, mark: 'meh' as never }, /Unknown mark "meh"/],
    ['a missing mark', { kind: 'mark', trackId: 1 }, /Unknown mark null/],
    [
      'an unknown reason',
      { kind: 'play_end', trackId: 1, playId: 'p', position: 3, reason: 'bored' as never },
      /Unknown reason .*"bored"/,
    ],
    [
      'a play end without reason',
      { kind: 'play_end', trackId: 1, playId: 'p', position: 3 },
      /Unknown reason/,
    ],
    [
      'a reason on a mark',
      { kind: 'mark', trackId: 1, mark: 'like', reason: 'next' },
      /Only a play_end event has a reason/,
    ],
    [
      'a mark on a play start',
      { kind: 'play_start', trackId: 1, playId: 'p', mark: 'like' },
      /Only mark and label_import/,
    ],
    [
      'a play without play id',
      { kind: 'play_progress', trackId: 1, position: 3 },
      /needs a play id/,
    ],
    [
      'a progress without position',
      { kind: 'play_progress', trackId: 1, playId: 'p' },
      /needs a position/,
    ],
    [
      'a negative position',
      { kind: 'play_progress', trackId: 1, playId: 'p', position: -1 },
      /position must be a number/,
    ],
    [
      'a position that is not a number',
      { kind: 'play_progress', trackId: 1, playId: 'p', position: Number.NaN },
      /position/,
    ],
    [
      'a fractional time',
      { kind: 'mark', trackId: 1, mark: 'like', ts: 1.5 },
      /whole milliseconds/,
    ],
    ['an auto-pick without data', { kind: 'auto_pick', trackId: 1 }, /needs its data/],
    [
      'a track id that is not a whole number',
      { kind: 'mark', trackId: 1.5, mark: 'like' },
      /positive whole number/,
    ],
  ])('refuses %s with a clear error and writes nothing', (_name, event, message) => {
    expect(() => log.append(event)).toThrow(InvalidEventError)
    expect(() => log.append(event)).toThrow(message)
    expect(eventCount()).toBe(0)
  })

  it('refuses an event for a track that does not exist', () => {
    expect(() => log.mark(9999, 'like')).toThrow(/no track 9999/)
    expect(() => log.playStart(9999)).toThrow(/no track 9999/)
    expect(eventCount()).toBe(0)
  })

  it('is append-only: the database refuses UPDATE and DELETE on events', () => {
    log.mark(trackA, 'like')
    expect(() => library.db.prepare("UPDATE events SET mark = 'love'").run()).toThrow(/append-only/)
    expect(() => library.db.prepare('DELETE FROM events').run()).toThrow(/append-only/)
    expect(log.list()).toHaveLength(1)
    expect(log.list()[0]?.mark).toBe('like')
  })
})

describe('event log: reading', () => {
  it('lists events oldest first, filtered by id, track, kind and limit', () => {
    const first = log.mark(trackA, 'like')
    log.mark(trackB, 'love')
    const playId = log.playStart(trackA)
    log.playEnd(trackA, playId, { position: 5, duration: 30, reason: 'next' })
    expect(log.list().map((e) => e.kind)).toEqual(['mark', 'mark', 'play_start', 'play_end'])
    expect(log.list({ sinceId: first.id }).map((e) => e.id)).toEqual(
      log
        .list()
        .slice(1)
        .map((e) => e.id),
    )
    expect(log.list({ trackId: trackB }).map((e) => e.mark)).toEqual(['love'])
    expect(log.list({ kinds: ['play_start', 'play_end'] }).map((e) => e.kind)).toEqual([
      'play_start',
      'play_end',
    ])
    expect(log.list({ kinds: [] })).toEqual([])
    expect(log.list({ limit: 2 })).toHaveLength(2)
    expect(() => log.list({ kinds: ['skip' as never] })).toThrow(/Unknown event kind/)
  })
})

describe('event log: skips are derived from how a play ended', () => {
  it.each<[EndReason, boolean]>([
    ['next', true],
    ['picked', true],
    ['previous', false],
    ['error', false],
    ['quit', false],
    ['ended', false],
  ])('a play ended by %s counts as a skip: %s', (reason, skip) => {
    const playId = log.playStart(trackA)
    log.playEnd(trackA, playId, { position: 6, duration: 30, reason })
    const [outcome] = log.listenOutcomes(trackA)
    expect(outcome).toMatchObject({
      trackId: trackA,
      playId,
      reason,
      position: 6,
      duration: 30,
      skip,
    })
    expect(outcome?.fractionHeard).toBeCloseTo(0.2, 12)
  })

  it('never logs a skip as an event of its own', () => {
    for (const reason of END_REASONS)
      log.playEnd(trackA, log.playStart(trackA), { position: 1, duration: 30, reason })
    const kinds = new Set(log.list().map((e) => e.kind))
    expect(kinds).toEqual(new Set(['play_start', 'play_end']))
    expect(log.listenOutcomes().filter((o) => o.skip)).toHaveLength(2)
  })

  it('takes the duration from the play end, else the play start, else the track, and clamps the fraction', () => {
    const withEndDuration = log.playStart(trackA, { duration: 100 })
    log.playEnd(trackA, withEndDuration, { position: 50, duration: 200, reason: 'next' })
    const withStartDuration = log.playStart(trackA, { duration: 100 })
    log.playEnd(trackA, withStartDuration, { position: 50, duration: null, reason: 'next' })
    const fromTrack = log.playStart(trackB, { duration: null })
    log.playEnd(trackB, fromTrack, { position: 10, duration: null, reason: 'picked' })
    const overrun = log.playStart(trackB)
    log.playEnd(trackB, overrun, { position: 45, duration: null, reason: 'ended' })
    const unknown = log.playStart(trackC)
    log.playEnd(trackC, unknown, { position: 10, duration: null, reason: 'quit' })

    const outcomes = log.listenOutcomes()
    expect(outcomes.map((o) => [o.duration, o.fractionHeard])).toEqual([
      [200, 0.25],
      [100, 0.5],
      [40, 0.25],
      [40, 1],
      [null, null],
    ])
    expect(log.listenOutcomes(trackB).map((o) => o.playId)).toEqual([fromTrack, overrun])
  })
})

describe('event log: current labels', () => {
  it('follow the latest mark, import or unmark of each track', () => {
    log.mark(trackA, 'like', 'ui', 1)
    expect(log.labelOf(trackA)).toEqual({ trackId: trackA, mark: 'like', origin: 'mark', ts: 1 })
    log.mark(trackA, 'love', 'ui', 2)
    expect(log.labelOf(trackA)?.mark).toBe('love')
    log.importLabel(trackA, 'not_for_me', 'liked.m3u', 3)
    expect(log.labelOf(trackA)).toEqual({
      trackId: trackA,
      mark: 'not_for_me',
      origin: 'import',
      ts: 3,
    })
    log.mark(trackA, 'none', 'ui', 4)
    expect(log.labelOf(trackA)).toBeNull()
    expect(log.currentLabels().has(trackA)).toBe(false)
    log.mark(trackA, 'near_miss', 'ui', 5)
    expect(log.currentLabels().get(trackA)).toEqual({
      trackId: trackA,
      mark: 'near_miss',
      origin: 'mark',
      ts: 5,
    })
  })

  it('keep each track apart, and ignore plays', () => {
    log.mark(trackA, 'like')
    log.importLabel(trackB, 'love', 'liked.csv')
    log.playEnd(trackB, log.playStart(trackB), { position: 1, duration: 40, reason: 'next' })
    log.mark(trackC, 'not_for_me')
    log.mark(trackC, 'none')
    const labels = log.currentLabels()
    expect([...labels.keys()].sort()).toEqual([trackA, trackB].sort())
    expect(labels.get(trackA)?.origin).toBe('mark')
    expect(labels.get(trackB)).toMatchObject({ mark: 'love', origin: 'import' })
    expect(log.labelOf(trackC)).toBeNull()
  })

  it('agree between currentLabels and labelOf for every track', () => {
    const marks = ['like', 'love', 'none', 'near_miss', 'not_for_me', 'none', 'like'] as const
    marks.forEach((mark, i) => log.mark([trackA, trackB, trackC][i % 3] ?? trackA, mark))
    const labels = log.currentLabels()
    for (const trackId of [trackA, trackB, trackC])
      expect(log.labelOf(trackId)).toEqual(labels.get(trackId) ?? null)
  })

  it('are counted by mark and by origin for stats', () => {
    log.mark(trackA, 'like')
    log.mark(trackB, 'like')
    log.mark(trackB, 'love')
    log.importLabel(trackC, 'not_for_me', 'seed.csv')
    expect(log.labelCounts()).toEqual({
      byMark: { like: 1, love: 1, near_miss: 0, not_for_me: 1 },
      byOrigin: { mark: 2, import: 1 },
      total: 3,
    })
  })

  it('are found through the events_kind index, without reading the whole log', () => {
    const plan = library.db
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${CURRENT_LABELS_SQL}`)
      .all()
      .map((row) => row.detail)
    expect(
      plan.some((detail) => /SEARCH events USING (COVERING )?INDEX events_kind/.test(detail)),
    ).toBe(true)
    expect(plan.some((detail) => /^SCAN events\b/.test(detail))).toBe(false)
  })
})

describe('event log: writes that land together', () => {
  it('appends a batch in one transaction: a bad event leaves none of the batch', () => {
    expect(() =>
      log.appendAll([
        { kind: 'mark', trackId: trackA, mark: 'like' },
        { kind: 'mark', trackId: trackB, mark: 'meh' as never },
      ]),
    ).toThrow(InvalidEventError)
    expect(eventCount()).toBe(0)
    const logged = log.appendAll([
      { kind: 'mark', trackId: trackA, mark: 'like' },
      { kind: 'label_import', trackId: trackB, mark: 'not_for_me', source: 'seed.csv' },
    ])
    expect(logged.map((e) => e.kind)).toEqual(['mark', 'label_import'])
    expect(log.list().map((e) => e.id)).toEqual(logged.map((e) => e.id))
  })

  it('logs a whole play as a start and an end with one play id, or nothing', () => {
    const end = log.playStartAndEnd(trackA, {
      source: 'cli',
      position: 12,
      duration: 30,
      reason: 'next',
      ts: 5000,
    })
    const events = log.list()
    expect(events.map((e) => e.kind)).toEqual(['play_start', 'play_end'])
    expect(events[0]).toMatchObject({ playId: end.playId, source: 'cli', duration: 30, ts: 5000 })
    expect(end).toMatchObject({ position: 12, reason: 'next', ts: 5000 })
    expect(log.listenOutcomes()[0]).toMatchObject({ trackId: trackA, skip: true })
    // A bad end (a negative position) takes its start with it.
    expect(() =>
      log.playStartAndEnd(trackB, { position: -1, duration: 40, reason: 'ended' }),
    ).toThrow(InvalidEventError)
    expect(eventCount()).toBe(2)
  })
})

describe('event log: what the taste model and backups read', () => {
  it('knows its newest id, 0 while empty', () => {
    expect(log.lastId()).toBe(0)
    const mark = log.mark(trackA, 'love')
    expect(log.lastId()).toBe(mark.id)
  })

  it('pages the log for a replay, oldest first, after a given id', () => {
    const playId = log.playStart(trackA, { ts: 1 })
    log.playEnd(trackA, playId, { position: 30, duration: 30, reason: 'ended', ts: 2 })
    const mark = log.mark(trackB, 'not_for_me', 'ui', 3)
    const first = log.replayPage(0, 2)
    expect(first.map((e) => e.kind)).toEqual(['play_start', 'play_end'])
    expect(first[1]).toEqual({
      id: first[1]?.id,
      ts: 2,
      kind: 'play_end',
      trackId: trackA,
      mark: null,
      reason: 'ended',
      position: 30,
      duration: 30,
    })
    expect(log.replayPage(first[1]?.id ?? 0, 2)).toMatchObject([
      { id: mark.id, kind: 'mark', mark: 'not_for_me' },
    ])
    expect(log.replayPage(mark.id, 2)).toEqual([])
  })

  it('tells whether the model learned anything about some tracks (marks, imports, play ends)', () => {
    log.playStart(trackA)
    log.autoPick(trackB, { probability: 0.5 })
    expect(log.hasRewardEvents([trackA, trackB, trackC])).toBe(false)
    log.importLabel(trackC, 'like', 'seed.csv')
    expect(log.hasRewardEvents(Int32Array.from([trackA, trackC]))).toBe(true)
    expect(log.hasRewardEvents([trackA])).toBe(false)
    // More ids than one statement binds are looked up in chunks.
    const many = Array.from({ length: 1200 }, (_, i) => 100_000 + i)
    expect(log.hasRewardEvents([...many, trackC])).toBe(true)
    expect(log.hasRewardEvents(many)).toBe(false)
  })

  it('keeps a song out while its present file is the one that would not play', () => {
    library.db.prepare('UPDATE tracks SET size = ?, mtime_ms = ? WHERE id = ?').run(1000, 5, trackA)
    log.unplayable(trackA, { reason: 'The decoder gave up.', size: 1000, mtimeMs: 5 })
    log.unplayable(trackB, { reason: 'An older file.', size: 1, mtimeMs: 1 })
    expect(log.unplayableTracks()).toEqual(new Map([[trackA, 'The decoder gave up.']]))
    library.db.prepare('UPDATE tracks SET size = ? WHERE id = ?').run(2000, trackA)
    expect(log.unplayableTracks()).toEqual(new Map())
  })

  it('reads a backup page by page within the snapshot taken when it began', () => {
    log.mark(trackA, 'like', 'ui', 10)
    log.mark(trackB, 'love', 'ui', 20)
    const extent = log.backupExtent()
    log.mark(trackC, 'like', 'ui', 30) // after the snapshot
    expect(extent).toEqual({ lastId: extent.lastId, count: 2 })
    const first = log.backupPage(0, extent.lastId, 1)
    expect(first).toMatchObject([{ ts: 10, kind: 'mark', mark: 'like' }])
    expect(first[0]?.path).toMatch(/a\.ogg$/)
    const rest = log.backupPage(first[0]?.id ?? 0, extent.lastId, 10)
    expect(rest.map((row) => row.ts)).toEqual([20])
  })

  it('imports a backup once: known events are not added again, unknown paths get a placeholder track', () => {
    const columns = validateEventColumns({ kind: 'mark', mark: 'like', ts: 10, source: 'ui' })
    const known = library.db.prepare('SELECT path FROM tracks WHERE id = ?').get(trackA) as {
      path: string
    }
    const backup = [
      { path: known.path, columns },
      { path: known.path, columns }, // the same event twice in the original log
      { path: '/elsewhere/new-song.ogg', columns },
    ]
    expect(log.importBackup(backup)).toEqual({ imported: 3, duplicates: 0, createdTracks: 1 })
    expect(log.importBackup(backup)).toEqual({ imported: 0, duplicates: 3, createdTracks: 0 })
    expect(eventCount()).toBe(3)
    const placeholder = library.db
      .prepare('SELECT scanned_at AS scannedAt FROM tracks WHERE path = ?')
      .get('/elsewhere/new-song.ogg')
    expect(placeholder).toEqual({ scannedAt: null })
  })
})
