import { describe, expect, it } from 'vitest'
import {
  addToQueue,
  backTo,
  clear,
  clearUpNext,
  currentItem,
  cycleRepeat,
  dropPlayed,
  emptyQueue,
  jumpTo,
  move,
  next,
  playList,
  playNext,
  playNow,
  previous,
  queueFrom,
  queueParts,
  remove,
  setRepeat,
  setShuffle,
  trimPlayed,
  upcoming,
  type PlayQueue,
} from '../../src/shared/queue'

type Entry = { trackId: number }
const entries = (...ids: number[]): Entry[] => ids.map((trackId) => ({ trackId }))
const ids = (q: PlayQueue<Entry>) => q.items.map((i) => i.entry.trackId)
const playing = (q: PlayQueue<Entry>) => currentItem(q)?.entry.trackId ?? null

describe('queue editing', () => {
  it('adds to the end without changing what plays', () => {
    const q = addToQueue(queueFrom(entries(1, 2), { current: 0 }), entries(3, 4))
    expect(ids(q)).toEqual([1, 2, 3, 4])
    expect(playing(q)).toBe(1)
  })

  it('play next inserts right after the current entry', () => {
    const q = playNext(queueFrom(entries(1, 2, 3), { current: 1 }), entries(9))
    expect(ids(q)).toEqual([1, 2, 9, 3])
    expect(playing(next(q))).toBe(9)
  })

  it('play now inserts after the current entry and makes it current', () => {
    const q = playNow(queueFrom(entries(1, 2, 3), { current: 0 }), entries(7, 8))
    expect(ids(q)).toEqual([1, 7, 8, 2, 3])
    expect(playing(q)).toBe(7)
    expect(playing(next(q))).toBe(8)
  })

  it('play now on an empty queue starts it', () => {
    const q = playNow(emptyQueue<Entry>(), entries(5))
    expect(ids(q)).toEqual([5])
    expect(q.current).toBe(0)
  })

  it('never mutates the queue it was given', () => {
    const q = queueFrom(entries(1, 2, 3), { current: 1 })
    const frozen = JSON.stringify(q)
    addToQueue(q, entries(4))
    playNow(q, entries(5))
    move(q, 0, 2)
    remove(q, 1)
    next(setShuffle(q, true))
    expect(JSON.stringify(q)).toBe(frozen)
  })

  it('moving entries keeps the playing entry current', () => {
    const q = move(queueFrom(entries(1, 2, 3, 4), { current: 1 }), 1, 3)
    expect(ids(q)).toEqual([1, 3, 4, 2])
    expect(playing(q)).toBe(2)
    const q2 = move(queueFrom(entries(1, 2, 3, 4), { current: 1 }), 3, 0)
    expect(ids(q2)).toEqual([4, 1, 2, 3])
    expect(playing(q2)).toBe(2)
  })

  it('ignores moves out of range', () => {
    const q = queueFrom(entries(1, 2), { current: 0 })
    expect(move(q, 0, 5)).toBe(q)
    expect(move(q, -1, 0)).toBe(q)
  })

  it('removing an entry before the current one keeps the same track playing', () => {
    const q = remove(queueFrom(entries(1, 2, 3), { current: 2 }), 0)
    expect(ids(q)).toEqual([2, 3])
    expect(playing(q)).toBe(3)
  })

  it('removing the current entry makes the following one current', () => {
    expect(playing(remove(queueFrom(entries(1, 2, 3), { current: 1 }), 1))).toBe(3)
    expect(playing(remove(queueFrom(entries(1, 2, 3), { current: 2 }), 2))).toBe(2)
    expect(remove(queueFrom(entries(1), { current: 0 }), 0).current).toBeNull()
  })

  it('clear empties the queue but keeps repeat and shuffle', () => {
    const q = clear(setShuffle(setRepeat(queueFrom(entries(1, 2), { current: 0 }), 'all'), true))
    expect(q.items).toEqual([])
    expect(q.current).toBeNull()
    expect(q.repeat).toBe('all')
    expect(q.shuffle).toBe(true)
  })

  it('keeps keys unique when the same track is queued twice', () => {
    const q = addToQueue(queueFrom(entries(1)), entries(1, 1))
    expect(new Set(q.items.map((i) => i.key)).size).toBe(3)
  })

  it('jumpTo picks an entry and ignores bad indices', () => {
    const q = queueFrom(entries(1, 2, 3))
    expect(playing(jumpTo(q, 2))).toBe(3)
    expect(jumpTo(q, 9)).toBe(q)
  })
})

describe('next and previous', () => {
  it('walks forward and stops at the end with repeat off', () => {
    let q = queueFrom(entries(1, 2), { current: 0 })
    q = next(q)
    expect(playing(q)).toBe(2)
    q = next(q)
    expect(q.current).toBeNull()
  })

  it('starts from the first entry when nothing is current', () => {
    expect(playing(next(queueFrom(entries(4, 5))))).toBe(4)
  })

  it('wraps around with repeat all, both ways', () => {
    const q = queueFrom(entries(1, 2, 3), { current: 2, repeat: 'all' })
    expect(playing(next(q))).toBe(1)
    expect(playing(previous(jumpTo(q, 0)))).toBe(3)
  })

  it('repeat one replays the track when it ends, but Next moves on', () => {
    const q = queueFrom(entries(1, 2), { current: 0, repeat: 'one' })
    expect(playing(next(q, 'auto'))).toBe(1)
    expect(playing(next(q, 'user'))).toBe(2)
  })

  it('previous stays on the first entry with repeat off', () => {
    const q = queueFrom(entries(1, 2), { current: 0 })
    expect(playing(previous(q))).toBe(1)
  })

  it('upcoming names what plays after the current track ends', () => {
    expect(upcoming(queueFrom(entries(1, 2), { current: 0 }))?.entry.trackId).toBe(2)
    expect(upcoming(queueFrom(entries(1, 2), { current: 1 }))).toBeNull()
    expect(upcoming(queueFrom(entries(1, 2), { current: 1, repeat: 'one' }))?.entry.trackId).toBe(2)
  })

  it('cycles repeat off → all → one → off', () => {
    expect(cycleRepeat('off')).toBe('all')
    expect(cycleRepeat('all')).toBe('one')
    expect(cycleRepeat('one')).toBe('off')
  })
})

describe('shuffle', () => {
  const ten = entries(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)

  it('plays every entry exactly once per round, starting from the current one', () => {
    let q = setShuffle(queueFrom(ten, { current: 3, seed: 42 }), true)
    const seen = [playing(q)]
    for (let i = 0; i < 9; i++) {
      q = next(q)
      seen.push(playing(q))
    }
    expect(seen[0]).toBe(4)
    expect([...seen].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(next(q).current).toBeNull()
  })

  it('is deterministic for a seed and differs between seeds', () => {
    const order = (seed: number) => setShuffle(queueFrom(ten, { current: 0, seed }), true).order
    expect(order(7)).toEqual(order(7))
    expect(order(7)).not.toEqual(order(8))
    expect(order(7)).not.toEqual(ten.map((_, i) => i + 1))
  })

  it('previous walks back along the shuffled order', () => {
    const q = setShuffle(queueFrom(ten, { current: 0, seed: 3 }), true)
    const forward = next(next(q))
    expect(playing(previous(forward))).toBe(playing(next(q)))
  })

  it('play next with shuffle on still plays the new entry next', () => {
    const q = playNext(setShuffle(queueFrom(ten, { current: 5, seed: 9 }), true), entries(99))
    expect(playing(next(q))).toBe(99)
  })

  it('added entries join the entries still to play', () => {
    let q = setShuffle(queueFrom(entries(1, 2, 3), { current: 0, seed: 5 }), true)
    q = addToQueue(q, entries(4, 5))
    const seen: (number | null)[] = []
    for (let i = 0; i < 4; i++) {
      q = next(q)
      seen.push(playing(q))
    }
    expect([...seen].sort()).toEqual([2, 3, 4, 5])
  })

  it('removed entries leave the shuffled order', () => {
    const q = remove(setShuffle(queueFrom(ten, { current: 0, seed: 1 }), true), 4)
    expect(q.order).toHaveLength(9)
    expect(q.order).not.toContain(5)
  })

  it('repeat all with shuffle starts a fresh round', () => {
    let q = setShuffle(queueFrom(entries(1, 2, 3), { current: 0, seed: 11, repeat: 'all' }), true)
    for (let i = 0; i < 3; i++) q = next(q)
    expect(q.current).not.toBeNull()
  })

  it('turning shuffle off returns to list order from the current entry', () => {
    const q = setShuffle(setShuffle(queueFrom(ten, { current: 2, seed: 4 }), true), false)
    expect(playing(next(q))).toBe(4)
  })
})

describe('played / now playing / up next', () => {
  const at = (current: number, ...trackIds: number[]) =>
    queueFrom(entries(...trackIds), { current })
  const partIds = (q: PlayQueue<Entry>) => {
    const parts = queueParts(q)
    const id = (i: number) => q.items[i]!.entry.trackId
    return {
      played: parts.played.map(id),
      current: parts.current === null ? null : id(parts.current),
      upNext: parts.upNext.map(id),
    }
  }

  it('splits the queue around the current entry', () => {
    expect(partIds(at(2, 1, 2, 3, 4, 5))).toEqual({ played: [1, 2], current: 3, upNext: [4, 5] })
    // Nothing current: everything is still to play.
    expect(partIds(queueFrom(entries(1, 2)))).toEqual({ played: [], current: null, upNext: [1, 2] })
  })

  it('follows the shuffled order', () => {
    const q = setShuffle(at(0, 1, 2, 3, 4, 5, 6), true)
    const order = q.order.map((k) => q.items.find((i) => i.key === k)!.entry.trackId)
    const after2 = next(next(q))
    expect(partIds(after2)).toEqual({
      played: order.slice(0, 2),
      current: order[2],
      upNext: order.slice(3),
    })
  })

  it('keeps only the most recent played entries', () => {
    const q = trimPlayed(at(6, 1, 2, 3, 4, 5, 6, 7, 8), 3)
    expect(ids(q)).toEqual([4, 5, 6, 7, 8])
    expect(playing(q)).toBe(7)
    // Fewer played than kept: the same queue.
    const short = at(1, 1, 2, 3)
    expect(trimPlayed(short, 3)).toBe(short)
    // Repeat all loops: nothing is played for good.
    const loop = setRepeat(at(6, 1, 2, 3, 4, 5, 6, 7, 8), 'all')
    expect(trimPlayed(loop, 3)).toBe(loop)
  })

  it('trims the played part of a shuffled queue from its oldest', () => {
    let q = setShuffle(at(0, 1, 2, 3, 4, 5, 6), true)
    for (let i = 0; i < 4; i++) q = next(q)
    const before = partIds(q)
    const trimmed = trimPlayed(q, 1)
    expect(partIds(trimmed)).toEqual({ ...before, played: before.played.slice(-1) })
    expect(trimmed.order).toHaveLength(trimmed.items.length)
  })

  it('says which played entries it dropped, oldest first, and Previous can bring them back', () => {
    const { queue, dropped } = dropPlayed(at(6, 1, 2, 3, 4, 5, 6, 7, 8), 3)
    expect(dropped.map((e) => e.trackId)).toEqual([1, 2, 3])
    expect(previous(previous(previous(queue)))).toMatchObject({ current: 0 })
    // At the first entry, the newest dropped one comes back in front and plays.
    const back = backTo(previous(previous(previous(queue))), dropped[2]!)
    expect(ids(back)).toEqual([3, 4, 5, 6, 7, 8])
    expect(partIds(back)).toEqual({ played: [], current: 3, upNext: [4, 5, 6, 7, 8] })
    // Its key is new: the same song may still be elsewhere in the queue.
    expect(new Set(back.items.map((i) => i.key)).size).toBe(back.items.length)
    expect(dropPlayed(at(1, 1, 2, 3), 3).dropped).toEqual([])
  })

  it('brings a dropped entry back first in a shuffled order too', () => {
    let q = setShuffle(at(0, 1, 2, 3, 4, 5, 6), true)
    for (let i = 0; i < 3; i++) q = next(q)
    const { queue, dropped } = dropPlayed(q, 0)
    expect(dropped).toHaveLength(3)
    const back = backTo(queue, dropped[2]!)
    expect(partIds(back)).toEqual({
      played: [],
      current: dropped[2]!.trackId,
      upNext: [partIds(q).current!, ...partIds(q).upNext],
    })
    expect(back.order).toHaveLength(back.items.length)
    expect(partIds(next(back)).current).toBe(partIds(q).current)
  })

  it('clears up next, keeping the playing and played entries, and says what it took out', () => {
    const { queue, removed } = clearUpNext(at(1, 1, 2, 3, 4))
    expect(ids(queue)).toEqual([1, 2])
    expect(playing(queue)).toBe(2)
    expect(removed.map((e) => e.trackId)).toEqual([3, 4])
    // Nothing current: everything goes.
    const idle = clearUpNext(queueFrom(entries(1, 2)))
    expect(ids(idle.queue)).toEqual([])
    expect(idle.removed.map((e) => e.trackId)).toEqual([1, 2])
    // Nothing up next: the same queue.
    const last = at(1, 1, 2)
    expect(clearUpNext(last).queue).toBe(last)
  })

  it('a list played from a row replaces up next and starts with that row', () => {
    const q = playList(at(1, 1, 2, 3, 4), entries(10, 11, 12))
    expect(ids(q)).toEqual([1, 2, 10, 11, 12])
    expect(playing(q)).toBe(10)
    expect(partIds(q).upNext).toEqual([11, 12])
    expect(ids(playList(emptyQueue<Entry>(), entries(5, 6)))).toEqual([5, 6])
  })
})
