import { describe, expect, it } from 'vitest'
import { euclideanNorm, OnlineMetrics } from '../../../src/main/taste/online'

describe('OnlineMetrics (progressive validation)', () => {
  it('scores each reward against the prediction made before it, with running means', () => {
    const online = new OnlineMetrics()
    const first = online.observe({ mean: 0.5, bonus: 1, reward: 1, modelNorm: 0.2 })
    expect(first).toEqual({
      step: 1,
      squaredError: 0.25,
      meanSquaredError: 0.25,
      signCorrect: 1,
      signAccuracy: 1,
      reward: 1,
      cumulativeReward: 1,
      bonus: 1,
      meanBonus: 1,
      modelNorm: 0.2,
    })
    const second = online.observe({ mean: 0.2, bonus: 0.5, reward: -1, modelNorm: 0.3 })
    expect(second.squaredError).toBeCloseTo(1.44, 12)
    expect(second.meanSquaredError).toBeCloseTo((0.25 + 1.44) / 2, 12)
    expect(second.signCorrect).toBe(0)
    expect(second.signAccuracy).toBe(0.5)
    expect(second.cumulativeReward).toBe(0)
    expect(second.meanBonus).toBe(0.75)
    expect(second.modelNorm).toBe(0.3)
  })

  it('skips rewards of 0 in sign accuracy but counts them in the squared error', () => {
    const online = new OnlineMetrics()
    const neutral = online.observe({ mean: -0.4, bonus: 0, reward: 0, modelNorm: 0 })
    expect(neutral.signCorrect).toBeUndefined()
    expect(neutral.signAccuracy).toBeUndefined()
    expect(neutral.squaredError).toBeCloseTo(0.16, 12)
    const signed = online.observe({ mean: -0.4, bonus: 0, reward: -0.3, modelNorm: 0 })
    expect(signed.signAccuracy).toBe(1)
    expect(signed.meanSquaredError).toBeCloseTo((0.16 + 0.01) / 2, 12)
  })

  it('counts a prediction of exactly 0 as not having the reward’s sign', () => {
    const online = new OnlineMetrics()
    expect(online.observe({ mean: 0, bonus: 1, reward: 0.3, modelNorm: 0 }).signCorrect).toBe(0)
  })

  it('refuses a non-finite prediction instead of poisoning the running means', () => {
    const online = new OnlineMetrics()
    expect(() => online.observe({ mean: Number.NaN, bonus: 0, reward: 1, modelNorm: 0 })).toThrow(
      /mean was NaN/,
    )
    expect(online.steps).toBe(0)
  })

  it('flattens a step into a record for Run.log without the step itself', () => {
    const online = new OnlineMetrics()
    const record = OnlineMetrics.toRecord(
      online.observe({ mean: 0, bonus: 0, reward: 0, modelNorm: 1 }),
    )
    expect(record).not.toHaveProperty('step')
    expect(record).not.toHaveProperty('signAccuracy')
    expect(record.modelNorm).toBe(1)
  })

  it('computes the Euclidean norm of θ', () => {
    expect(euclideanNorm([3, 4])).toBe(5)
    expect(euclideanNorm(new Float64Array(0))).toBe(0)
  })
})
