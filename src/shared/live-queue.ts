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
    (entry, index) =>
      isWaitingAutoPick(entry, index, current) &&
      (replacement.pickId !== null && entry.pickId !== undefined
        ? entry.pickId === replacement.pickId
        : entry.trackId === replacement.trackId),
  )
}

/**
 * The entries with every replacement that still applies (its pick still waiting, its new song not
 * queued elsewhere already), in place; `applied` are those that did. A replacement by the same
 * song is the pick kept with a fresh reason.
 */
export function applyReplacements<E extends LiveQueueEntry>(
  entries: readonly E[],
  current: number | null,
  replacements: readonly QueueReplacement<E>[],
): { entries: E[]; applied: QueueReplacement<E>[] } {
  const out = [...entries]
  const applied: QueueReplacement<E>[] = []
  for (const replacement of replacements) {
    const index = replacementIndex(out, current, replacement)
    if (index < 0) continue
    if (queuedElsewhere(out, index, replacement.entry.trackId)) continue
    out[index] = replacement.entry
    applied.push(replacement)
  }
  return { entries: out, applied }
}

/** Whether `trackId` is queued at another index than `index` (a replacement may not repeat it). */
export function queuedElsewhere(
  entries: readonly LiveQueueEntry[],
  index: number,
  trackId: number,
): boolean {
  return entries.some((e, i) => i !== index && e.trackId === trackId)
}
