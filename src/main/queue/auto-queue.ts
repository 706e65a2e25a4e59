// The auto-queue's pick policy, pure: given the taste model's best candidates (by UCB), draw one
// by a softmax over their UCB scores at temperature T among the top N, keeping the same artist from
// coming back within the last few auto-picks. Every pick carries its probability and the
// short-list it was drawn from, so the log can evaluate other policies offline (inverse
// propensity scoring needs exactly these probabilities).

export { seededRandom } from '../../shared/random'

export interface AutoQueueCandidate {
  trackId: number
  mean: number
  bonus: number
  ucb: number
  /** The song's artist (for spacing); null when the tags do not say. */
  artist: string | null
  reasons?: string[]
}

export interface ShortListed {
  trackId: number
  ucb: number
  mean: number
  bonus: number
  probability: number
}

export interface AutoQueuePolicy {
  /** Softmax temperature over UCB scores; 0 = always the best (argmax). */
  temperature: number
  /** How many of the best candidates the draw is among. */
  topN: number
  /** No artist twice within this many auto-picks. */
  artistSpacing: number
}

export interface AutoQueueChoice<C extends AutoQueueCandidate = AutoQueueCandidate> {
  pick: C
  /** The probability the policy gave this pick. */
  probability: number
  /** The short-list the pick was drawn from, best first, probabilities summing to 1. */
  candidates: ShortListed[]
  /** The spacing actually applied (lower than asked when every candidate was blocked). */
  spacingApplied: number
}

/**
 * Softmax of `scores / temperature` (shifted by the maximum, so large scores cannot overflow).
 * Temperature 0 gives the first best score probability 1.
 */
export function softmax(scores: readonly number[], temperature: number): number[] {
  if (scores.length === 0) return []
  const best = Math.max(...scores)
  if (!(temperature > 0)) {
    const winner = scores.indexOf(best)
    return scores.map((_, i) => (i === winner ? 1 : 0))
  }
  const weights = scores.map((s) => Math.exp((s - best) / temperature))
  const total = weights.reduce((a, b) => a + b, 0)
  return weights.map((w) => w / total)
}

const artistKey = (artist: string | null): string | null => {
  const key = artist?.trim().toLowerCase()
  return key ? key : null
}

/**
 * Draws the next auto-pick. `recentArtists` are the artists of the latest auto-picks, newest last.
 * Returns null only when there is no candidate at all: when spacing blocks every candidate it is
 * relaxed step by step rather than leaving the queue empty.
 */
export function chooseAutoPick<C extends AutoQueueCandidate>(
  candidates: readonly C[],
  policy: AutoQueuePolicy,
  recentArtists: readonly (string | null)[],
  random: () => number,
): AutoQueueChoice<C> | null {
  if (candidates.length === 0) return null
  let spacing = Math.max(0, Math.floor(policy.artistSpacing))
  let allowed: C[] = []
  for (; spacing >= 0; spacing--) {
    const blocked = new Set(
      (spacing === 0 ? [] : recentArtists.slice(-spacing)).map(artistKey).filter((a) => a !== null),
    )
    allowed = candidates.filter((c) => {
      const key = artistKey(c.artist)
      return key === null || !blocked.has(key)
    })
    if (allowed.length > 0) break
  }
  const shortList = [...allowed]
    .sort((a, b) => b.ucb - a.ucb || a.trackId - b.trackId)
    .slice(0, Math.max(1, Math.floor(policy.topN)))
  const probabilities = softmax(
    shortList.map((c) => c.ucb),
    policy.temperature,
  )
  const draw = random()
  let chosen = shortList.length - 1
  let cumulative = 0
  for (let i = 0; i < shortList.length; i++) {
    cumulative += probabilities[i] as number
    if (draw < cumulative) {
      chosen = i
      break
    }
  }
  // Rounding can leave the cumulative sum just under 1; never land on a zero-probability entry.
  while (chosen > 0 && (probabilities[chosen] as number) === 0) chosen--
  return {
    pick: shortList[chosen] as C,
    probability: probabilities[chosen] as number,
    candidates: shortList.map((c, i) => ({
      trackId: c.trackId,
      ucb: c.ucb,
      mean: c.mean,
      bonus: c.bonus,
      probability: probabilities[i] as number,
    })),
    spacingApplied: Math.max(0, spacing),
  }
}
