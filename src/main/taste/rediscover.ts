// Rediscover: songs the listener turned down a while ago (a "not for me" or "near miss" mark, an
// imported negative label, or a latest play that was an early skip) that the taste model now
// scores above zero. The rules of which songs count and why live here; the engine only wires it.

import type { Rediscovery } from '../../shared/contract'
import type { Track } from '../../shared/domain'
import { listenRow, type RewardSettings } from '../../shared/rewards'
import type { EventLog, ListenOutcome } from '../db/events'
import type { TasteService } from './service'

const DAY_MS = 86_400_000

/** How many turned-down songs Rediscover scores at most (the most recent ones). */
export const REDISCOVER_CANDIDATES = 500

/** A song turned down: when, and what happened, in words. */
export interface TurnedDown {
  ts: number
  cause: string
}

/**
 * Songs turned down at least `minAgeDays` before `now`, by track id: a latest play that was an
 * early skip, or a current negative label (a label wins over a skip of the same song). Songs a
 * "never play" rule covers (`excluded`) are never offered again.
 */
export function turnedDownSongs(
  events: Pick<EventLog, 'listenOutcomes' | 'currentLabels'>,
  options: {
    rewards: RewardSettings
    excluded: ReadonlySet<number>
    minAgeDays: number
    now: number
  },
): Map<number, TurnedDown> {
  const { rewards, now } = options
  const cutoff = now - options.minAgeDays * DAY_MS
  const causes = new Map<number, TurnedDown>()
  const latestOutcome = new Map<number, ListenOutcome>()
  for (const outcome of events.listenOutcomes()) latestOutcome.set(outcome.trackId, outcome)
  for (const outcome of latestOutcome.values()) {
    if (outcome.endedAt > cutoff) continue
    const row = listenRow(outcome, rewards)
    if (row?.reward !== rewards.earlySkip.reward || outcome.fractionHeard === null) continue
    if (outcome.fractionHeard >= rewards.earlySkip.maxFraction) continue
    causes.set(outcome.trackId, {
      ts: outcome.endedAt,
      cause: `You skipped it early ${daysAgo(now, outcome.endedAt)}`,
    })
  }
  for (const label of events.currentLabels().values()) {
    if (label.mark !== 'not_for_me' && label.mark !== 'near_miss') continue
    if (label.ts > cutoff) continue
    const what = label.mark === 'not_for_me' ? 'not for me' : 'a near miss'
    causes.set(label.trackId, {
      ts: label.ts,
      cause:
        label.origin === 'mark'
          ? `You marked it ${what} ${daysAgo(now, label.ts)}`
          : `An imported list called it ${what} (${daysAgo(now, label.ts)})`,
    })
  }
  for (const trackId of options.excluded) causes.delete(trackId)
  return causes
}

/**
 * The turned-down songs (the most recent REDISCOVER_CANDIDATES) the model now scores above zero,
 * best mean first, at most `n`. The model is started only when there is a song to score.
 */
export async function rediscover(
  turnedDown: ReadonlyMap<number, TurnedDown>,
  n: number,
  options: {
    taste: () => Promise<Pick<TasteService, 'explain'>>
    getTrack: (trackId: number) => Track | null
  },
): Promise<Rediscovery[]> {
  if (turnedDown.size === 0) return []
  const taste = await options.taste()
  const recent = [...turnedDown].sort((a, b) => b[1].ts - a[1].ts).slice(0, REDISCOVER_CANDIDATES)
  const found: Rediscovery[] = []
  for (const [trackId, { cause }] of recent) {
    const e = await taste.explain(trackId)
    if (!e || e.coldStart || !(e.mean > 0)) continue
    found.push({
      track: options.getTrack(trackId),
      mean: e.mean,
      bonus: e.bonus,
      ucb: e.ucb,
      // Rediscover ranks by mean: never a wild card.
      meanAtRank: e.mean,
      why: e.why,
      reasons: [e.why.line],
      cause,
    })
  }
  return found.sort((a, b) => b.mean - a.mean).slice(0, n)
}

/** How long ago `ts` was, in the words Rediscover's causes use. */
export function daysAgo(now: number, ts: number): string {
  const days = Math.floor((now - ts) / DAY_MS)
  return days <= 0 ? 'today' : days === 1 ? 'a day ago' : `${days} days ago`
}
