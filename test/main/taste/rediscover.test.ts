// Rediscover's rules on a real event log: which songs count as turned down, since when, and why
// (the model's scoring of them runs through the engine in queue/auto-queue-engine.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventLog } from '../../../src/main/db/events'
import { daysAgo, rediscover, turnedDownSongs } from '../../../src/main/taste/rediscover'
import { DEFAULT_REWARDS } from '../../../src/shared/rewards'
import { insertTrack, tempLibrary, type TempLibrary } from '../media/library-rows'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 5, 1, 12)

let library: TempLibrary
let events: EventLog
let ids: number[]

beforeEach(() => {
  library = tempLibrary()
  events = new EventLog(library.db)
  ids = Array.from({ length: 6 }, (_, i) =>
    insertTrack(library.db, { path: `/music/${i}.ogg`, duration: 200, format: 'ogg' }),
  )
})

afterEach(() => library.cleanUp())

function play(trackId: number, heard: number, daysBefore: number): void {
  const ts = NOW - daysBefore * DAY
  const playId = events.playStart(trackId, { ts: ts - 1000, duration: 200 })
  events.playEnd(trackId, playId, { position: heard * 200, duration: 200, reason: 'next', ts })
}

function turnedDown(minAgeDays: number, excluded: number[] = []): Map<number, string> {
  const found = turnedDownSongs(events, {
    rewards: DEFAULT_REWARDS,
    excluded: new Set(excluded),
    minAgeDays,
    now: NOW,
  })
  return new Map([...found].map(([trackId, { cause }]) => [trackId, cause]))
}

describe('turnedDownSongs', () => {
  it('counts old negative marks, imported negative labels and latest plays skipped early', () => {
    const [a, b, c, d, e, f] = ids as [number, number, number, number, number, number]
    events.mark(a, 'not_for_me', 'ui', NOW - 40 * DAY)
    events.mark(b, 'near_miss', 'ui', NOW - 31 * DAY)
    events.importLabel(c, 'not_for_me', 'labels.tsv', NOW - 60 * DAY)
    play(d, 0.1, 45) // an early skip
    play(e, 0.5, 45) // a late skip: not turned down
    events.mark(f, 'love', 'ui', NOW - 40 * DAY)
    expect(turnedDown(30)).toEqual(
      new Map([
        [d, 'You skipped it early 45 days ago'],
        [a, 'You marked it not for me 40 days ago'],
        [b, 'You marked it a near miss 31 days ago'],
        [c, 'An imported list called it not for me (60 days ago)'],
      ]),
    )
  })

  it('leaves out what is too recent, taken back, played through later, or never to be played', () => {
    const [a, b, c, d] = ids as [number, number, number, number]
    events.mark(a, 'not_for_me', 'ui', NOW - 10 * DAY)
    events.mark(b, 'not_for_me', 'ui', NOW - 50 * DAY)
    events.mark(b, 'none', 'ui', NOW - 45 * DAY)
    play(c, 0.1, 50)
    play(c, 1, 40) // the latest play was heard through
    events.mark(d, 'not_for_me', 'ui', NOW - 50 * DAY)
    expect(turnedDown(30, [d])).toEqual(new Map())
    expect([...turnedDown(5, [d]).keys()]).toEqual([a])
  })

  it('takes the label over an early skip of the same song', () => {
    const [a] = ids as [number]
    play(a, 0.1, 50)
    events.mark(a, 'near_miss', 'ui', NOW - 35 * DAY)
    expect(turnedDown(30)).toEqual(new Map([[a, 'You marked it a near miss 35 days ago']]))
  })
})

describe('rediscover', () => {
  it('starts no model when nothing was turned down', async () => {
    const found = await rediscover(new Map(), 5, {
      taste: () => Promise.reject(new Error('the model must not start')),
      getTrack: () => null,
    })
    expect(found).toEqual([])
  })
})

describe('daysAgo', () => {
  it('says today, a day ago, or the whole days', () => {
    expect(daysAgo(NOW, NOW - 3_600_000)).toBe('today')
    expect(daysAgo(NOW, NOW - DAY - 1)).toBe('a day ago')
    expect(daysAgo(NOW, NOW - 40 * DAY + 1)).toBe('39 days ago')
  })
})
