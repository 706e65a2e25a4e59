import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CURRENT_LABELS_SQL,
  EventLog,
  InvalidEventError,
  type NewEvent,
} from '../../../src/main/events'
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
