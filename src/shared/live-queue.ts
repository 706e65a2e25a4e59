// Which queue entries the engine may replace when the taste model changes its mind, and how a
// replacement lands in a queue that moved on meanwhile. The engine (on the saved queue) and the
// renderer (on the player's live queue) apply the same rules, so neither clobbers the other.

/** What the rules need to know of a queue entry. */
export interface LiveQueueEntry {
  trackId: number
  source: 'user' | 'auto'
  /** The auto_pick event that chose it (auto entries). */
  pickId?: number
  /** The listener moved it: it is theirs now, never replaced. */
  touched?: boolean
}

/** One auto-pick swapped for another: `pickId`/`trackId` name the old pick, `entry` the new. */
export interface QueueReplacement<E extends LiveQueueEntry = LiveQueueEntry> {
  /** The replaced pick's auto_pick event, when the entry knew it. */
  pickId: number | null
  /** The replaced pick's song. */
  trackId: number
  entry: E
}

/**
 * An auto-pick still waiting: after the current entry (or anywhere when nothing is current), not
 * moved by the listener. Manual entries and the playing one are never waiting picks.
 */
export function isWaitingAutoPick(
  entry: LiveQueueEntry,
  index: number,
  current: number | null,
): boolean {
  return entry.source === 'auto' && entry.touched !== true && (current === null || index > current)
}

/** Where a replacement applies in `entries`: its pick, still waiting; -1 when it is not there. */
export function replacementIndex(
  entries: readonly LiveQueueEntry[],
  current: number | null,
  replacement: Pick<QueueReplacement, 'pickId' | 'trackId'>,
): number {
  return entries.findIndex(
    (entry, index) => isWaitingAutoPick(entry, index, current) && samePick(entry, replacement),
  )
}

/**
 * Why a replacement did not reach a queue: the pick it was to replace had started playing (it is
 * the current entry or before it, or the player reported its start: `passed`), the listener moved
 * it, it left the queue, or the new song is queued elsewhere already.
 */
export const DECLINE_REASONS = ['started', 'moved', 'gone', 'queued'] as const
export type DeclineReason = (typeof DECLINE_REASONS)[number]

/** Whether a replacement's new entry is a new pick (a replacement by the same song only re-words). */
export function isNewPick(replacement: QueueReplacement): boolean {
  return replacement.entry.trackId !== replacement.trackId
}

/**
 * Where a replacement applies in `entries` (its pick, still waiting and not `passed`), or why it
 * does not. `passed` names picks that started playing though the queue still shows them waiting
 * (the engine's saved queue lags the player; see docs/live-queue.md).
 */
export function replacementFate(
  entries: readonly LiveQueueEntry[],
  current: number | null,
  replacement: Pick<QueueReplacement, 'pickId' | 'trackId' | 'entry'>,
  passed: (entry: LiveQueueEntry) => boolean = () => false,
): { index: number } | { declined: DeclineReason } {
  const index = replacementIndex(entries, current, replacement)
  if (index >= 0) {
    if (passed(entries[index] as LiveQueueEntry)) return { declined: 'started' }
    if (queuedElsewhere(entries, index, replacement.entry.trackId)) return { declined: 'queued' }
    return { index }
  }
  const at = entries.findIndex((entry) => entry.source === 'auto' && samePick(entry, replacement))
  if (at < 0) return { declined: 'gone' }
  const entry = entries[at] as LiveQueueEntry
  return {
    declined: entry.touched === true && (current === null || at > current) ? 'moved' : 'started',
  }
}

function samePick(
  entry: LiveQueueEntry,
  replacement: Pick<QueueReplacement, 'pickId' | 'trackId'>,
): boolean {
  return replacement.pickId !== null && entry.pickId !== undefined
    ? entry.pickId === replacement.pickId
    : entry.trackId === replacement.trackId
}

/**
 * The entries with every replacement that still applies (its pick still waiting and not
 * `passed`, its new song not queued elsewhere already), in place; `applied` are those that did
 * (with the entry each one took the place of, `before`), `declined` the others with why. A
 * replacement by the same song is the pick kept with a fresh reason.
 */
export function applyReplacements<E extends LiveQueueEntry>(
  entries: readonly E[],
  current: number | null,
  replacements: readonly QueueReplacement<E>[],
  passed?: (entry: LiveQueueEntry) => boolean,
): {
  entries: E[]
  applied: QueueReplacement<E>[]
  before: E[]
  declined: { replacement: QueueReplacement<E>; reason: DeclineReason }[]
} {
  const out = [...entries]
  const applied: QueueReplacement<E>[] = []
  const before: E[] = []
  const declined: { replacement: QueueReplacement<E>; reason: DeclineReason }[] = []
  for (const replacement of replacements) {
    const fate = replacementFate(out, current, replacement, passed)
    if ('declined' in fate) {
      declined.push({ replacement, reason: fate.declined })
      continue
    }
    before.push(out[fate.index] as E)
    out[fate.index] = replacement.entry
    applied.push(replacement)
  }
  return { entries: out, applied, before, declined }
}

/** Whether `trackId` is queued at another index than `index` (a replacement may not repeat it). */
export function queuedElsewhere(
  entries: readonly LiveQueueEntry[],
  index: number,
  trackId: number,
): boolean {
  return entries.some((e, i) => i !== index && e.trackId === trackId)
}
