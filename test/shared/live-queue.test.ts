import { describe, expect, it } from 'vitest'
import {
  applyReplacements,
  isWaitingAutoPick,
  replacementIndex,
  type LiveQueueEntry,
} from '../../src/shared/live-queue'

const auto = (trackId: number, extra: Partial<LiveQueueEntry> = {}): LiveQueueEntry => ({
  trackId,
  source: 'auto',
  ...extra,
})

describe('waiting auto-picks', () => {
  it('are the auto entries after the current one that the listener did not move', () => {
    const entries = [
      auto(1),
      auto(2),
      { trackId: 3, source: 'user' as const },
      auto(4, { touched: true }),
      auto(5),
    ]
    expect(entries.map((e, i) => isWaitingAutoPick(e, i, 1))).toEqual([
      false, // played before
      false, // playing
      false, // manual
      false, // moved by the listener
      true,
    ])
    expect(entries.map((e, i) => isWaitingAutoPick(e, i, null))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ])
  })

  it('are found by their pick id, or by their song when the entry has none', () => {
    const entries = [auto(1), auto(7, { pickId: 70 }), auto(7, { pickId: 71 }), auto(9)]
    expect(replacementIndex(entries, 0, { pickId: 71, trackId: 7 })).toBe(2)
    expect(replacementIndex(entries, 0, { pickId: 99, trackId: 9 })).toBe(3)
    expect(replacementIndex(entries, 0, { pickId: 99, trackId: 7 })).toBe(-1)
    expect(replacementIndex(entries, 0, { pickId: null, trackId: 1 })).toBe(-1) // playing
  })
})

describe('applyReplacements', () => {
  it('swaps the picks still waiting, and skips one whose new song is queued already', () => {
    const entries = [auto(1), auto(2, { pickId: 20 }), auto(3, { pickId: 30 }), auto(4)]
    const { entries: out, applied } = applyReplacements(entries, 0, [
      { pickId: 20, trackId: 2, entry: auto(12, { pickId: 120 }) },
      { pickId: 30, trackId: 3, entry: auto(4, { pickId: 140 }) }, // 4 is queued
      { pickId: null, trackId: 1, entry: auto(11) }, // the playing one
    ])
    expect(out.map((e) => e.trackId)).toEqual([1, 12, 3, 4])
    expect(applied.map((r) => r.trackId)).toEqual([2])
    expect(entries.map((e) => e.trackId)).toEqual([1, 2, 3, 4]) // the input is untouched
  })

  it('takes a replacement by the same song as the pick kept with a fresh reason', () => {
    const entries = [auto(1), auto(2, { pickId: 20 }), auto(3, { pickId: 30 })]
    const fresh = { ...auto(2, { pickId: 20 }), reason: { ucb: 0.5 } }
    const { entries: out, applied } = applyReplacements(entries, 0, [
      { pickId: 20, trackId: 2, entry: fresh },
      { pickId: 30, trackId: 3, entry: auto(2, { pickId: 31 }) }, // 2 is queued at another place
    ])
    expect(out).toEqual([auto(1), fresh, auto(3, { pickId: 30 })])
    expect(applied.map((r) => r.trackId)).toEqual([2])
  })

  it('declines, with why, a replacement of a pick that started, moved, left, or whose song is queued', () => {
    const entries = [
      auto(1, { pickId: 10 }),
      auto(2, { pickId: 20 }),
      auto(3, { pickId: 30, touched: true }),
      auto(4, { pickId: 40 }),
      auto(5, { pickId: 50 }),
      auto(6, { pickId: 60 }),
    ]
    // The player reported pick 50 started, though the queue still shows it waiting.
    const passed = (e: LiveQueueEntry) => e.pickId === 50
    const {
      entries: out,
      applied,
      before,
      declined,
    } = applyReplacements(
      entries,
      1,
      [
        { pickId: 20, trackId: 2, entry: auto(12, { pickId: 120 }) }, // playing
        { pickId: 30, trackId: 3, entry: auto(13, { pickId: 130 }) }, // moved
        { pickId: 99, trackId: 9, entry: auto(19, { pickId: 190 }) }, // gone
        { pickId: 40, trackId: 4, entry: auto(6, { pickId: 160 }) }, // 6 is queued
        { pickId: 50, trackId: 5, entry: auto(15, { pickId: 150 }) }, // started
        { pickId: 60, trackId: 6, entry: auto(16, { pickId: 161 }) }, // applies
        { pickId: 10, trackId: 1, entry: auto(11, { pickId: 110 }) }, // played before
      ],
      passed,
    )
    expect(out.map((e) => e.trackId)).toEqual([1, 2, 3, 4, 5, 16])
    expect(applied.map((r) => r.entry.pickId)).toEqual([161])
    expect(before).toEqual([auto(6, { pickId: 60 })])
    expect(declined.map((d) => [d.replacement.entry.pickId, d.reason])).toEqual([
      [120, 'started'],
      [130, 'moved'],
      [190, 'gone'],
      [160, 'queued'],
      [150, 'started'],
      [110, 'started'],
    ])
  })
})
