import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/main/db/database'
import { EventLog } from '../../../src/main/db/events'
import { QueueStore } from '../../../src/main/db/queue'
import type { AutoPickReason } from '../../../src/shared/reasons'
import {
  FIXTURES,
  insertRoot,
  insertTrack,
  tempLibrary,
  type TempLibrary,
} from '../media/library-rows'

let library: TempLibrary
let store: QueueStore
let trackA = 0
let trackB = 0

beforeEach(() => {
  library = tempLibrary()
  const rootId = insertRoot(library.db, join(FIXTURES, 'music'))
  trackA = insertTrack(library.db, { path: join(FIXTURES, 'music/wesnoth/a.ogg'), rootId })
  trackB = insertTrack(library.db, { path: join(FIXTURES, 'music/nexuiz/b.mp3'), rootId })
  store = new QueueStore(library.db)
})
afterEach(() => library.cleanUp())

const player = { current: 1, position: 12.5, shuffle: true, repeat: 'all', volume: 0.4 } as const

describe('queue store', () => {
  it('saves a queue and the picks it holds together, or neither', () => {
    const events = new EventLog(library.db)
    const before = events.list({ kinds: ['auto_pick'] }).length
    expect(() =>
      store.together(() => {
        const pick = events.autoPick(trackA, { candidates: [] })
        store.save({ entries: [{ trackId: trackA, source: 'auto', pickId: pick.id }], ...player })
        throw new Error('the disk is full')
      }),
    ).toThrow('the disk is full')
    expect(events.list({ kinds: ['auto_pick'] })).toHaveLength(before)
    expect(store.load().entries).toEqual([])
    const pickId = store.together(() => {
      const pick = events.autoPick(trackB, { candidates: [] })
      store.save({ entries: [{ trackId: trackB, source: 'auto', pickId: pick.id }], ...player })
      return pick.id
    })
    expect(store.load().entries.map((e) => [e.trackId, e.pickId])).toEqual([[trackB, pickId]])
  })

  it('starts empty, with the player at its defaults', () => {
    expect(store.load()).toEqual({
      entries: [],
      current: null,
      position: 0,
      shuffle: false,
      repeat: 'off',
      volume: 1,
    })
  })

  it('gives back the saved queue and player after a restart (another connection)', () => {
    const reason = {
      mean: 0.5,
      bonus: 0.3,
      ucb: 0.8,
      probability: 0.6,
      reasons: ['Brighter than most of your songs.'],
    }
    store.save({
      entries: [
        { trackId: trackA, source: 'user' },
        { trackId: trackB, source: 'auto', reason, pickId: 7, touched: true },
      ],
      ...player,
    })
    const reopened = openDatabase(library.db.name)
    expect(new QueueStore(reopened).load()).toEqual({
      entries: [
        { trackId: trackA, source: 'user' },
        { trackId: trackB, source: 'auto', reason, pickId: 7, touched: true },
      ],
      ...player,
    })
    reopened.close()
  })

  it('keeps an entry whose saved reason is in a shape it cannot read, without the reason', () => {
    const unreadable = { score: 0.8, words: ['bright'] } as unknown as AutoPickReason
    store.save({
      entries: [{ trackId: trackB, source: 'auto', reason: unreadable, pickId: 7 }],
      ...player,
    })
    expect(store.load().entries).toEqual([{ trackId: trackB, source: 'auto', pickId: 7 }])
  })

  it('replaces the whole queue on save, and forgets a current entry past its end', () => {
    store.save({ entries: [{ trackId: trackA, source: 'user' }], ...player, current: 0 })
    store.save({ entries: [{ trackId: trackB, source: 'user' }], ...player })
    const loaded = store.load()
    expect(loaded.entries).toEqual([{ trackId: trackB, source: 'user' }])
    expect(loaded.current).toBeNull() // entry 1 of a one-entry queue
  })

  it('saves nothing when an entry is refused (a track that is not in the library)', () => {
    store.save({ entries: [{ trackId: trackA, source: 'user' }], ...player, current: 0 })
    expect(() =>
      store.save({ entries: [{ trackId: 999_999, source: 'user' }], ...player, current: null }),
    ).toThrow(/FOREIGN KEY/)
    expect(store.load()).toMatchObject({ entries: [{ trackId: trackA }], current: 0 })
  })

  it('names the song playing and the next ones, from the first entry when none plays', () => {
    expect(store.upcoming(3)).toEqual([])
    const entries = [trackA, trackB, trackA, trackB].map((trackId) => ({
      trackId,
      source: 'user' as const,
    }))
    store.save({ entries, ...player, current: 2 })
    expect(store.upcoming(3)).toEqual([trackA, trackB])
    store.save({ entries, ...player, current: 1 })
    expect(store.upcoming(2)).toEqual([trackB, trackA])
    store.save({ entries, ...player, current: null })
    expect(store.upcoming(3)).toEqual([trackA, trackB, trackA])
    // A current entry past the end is no entry, as `load` reads it.
    store.save({ entries: entries.slice(0, 1), ...player, current: 1 })
    expect(store.upcoming(3)).toEqual([trackA])
  })

  it('reads the songs coming up by the queue key, without a scan', () => {
    const plan = library.db
      .prepare<[], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT track_id FROM queue WHERE position >= 1 ORDER BY position LIMIT 3`,
      )
      .all()
      .map((row) => row.detail)
    expect(plan.join(' ')).toMatch(/SEARCH queue USING INTEGER PRIMARY KEY/)
  })

  it('lists the plays newest first, from the event log', () => {
    const log = new EventLog(library.db)
    const first = log.playStart(trackA, { ts: 1000 })
    log.playEnd(trackA, first, { position: 3, duration: 30, reason: 'next', ts: 4000 })
    log.playStart(trackB, { ts: 5000 })
    expect(store.history(10)).toMatchObject([
      { trackId: trackB, startedAt: 5000, endedAt: null, endReason: null },
      { trackId: trackA, startedAt: 1000, endedAt: 4000, endPosition: 3, endReason: 'next' },
    ])
    expect(store.history(1)).toHaveLength(1)
  })
})
