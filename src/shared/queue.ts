// The play queue as pure functions on an immutable value: every operation returns a new queue and
// never touches the one it was given. The player and the queue panel share these; tests call them
// directly. Shuffle is deterministic: the order is drawn from a seeded generator kept in the value.
import { mulberry32Step, shuffleInPlace } from './random'

export type RepeatMode = 'off' | 'all' | 'one'

/** What the queue needs to know of an entry; the rest (track, source, reason) rides along. */
export interface QueueEntryBase {
  trackId: number
}

export interface QueueItem<E extends QueueEntryBase> {
  /** Unique within the queue, stable across moves: the same track may be queued twice. */
  key: number
  entry: E
}

export interface PlayQueue<E extends QueueEntryBase> {
  readonly items: readonly QueueItem<E>[]
  /** Index into `items` of the playing (or paused) item, or null. */
  readonly current: number | null
  readonly repeat: RepeatMode
  readonly shuffle: boolean
  /** With shuffle on: every item's key, in the order they play. Empty with shuffle off. */
  readonly order: readonly number[]
  /** State of the generator that draws shuffle orders (mulberry32). */
  readonly seed: number
  readonly nextKey: number
}

export function emptyQueue<E extends QueueEntryBase>(seed = 1): PlayQueue<E> {
  return {
    items: [],
    current: null,
    repeat: 'off',
    shuffle: false,
    order: [],
    seed: seed >>> 0,
    nextKey: 1,
  }
}

/** Builds a queue from saved entries (as getQueue returns them). */
export function queueFrom<E extends QueueEntryBase>(
  entries: readonly E[],
  options: { current?: number | null; repeat?: RepeatMode; shuffle?: boolean; seed?: number } = {},
): PlayQueue<E> {
  const items = entries.map((entry, i) => ({ key: i + 1, entry }))
  const current =
    options.current !== undefined && options.current !== null && options.current < items.length
      ? options.current
      : null
  const base: PlayQueue<E> = {
    ...emptyQueue<E>(options.seed ?? 1),
    items,
    current,
    repeat: options.repeat ?? 'off',
    nextKey: items.length + 1,
  }
  return options.shuffle ? setShuffle(base, true) : base
}

export function currentItem<E extends QueueEntryBase>(queue: PlayQueue<E>): QueueItem<E> | null {
  return queue.current === null ? null : (queue.items[queue.current] ?? null)
}

function nextRandom(seed: number): { value: number; seed: number } {
  const step = mulberry32Step(seed)
  return { value: step.value, seed: step.state }
}

/** Fisher–Yates with the queue's generator; returns the shuffled copy and the advanced seed. */
function shuffled(keys: readonly number[], seed: number): { keys: number[]; seed: number } {
  let s = seed
  const out = shuffleInPlace([...keys], () => {
    const r = nextRandom(s)
    s = r.seed
    return r.value
  })
  return { keys: out, seed: s }
}

function indexOfKey<E extends QueueEntryBase>(queue: PlayQueue<E>, key: number): number {
  return queue.items.findIndex((item) => item.key === key)
}

function currentKey<E extends QueueEntryBase>(queue: PlayQueue<E>): number | null {
  return currentItem(queue)?.key ?? null
}

/** Turns shuffle on (the playing item first, the rest drawn at random) or off. */
export function setShuffle<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  on: boolean,
): PlayQueue<E> {
  if (!on) return { ...queue, shuffle: false, order: [] }
  const playing = currentKey(queue)
  const others = queue.items.map((i) => i.key).filter((k) => k !== playing)
  const drawn = shuffled(others, queue.seed)
  return {
    ...queue,
    shuffle: true,
    order: playing === null ? drawn.keys : [playing, ...drawn.keys],
    seed: drawn.seed,
  }
}

export function setRepeat<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  repeat: RepeatMode,
): PlayQueue<E> {
  return { ...queue, repeat }
}

/** off → all → one → off, as the repeat button cycles. */
export function cycleRepeat(repeat: RepeatMode): RepeatMode {
  return repeat === 'off' ? 'all' : repeat === 'all' ? 'one' : 'off'
}

/** Inserts entries at `index` of items; with shuffle on, they play right after `orderAfterKey`. */
function insertAt<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  index: number,
  entries: readonly E[],
  orderPlacement: 'afterCurrent' | 'random',
): { queue: PlayQueue<E>; keys: number[] } {
  const keys = entries.map((_, i) => queue.nextKey + i)
  const newItems = entries.map((entry, i) => ({ key: keys[i] as number, entry }))
  const items = [...queue.items.slice(0, index), ...newItems, ...queue.items.slice(index)]
  const current =
    queue.current !== null && queue.current >= index
      ? queue.current + newItems.length
      : queue.current
  let order = queue.order
  let seed = queue.seed
  if (queue.shuffle) {
    const playing = currentKey(queue)
    const at = playing === null ? -1 : order.indexOf(playing)
    if (orderPlacement === 'afterCurrent') {
      order = [...order.slice(0, at + 1), ...keys, ...order.slice(at + 1)]
    } else {
      // Each added key lands at a random place among the ones still to play.
      const next = [...order]
      for (const key of keys) {
        const r = nextRandom(seed)
        seed = r.seed
        const slot = at + 1 + Math.floor(r.value * (next.length - at))
        next.splice(slot, 0, key)
      }
      order = next
    }
  }
  return {
    queue: { ...queue, items, current, order, seed, nextKey: queue.nextKey + entries.length },
    keys,
  }
}

/** Adds entries at the end of the queue. */
export function addToQueue<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  entries: readonly E[],
): PlayQueue<E> {
  return insertAt(queue, queue.items.length, entries, 'random').queue
}

/** Adds entries right after the current one, so they play next (also with shuffle on). */
export function playNext<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  entries: readonly E[],
): PlayQueue<E> {
  const index = queue.current === null ? 0 : queue.current + 1
  return insertAt(queue, index, entries, 'afterCurrent').queue
}

/** Inserts entries after the current one and makes the first of them current. */
export function playNow<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  entries: readonly E[],
): PlayQueue<E> {
  if (entries.length === 0) return queue
  const index = queue.current === null ? queue.items.length : queue.current + 1
  const { queue: inserted, keys } = insertAt(queue, index, entries, 'afterCurrent')
  return jumpToKey(inserted, keys[0] as number)
}

/** Makes the item at `index` current (a pick from the queue panel). */
export function jumpTo<E extends QueueEntryBase>(queue: PlayQueue<E>, index: number): PlayQueue<E> {
  if (index < 0 || index >= queue.items.length) return queue
  return { ...queue, current: index }
}

function jumpToKey<E extends QueueEntryBase>(queue: PlayQueue<E>, key: number): PlayQueue<E> {
  return jumpTo(queue, indexOfKey(queue, key))
}

/** Moves the item at `from` to `to` (drag to reorder); the current item stays current. */
export function move<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  from: number,
  to: number,
): PlayQueue<E> {
  const n = queue.items.length
  if (from < 0 || from >= n || to < 0 || to >= n || from === to) return queue
  const playing = currentKey(queue)
  const items = [...queue.items]
  const [moved] = items.splice(from, 1)
  items.splice(to, 0, moved as QueueItem<E>)
  const current = playing === null ? null : items.findIndex((i) => i.key === playing)
  return { ...queue, items, current }
}

/**
 * Removes the item at `index`. Removing the current item leaves the one after it current (or the
 * one before, at the end), so the player can carry on from there.
 */
export function remove<E extends QueueEntryBase>(queue: PlayQueue<E>, index: number): PlayQueue<E> {
  const removed = queue.items[index]
  if (!removed) return queue
  const items = queue.items.filter((_, i) => i !== index)
  let current = queue.current
  if (current !== null) {
    if (index < current) current -= 1
    else if (index === current)
      current = items.length === 0 ? null : Math.min(current, items.length - 1)
  }
  return { ...queue, items, current, order: queue.order.filter((k) => k !== removed.key) }
}

/** Empties the queue (repeat and shuffle settings stay). */
export function clear<E extends QueueEntryBase>(queue: PlayQueue<E>): PlayQueue<E> {
  return { ...queue, items: [], current: null, order: [] }
}

export type Advance = 'auto' | 'user'

/**
 * The queue after moving forward. `auto` is the end of a track: repeat-one replays it; `user` is
 * the Next button, which always moves on. Returns current = null when the queue has run out.
 */
export function next<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  advance: Advance = 'user',
): PlayQueue<E> {
  if (queue.items.length === 0) return { ...queue, current: null }
  if (queue.current === null) return { ...queue, current: firstIndex(queue) }
  if (advance === 'auto' && queue.repeat === 'one') return queue
  if (!queue.shuffle) {
    const index = queue.current + 1
    if (index < queue.items.length) return { ...queue, current: index }
    return { ...queue, current: queue.repeat === 'off' ? null : 0 }
  }
  const at = queue.order.indexOf(queue.items[queue.current]?.key ?? -1)
  const key = queue.order[at + 1]
  if (key !== undefined) return jumpToKey(queue, key)
  if (queue.repeat === 'off') return { ...queue, current: null }
  // Repeat all with shuffle: a fresh order for the next round.
  const drawn = shuffled(
    queue.items.map((i) => i.key),
    queue.seed,
  )
  const reshuffled = { ...queue, order: drawn.keys, seed: drawn.seed }
  return jumpToKey(reshuffled, drawn.keys[0] as number)
}

/** The queue after moving back; at the start it stays put unless repeat-all wraps around. */
export function previous<E extends QueueEntryBase>(queue: PlayQueue<E>): PlayQueue<E> {
  if (queue.items.length === 0 || queue.current === null) return queue
  if (!queue.shuffle) {
    if (queue.current > 0) return { ...queue, current: queue.current - 1 }
    return queue.repeat === 'all' ? { ...queue, current: queue.items.length - 1 } : queue
  }
  const at = queue.order.indexOf(queue.items[queue.current]?.key ?? -1)
  if (at > 0) return jumpToKey(queue, queue.order[at - 1] as number)
  if (queue.repeat === 'all' && queue.order.length > 0) {
    return jumpToKey(queue, queue.order[queue.order.length - 1] as number)
  }
  return queue
}

/** The item that would play after the current one ends on its own (for preloading), or null. */
export function upcoming<E extends QueueEntryBase>(queue: PlayQueue<E>): QueueItem<E> | null {
  const after = next(queue, 'auto')
  return currentItem(after)
}

function firstIndex<E extends QueueEntryBase>(queue: PlayQueue<E>): number {
  if (queue.shuffle && queue.order.length > 0) return indexOfKey(queue, queue.order[0] as number)
  return 0
}

/**
 * How many entries are still to play after the current one, in play order (all of them when none
 * is current). Repeat never runs out, so it counts as endless.
 */
export function upcomingCount<E extends QueueEntryBase>(queue: PlayQueue<E>): number {
  if (queue.repeat !== 'off' && queue.items.length > 0) return Infinity
  if (queue.current === null) return queue.items.length
  if (queue.shuffle && queue.order.length > 0) {
    const key = queue.items[queue.current]?.key
    const position = queue.order.indexOf(key ?? -1)
    if (position >= 0) return queue.order.length - 1 - position
  }
  return queue.items.length - 1 - queue.current
}

/** The queue's three parts, as indexes into `items`, each in play order. */
export interface QueueParts {
  /** Played before the current entry, oldest first. */
  played: number[]
  current: number | null
  /** Still to play after the current one (all entries when none is current). */
  upNext: number[]
}

/** Splits the queue into played / current / up next, following the shuffle order when it is on. */
export function queueParts<E extends QueueEntryBase>(queue: PlayQueue<E>): QueueParts {
  const all = playOrder(queue)
  if (queue.current === null) return { played: [], current: null, upNext: all }
  const at = all.indexOf(queue.current)
  return { played: all.slice(0, at), current: queue.current, upNext: all.slice(at + 1) }
}

/** Every item's index in the order they play. */
function playOrder<E extends QueueEntryBase>(queue: PlayQueue<E>): number[] {
  if (!queue.shuffle || queue.order.length === 0) return queue.items.map((_, i) => i)
  const indexByKey = new Map(queue.items.map((item, i) => [item.key, i] as const))
  const ordered = queue.order
    .map((k) => indexByKey.get(k))
    .filter((i): i is number => i !== undefined)
  // An item missing from the order (none should be) plays last rather than never.
  const seen = new Set(ordered)
  return [...ordered, ...queue.items.map((_, i) => i).filter((i) => !seen.has(i))]
}

/** Keeps only the given item indexes (in their current order); the current item must be kept. */
function keepOnly<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  keep: ReadonlySet<number>,
): PlayQueue<E> {
  const playing = currentKey(queue)
  const items = queue.items.filter((_, i) => keep.has(i))
  const keys = new Set(items.map((item) => item.key))
  const current = playing === null ? null : items.findIndex((item) => item.key === playing)
  return {
    ...queue,
    items,
    current: current === null || current < 0 ? null : current,
    order: queue.order.filter((k) => keys.has(k)),
  }
}

/**
 * Drops played entries beyond the `keep` most recent ones (they are in the history), so the queue
 * does not grow without bound. With repeat-all the queue is a loop and nothing is played for good.
 */
export function trimPlayed<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  keep: number,
): PlayQueue<E> {
  return dropPlayed(queue, keep).queue
}

/** trimPlayed, also answering the entries it dropped, oldest first (for Previous to bring back). */
export function dropPlayed<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  keep: number,
): { queue: PlayQueue<E>; dropped: E[] } {
  if (queue.repeat === 'all') return { queue, dropped: [] }
  const { played } = queueParts(queue)
  if (played.length <= keep) return { queue, dropped: [] }
  const out = played.slice(0, played.length - keep)
  const dropped = new Set(out)
  return {
    queue: keepOnly(queue, new Set(queue.items.map((_, i) => i).filter((i) => !dropped.has(i)))),
    dropped: out.map((i) => (queue.items[i] as QueueItem<E>).entry),
  }
}

/**
 * Previous before the first entry: `entry` (a song played earlier and dropped from the queue)
 * comes back as the first in play order and becomes current; what was there plays after it again.
 */
export function backTo<E extends QueueEntryBase>(queue: PlayQueue<E>, entry: E): PlayQueue<E> {
  const key = queue.nextKey
  const items = [{ key, entry }, ...queue.items]
  return {
    ...queue,
    items,
    current: 0,
    order: queue.shuffle ? [key, ...queue.order] : queue.order,
    nextKey: key + 1,
  }
}

/**
 * Empties "up next": the playing entry and the played ones stay. With nothing current every entry
 * is up next, so the queue ends up empty. Returns the entries taken out, in play order (for Undo).
 */
export function clearUpNext<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
): { queue: PlayQueue<E>; removed: E[] } {
  const { upNext } = queueParts(queue)
  if (upNext.length === 0) return { queue, removed: [] }
  const out = new Set(upNext)
  const removed = upNext.map((i) => (queue.items[i] as QueueItem<E>).entry)
  return {
    queue: keepOnly(queue, new Set(queue.items.map((_, i) => i).filter((i) => !out.has(i)))),
    removed,
  }
}

/**
 * A list played from one of its rows: what was up next gives way to `entries` (the row and the
 * rest of the list), and the first of them becomes current. What was played stays played.
 */
export function playList<E extends QueueEntryBase>(
  queue: PlayQueue<E>,
  entries: readonly E[],
): PlayQueue<E> {
  if (entries.length === 0) return queue
  return playNow(clearUpNext(queue).queue, entries)
}
