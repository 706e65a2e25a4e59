// "Picks you kept": each auto-pick's outcome from the log (known answers), and the per-day or
// per-week counts, empty days kept so the bars keep the calendar's spacing.
import { describe, expect, it } from 'vitest'
import {
  DAYS_SHOWN,
  periodStart,
  pickOutcomes,
  picksKept,
  WEEKS_SHOWN,
  type ListenEvent,
  type PickEvent,
} from '../../../src/main/insights/picks-kept'

const day = (d: number, hour = 12) => new Date(2026, 10, d, hour).getTime()
const pick = (id: number, trackId: number, ts = day(2)): PickEvent => ({ id, ts, trackId })
const listen = (
  eventId: number,
  trackId: number,
  reason: ListenEvent['reason'],
  position: number,
  duration = 200,
): ListenEvent => ({ eventId, trackId, reason, position, duration })

describe('pickOutcomes', () => {
  it('takes the first thing said about a picked song after its pick', () => {
    const outcomes = pickOutcomes(
      [pick(1, 10), pick(2, 20), pick(3, 30), pick(4, 40), pick(5, 50), pick(6, 60)],
      [
        { id: 8, trackId: 20, mark: 'not_for_me' },
        { id: 9, trackId: 40, mark: 'near_miss' },
        // After the skip below: the skip came first.
        { id: 12, trackId: 30, mark: 'love' },
      ],
      [
        listen(7, 10, 'ended', 200),
        listen(10, 30, 'next', 20), // 10 %: an early skip
        listen(11, 50, 'previous', 5), // says nothing
        listen(13, 60, 'picked', 190), // 95 %: played through
      ],
    )
    expect(outcomes.map((o) => [o.pick.trackId, o.outcome])).toEqual([
      [10, 'kept'],
      [20, 'turnedDown'],
      [30, 'skipped'],
      [40, 'kept'],
      [50, null],
      [60, 'kept'],
    ])
  })

  it('ignores what happened before the pick, and an unmark', () => {
    const outcomes = pickOutcomes(
      [pick(5, 10), pick(6, 20)],
      [
        { id: 1, trackId: 10, mark: 'love' },
        { id: 7, trackId: 20, mark: 'none' },
      ],
      [listen(2, 10, 'next', 10)],
    )
    expect(outcomes.map((o) => o.outcome)).toEqual([null, null])
  })

  it('answers a re-pick of a waiting song with the second pick, leaving the first undecided', () => {
    const outcomes = pickOutcomes([pick(1, 10), pick(2, 10)], [], [listen(3, 10, 'next', 100)])
    expect(outcomes.map((o) => [o.pick.id, o.outcome])).toEqual([
      [1, null],
      [2, 'skipped'], // 50 %: a late skip is a skip too
    ])
  })
})

describe('picksKept', () => {
  it('counts per day from the first decided pick to today, empty days included', () => {
    const result = picksKept(
      [
        { pick: pick(1, 1, day(2, 9)), outcome: 'kept' },
        { pick: pick(2, 2, day(2, 23)), outcome: 'skipped' },
        { pick: pick(3, 3, day(4, 1)), outcome: 'turnedDown' },
        { pick: pick(4, 4, day(4, 2)), outcome: 'kept' },
        { pick: pick(5, 5, day(4, 3)), outcome: null },
      ],
      day(5),
    )
    expect(result.period).toBe('day')
    expect(result.undecided).toBe(1)
    expect(result.buckets).toEqual([
      { start: new Date(2026, 10, 2).getTime(), kept: 1, skipped: 1, turnedDown: 0 },
      { start: new Date(2026, 10, 3).getTime(), kept: 0, skipped: 0, turnedDown: 0 },
      { start: new Date(2026, 10, 4).getTime(), kept: 1, skipped: 0, turnedDown: 1 },
      { start: new Date(2026, 10, 5).getTime(), kept: 0, skipped: 0, turnedDown: 0 },
    ])
  })

  it('switches to weeks starting on Monday beyond three weeks, keeping the latest 26', () => {
    // 2026-11-02 is a Monday.
    expect(new Date(periodStart(day(5), 'week')).getDate()).toBe(2)
    expect(new Date(periodStart(day(8, 23), 'week')).getDate()).toBe(2)
    expect(new Date(periodStart(day(9, 0), 'week')).getDate()).toBe(9)
    const result = picksKept(
      [
        { pick: pick(1, 1, day(2)), outcome: 'kept' },
        { pick: pick(2, 2, day(8)), outcome: 'kept' },
        { pick: pick(3, 3, day(9)), outcome: 'skipped' },
      ],
      day(2) + (DAYS_SHOWN + 1) * 86_400_000,
    )
    expect(result.period).toBe('week')
    expect(result.buckets.slice(0, 2)).toEqual([
      { start: new Date(2026, 10, 2).getTime(), kept: 2, skipped: 0, turnedDown: 0 },
      { start: new Date(2026, 10, 9).getTime(), kept: 0, skipped: 1, turnedDown: 0 },
    ])
    expect(result.buckets).toHaveLength(4)

    const long = picksKept(
      [{ pick: pick(1, 1, day(2)), outcome: 'kept' }],
      day(2) + 400 * 86_400_000,
    )
    expect(long.buckets).toHaveLength(WEEKS_SHOWN)
    // The old pick is outside the latest 26 weeks: nothing counted, every week shown empty.
    expect(long.buckets.every((b) => b.kept + b.skipped + b.turnedDown === 0)).toBe(true)
  })

  it('has no buckets while no pick is decided', () => {
    expect(picksKept([{ pick: pick(1, 1), outcome: null }], day(3))).toEqual({
      period: 'day',
      buckets: [],
      undecided: 1,
    })
  })
})
