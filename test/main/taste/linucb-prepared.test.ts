// Prepared songs (linucb.ts): a reward on a song whose products with every candidate were
// computed in idle time updates the caches in O(N), and gives the caches the full pass gives.
import { describe, expect, it } from 'vitest'
import { LinUcb } from '../../../src/main/taste'
import { MAX_PREPARED, type LinUcbOptions } from '../../../src/main/taste/linucb'
import { seededNormal, seededRandom } from './random'

function randomCandidates(n: number, k: number, seed: number): Float32Array {
  const normal = seededNormal(seed)
  return Float32Array.from({ length: n * k }, () => normal() / Math.sqrt(k))
}

function row(candidates: Float32Array, i: number, k: number): Float64Array {
  return Float64Array.from(candidates.subarray(i * k, (i + 1) * k))
}

/** Two models with the same candidates and the same history: one to prepare, one to compare. */
function twins(n: number, k: number, options: LinUcbOptions = {}, history = 30) {
  const candidates = randomCandidates(n, k, 5)
  const make = (): LinUcb => {
    const model = new LinUcb(k, { refreshEvery: 0, ...options })
    model.setCandidates(candidates, n)
    const random = seededRandom(6)
    for (let step = 0; step < history; step++) {
      model.update(row(candidates, Math.floor(random() * n), k), random() < 0.5 ? 1 : -0.5)
    }
    return model
  }
  return { candidates, prepared: make(), plain: make() }
}

/** Idle time until nothing is left to prepare; returns the slices it took. */
function prepareAll(model: LinUcb): number {
  let slices = 0
  while (model.prepareStep()) slices++
  return slices + 1
}

function expectSameCaches(a: LinUcb, b: LinUcb, n: number, tolerance: number): void {
  for (let i = 0; i < n; i++) {
    if (tolerance === 0) {
      expect(a.mean(i)).toBe(b.mean(i))
      expect(a.variance(i)).toBe(b.variance(i))
    } else {
      expect(Math.abs(a.mean(i) - b.mean(i))).toBeLessThan(tolerance)
      expect(Math.abs(a.variance(i) - b.variance(i))).toBeLessThan(tolerance)
    }
  }
}

describe('LinUcb prepared songs', () => {
  // 101 × 7 and 100 × 8: passOne's unrolled loop with and without a remainder.
  it.each([
    [101, 7],
    [100, 8],
  ])('a reward on a prepared song gives exactly the pass’s caches (%i × %i)', (n, k) => {
    const { candidates, prepared, plain } = twins(n, k)
    const song = row(candidates, 17, k)
    prepared.setPrepared([song])
    expect(prepared.preparePending).toBe(true)
    prepareAll(prepared)
    expect(prepared.preparedStats()).toMatchObject({ ready: 1, wanted: 1 })

    prepared.update(song, 1)
    plain.update(song, 1)
    expectSameCaches(prepared, plain, n, 0)
    expect(Array.from(prepared.inverseMatrix())).toEqual(Array.from(plain.inverseMatrix()))
    expect(prepared.preparedStats().fastChanges).toBe(1)
    expect(plain.preparedStats().fastChanges).toBe(0)
  })

  it('never reads the candidates for a prepared reward: O(N), not O(N·k)', () => {
    const n = 64
    const k = 6
    const { candidates, prepared, plain } = twins(n, k)
    const song = row(candidates, 3, k)
    prepared.setPrepared([song])
    prepareAll(prepared)
    // The model keeps a reference to the matrix: poisoned now, any read would spread NaN.
    const saved = candidates.slice()
    candidates.fill(Number.NaN)
    prepared.update(song, -1)
    candidates.set(saved)
    plain.update(song, -1)
    for (let i = 0; i < n; i++) expect(Number.isFinite(prepared.mean(i))).toBe(true)
    expectSameCaches(prepared, plain, n, 0)
  })

  it('rewards on several prepared songs in a row, with no idle time between, stay on the pass’s caches', () => {
    const n = 120
    const k = 9
    const { candidates, prepared, plain } = twins(n, k)
    const songs = [5, 40, 77, 5].map((i) => row(candidates, i, k))
    prepared.setPrepared(songs)
    expect(prepared.preparedStats().wanted).toBe(3) // the same song twice is prepared once
    prepareAll(prepared)
    for (const [step, song] of songs.entries()) {
      const reward = step % 2 === 0 ? 1 : -0.5
      prepared.update(song, reward, 0.8)
      plain.update(song, reward, 0.8)
    }
    expect(prepared.preparedStats()).toMatchObject({ fastChanges: 4, passChanges: 30, ready: 3 })
    expectSameCaches(prepared, plain, n, 1e-12)
    // A downdate of a prepared song (a mark taken back) is a prepared change too.
    prepared.downdate(songs[1]!, -0.5, 0.8)
    plain.downdate(songs[1]!, -0.5, 0.8)
    expect(prepared.preparedStats().fastChanges).toBe(5)
    expectSameCaches(prepared, plain, n, 1e-12)
  })

  it('with a full forgetting window, prepares the oldest row too and learns both changes in O(N)', () => {
    const n = 90
    const k = 7
    const W = 20
    const { candidates, prepared, plain } = twins(n, k, { windowSize: W }, 25)
    const song = row(candidates, 11, k)
    prepared.setPrepared([song])
    expect(prepared.preparedStats()).toMatchObject({ wanted: 2, ready: 0 })
    prepareAll(prepared)
    expect(prepared.preparedStats()).toMatchObject({ wanted: 2, ready: 2 })
    prepared.update(song, 1)
    plain.update(song, 1)
    expect(prepared.preparedStats().fastChanges).toBe(2) // the new row and the forgotten one
    expectSameCaches(prepared, plain, n, 1e-12)
    // The next oldest row is wanted now; until it is prepared, a reward takes the pass.
    expect(prepared.preparedStats()).toMatchObject({ wanted: 2, ready: 1 })
    expect(prepared.preparePending).toBe(true)
    prepared.update(song, 1)
    plain.update(song, 1)
    // (25 rows into a window of 20: 20 + 2 × 5 changes before, with a pass each.)
    expect(prepared.preparedStats()).toMatchObject({ fastChanges: 2, passChanges: 30 + 2 })
    prepareAll(prepared)
    prepared.update(song, -1)
    plain.update(song, -1)
    expect(prepared.preparedStats().fastChanges).toBe(4)
    expectSameCaches(prepared, plain, n, 1e-12)
  })

  it('with a full window and only the oldest row prepared, a reward on any song needs one dot per row', () => {
    const n = 91
    const k = 9
    const W = 15
    const { candidates, prepared, plain } = twins(n, k, { windowSize: W }, 25)
    const before = prepared.preparedStats()
    expect(before).toMatchObject({ wanted: 1, ready: 0 }) // nobody asked: the oldest row alone
    for (const [step, i] of [3, 60, 3, 88].entries()) {
      prepareAll(prepared)
      const reward = step % 2 === 0 ? 1 : -0.5
      prepared.update(row(candidates, i, k), reward, 0.7)
      plain.update(row(candidates, i, k), reward, 0.7)
    }
    const after = prepared.preparedStats()
    expect(after.passChanges - before.passChanges).toBe(4)
    expect(after.fastChanges - before.fastChanges).toBe(4)
    expectSameCaches(prepared, plain, n, 1e-12)
    expect(prepared.rowCount).toBe(W)
  })

  it('a reward on another song leaves the products stale, and idle time prepares them again', () => {
    const n = 80
    const k = 5
    const { candidates, prepared, plain } = twins(n, k)
    const song = row(candidates, 2, k)
    prepared.setPrepared([song])
    prepareAll(prepared)
    const other = row(candidates, 50, k)
    prepared.update(other, 1)
    plain.update(other, 1)
    expect(prepared.preparedStats()).toMatchObject({ ready: 0, passChanges: 1 + 30 })
    expect(prepared.preparePending).toBe(true)
    prepareAll(prepared)
    prepared.update(song, -1)
    plain.update(song, -1)
    expect(prepared.preparedStats().fastChanges).toBe(1)
    expectSameCaches(prepared, plain, n, 0)
  })

  it('waits for a due refresh, whose new A⁻¹ would leave its products stale', () => {
    const n = 70
    const k = 6
    const { candidates, prepared } = twins(n, k, { refreshEvery: 10, refreshSliceRows: 16 })
    prepared.setPrepared([row(candidates, 9, k)])
    expect(prepared.refreshPending).toBe(true) // 30 changes since the start
    expect(prepared.prepareStep()).toBe(false)
    expect(prepared.preparedStats().ready).toBe(0)
    while (prepared.refreshStep()) {
      /* idle time: the refresh first */
    }
    expect(prepared.preparePending).toBe(true)
    prepareAll(prepared)
    expect(prepared.preparedStats().ready).toBe(1)
  })

  it('stops a slice where a waiting request is noticed and resumes it, with the same products', () => {
    const n = 5000
    const k = 4
    const { candidates, prepared, plain } = twins(n, k)
    const song = row(candidates, 4321, k)
    prepared.setPrepared([song])
    let asked = 0
    // A request arrives at the first check: the slice stops after one check's worth of rows.
    expect(prepared.prepareStep(() => ++asked === 1)).toBe(true)
    expect(asked).toBe(1)
    expect(prepared.preparedStats().ready).toBe(0)
    const slices = prepareAll(prepared)
    expect(slices).toBeGreaterThan(1)
    prepared.update(song, 1)
    plain.update(song, 1)
    expect(prepared.preparedStats().fastChanges).toBe(1)
    expectSameCaches(prepared, plain, n, 0)
  })

  it('new candidates make the products stale; prepared again, they cover the new songs', () => {
    const k = 6
    const all = randomCandidates(130, k, 8)
    const make = (): LinUcb => {
      const model = new LinUcb(k, { refreshEvery: 0 })
      model.setCandidates(all.subarray(0, 100 * k), 100)
      model.update(row(all, 3, k), 1)
      return model
    }
    const prepared = make()
    const plain = make()
    const song = row(all, 7, k)
    prepared.setPrepared([song])
    prepareAll(prepared)
    prepared.appendCandidates(all, 130)
    plain.appendCandidates(all, 130)
    expect(prepared.preparedStats().ready).toBe(0)
    prepareAll(prepared)
    prepared.update(song, 1)
    plain.update(song, 1)
    expect(prepared.preparedStats().fastChanges).toBe(1)
    expectSameCaches(prepared, plain, 130, 0)
  })

  it(`keeps at most ${MAX_PREPARED} songs, and the products of a song still listed`, () => {
    const n = 50
    const k = 4
    const { candidates, prepared } = twins(n, k)
    const songs = [1, 2, 3, 4, 5, 6].map((i) => row(candidates, i, k))
    prepared.setPrepared(songs)
    expect(prepared.preparedStats().wanted).toBe(MAX_PREPARED)
    prepareAll(prepared)
    prepared.setPrepared([songs[2]!, songs[5]!])
    expect(prepared.preparedStats()).toMatchObject({ wanted: 2, ready: 1 })
    prepared.setPrepared([])
    expect(prepared.preparedStats()).toMatchObject({ wanted: 0, ready: 0 })
    expect(prepared.preparePending).toBe(false)
    expect(() => prepared.setPrepared([new Float64Array(3)])).toThrow(/Expected a vector of 4/)
  })
})
