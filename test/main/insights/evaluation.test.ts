import { describe, expect, it } from 'vitest'
import { Matrix, inverse } from 'ml-matrix'
import {
  CosineCentroidPolicy,
  EpsilonGreedyPolicy,
  LinUcbPolicy,
  RandomPolicy,
  ThompsonPolicy,
  cumulativeReward,
  doublyRobust,
  effectiveSampleSize,
  hitRate,
  ips,
  quantile,
  regret,
  replay,
  ridgeModel,
  rocAuc,
  roundFromAutoPick,
  seededRandom,
  snips,
  standardNormal,
  type LoggedRound,
  type Random,
  type ReplayPolicy,
  type Vector,
} from '../../../src/main/insights/evaluation'
import { choleskyLower, LinUcb } from '../../../src/main/taste/linucb'

describe('rocAuc', () => {
  it('gives 0.75 on the hand-made case', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75)
  })

  it('counts a tie between a positive and a negative as one half', () => {
    // Pairs (positive, negative): 2>1, 2=2 (½), 3>1, 3>2 → 3.5 / 4.
    expect(rocAuc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875)
    expect(rocAuc([0.5, 0.5, 0.5], [true, false, true])).toBe(0.5)
  })

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0)
  })

  it('agrees with counting every positive–negative pair', () => {
    const random = seededRandom(7)
    const scores = Array.from({ length: 300 }, () => Math.round(random() * 20) / 20) // many ties
    const labels = scores.map((s) => (random() < 0.3 + 0.4 * s ? 1 : 0))
    let wins = 0
    let pairs = 0
    scores.forEach((p, i) => {
      if (labels[i] !== 1) return
      scores.forEach((n, j) => {
        if (labels[j] !== 0) return
        pairs += 1
        wins += p > n ? 1 : p === n ? 0.5 : 0
      })
    })
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12)
  })

  it('refuses labels of a single class', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/one positive and one negative/)
    expect(() => rocAuc([0.1], [1, 0])).toThrow(/one label per score/)
  })
})

// A synthetic log: a uniformly random logging policy over 5 songs (one-hot vectors) whose
// rewards are Bernoulli with known means, so any target policy's true value is known exactly.
const armMeans = [0.2, 0.5, 0.8, 0.35, 0.1]
const arms: Vector[] = armMeans.map((_, a) => armMeans.map((__, j) => (j === a ? 1 : 0)))

function uniformLog(n: number, seed: number): LoggedRound[] {
  const random = seededRandom(seed)
  return Array.from({ length: n }, () => {
    const action = Math.floor(random() * arms.length)
    return {
      candidates: arms,
      action,
      reward: random() < (armMeans[action] as number) ? 1 : 0,
      loggingProbability: 1 / arms.length,
    }
  })
}

const alwaysBest = (): number[] => [0, 0, 1, 0, 0] // deterministic: always the 0.8 song
const mostlyBest = (): number[] => [0.1, 0.1, 0.6, 0.1, 0.1]
const mostlyBestValue = 0.6 * 0.8 + 0.1 * (0.2 + 0.5 + 0.35 + 0.1)
// A decent but imperfect reward model: every song off by ±0.05.
const decentModel = (_: LoggedRound, a: number): number =>
  (armMeans[a] as number) + (a % 2 === 0 ? 0.05 : -0.05)

describe('off-policy estimators on a uniformly random log', () => {
  const log = uniformLog(5000, 42)
  const estimates = {
    ips: ips(log, alwaysBest),
    snips: snips(log, alwaysBest),
    doublyRobust: doublyRobust(log, alwaysBest, decentModel),
  }

  it.each(Object.keys(estimates) as (keyof typeof estimates)[])(
    '%s lands within 3 standard errors of the true value 0.8, and its 95% interval covers it',
    (name) => {
      const estimate = estimates[name]
      expect(estimate.rounds).toBe(5000)
      expect(Math.abs(estimate.value - 0.8)).toBeLessThan(3 * estimate.standardError)
      expect(estimate.interval.level).toBe(0.95)
      expect(estimate.interval.lower).toBeLessThan(0.8)
      expect(estimate.interval.upper).toBeGreaterThan(0.8)
      // The bootstrap and the analytic error agree on the interval's width (±1.96 SE).
      const width = estimate.interval.upper - estimate.interval.lower
      expect(width / (2 * 1.96 * estimate.standardError)).toBeGreaterThan(0.8)
      expect(width / (2 * 1.96 * estimate.standardError)).toBeLessThan(1.25)
    },
  )

  it('doubly robust has a lower variance than IPS with a decent reward model', () => {
    expect(estimates.doublyRobust.standardError).toBeLessThan(0.75 * estimates.ips.standardError)
  })

  it('has an effective sample size of about n/5 for a deterministic target policy', () => {
    for (const estimate of Object.values(estimates)) {
      expect(estimate.effectiveSampleSize / 1000).toBeGreaterThan(0.9)
      expect(estimate.effectiveSampleSize / 1000).toBeLessThan(1.1)
    }
  })

  it('has an effective sample size of exactly n/5 when each song was logged equally often', () => {
    const balanced: LoggedRound[] = Array.from({ length: 5000 }, (_, t) => ({
      candidates: arms,
      action: t % 5,
      reward: 1,
      loggingProbability: 0.2,
    }))
    expect(ips(balanced, alwaysBest, { resamples: 10 }).effectiveSampleSize).toBeCloseTo(1000, 9)
  })

  it('estimates a stochastic target policy too', () => {
    const estimate = doublyRobust(log, mostlyBest, decentModel)
    expect(Math.abs(estimate.value - mostlyBestValue)).toBeLessThan(3 * estimate.standardError)
    expect(estimate.interval.lower).toBeLessThan(mostlyBestValue)
    expect(estimate.interval.upper).toBeGreaterThan(mostlyBestValue)
  })

  it('SNIPS of the logging policy itself is the plain mean reward', () => {
    const uniform = () => [0.2, 0.2, 0.2, 0.2, 0.2]
    const mean = log.reduce((s, r) => s + r.reward, 0) / log.length
    expect(snips(log, uniform, { resamples: 10 }).value).toBeCloseTo(mean, 12)
    expect(snips(log, uniform, { resamples: 10 }).effectiveSampleSize).toBeCloseTo(5000, 9)
  })

  it('doubly robust with a reward model of zero is exactly IPS', () => {
    const dr = doublyRobust(log, mostlyBest, () => 0, { resamples: 10 })
    expect(dr.value).toBeCloseTo(ips(log, mostlyBest, { resamples: 10 }).value, 12)
  })

  it('is reproducible for a seed', () => {
    expect(ips(log, alwaysBest, { seed: 5 }).interval).toEqual(
      ips(log, alwaysBest, { seed: 5 }).interval,
    )
  })

  it('covers the true value in about 95% of repeated experiments', () => {
    const experiments = 40
    const covered = { ips: 0, snips: 0, doublyRobust: 0 }
    for (let e = 0; e < experiments; e++) {
      const repeat = uniformLog(1000, 1000 + e)
      const options = { resamples: 300, seed: e }
      const results = {
        ips: ips(repeat, alwaysBest, options),
        snips: snips(repeat, alwaysBest, options),
        doublyRobust: doublyRobust(repeat, alwaysBest, decentModel, options),
      }
      for (const name of Object.keys(results) as (keyof typeof results)[]) {
        const { lower, upper } = results[name].interval
        if (lower <= 0.8 && 0.8 <= upper) covered[name] += 1
      }
    }
    // Binomial(40, 0.95): fewer than 34 would happen by chance about 1% of the time.
    for (const count of Object.values(covered)) expect(count).toBeGreaterThanOrEqual(34)
  })

  it('refuses a logged pick with probability 0 and an action outside the candidates', () => {
    const bad = [{ candidates: arms, action: 0, reward: 1, loggingProbability: 0 }]
    expect(() => ips(bad, alwaysBest)).toThrow(/probability must be in \(0, 1\]/)
    const outside = [{ candidates: arms, action: 7, reward: 1, loggingProbability: 0.2 }]
    expect(() => ips(outside, alwaysBest)).toThrow(/not one of its 5 candidates/)
  })

  it('computes Kish’s effective sample size and type-7 quantiles', () => {
    expect(effectiveSampleSize([1, 1, 1, 1])).toBe(4)
    expect(effectiveSampleSize([4, 0, 0, 0])).toBe(1)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75)
  })
})

describe('replay policies', () => {
  it('the replayed ridge (the shipped LinUcb) matches a direct solve of (λI + XᵀX)θ = Xᵀr', () => {
    const random = seededRandom(11)
    const ridge = ridgeModel(3, 0.5)
    expect(ridge).toBeInstanceOf(LinUcb)
    const rows: number[][] = []
    const rewards: number[] = []
    for (let t = 0; t < 40; t++) {
      const x = [standardNormal(random), standardNormal(random), standardNormal(random)]
      const r = standardNormal(random)
      ridge.update(x, r)
      rows.push([...x, 1])
      rewards.push(r)
    }
    const X = new Matrix(rows)
    const A = X.transpose().mmul(X).add(Matrix.eye(4).mul(0.5))
    const theta = inverse(A).mmul(X.transpose().mmul(Matrix.columnVector(rewards)))
    const mine = ridge.theta()
    for (let i = 0; i < 4; i++) expect(mine[i]).toBeCloseTo(theta.get(i, 0), 9)
  })

  it('LinUCB’s replay model scores a song as the live taste model does', () => {
    const random = seededRandom(12)
    const policy = new LinUcbPolicy(4, 1.5, 2)
    expect(policy.model).toBeInstanceOf(LinUcb)
    const live = new LinUcb(4, { alpha: 1.5, lambda: 2 })
    for (let t = 0; t < 30; t++) {
      const x = Array.from({ length: 4 }, () => standardNormal(random))
      const r = random() < 0.5 ? -1 : 1
      policy.update(x, r)
      live.update(x, r)
    }
    const probe = [0.3, -0.2, 0.9, 0.1]
    const expected = live.predict(probe)
    expect(policy.model.predict(probe).mean).toBeCloseTo(expected.mean, 9)
    expect(policy.model.predict(probe).variance).toBeCloseTo(expected.variance, 9)
    expect(policy.scores([probe])[0]).toBeCloseTo(expected.ucb, 9)
  })

  it('each policy gives a distribution over the candidates and picks one of them', () => {
    const policies: ReplayPolicy[] = [
      new LinUcbPolicy(5),
      new EpsilonGreedyPolicy(5, 0.2),
      new ThompsonPolicy(5, 1, 1, 200),
      new CosineCentroidPolicy(5),
      new RandomPolicy(),
    ]
    const random = seededRandom(2)
    for (const policy of policies) {
      policy.update(arms[2] as Vector, 1)
      const distribution = policy.probabilities(arms)
      expect(distribution.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12)
      const pick = policy.choose(arms, random)
      expect(pick).toBeGreaterThanOrEqual(0)
      expect(pick).toBeLessThan(5)
    }
  })

  it('ε-greedy puts 1 − ε + ε/m on its best song and ε/m on the others', () => {
    const policy = new EpsilonGreedyPolicy(5, 0.2)
    policy.update(arms[3] as Vector, 1)
    expect(Array.from(policy.probabilities(arms))).toEqual([
      0.04,
      0.04,
      0.04,
      expect.closeTo(0.84, 12) as number,
      0.04,
    ])
  })

  it('Thompson sampling with no posterior spread plays the best mean', () => {
    const policy = new ThompsonPolicy(5, 0)
    policy.update(arms[1] as Vector, 1)
    policy.update(arms[4] as Vector, -1)
    expect(Array.from(policy.probabilities(arms))).toEqual([0, 1, 0, 0, 0])
  })

  it('cosine-to-centroid is uniform before a like and then favours the liked direction', () => {
    const policy = new CosineCentroidPolicy(2)
    expect(
      Array.from(
        policy.probabilities([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toEqual([0.5, 0.5])
    policy.update([1, 0.1], 1)
    policy.update([0, 1], -1) // a dislike does not move the liked centroid
    expect(
      policy.choose(
        [
          [0, 1],
          [0.9, 0.2],
        ],
        seededRandom(1),
      ),
    ).toBe(1)
  })

  it('learning policies beat random picks on a linear taste, in regret and hit rate', () => {
    const dimension = 4
    const taste = [0.8, -0.5, 0.3, 0]
    const mean = (x: Vector) => taste.reduce((s, w, i) => s + w * (x[i] as number), 0)
    function simulate(policy: ReplayPolicy, seed: number) {
      const random = seededRandom(seed)
      const world = seededRandom(99)
      const chosen: number[] = []
      const best: number[] = []
      const rewards: number[] = []
      for (let t = 0; t < 600; t++) {
        const candidates = Array.from({ length: 10 }, () =>
          Array.from({ length: dimension }, () => standardNormal(world)),
        )
        const pick = policy.choose(candidates, random)
        const x = candidates[pick] as Vector
        const reward = mean(x) + 0.3 * standardNormal(world) > 0 ? 1 : -1
        policy.update(x, reward)
        chosen.push(mean(x))
        best.push(Math.max(...candidates.map(mean)))
        rewards.push(reward)
      }
      return {
        regret: regret(chosen, best).at(-1) as number,
        hits: hitRate(rewards).at(-1) as number,
      }
    }
    const baseline = simulate(new RandomPolicy(), 1)
    for (const policy of [
      new LinUcbPolicy(dimension, 0.5),
      new ThompsonPolicy(dimension, 0.3),
      new EpsilonGreedyPolicy(dimension, 0.1),
    ]) {
      const result = simulate(policy, 1)
      expect(result.regret).toBeLessThan(0.3 * baseline.regret)
      expect(result.hits).toBeGreaterThan(baseline.hits + 0.2)
    }
  })

  it('replay on a uniform log counts only the rounds where the policy agreed with the log', () => {
    const log = uniformLog(5000, 8)
    const fixed: ReplayPolicy = {
      kind: 'fixed',
      probabilities: () => Float64Array.from(alwaysBest()),
      choose: () => 2,
      update: () => undefined,
    }
    const result = replay(fixed, log, seededRandom(1))
    expect(result.matched).toBe(log.filter((r) => r.action === 2).length)
    expect(result.value).toBeCloseTo(0.8, 1)
    const learner = replay(new LinUcbPolicy(5, 0.5), log, seededRandom(1))
    expect(learner.value).toBeGreaterThan(0.6)
  })
})

describe('roundFromAutoPick', () => {
  const data = {
    candidates: [
      { trackId: 7, probability: 0.7 },
      { trackId: 3, probability: 0.3 },
    ],
    probability: 0.3,
  }
  const vectors = new Map<number, Vector>([
    [7, [1, 0]],
    [3, [0, 1]],
  ])

  it('turns a logged auto-pick into a round with the pick as the action', () => {
    expect(roundFromAutoPick(data, 3, -1, (id) => vectors.get(id))).toEqual({
      candidates: [
        [1, 0],
        [0, 1],
      ],
      action: 1,
      reward: -1,
      loggingProbability: 0.3,
    })
  })

  it('skips a pick outside its short list or a candidate without a vector', () => {
    expect(roundFromAutoPick(data, 99, 1, (id) => vectors.get(id))).toBeNull()
    expect(
      roundFromAutoPick(data, 3, 1, (id) => (id === 7 ? undefined : vectors.get(id))),
    ).toBeNull()
  })
})

describe('curves and helpers', () => {
  it('accumulates rewards and regret step by step', () => {
    expect(cumulativeReward([1, -1, 0.3])).toEqual([1, 0, 0.3])
    expect(regret([0.5, 0.8, 0.2], [0.8, 0.8, 0.9])).toEqual([
      expect.closeTo(0.3, 12),
      expect.closeTo(0.3, 12),
      expect.closeTo(1.0, 12),
    ])
  })

  it('gives the cumulative hit rate, or over a sliding window', () => {
    expect(hitRate([1, -1, 0, 1])).toEqual([1, 0.5, 1 / 3, 0.5])
    expect(hitRate([1, -1, 0, 1], 2)).toEqual([1, 0.5, 0, 0.5])
  })

  it('factors a positive-definite matrix by Cholesky (the one the taste model uses), and refuses another', () => {
    const lower = choleskyLower([4, 2, 2, 3], 2)
    expect(Array.from(lower ?? [])).toEqual([2, 0, 1, expect.closeTo(Math.SQRT2, 12) as number])
    expect(choleskyLower([1, 2, 2, 1], 2)).toBeNull()
  })

  it('draws standard normals with mean 0 and variance 1 from a seeded generator', () => {
    const random: Random = seededRandom(4)
    const draws = Array.from({ length: 20000 }, () => standardNormal(random))
    const mean = draws.reduce((s, d) => s + d, 0) / draws.length
    const variance = draws.reduce((s, d) => s + (d - mean) ** 2, 0) / draws.length
    expect(Math.abs(mean)).toBeLessThan(0.03)
    expect(Math.abs(variance - 1)).toBeLessThan(0.05)
    expect(seededRandom(4)()).toBe(seededRandom(4)())
  })
})
