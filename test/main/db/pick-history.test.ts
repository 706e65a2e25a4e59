import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventLog } from '../../../src/main/db/events'
import { PickHistory, RECENT_PICK_ARTISTS_SQL } from '../../../src/main/db/pick-history'
import { QueueStore } from '../../../src/main/db/queue'
import {
  FIXTURES,
  insertRoot,
  insertTrack,
  tempLibrary,
  type TempLibrary,
} from '../media/library-rows'

let library: TempLibrary
let events: EventLog
let history: PickHistory
let ids: number[] = []

beforeEach(() => {
  library = tempLibrary()
  const rootId = insertRoot(library.db, join(FIXTURES, 'music'))
  ids = [
    insertTrack(library.db, { path: join(FIXTURES, 'music/a.ogg'), rootId, artist: 'Ann' }),
    insertTrack(library.db, { path: join(FIXTURES, 'music/b.ogg'), rootId, artist: null }),
    insertTrack(library.db, { path: join(FIXTURES, 'music/c.ogg'), rootId, artist: 'Cid' }),
  ]
  library.db.prepare('UPDATE tracks SET album_artist = ? WHERE id = ?').run('Bo', ids[1])
  events = new EventLog(library.db)
  history = new PickHistory(library.db)
})
afterEach(() => library.cleanUp())

describe('pick history (what the auto-queue reads)', () => {
  it('names the artists of the latest auto-picks, newest last, falling back to the album artist', () => {
    const [a, b, c] = ids as [number, number, number]
    expect(history.recentAutoPickArtists(3)).toEqual([])
    events.autoPick(a, {})
    events.mark(c, 'like') // not a pick: not counted
    events.autoPick(b, {})
    events.autoPick(c, {})
    expect(history.recentAutoPickArtists(2)).toEqual(['Bo', 'Cid'])
    expect(history.recentAutoPickArtists(10)).toEqual(['Ann', 'Bo', 'Cid'])
    expect(history.recentAutoPickArtists(0)).toEqual([])
  })

  it('takes the latest picks by time (an imported older pick is not among them), from the index alone', () => {
    const [a, b, c] = ids as [number, number, number]
    events.autoPick(a, {}, 'auto-queue', 3000)
    events.autoPick(b, {}, 'auto-queue', 4000)
    events.autoPick(c, {}, 'import', 1000) // logged last, from a backup: it happened first
    expect(history.recentAutoPickArtists(2)).toEqual(['Ann', 'Bo'])
    expect(history.recentAutoPickArtists(3)).toEqual(['Cid', 'Ann', 'Bo'])
    // The read walks the kind index back from the newest pick and stops after the count: no sort
    // of every pick in the log (thousands in a long history).
    const plan = library.db.prepare(`EXPLAIN QUERY PLAN ${RECENT_PICK_ARTISTS_SQL}`).all(4) as {
      detail: string
    }[]
    expect(plan.map((p) => p.detail)).toContainEqual(expect.stringMatching(/events_kind/))
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/)
  })

  it('reads the artists of the candidates in one go, falling back to the album artist', () => {
    const [a, b, c] = ids as [number, number, number]
    expect(history.artistsOf([c, a, b, 9999])).toEqual(
      new Map([
        [a, 'Ann'],
        [b, 'Bo'],
        [c, 'Cid'],
      ]),
    )
    expect(history.artistsOf([]).size).toBe(0)
  })

  it('leaves out a replacement the player declined, and checks a decline names its pick and why', () => {
    const [a, b, c] = ids as [number, number, number]
    events.autoPick(a, {})
    const declined = events.autoPick(b, { replaces: { pickId: null, trackId: c } })
    events.autoPick(c, {})
    events.pickDeclined({ id: declined.id, ts: declined.ts, trackId: b }, 'started')
    expect(history.recentAutoPickArtists(10)).toEqual(['Ann', 'Cid'])
    expect(events.declinedPickIds()).toEqual(new Set([declined.id]))
    expect(() =>
      events.append({ kind: 'pick_declined', trackId: b, data: { pickId: declined.id } }),
    ).toThrow(/pickTs/)
    expect(() =>
      events.append({ kind: 'pick_declined', trackId: b, data: { reason: 'started' } }),
    ).toThrow(/pickId/)
  })

  it('lists every track ever started, once each', () => {
    const [a, , c] = ids as [number, number, number]
    expect(history.playedTrackIds()).toEqual([])
    events.playStart(a)
    events.playStart(c)
    events.playStart(a)
    events.mark(ids[1] as number, 'love')
    expect(history.playedTrackIds().sort((x, y) => x - y)).toEqual([a, c])
  })

  it('tells whether an auto-pick the listener has not moved waits in the queue', () => {
    const queue = new QueueStore(library.db)
    const player = { current: null, position: 0, shuffle: false, repeat: 'off', volume: 1 } as const
    expect(history.hasWaitingAutoPicks()).toBe(false)
    queue.save({ ...player, entries: [{ trackId: ids[0] as number, source: 'user' }] })
    expect(history.hasWaitingAutoPicks()).toBe(false)
    const pick = events.autoPick(ids[1] as number, {}).id
    queue.save({
      ...player,
      entries: [
        { trackId: ids[0] as number, source: 'user' },
        { trackId: ids[1] as number, source: 'auto', pickId: pick },
      ],
    })
    expect(history.hasWaitingAutoPicks()).toBe(true)
    queue.save({
      ...player,
      entries: [{ trackId: ids[1] as number, source: 'auto', pickId: pick, touched: true }],
    })
    expect(history.hasWaitingAutoPicks()).toBe(false)
  })
})
