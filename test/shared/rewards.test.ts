import { describe, expect, it } from 'vitest'
import {
  DEFAULT_REWARDS,
  excludesFromAutoQueue,
  labelRow,
  listenRow,
} from '../../src/shared/rewards'

describe('rewards', () => {
  it('gives marks signed rewards, and explicit marks outweigh listens', () => {
    expect(labelRow('love', 'mark')).toEqual({ reward: 1, weight: 2 })
    expect(labelRow('like', 'mark')).toEqual({ reward: 1, weight: 1 })
    expect(labelRow('near_miss', 'mark')).toEqual({ reward: 0.3, weight: 1 })
    expect(labelRow('not_for_me', 'mark')).toEqual({ reward: -1, weight: 2 })
    expect(DEFAULT_REWARDS.played.weight).toBeLessThan(DEFAULT_REWARDS.marks.like.weight)
  })

  it('imports labels at weight 1, and an imported "not" does not exclude from auto-queue', () => {
    expect(labelRow('love', 'import')).toEqual({ reward: 1, weight: 1 })
    expect(labelRow('not_for_me', 'import')).toEqual({ reward: -1, weight: 1 })
    expect(excludesFromAutoQueue('not_for_me', 'mark')).toBe(true)
    expect(excludesFromAutoQueue('not_for_me', 'import')).toBe(false)
    expect(excludesFromAutoQueue('like', 'mark')).toBe(false)
  })

  it('rewards a play to the end or past 80 % as an implicit positive', () => {
    expect(listenRow({ reason: 'ended', position: 200, duration: 200 })).toEqual({
      reward: 0.3,
      weight: 0.5,
    })
    expect(listenRow({ reason: 'next', position: 170, duration: 200 })).toEqual({
      reward: 0.3,
      weight: 0.5,
    })
  })

  it('grades skips by how much was heard', () => {
    expect(listenRow({ reason: 'next', position: 20, duration: 200 })).toEqual({
      reward: -1,
      weight: 0.5,
    })
    expect(listenRow({ reason: 'picked', position: 100, duration: 200 })).toEqual({
      reward: -0.3,
      weight: 0.5,
    })
  })

  it('never counts previous, errors or quitting as skips', () => {
    for (const reason of ['previous', 'error', 'quit'] as const) {
      expect(listenRow({ reason, position: 3, duration: 200 })).toBeNull()
    }
  })

  it('does not call it an early skip when five seconds or fewer were left', () => {
    expect(listenRow({ reason: 'next', position: 1, duration: 5 })).toEqual({
      reward: 0.3,
      weight: 0.5,
    })
  })

  it('ignores a skip whose duration is unknown', () => {
    expect(listenRow({ reason: 'next', position: 10, duration: null })).toBeNull()
  })
})
