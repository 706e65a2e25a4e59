// "Picks you kept": what the listener did with each of the auto-queue's picks, from the event log,
// counted per day or week for the Insights view. A pick's outcome is the first thing that said
// something about it, logged after the pick and before the song was auto-picked again:
//   - a mark of the song: love, like or "almost" → kept; "not for me" → turned down;
//   - a finished play of it (listenKind, the same rule the rewards use): played through → kept;
//     skipped early or late with Next or by picking another song → skipped.
// Plays that end with Previous, an error or quitting say nothing, and a pick nothing was said
// about (still waiting, or replaced before it played) is undecided.
import type { EndReason, MarkOrNone } from '../../shared/domain'
import type { PicksKept, PicksKeptBucket } from '../../shared/insights'
import { DEFAULT_REWARDS, listenKind, type RewardSettings } from '../../shared/rewards'

export type PickOutcome = 'kept' | 'skipped' | 'turnedDown'

export interface PickEvent {
  id: number
  ts: number
  trackId: number
}

export interface MarkEvent {
  id: number
  trackId: number
  mark: MarkOrNone
}

export interface ListenEvent {
  eventId: number
  trackId: number
  reason: EndReason
  position: number
  duration: number | null
}

/** Days while the decided picks span at most this many days, weeks beyond. */
export const DAYS_SHOWN = 21
/** At most this many weeks, the latest. */
export const WEEKS_SHOWN = 26

/** Each pick with its outcome (null: undecided), in the order the picks were made. */
export function pickOutcomes(
  picks: readonly PickEvent[],
  marks: readonly MarkEvent[],
  listens: readonly ListenEvent[],
  rewards: RewardSettings = DEFAULT_REWARDS,
): { pick: PickEvent; outcome: PickOutcome | null }[] {
  type Happening =
    | { id: number; trackId: number; pick: PickEvent }
    | { id: number; trackId: number; outcome: PickOutcome | null }
  const timeline: Happening[] = [
    ...picks.map((pick) => ({ id: pick.id, trackId: pick.trackId, pick })),
    ...marks.map((m) => ({ id: m.id, trackId: m.trackId, outcome: markOutcome(m.mark) })),
    ...listens.map((l) => ({
      id: l.eventId,
      trackId: l.trackId,
      outcome: listenOutcome(listenKind(l, rewards)),
    })),
  ].sort((a, b) => a.id - b.id)
  const waiting = new Map<number, { pick: PickEvent; outcome: PickOutcome | null }>()
  const all: { pick: PickEvent; outcome: PickOutcome | null }[] = []
  for (const happening of timeline) {
    if ('pick' in happening) {
      const entry = { pick: happening.pick, outcome: null }
      all.push(entry)
      waiting.set(happening.trackId, entry)
      continue
    }
    const entry = waiting.get(happening.trackId)
    if (!entry || happening.outcome === null) continue
    entry.outcome = happening.outcome
    waiting.delete(happening.trackId)
  }
  return all
}

function markOutcome(mark: MarkOrNone): PickOutcome | null {
  if (mark === 'none') return null
  return mark === 'not_for_me' ? 'turnedDown' : 'kept'
}

function listenOutcome(kind: ReturnType<typeof listenKind>): PickOutcome | null {
  if (kind === null) return null
  return kind === 'played' ? 'kept' : 'skipped'
}

/** Local midnight of the day `ts` falls in, or of that week's Monday. */
export function periodStart(ts: number, period: PicksKept['period']): number {
  const date = new Date(ts)
  date.setHours(0, 0, 0, 0)
  if (period === 'week') date.setDate(date.getDate() - ((date.getDay() + 6) % 7))
  return date.getTime()
}

/** The next day's or week's start (calendar steps, so a daylight-saving change is no drift). */
function nextStart(start: number, period: PicksKept['period']): number {
  const date = new Date(start)
  date.setDate(date.getDate() + (period === 'week' ? 7 : 1))
  return periodStart(date.getTime(), period)
}

/**
 * The outcomes counted per day (when the decided picks span DAYS_SHOWN days or less) or per
 * week (the latest WEEKS_SHOWN), every day or week from the first decided pick's to `now`'s,
 * empty ones included, so the bars keep the calendar's spacing.
 */
export function picksKept(
  outcomes: readonly { pick: PickEvent; outcome: PickOutcome | null }[],
  now: number,
): PicksKept {
  const decided = outcomes.filter((o) => o.outcome !== null)
  const undecided = outcomes.length - decided.length
  if (decided.length === 0) return { period: 'day', buckets: [], undecided }
  const first = Math.min(...decided.map((o) => o.pick.ts))
  const today = periodStart(now, 'day')
  let day = periodStart(first, 'day')
  let days = 1
  while (day < today && days <= DAYS_SHOWN) {
    day = nextStart(day, 'day')
    days++
  }
  const period: PicksKept['period'] = days <= DAYS_SHOWN ? 'day' : 'week'
  const starts: number[] = []
  const last = periodStart(Math.max(now, ...decided.map((o) => o.pick.ts)), period)
  for (let start = periodStart(first, period); start <= last; start = nextStart(start, period)) {
    starts.push(start)
  }
  const kept = period === 'week' ? starts.slice(-WEEKS_SHOWN) : starts
  const buckets = new Map<number, PicksKeptBucket>(
    kept.map((start) => [start, { start, kept: 0, skipped: 0, turnedDown: 0 }]),
  )
  for (const { pick, outcome } of decided) {
    const bucket = buckets.get(periodStart(pick.ts, period))
    if (bucket && outcome) bucket[outcome] += 1
  }
  return { period, buckets: [...buckets.values()], undecided }
}
