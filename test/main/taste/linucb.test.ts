import { describe, expect, it } from 'vitest'
import { Matrix, inverse } from 'ml-matrix'
import { LinUcb } from '../../../src/main/taste'
import type { LinUcbJson } from '../../../src/main/taste/linucb'
import { seededNormal, seededRandom } from './random'

interface Row {
  x: Float64Array
  reward: number
  weight: number
}

/** The naive model: A = λI + Σ w·x̃·x̃ᵀ inverted directly (ml-matrix LU), x̃ = [x, 1]. */
function naiveModel(rows: Row[], k: number, lambda: number) {
  const size = k + 1
  const A = Matrix.eye(size, size).mul(lambda)
  const b = new Float64Array(size)
  for (const { x, reward, weight } of rows) {
    const extended = [...x, 1]
    for (let a = 0; a < size; a++) {
      for (let c = 0; c < size; c++) A.set(a, c, A.get(a, c) + weight * extended[a]! * extended[c]!)
      b[a] = b[a]! + weight * reward * extended[a]!
    }
  }
  const Ainv = inverse(A)
  const theta = Array.from({ length: size }, (_, a) => {
    let sum = 0
    for (let c = 0; c < size; c++) sum += Ainv.get(a, c) * b[c]!
    return sum
  })
  const score = (x: ArrayLike<number>) => {
    const extended = [...Array.from(x), 1]
    let mean = 0
    let variance = 0
    for (let a = 0; a < size; a++) {
      mean += theta[a]! * extended[a]!
      for (let c = 0; c < size; c++) variance += extended[a]! * Ainv.get(a, c) * extended[c]!
    }
    return { mean, variance }
  }
  return { Ainv, theta, score }
}

function randomCandidates(n: number, k: number, seed: number): Float32Array {
  const normal = seededNormal(seed)
  return Float32Array.from({ length: n * k }, () => normal() / Math.sqrt(k))
}

function row(candidates: Float32Array, i: number, k: number): Float64Array {
  return Float64Array.from(candidates.subarray(i * k, (i + 1) * k))
}

function maxAbs(values: ArrayLike<number>): number {
  let largest = 0
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!))
  return largest
}

describe('LinUcb known answers', () => {
  it('matches θ and the bonus computed by hand in one dimension', () => {
    const model = new LinUcb(1, { lambda: 1, alpha: 2 })
    // A = I + [2,1][2,1]ᵀ = [[5,2],[2,2]], A⁻¹ = [[2,−2],[−2,5]]/6, b = [2,1], θ = [1/3, 1/6].
    model.update([2], 1)
    const theta = model.theta()
    expect(theta[0]).toBeCloseTo(1 / 3, 14)
    expect(theta[1]).toBeCloseTo(1 / 6, 14)
    const atOne = model.predict([1])
    expect(atOne.mean).toBeCloseTo(1 / 2, 14)
    expect(atOne.variance).toBeCloseTo(1 / 2, 14)
    expect(atOne.bonus).toBeCloseTo(2 * Math.sqrt(1 / 2), 14)

    // Adding x = −1, r = −1, w = 2: A = [[7,0],[0,4]], b = [4,−1], θ = [4/7, −1/4].
    model.update([-1], -1, 2)
    const after = model.theta()
    expect(after[0]).toBeCloseTo(4 / 7, 14)
    expect(after[1]).toBeCloseTo(-1 / 4, 14)
    const prediction = model.predict([1])
    expect(prediction.mean).toBeCloseTo(9 / 28, 14)
    expect(prediction.variance).toBeCloseTo(11 / 28, 14)
    expect(prediction.ucb).toBeCloseTo(9 / 28 + 2 * Math.sqrt(11 / 28), 14)
  })

  it('matches θ and the bonus computed by hand in two dimensions', () => {
    const model = new LinUcb(2, { lambda: 2, alpha: 1 })
    model.update([1, 0], 1)
    model.update([0, 1], -1)
    // A = [[3,0,1],[0,3,1],[1,1,4]], b = [1,−1,0] → θ = [1/3, −1/3, 0];
    // A·y = [1,1,1] → y = [0.3, 0.3, 0.1], so the variance at [1,1] is 0.7.
    const theta = model.theta()
    expect(theta[0]).toBeCloseTo(1 / 3, 14)
    expect(theta[1]).toBeCloseTo(-1 / 3, 14)
    expect(theta[2]).toBeCloseTo(0, 14)
    const prediction = model.predict([1, 1])
    expect(prediction.mean).toBeCloseTo(0, 14)
    expect(prediction.variance).toBeCloseTo(0.7, 14)
    expect(prediction.bonus).toBeCloseTo(Math.sqrt(0.7), 14)
  })

  it('with no rewards every mean is 0 and the bonus is α·sqrt((xᵀx + 1)/λ)', () => {
    const k = 8
    const n = 50
    const candidates = randomCandidates(n, k, 1)
    const model = new LinUcb(k, { lambda: 2, alpha: 0.5 })
    model.setCandidates(candidates, n)
    const scores = model.scoreAll()
    for (let i = 0; i < n; i++) {
      let squared = 0
      for (let j = 0; j < k; j++) squared += candidates[i * k + j]! ** 2
      const expectedBonus = 0.5 * Math.sqrt((squared + 1) / 2)
      expect(model.mean(i)).toBe(0)
      expect(model.bonus(i)).toBeCloseTo(expectedBonus, 14)
      expect(scores[i]).toBeCloseTo(expectedBonus, 14)
    }
  })

  it('a like raises a similar song more than a dissimilar one', () => {
    const k = 4
    // Song 0 is liked, song 1 is close to it, song 2 points elsewhere.
    const candidates = Float32Array.from([1, 0, 0, 0, 0.9, 0.1, 0, 0, 0, 0, 1, 0])
    const model = new LinUcb(k, { alpha: 0.1 })
    model.setCandidates(candidates, 3)
    const before = model.scoreAll()
    model.update(candidates.subarray(0, 4), 1)
    const after = model.scoreAll()
    const similarGain = after[1]! - before[1]!
    const dissimilarGain = after[2]! - before[2]!
    expect(similarGain).toBeGreaterThan(0)
    expect(similarGain).toBeGreaterThan(dissimilarGain)
    expect(model.mean(1)).toBeGreaterThan(model.mean(2))
  })

  it('a not-for-me lowers a similar song more than a dissimilar one', () => {
    const candidates = Float32Array.from([1, 0, 0, 0, 0.9, 0.1, 0, 0, 0, 0, 1, 0])
    const model = new LinUcb(4, { alpha: 0.1 })
    model.setCandidates(candidates, 3)
    const before = model.scoreAll()
    model.update(candidates.subarray(0, 4), -1, 2)
    const after = model.scoreAll()
    expect(after[1]! - before[1]!).toBeLessThan(after[2]! - before[2]!)
    expect(model.mean(1)).toBeLessThan(0)
  })

  it('changing α rescales the bonus without touching the means', () => {
    const candidates = randomCandidates(20, 3, 2)
    const model = new LinUcb(3)
    model.setCandidates(candidates, 20)
    model.update(row(candidates, 4, 3), 1)
    const bonus = model.bonus(7)
    const mean = model.mean(7)
    model.setAlpha(3)
    expect(model.bonus(7)).toBeCloseTo(3 * bonus, 14)
    expect(model.mean(7)).toBe(mean)
    expect(model.ucb(7)).toBeCloseTo(mean + 3 * bonus, 14)
  })
})

describe('LinUcb incremental updates equal the naive computation', () => {
  it.each([16, 7])('after 1,000 weighted updates and downdates (no exact refresh), k = %i', (k) => {
    const n = 300
    const lambda = 1
    const candidates = randomCandidates(n, k, 42)
    const model = new LinUcb(k, { lambda, alpha: 1, refreshEvery: 0 })
    model.setCandidates(candidates, n)
    const random = seededRandom(7)
    const normal = seededNormal(8)
    const rewards = [1, -1, 0.3, -0.3]
    const weights = [0.5, 1, 2]
    const rows: Row[] = []
    for (let step = 0; step < 1000; step++) {
      if (rows.length > 0 && random() < 0.3) {
        const [removed] = rows.splice(Math.floor(random() * rows.length), 1)
        expect(model.downdate(removed!.x, removed!.reward, removed!.weight)).toBe(true)
      } else {
        const x =
          random() < 0.7
            ? row(candidates, Math.floor(random() * n), k)
            : Float64Array.from({ length: k }, () => normal() / Math.sqrt(k))
        const added: Row = {
          x,
          reward: rewards[Math.floor(random() * rewards.length)]!,
          weight: weights[Math.floor(random() * weights.length)]!,
        }
        rows.push(added)
        model.update(added.x, added.reward, added.weight)
      }
    }
    expect(model.rowCount).toBe(rows.length)

    const naive = naiveModel(rows, k, lambda)
    const naiveMeans = new Float64Array(n)
    const naiveVariances = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const { mean, variance } = naive.score(candidates.subarray(i * k, (i + 1) * k))
      naiveMeans[i] = mean
      naiveVariances[i] = variance
    }
    const meanScale = maxAbs(naiveMeans)
    for (let i = 0; i < n; i++) {
      expect(Math.abs(model.mean(i) - naiveMeans[i]!)).toBeLessThanOrEqual(1e-9 * meanScale)
      expect(Math.abs(model.variance(i) - naiveVariances[i]!)).toBeLessThanOrEqual(
        1e-9 * naiveVariances[i]!,
      )
    }
    const theta = model.theta()
    for (let a = 0; a <= k; a++) {
      expect(Math.abs(theta[a]! - naive.theta[a]!)).toBeLessThanOrEqual(1e-9 * maxAbs(naive.theta))
    }

    const naiveUcb = Array.from(naiveMeans, (mean, i) => mean + Math.sqrt(naiveVariances[i]!))
    const naiveBest = naiveUcb.indexOf(Math.max(...naiveUcb))
    expect(model.topK(1)[0]!.index).toBe(naiveBest)
    const scores = Array.from(model.scoreAll())
    expect(scores.indexOf(Math.max(...scores))).toBe(naiveBest)
  })

  it('stays exact with periodic refreshes, including the refresh that falls on a downdate', () => {
    const n = 60
    const k = 5
    const candidates = randomCandidates(n, k, 3)
    const model = new LinUcb(k, { refreshEvery: 7, windowSize: 20 })
    model.setCandidates(candidates, n)
    const random = seededRandom(11)
    const rows: Row[] = []
    for (let step = 0; step < 200; step++) {
      const x = row(candidates, Math.floor(random() * n), k)
      const added: Row = { x, reward: random() < 0.5 ? 1 : -1, weight: 1 }
      model.update(added.x, added.reward, added.weight)
      rows.push(added)
      if (rows.length > 20) rows.shift()
      if (step % 5 === 4) {
        const [removed] = rows.splice(rows.length - 3, 1)
        expect(model.downdate(removed!.x, removed!.reward, removed!.weight)).toBe(true)
      }
    }
    const naive = naiveModel(rows, k, 1)
    for (let i = 0; i < n; i++) {
      const expected = naive.score(candidates.subarray(i * k, (i + 1) * k))
      expect(model.mean(i)).toBeCloseTo(expected.mean, 12)
      expect(model.variance(i)).toBeCloseTo(expected.variance, 12)
    }
  })

  it('an update followed by its downdate restores the model', () => {
    const candidates = randomCandidates(30, 4, 5)
    const model = new LinUcb(4)
    model.setCandidates(candidates, 30)
    model.update(row(candidates, 1, 4), 1)
    const before = model.scoreAll()
    const inverseBefore = model.inverseMatrix()
    model.update(row(candidates, 2, 4), -1, 2)
    model.downdate(row(candidates, 2, 4), -1, 2)
    const after = model.scoreAll()
    const inverseAfter = model.inverseMatrix()
    for (let i = 0; i < 30; i++) expect(after[i]).toBeCloseTo(before[i]!, 12)
    for (let i = 0; i < inverseAfter.length; i++)
      expect(inverseAfter[i]).toBeCloseTo(inverseBefore[i]!, 12)
  })
})

describe('LinUcb exact refresh in slices, off the reward path', () => {
  const n = 300
  const k = 6
  const sliceRows = 25

  /** Every mean and variance of `model` against the naive model of `rows`, within 1e-9. */
  function expectExact(model: LinUcb, candidates: Float32Array, rows: Row[]): void {
    const naive = naiveModel(rows, k, 1)
    for (let i = 0; i < n; i++) {
      const expected = naive.score(candidates.subarray(i * k, (i + 1) * k))
      expect(Math.abs(model.mean(i) - expected.mean)).toBeLessThanOrEqual(1e-9)
      expect(Math.abs(model.variance(i) - expected.variance)).toBeLessThanOrEqual(1e-9)
      expect(Math.abs(model.ucb(i) - expected.mean - Math.sqrt(expected.variance))).toBeLessThan(
        1e-9,
      )
    }
  }

  /** Rewards (a forgetting window of `window`, or none) with `idle(step)` slices after each. */
  function run(window: number, steps: number, idle: (step: number) => number) {
    const candidates = randomCandidates(n, k, 21)
    const model = new LinUcb(k, {
      windowSize: window,
      refreshEvery: 40,
      refreshSliceRows: sliceRows,
    })
    model.setCandidates(candidates, n)
    const random = seededRandom(5)
    const rows: Row[] = []
    let rowsRefreshedByRewards = 0
    for (let step = 0; step < steps; step++) {
      const before = model.refreshStats()
      if (window === 0 && rows.length > 0 && random() < 0.25) {
        const [removed] = rows.splice(Math.floor(random() * rows.length), 1)
        expect(model.downdate(removed!.x, removed!.reward, removed!.weight)).toBe(true)
      } else {
        const added: Row = {
          x: row(candidates, Math.floor(random() * n), k),
          reward: [1, -1, 0.3, -0.3][Math.floor(random() * 4)]!,
          weight: [0.5, 1, 2][Math.floor(random() * 3)]!,
        }
        model.update(added.x, added.reward, added.weight)
        rows.push(added)
        if (window > 0 && rows.length > window) rows.shift()
      }
      const after = model.refreshStats()
      // A reward does its O(N·k) pass and no refresh work at all, however overdue the refresh.
      expect(after.slices).toBe(before.slices)
      rowsRefreshedByRewards += after.rowsRefreshed - before.rowsRefreshed
      for (let s = idle(step); s > 0 && model.refreshStep(); s--);
    }
    return { model, candidates, rows, rowsRefreshedByRewards }
  }

  it.each([0, 30])(
    'with idle slices between rewards, scores equal a from-scratch computation (window %i)',
    (window) => {
      const { model, candidates, rows, rowsRefreshedByRewards } = run(
        window,
        1500,
        (step) => step % 4,
      )
      const stats = model.refreshStats()
      // Due every 40 changes (20 rewards with a full window): many cycles completed, each in
      // slices of at most `sliceRows` candidates (12 slices of 25 for 300 songs).
      expect(stats.cycles).toBeGreaterThanOrEqual(window > 0 ? 20 : 15)
      expect(stats.slices).toBeGreaterThanOrEqual(stats.cycles * Math.ceil(n / sliceRows))
      expect(stats.maxSliceRows).toBe(sliceRows)
      expect(stats.maxSliceWindowRows).toBeLessThanOrEqual(Math.ceil(sliceRows / 2))
      // No reward recomputed a single cache.
      expect(rowsRefreshedByRewards).toBe(0)
      expectExact(model, candidates, rows)
    },
  )

  it('answers a reward arriving mid-refresh at once, exactly, and finishes the refresh later', () => {
    // 30 rewards fill the window, then two changes each: 42 changes, due (40), not overdue (80).
    const { model, candidates, rows } = run(30, 36, () => 0)
    expect(model.refreshPending).toBe(true)
    for (let s = 0; s < 6; s++) expect(model.refreshStep()).toBe(true) // window ×3, A⁻¹, 2 of rows
    const before = model.refreshStats()
    expect(before.rowsRefreshed).toBeGreaterThan(0)
    expect(before.rowsRefreshed).toBeLessThan(n)
    const x = row(candidates, 7, k)
    model.update(x, 1, 2)
    rows.push({ x, reward: 1, weight: 2 })
    rows.shift()
    expect(model.refreshStats()).toEqual(before) // the reward did no refresh work
    expect(model.refreshPending).toBe(true)
    expectExact(model, candidates, rows)
    let slices = 0
    while (model.refreshStep()) slices++
    expect(slices).toBe(Math.ceil((n - before.rowsRefreshed) / sliceRows) - 1)
    expect(model.refreshPending).toBe(false)
    expect(model.changesSinceExactRefresh).toBe(0)
    expectExact(model, candidates, rows)
  })

  it('stops a slice where a waiting request is noticed, and the rest of the refresh stays exact', () => {
    // Slices of 200 rows: long enough for a slice to look for a waiting request inside it.
    const candidates = randomCandidates(n, k, 23)
    const model = new LinUcb(k, { windowSize: 30, refreshEvery: 40, refreshSliceRows: 200 })
    model.setCandidates(candidates, n)
    const rows: Row[] = []
    for (let step = 0; step < 36; step++) {
      const x = row(candidates, (step * 37) % n, k)
      const reward = step % 3 === 0 ? -1 : 1
      model.update(x, reward, 1)
      rows.push({ x, reward, weight: 1 })
      if (rows.length > 30) rows.shift()
    }
    expect(model.refreshPending).toBe(true)
    const twin = LinUcb.fromJSON(model.toJSON())
    twin.setCandidates(candidates, n)
    // Through the window and A⁻¹, to the 'rows' phase, where slices are long.
    while (model.refreshStats().rowsRefreshed === 0) model.refreshStep()
    const before = model.refreshStats()
    let asked = 0
    const waiting = (): boolean => {
      asked += 1
      return true
    }
    expect(model.refreshStep(waiting)).toBe(true)
    const after = model.refreshStats()
    // It asked once, after its first rows, and stopped there: less than its share of 200.
    expect(asked).toBe(1)
    expect(after.interruptedSlices).toBe(before.interruptedSlices + 1)
    expect(after.rowsRefreshed - before.rowsRefreshed).toBeGreaterThan(0)
    expect(after.rowsRefreshed - before.rowsRefreshed).toBeLessThan(200)
    // Nobody waiting: the slices run their whole share and the refresh ends as the synchronous one.
    while (model.refreshStep(() => false));
    expect(model.refreshStats().interruptedSlices).toBe(after.interruptedSlices)
    expect(model.refreshPending).toBe(false)
    twin.refresh()
    expect(model.scoreAll()).toEqual(twin.scoreAll())
    const naive = naiveModel(rows, k, 1)
    for (let i = 0; i < n; i++) {
      const expected = naive.score(candidates.subarray(i * k, (i + 1) * k))
      expect(Math.abs(model.mean(i) - expected.mean)).toBeLessThanOrEqual(1e-9)
      expect(Math.abs(model.variance(i) - expected.variance)).toBeLessThanOrEqual(1e-9)
    }
  })

  it('without idle time, no refresh work lands on a reward and the drift stays below 1e-9', () => {
    // 3,000 rewards with a full window, 6,000 rank-one changes: the refresh is due after 40 and
    // never gets a slice; the incremental caches alone stay exact.
    const { model, candidates, rows } = run(30, 3000, () => 0)
    expect(model.refreshStats().slices).toBe(0)
    expect(model.refreshPending).toBe(true)
    expect(model.changesSinceExactRefresh).toBeGreaterThan(5900)
    expectExact(model, candidates, rows)
    // The first idle time catches up in bounded slices.
    while (model.refreshStep());
    expect(model.refreshStats().maxSliceRows).toBeLessThanOrEqual(sliceRows)
    expect(model.changesSinceExactRefresh).toBe(0)
    expectExact(model, candidates, rows)
  })

  it('a completed refresh leaves the same A⁻¹ and caches as the synchronous one', () => {
    const { model, candidates } = run(30, 40, () => 0)
    expect(model.refreshPending).toBe(true)
    const twin = LinUcb.fromJSON(model.toJSON())
    twin.setCandidates(candidates, n)
    while (model.refreshStep());
    twin.refresh()
    expect(model.inverseMatrix()).toEqual(twin.inverseMatrix())
    expect(model.scoreAll()).toEqual(twin.scoreAll())
  })

  it('runs the refresh at once while there are no candidates (a replay before the first query)', () => {
    const model = new LinUcb(k, { windowSize: 10, refreshEvery: 8 })
    const candidates = randomCandidates(n, k, 4)
    for (let i = 0; i < 50; i++) model.update(row(candidates, i, k), i % 2 ? 1 : -1)
    expect(model.refreshPending).toBe(false)
    expect(model.refreshStats().slices).toBe(0)
  })
})

describe('LinUcb forgetting window', () => {
  // 101 × 7: the window's pass takes two songs and two dimensions at a time; an odd count of
  // each leaves a last song and a last dimension to the loops' ends.
  it.each([
    [100, 6],
    [101, 7],
  ])(
    'a window of W gives the same A⁻¹ and θ as a model fed only the last W rows (%i × %i)',
    (n, k) => {
      const W = 50
      const candidates = randomCandidates(n, k, 9)
      const windowed = new LinUcb(k, { windowSize: W, refreshEvery: 0 })
      windowed.setCandidates(candidates, n)
      const random = seededRandom(10)
      const rows: Row[] = []
      for (let step = 0; step < 200; step++) {
        const added: Row = {
          x: row(candidates, Math.floor(random() * n), k),
          reward: random() < 0.5 ? 1 : -0.3,
          weight: random() < 0.5 ? 1 : 0.5,
        }
        rows.push(added)
        windowed.update(added.x, added.reward, added.weight)
      }
      expect(windowed.rowCount).toBe(W)

      const fresh = new LinUcb(k, { refreshEvery: 0 })
      fresh.setCandidates(candidates, n)
      for (const { x, reward, weight } of rows.slice(-W)) fresh.update(x, reward, weight)

      const windowedInverse = windowed.inverseMatrix()
      const freshInverse = fresh.inverseMatrix()
      for (let i = 0; i < freshInverse.length; i++) {
        expect(Math.abs(windowedInverse[i]! - freshInverse[i]!)).toBeLessThan(1e-9)
      }
      const windowedTheta = windowed.theta()
      const freshTheta = fresh.theta()
      for (let a = 0; a <= k; a++)
        expect(Math.abs(windowedTheta[a]! - freshTheta[a]!)).toBeLessThan(1e-9)
      for (let i = 0; i < n; i++) {
        expect(Math.abs(windowed.mean(i) - fresh.mean(i))).toBeLessThan(1e-9)
        expect(Math.abs(windowed.variance(i) - fresh.variance(i))).toBeLessThan(1e-9)
      }
    },
  )

  it('removing a row the window has already forgotten does nothing', () => {
    const model = new LinUcb(2, { windowSize: 2 })
    model.update([1, 0], 1)
    model.update([0, 1], 1)
    model.update([1, 1], -1)
    const before = model.theta()
    expect(model.downdate([1, 0], 1)).toBe(false)
    expect(Array.from(model.theta())).toEqual(Array.from(before))
    expect(model.downdate([0, 1], 1)).toBe(true)
    expect(model.rowCount).toBe(1)
  })
})

describe('LinUcb top-k', () => {
  const n = 500
  const k = 8
  const candidates = randomCandidates(n, k, 21)
  const model = new LinUcb(k)
  model.setCandidates(candidates, n)
  for (let i = 0; i < 40; i++) model.update(row(candidates, (i * 37) % n, k), i % 3 === 0 ? -1 : 1)

  function expectedTop(count: number, eligible: (i: number) => boolean): number[] {
    const scores = model.scoreAll()
    return Array.from({ length: n }, (_, i) => i)
      .filter(eligible)
      .sort((p, q) => scores[q]! - scores[p]! || p - q)
      .slice(0, count)
  }

  it('returns the best eligible songs in order, with mean, bonus and ucb', () => {
    const top = model.topK(10)
    expect(top.map((entry) => entry.index)).toEqual(expectedTop(10, () => true))
    for (const entry of top) {
      expect(entry.mean).toBe(model.mean(entry.index))
      expect(entry.bonus).toBeCloseTo(model.bonus(entry.index), 15)
      expect(entry.ucb).toBeCloseTo(entry.mean + entry.bonus, 15)
    }
  })

  it('honours an eligibility mask and an eligibility predicate alike', () => {
    const mask = new Uint8Array(n)
    for (let i = 0; i < n; i++) mask[i] = i % 3 === 0 ? 1 : 0
    const expected = expectedTop(10, (i) => i % 3 === 0)
    expect(model.topK(10, mask).map((entry) => entry.index)).toEqual(expected)
    expect(model.topK(10, (i) => i % 3 === 0).map((entry) => entry.index)).toEqual(expected)
  })

  it('keeps the best means among the eligible songs in the same pass, best first', () => {
    const mask = new Uint8Array(n)
    for (let i = 0; i < n; i++) mask[i] = i % 3 === 0 ? 1 : 0
    const bestMeans = { values: [] as number[] }
    model.topK(10, mask, bestMeans)
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i % 3 === 0)
      .map((i) => model.mean(i))
      .sort((p, q) => q - p)
      .slice(0, 10)
    expect(bestMeans.values).toEqual(expected)
    model.topK(0, mask, bestMeans)
    expect(bestMeans.values).toEqual([])
  })

  it('returns fewer songs when fewer are eligible, and none for a count of 0', () => {
    expect(model.topK(10, (i) => i === 5 || i === 6)).toHaveLength(2)
    expect(model.topK(0)).toEqual([])
  })

  it('breaks ties by the lower index', () => {
    const twins = new LinUcb(2)
    twins.setCandidates(Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]), 4)
    expect(twins.topK(4).map((entry) => entry.index)).toEqual([0, 1, 2, 3])
    expect(twins.topK(2, new Uint8Array(4).fill(1)).map((entry) => entry.index)).toEqual([0, 1])
  })

  it('scores few songs in full: most are turned away without a square root', () => {
    const songs = 20_000
    const wide = new LinUcb(k, { windowSize: 100 })
    const library = randomCandidates(songs, k, 5)
    wide.setCandidates(library, songs)
    for (let i = 0; i < 150; i++) wide.update(row(library, (i * 131) % songs, k), i % 3 ? 1 : -1)
    const mask = new Uint8Array(songs).fill(1)
    for (let i = 0; i < songs; i += 7) mask[i] = 0
    expect(wide.topK(2, mask, { values: [] })).toHaveLength(2)
    const { eligible, scored } = wide.lastPickStats()
    expect(eligible).toBe(songs - Math.ceil(songs / 7))
    expect(scored).toBeLessThan(eligible / 10)
  })

  // A mask takes the inlined path that turns most songs away without a square root; a predicate
  // the general one. They must agree exactly: same songs, order, scores and best means.
  it.each([0, 0.3, 1, 2])('a mask and a predicate pick exactly alike at α = %f', (alpha) => {
    const random = seededRandom(31)
    const mask = new Uint8Array(n)
    for (let i = 0; i < n; i++) mask[i] = random() < 0.8 ? 1 : 0
    model.setAlpha(alpha)
    try {
      for (const count of [1, 2, 10, n]) {
        const viaMask = { values: [] as number[] }
        const viaPredicate = { values: [] as number[] }
        const picked = model.topK(count, mask, viaMask)
        expect(picked).toEqual(model.topK(count, (i) => mask[i] !== 0, viaPredicate))
        expect(viaMask.values).toEqual(viaPredicate.values)
        expect(picked.map((entry) => entry.index)).toEqual(expectedTop(count, (i) => mask[i] !== 0))
      }
    } finally {
      model.setAlpha(1)
    }
  })
})

describe('LinUcb with a growing candidate set', () => {
  it('appended songs score as if the whole matrix had been set after the same rewards', () => {
    const k = 8
    const all = randomCandidates(300, k, 41)
    const grown = new LinUcb(k, { lambda: 1, alpha: 1.5, refreshEvery: 0 })
    grown.setCandidates(all, 250)
    const normal = seededNormal(42)
    const rewards = Array.from({ length: 30 }, (_, t) => ({
      x: row(all, (t * 7) % 250, k),
      reward: normal(),
      weight: t % 3 === 0 ? 2 : 1,
    }))
    for (const r of rewards.slice(0, 20)) grown.update(r.x, r.reward, r.weight)
    grown.appendCandidates(all, 280) // the first 250 rows unchanged, 30 new
    // A new, larger buffer with the same first rows works too (the caches grow with it).
    const copy = new Float32Array(300 * k)
    copy.set(all)
    grown.appendCandidates(copy, 300)
    for (const r of rewards.slice(20)) grown.update(r.x, r.reward, r.weight)

    const naive = naiveModel(rewards, k, 1)
    expect(grown.candidateTotal).toBe(300)
    for (let i = 0; i < 300; i++) {
      const { mean, variance } = naive.score(row(all, i, k))
      expect(Math.abs(grown.mean(i) - mean)).toBeLessThan(1e-10)
      expect(Math.abs(grown.variance(i) - variance)).toBeLessThan(1e-10)
    }
    expect(() => grown.appendCandidates(all, 100)).toThrow(/can only grow/)
  })

  it('remembers the tag of each row in the window, oldest first, and forgets it with the row', () => {
    const model = new LinUcb(2, { windowSize: 3 })
    model.update([1, 0], 1, 1, 10)
    model.update([0, 1], -1, 1, 11)
    model.update([1, 1], 1, 2, 12)
    model.update([1, -1], 1, 1, 13) // 10 is forgotten
    expect(model.windowTags()).toEqual([11, 12, 13])
    model.downdate([1, 1], 1, 2)
    expect(model.windowTags()).toEqual([11, 13])
    const restored = LinUcb.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as LinUcbJson)
    expect(restored.windowTags()).toEqual([11, 13])
    expect(new LinUcb(2).windowTags()).toEqual([])
  })
})

describe('LinUcb serialisation and guards', () => {
  it('a toJSON/fromJSON round trip gives identical scores', () => {
    const n = 80
    const k = 6
    const candidates = randomCandidates(n, k, 31)
    const model = new LinUcb(k, { lambda: 0.5, alpha: 0.7, windowSize: 30, refreshEvery: 50 })
    model.setCandidates(candidates, n)
    for (let i = 0; i < 45; i++)
      model.update(row(candidates, (i * 13) % n, k), i % 2 ? 1 : -0.3, 0.5)

    const restored = LinUcb.fromJSON(
      JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<LinUcb['toJSON']>,
    )
    restored.setCandidates(candidates, n)
    expect(restored.toJSON()).toEqual(model.toJSON())
    const original = model.scoreAll()
    const copy = restored.scoreAll()
    for (let i = 0; i < n; i++) {
      expect(copy[i]).toBeCloseTo(original[i]!, 12)
      expect(restored.predict(row(candidates, i, k))).toEqual(model.predict(row(candidates, i, k)))
    }
    // Both keep learning the same way, forgetting included.
    model.update(row(candidates, 3, k), 1)
    restored.update(row(candidates, 3, k), 1)
    expect(restored.predict(row(candidates, 9, k))).toEqual(model.predict(row(candidates, 9, k)))
    expect(restored.topK(5).map((e) => e.index)).toEqual(model.topK(5).map((e) => e.index))
  })

  it('refuses a downdate that would leave A without a valid inverse', () => {
    const model = new LinUcb(1)
    // 1 − w·x̃ᵀA⁻¹x̃ = 1 − (1 + 1) < 0: this row was never added.
    expect(() => model.downdate([1], 1)).toThrow(/valid inverse/)
    expect(model.rowCount).toBe(0)
    expect(Array.from(model.inverseMatrix())).toEqual([1, 0, 0, 1])
  })

  it('rejects vectors of the wrong length, non-finite values and bad weights in plain words', () => {
    const model = new LinUcb(3)
    expect(() => model.update([1, 2], 1)).toThrow(/3 values/)
    expect(() => model.update([1, Number.NaN, 2], 1)).toThrow(/not a finite number/)
    expect(() => model.update([1, 2, 3], Number.POSITIVE_INFINITY)).toThrow(/reward/)
    expect(() => model.update([1, 2, 3], 1, 0)).toThrow(/weight/)
    expect(() => model.setCandidates(new Float32Array(5), 2)).toThrow(/fewer than 2 songs/)
    expect(() => model.mean(0)).toThrow(/No candidate 0/)
    expect(() => new LinUcb(3, { lambda: 0 })).toThrow(/ridge/)
    expect(() => model.setAlpha(-1)).toThrow(/exploration/)
  })
})
