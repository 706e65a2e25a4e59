// Re-ranking the auto-picks still waiting in the queue after the taste model learned something:
// which picks the model no longer stands behind, and what to draw in their place. Pure; the
// engine does the reading, logging and saving (see Engine.rerankWaitingPicks).
import {
  chooseAutoPick,
  type AutoQueueCandidate,
  type AutoQueueChoice,
  type AutoQueuePolicy,
} from './auto-queue'

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

/**
 * Runs a task once per burst of requests: a request while it runs makes it run once more
 * afterwards (not once per request), and requests in the same tick start one run.
 */
export class Coalescer {
  private running: Promise<void> | null = null
  private again = false

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.loop()
  }

  /** Resolves once no run is going or asked for. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private async loop(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    do {
      this.again = false
      try {
        await this.task()
      } catch (error) {
        this.onError(error)
      }
    } while (this.again)
    this.running = null
  }
}
