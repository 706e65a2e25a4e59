// The auto-queue's pick policy, pure: given the taste model's best candidates (by UCB), draw one
// by a softmax over their UCB scores at temperature T among the top N, keeping the same artist from
// coming back within the last few auto-picks. Every pick carries its probability and the
// short-list it was drawn from, so the log can evaluate other policies offline (inverse
// propensity scoring needs exactly these probabilities). Also the re-rank of the waiting picks
// (planReplacements). Shared because two threads draw: the taste worker draws the next pick and a
// re-rank's replacements in the same round trip as its ranking (TasteCore.pick, TasteCore.rerank;
// docs/live-queue.md), and the engine draws again on its side in the rare case where a re-rank
// queued the song drawn while the answer was on its way.

import type { ScoredSong } from './taste'

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

export interface PlannedReplacement<C extends AutoQueueCandidate> {
  /** Index into the waiting picks given. */
  index: number
  choice: AutoQueueChoice<C>
}

/** A score this much lower than before is a drop (not the rounding of a re-computation). */
const SCORE_DROP = 1e-9

/**
 * Keeps a waiting pick while the policy could still have drawn it where it stands: among the
 * `topN` best eligible songs by UCB once the picks kept before it and the picks waiting after it
 * are set aside (as autoQueueNext drew it, each pick excluding the songs queued), and not fallen
 * below the best song that could replace it since it was drawn (its `ucb` then, when known): a
 * mark that makes the model prefer another song replaces it. Every other waiting pick (fallen behind, below the best
 * replacement, or no longer eligible, e.g. marked "not for me") is replaced by a fresh draw from
 * the same short-list, in queue order, never a song waiting further on. `candidates` are the
 * model's best eligible songs, with the waiting picks among them and the queue's other songs not.
 */
export function planReplacements<C extends AutoQueueCandidate>(
  waiting: readonly { trackId: number; ucb?: number | null }[],
  candidates: readonly C[],
  policy: AutoQueuePolicy,
  recentArtists: readonly (string | null)[],
  random: () => number,
): PlannedReplacement<C>[] {
  const topN = Math.max(1, Math.floor(policy.topN))
  let pool = [...candidates].sort((a, b) => b.ucb - a.ucb || a.trackId - b.trackId)
  let artists = [...recentArtists]
  const planned: PlannedReplacement<C>[] = []
  waiting.forEach((pick, index) => {
    // The picks waiting after it are set aside too: a later pick the model now prefers cannot
    // take this place (it is queued already), so it must not push this one out for a song the
    // model likes less (which it did: the pushed-out song then came back as a new pick further on).
    const later = new Set(waiting.slice(index + 1).map((w) => w.trackId))
    const open = pool.filter((c) => !later.has(c.trackId))
    const standing = open.findIndex((c) => c.trackId === pick.trackId)
    const others = open.filter((c) => c.trackId !== pick.trackId)
    const now = standing >= 0 ? (open[standing] as C).ucb : null
    const best = others[0]?.ucb
    const fellBelow =
      now !== null &&
      typeof pick.ucb === 'number' &&
      now < pick.ucb - SCORE_DROP &&
      best !== undefined &&
      now < best
    if (standing >= 0 && standing < topN && !fellBelow) {
      pool = pool.filter((c) => c.trackId !== pick.trackId)
      return
    }
    const choice = chooseAutoPick(others, policy, artists, random)
    if (!choice) return
    planned.push({ index, choice })
    pool = pool.filter((c) => c.trackId !== choice.pick.trackId)
    artists = [...artists, choice.pick.artist]
  })
  return planned
}

/** What a draw and its log need of a ranked song besides its scores. */
export interface CandidateExtras {
  /** The song's artist (else its album artist), for spacing; null when the tags do not say. */
  artist: string | null
  /** The i-th best mean among the eligible songs, by i (a wild card is below it at place i). */
  bestMeans: readonly number[]
  /** The i-th best taste score (no seed term) among them, by i (see radioContext). */
  bestTaste: readonly number[]
}

/** The model's ranked songs as the draw's candidates: each with its artist and the list's bests. */
export function asCandidates<R extends ScoredSong>(
  ranked: readonly R[],
  artistOf: (trackId: number) => string | null,
): (R & CandidateExtras)[] {
  const bestMeans = ranked.map((r) => r.meanAtRank)
  const bestTaste = ranked.map((r) => r.tasteAtRank ?? r.mean + r.bonus)
  return ranked.map((r) => ({ ...r, artist: artistOf(r.trackId), bestMeans, bestTaste }))
}
