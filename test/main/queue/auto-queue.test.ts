import { describe, expect, it } from 'vitest'
import { chooseAutoPick, softmax, type AutoQueueCandidate } from '../../../src/shared/auto-queue'
import { seededRandom } from '../../../src/shared/random'

function candidate(trackId: number, ucb: number, artist: string | null = `Artist ${trackId}`) {
  return { trackId, ucb, mean: ucb - 0.1, bonus: 0.1, artist } satisfies AutoQueueCandidate
}

const CANDIDATES = [
  candidate(1, 0.9, 'A'),
  candidate(2, 0.8, 'A'),
  candidate(3, 0.7, 'B'),
  candidate(4, 0.5, 'C'),
  candidate(5, 0.2, 'D'),
]

describe('auto-queue policy', () => {
  it('gives short-list probabilities that sum to 1, best first', () => {
    const choice = chooseAutoPick(
      CANDIDATES,
      { temperature: 0.3, topN: 4, artistSpacing: 0 },
      [],
      seededRandom(1),
    )
    expect(choice).not.toBeNull()
    const probabilities = choice!.candidates.map((c) => c.probability)
    expect(probabilities).toHaveLength(4)
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(choice!.candidates.map((c) => c.trackId)).toEqual([1, 2, 3, 4])
    for (let i = 1; i < probabilities.length; i++)
      expect(probabilities[i]).toBeLessThanOrEqual(probabilities[i - 1]!)
    const picked = choice!.candidates.find((c) => c.trackId === choice!.pick.trackId)
    expect(choice!.probability).toBe(picked!.probability)
  })

  it('at temperature 0 always picks the best UCB with probability 1', () => {
    const random = seededRandom(7)
    for (let i = 0; i < 50; i++) {
      const choice = chooseAutoPick(
        [...CANDIDATES].reverse(),
        { temperature: 0, topN: 5, artistSpacing: 0 },
        [],
        random,
      )
      expect(choice!.pick.trackId).toBe(1)
      expect(choice!.probability).toBe(1)
    }
  })

  it('does not pick an artist again within the spacing window', () => {
    const choice = chooseAutoPick(
      CANDIDATES,
      { temperature: 0, topN: 5, artistSpacing: 2 },
      ['C', 'a'],
      seededRandom(1),
    )
    expect(choice!.pick.trackId).toBe(3)
    expect(choice!.candidates.map((c) => c.trackId)).toEqual([3, 5])
    expect(choice!.spacingApplied).toBe(2)
  })

  it('only looks back as far as the spacing', () => {
    const choice = chooseAutoPick(
      CANDIDATES,
      { temperature: 0, topN: 5, artistSpacing: 1 },
      ['A', 'D'],
      seededRandom(1),
    )
    expect(choice!.pick.trackId).toBe(1)
  })

  it('relaxes the spacing rather than return nothing when every artist is blocked', () => {
    const sameArtist = [candidate(1, 0.9, 'A'), candidate(2, 0.5, 'A')]
    const choice = chooseAutoPick(
      sameArtist,
      { temperature: 0, topN: 5, artistSpacing: 3 },
      ['A'],
      seededRandom(1),
    )
    expect(choice!.pick.trackId).toBe(1)
    expect(choice!.spacingApplied).toBe(0)
  })

  it('returns null only when there are no candidates', () => {
    expect(
      chooseAutoPick([], { temperature: 1, topN: 5, artistSpacing: 2 }, [], seededRandom(1)),
    ).toBeNull()
  })

  it('draws the same picks from the same seed', () => {
    const draws = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from(
        { length: 30 },
        () =>
          chooseAutoPick(CANDIDATES, { temperature: 0.5, topN: 5, artistSpacing: 0 }, [], random)!
            .pick.trackId,
      )
    }
    expect(draws(42)).toEqual(draws(42))
    expect(draws(42)).not.toEqual(draws(43))
  })

  it('draws a high-temperature pick as often as its softmax probability says', () => {
    const policy = { temperature: 0.5, topN: 5, artistSpacing: 0 }
    const expected = softmax(
      CANDIDATES.map((c) => c.ucb),
      policy.temperature,
    )
    const random = seededRandom(2024)
    const counts = new Map<number, number>()
    const draws = 20_000
    for (let i = 0; i < draws; i++) {
      const id = chooseAutoPick(CANDIDATES, policy, [], random)!.pick.trackId
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    CANDIDATES.forEach((c, i) => {
      const p = expected[i]!
      // Four binomial standard deviations.
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / draws)
      expect(Math.abs((counts.get(c.trackId) ?? 0) / draws - p)).toBeLessThan(tolerance)
    })
  })

  it('keeps the softmax finite for large scores', () => {
    const p = softmax([1000, 999, 998], 0.01)
    expect(p.every(Number.isFinite)).toBe(true)
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })
})
