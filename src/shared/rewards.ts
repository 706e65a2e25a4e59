// How listening becomes reward (DESIGN.md, "Rewards"). Signed around a neutral 0: a measurement on
// real music showed 0/1 rewards never move the model away from what was disliked.
import type { EndReason, Mark } from './domain'

export interface RewardRow {
  reward: number
  weight: number
}

export interface RewardSettings {
  /** Explicit marks. */
  marks: Record<Mark, RewardRow>
  /** Imported labels use the marks' rewards at this weight. */
  importWeight: number
  /** Played past `minFraction`, or to the natural end. */
  played: RewardRow & { minFraction: number }
  /** Skipped (manual next / picked another) between `earlySkip.maxFraction` and `played.minFraction`. */
  lateSkip: RewardRow
  /** Skipped before `maxFraction` with more than `minSecondsLeft` left. */
  earlySkip: RewardRow & { maxFraction: number; minSecondsLeft: number }
  /** Only the last N listens of a track count, so one song played 50 times does not dominate. */
  listenRowsPerTrack: number
}

export const DEFAULT_REWARDS: RewardSettings = {
  marks: {
    love: { reward: 1, weight: 2 },
    like: { reward: 1, weight: 1 },
    near_miss: { reward: 0.3, weight: 1 },
    not_for_me: { reward: -1, weight: 2 },
  },
  importWeight: 1,
  played: { reward: 0.3, weight: 0.5, minFraction: 0.8 },
  lateSkip: { reward: -0.3, weight: 0.5 },
  earlySkip: { reward: -1, weight: 0.5, maxFraction: 0.3, minSecondsLeft: 5 },
  listenRowsPerTrack: 3,
}

/** The model row of a track's current label: a listener's own mark, or an imported label. */
export function labelRow(
  mark: Mark,
  origin: 'mark' | 'import',
  settings = DEFAULT_REWARDS,
): RewardRow {
  const row = settings.marks[mark]
  return origin === 'import' ? { reward: row.reward, weight: settings.importWeight } : { ...row }
}

/** Whether a label keeps the song out of the auto-queue: only the listener's own "not for me". */
export function excludesFromAutoQueue(mark: Mark, origin: 'mark' | 'import'): boolean {
  return mark === 'not_for_me' && origin === 'mark'
}

/** What one finished play says about taste: played through, skipped early or late. */
export type ListenKind = 'played' | 'earlySkip' | 'lateSkip'

/**
 * What one finished play says, or null when it says nothing about taste. Skips count only for a
 * manual next or picking another track; previous, errors and quitting are never skips.
 */
export function listenKind(
  end: { reason: EndReason; position: number; duration: number | null },
  settings = DEFAULT_REWARDS,
): ListenKind | null {
  if (end.reason === 'ended') return 'played'
  if (end.reason !== 'next' && end.reason !== 'picked') return null
  const duration = end.duration
  if (duration === null || !(duration > 0) || !Number.isFinite(end.position)) return null
  const fraction = Math.min(1, Math.max(0, end.position / duration))
  const secondsLeft = duration - end.position
  if (fraction >= settings.played.minFraction || secondsLeft <= settings.earlySkip.minSecondsLeft) {
    return 'played'
  }
  return fraction < settings.earlySkip.maxFraction ? 'earlySkip' : 'lateSkip'
}

/** The implicit row of one finished play (see `listenKind`), or null when it says nothing. */
export function listenRow(
  end: { reason: EndReason; position: number; duration: number | null },
  settings = DEFAULT_REWARDS,
): RewardRow | null {
  const kind = listenKind(end, settings)
  return kind === null ? null : rowOf(settings[kind])
}

function rowOf(row: RewardRow): RewardRow {
  return { reward: row.reward, weight: row.weight }
}
