// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import {
  PLAYED_KEPT,
  Player,
  replayGainFactor,
  type QueueTrack,
} from '../../src/renderer/src/features/player/player'
import type { Track } from '../../src/shared/domain'
import { QueueSaver } from '../../src/renderer/src/features/player/queue-saver'
import { FakeBridge, fakeSounds, fakeTrack } from './fake-bridge'

/** Lets the bridge's (async) answers and the player's reporting chain settle. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

function setup(options: { missing?: boolean } = {}) {
  const bridge = new FakeBridge({ tracks: 5 })
  const sounds = fakeSounds()
  let tick: (() => void) | null = null
  const player = new Player({
    bridge,
    createSound: sounds.create,
    seed: 1,
    isMissing: () => Promise.resolve(options.missing ?? false),
    setInterval: (fn) => {
      tick = fn
      return 1
    },
    clearInterval: () => {
      tick = null
    },
    progressEveryMs: 0,
  })
  return { bridge, sounds, player, tick: () => tick?.() }
}

describe('Player', () => {
  it('reports one start and one end per play, with the reason and position', async () => {
    const { bridge, sounds, player } = setup()
    const [a, b] = bridge.tracks
    player.playTracksNow([a!, b!])
    await settle()
    expect(bridge.callsOf('playStarted')).toEqual([{ trackId: a!.id }])
    sounds.made[0]!.at = 42
    player.next()
    await settle()
    expect(bridge.callsOf('playEnded')).toEqual([
      { trackId: a!.id, playId: 'play-1', position: 42, duration: 200, reason: 'next' },
    ])
    expect(bridge.callsOf('playStarted')).toEqual([{ trackId: a!.id }, { trackId: b!.id }])
    // Pausing, resuming and pausing again neither starts nor ends the play again.
    player.pause()
    player.play()
    player.pause()
    await settle()
    expect(bridge.callsOf('playStarted')).toHaveLength(2)
    expect(bridge.callsOf('playEnded')).toHaveLength(1)
  })

  it('moves on when a track ends, reporting the end as ended', async () => {
    const { bridge, sounds, player } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 2))
    await settle()
    sounds.made[0]!.finish()
    await settle()
    expect(bridge.callsOf('playEnded')[0]).toMatchObject({ reason: 'ended', position: 200 })
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[1]!.id)
    sounds.made[1]!.finish()
    await settle()
    // The end of the queue: the last song stays, paused, for Play or Previous to bring back.
    expect(player.getSnapshot()).toMatchObject({ status: 'paused', atEnd: true })
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[1]!.id)
    expect(bridge.callsOf('playEnded')).toHaveLength(2)
  })

  it('preloads the next track near the end and plays that same sound next', async () => {
    const { bridge, sounds, player, tick } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 2))
    await settle()
    expect(sounds.made).toHaveLength(1)
    sounds.made[0]!.at = 190
    tick()
    expect(sounds.made).toHaveLength(2)
    expect(sounds.made[1]!.url).toBe(`/media/${bridge.tracks[1]!.id}`)
    sounds.made[0]!.finish()
    expect(sounds.made).toHaveLength(2)
    expect(sounds.made[1]!.playing).toBe(true)
  })

  it('drops a preload that fails and gives the entry a fresh sound when its turn comes', async () => {
    const { bridge, sounds, player, tick } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 2))
    await settle()
    sounds.made[0]!.at = 190
    tick()
    sounds.made[1]!.fire('loaderror')
    expect(sounds.made[1]!.unloaded).toBe(true)
    tick()
    expect(sounds.made).toHaveLength(2)
    sounds.made[0]!.finish()
    expect(sounds.made).toHaveLength(3)
    expect(sounds.made[2]!.playing).toBe(true)
  })

  it('reports progress while playing', async () => {
    const { bridge, sounds, player, tick } = setup()
    player.playTracksNow([bridge.tracks[0]!])
    await settle()
    sounds.made[0]!.at = 12
    tick()
    await settle()
    expect(bridge.callsOf('playProgress')).toEqual([
      { trackId: bridge.tracks[0]!.id, playId: 'play-1', position: 12 },
    ])
  })

  it("asks for the engine's decode when the browser refuses a file, and plays that", async () => {
    const { bridge, sounds, player } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 2))
    await settle()
    sounds.made[0]!.fire('loaderror', 'demuxer')
    await settle()
    expect(sounds.made[0]!.unloaded).toBe(true)
    expect(sounds.made[1]!.url).toBe(`/media/${bridge.tracks[0]!.id}?decode=1`)
    expect(sounds.made[1]!.playing).toBe(true)
    sounds.made[1]!.fire('play')
    expect(player.getSnapshot().note).toBeNull()
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[0]!.id)
    // One play, not two: the decoded sound carries on the same session.
    expect(bridge.callsOf('playStarted')).toHaveLength(1)
    expect(bridge.callsOf('playEnded')).toHaveLength(0)
    expect(bridge.callsOf('reportUnplayable')).toHaveLength(0)
  })

  it('skips a track that cannot be decoded at all, with a note, tells the engine, and carries on', async () => {
    const { bridge, sounds, player } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 2))
    await settle()
    sounds.made[0]!.fire('loaderror', 'decode')
    await settle()
    sounds.made[1]!.fire('loaderror', 'decode')
    await settle()
    expect(bridge.callsOf('reportUnplayable')).toEqual([
      {
        trackId: bridge.tracks[0]!.id,
        reason: 'Neither the browser nor Attune’s own decoder could play this file.',
      },
    ])
    expect(player.getSnapshot().note?.kind).toBe('undecodable')
    expect(player.getSnapshot().note?.message).toMatch(/could not be played, so it was skipped/)
    expect(bridge.callsOf('playEnded')[0]).toMatchObject({ reason: 'error' })
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[1]!.id)
  })

  it('names a missing file and stops rather than spinning when nothing can play', async () => {
    const { bridge, sounds, player } = setup({ missing: true })
    player.playTracksNow([bridge.tracks[0]!])
    await settle()
    sounds.made[0]!.fire('loaderror')
    await settle()
    expect(player.getSnapshot().note?.kind).toBe('missing')
    expect(player.getSnapshot().note?.message).toMatch(/missing/)
    expect(player.getSnapshot().status).not.toBe('playing')
  })

  it('restores a saved queue paused at its position, and starts from there on play', async () => {
    const { bridge, sounds, player } = setup()
    const track = fakeTrack(3)
    player.restore({
      entries: [{ trackId: 3, source: 'user', track }],
      current: 0,
      position: 61,
      shuffle: false,
      repeat: 'all',
      volume: 0.5,
      revision: 0,
    })
    expect(player.getSnapshot()).toMatchObject({ status: 'paused', volume: 0.5 })
    expect(player.getPosition()).toBe(61)
    expect(bridge.callsOf('playStarted')).toHaveLength(0)
    player.play()
    await settle()
    expect(sounds.made[0]!.at).toBe(61)
    expect(bridge.callsOf('playStarted')).toHaveLength(1)
  })

  it('at the end of the queue, Previous and Play bring the last song back', async () => {
    const { bridge, sounds, player } = setup()
    const [a, b] = bridge.tracks
    player.playTracksNow([a!, b!])
    await settle()
    player.next()
    await settle()
    player.next()
    await settle()
    expect(player.getSnapshot()).toMatchObject({ status: 'paused', atEnd: true })
    expect(player.getSnapshot().track?.id).toBe(b!.id)
    expect(bridge.callsOf('playEnded').at(-1)).toMatchObject({ trackId: b!.id, reason: 'next' })
    // Next again does nothing; Previous plays the last song again.
    player.next()
    expect(sounds.made).toHaveLength(2)
    player.previous()
    await settle()
    expect(player.getSnapshot().atEnd).toBe(false)
    expect(['loading', 'playing']).toContain(player.getSnapshot().status)
    expect(sounds.made.at(-1)!.url).toBe(`/media/${b!.id}`)
    expect(sounds.made.at(-1)!.playing).toBe(true)
    // Play at the end: the last song again, not the queue from the top.
    sounds.made.at(-1)!.finish()
    await settle()
    expect(player.getSnapshot().atEnd).toBe(true)
    player.play()
    expect(sounds.made.at(-1)!.url).toBe(`/media/${b!.id}`)
    expect(player.getSnapshot().queue.current).toBe(1)
  })

  it('after the end, Play carries on with what was added since', async () => {
    const { bridge, sounds, player } = setup()
    const [a, b, c] = bridge.tracks
    player.playTracksNow([a!, b!])
    await settle()
    sounds.made[0]!.finish()
    sounds.made[1]!.finish()
    await settle()
    expect(player.getSnapshot().atEnd).toBe(true)
    player.addTracks([c!])
    player.play()
    expect(player.getSnapshot().track?.id).toBe(c!.id)
    expect(sounds.made.at(-1)!.url).toBe(`/media/${c!.id}`)
  })

  it('keeps only a few played songs in the queue', async () => {
    const { bridge, player } = setup()
    const tracks = Array.from({ length: 12 }, (_, i) => fakeTrack(i + 1))
    player.playTracksNow(tracks)
    for (let i = 0; i < 9; i++) {
      player.next()
      await settle()
    }
    await settle()
    await settle()
    const { queue, track } = player.getSnapshot()
    expect(track?.id).toBe(10)
    expect(queue.items.map((item) => item.entry.trackId)).toEqual([5, 6, 7, 8, 9, 10, 11, 12])
    expect(queue.current).toBe(PLAYED_KEPT)
    // Every play still reached the engine.
    expect(bridge.callsOf('playStarted')).toHaveLength(10)
    // The songs trimmed from the queue are still known as just played (the auto-queue skips them).
    expect(player.recentlyPlayed()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  it('Previous goes back through every song played this session, not only the few kept', async () => {
    const { bridge, sounds, player } = setup()
    const tracks = Array.from({ length: 12 }, (_, i) => fakeTrack(i + 1))
    player.playTracksNow(tracks)
    for (let i = 0; i < 9; i++) {
      player.next()
      await settle()
    }
    expect(player.getSnapshot().queue.items).toHaveLength(PLAYED_KEPT + 3)
    const heard: number[] = []
    for (let i = 0; i < 9; i++) {
      player.previous()
      await settle()
      heard.push(player.getSnapshot().track!.id)
    }
    expect(heard).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1])
    expect(sounds.made.at(-1)!.url).toBe('/media/1')
    expect(
      bridge
        .callsOf('playEnded')
        .slice(-9)
        .map((e) => e.reason),
    ).toEqual(Array(9).fill('previous'))
    // The first song of the session: Previous starts it again.
    const made = sounds.made.length
    player.previous()
    expect(player.getSnapshot().track?.id).toBe(1)
    expect(sounds.made).toHaveLength(made)
    // Forward again, in the same order, the played part kept short on the way.
    const forward: number[] = []
    for (let i = 0; i < 11; i++) {
      player.next()
      await settle()
      forward.push(player.getSnapshot().track!.id)
    }
    expect(forward).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(player.getSnapshot().queue.current).toBe(PLAYED_KEPT)
    // And back again across what was dropped twice.
    for (let i = 0; i < 8; i++) player.previous()
    expect(player.getSnapshot().track?.id).toBe(4)
  })

  it('after a restore, Previous goes on back into the History’s plays before the saved queue', async () => {
    const { bridge, player } = setup()
    // Songs 1 to 9 were played, 9 last (it was playing when the app closed); 10 was up next.
    bridge.history = [9, 8, 7, 6, 5, 4, 3, 2, 1].map((id, i) => ({
      eventId: 100 - i,
      startedAt: 1_000 - i,
      endedAt: null,
      endPosition: null,
      endReason: null,
      track: fakeTrack(id),
    }))
    const restore = (history: typeof bridge.history) => {
      bridge.history = history
      player.restore({
        entries: [5, 6, 7, 8, 9, 10].map((id) => ({
          trackId: id,
          source: 'user' as const,
          track: fakeTrack(id),
        })),
        current: 4,
        position: 0,
        shuffle: false,
        repeat: 'off',
        volume: 1,
        revision: 0,
      })
    }
    restore(bridge.history)
    await settle()
    const heard: number[] = []
    for (let i = 0; i < 9; i++) {
      player.previous()
      await settle()
      heard.push(player.getSnapshot().track!.id)
    }
    expect(heard).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 1])
    // A History that does not lead up to the saved queue (plays made elsewhere since): Previous
    // stops at the queue's start rather than guess.
    restore([{ ...bridge.history[0]!, track: fakeTrack(12) }, ...bridge.history])
    await settle()
    for (let i = 0; i < 6; i++) player.previous()
    expect(player.getSnapshot().track?.id).toBe(5)
  })

  it('Clear empties up next, the song plays on, and Undo brings the songs back', async () => {
    const { bridge, sounds, player } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 4))
    await settle()
    const removed = player.clearUpNext()
    expect(removed.map((e) => e.trackId)).toEqual([2, 3, 4])
    expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual([1])
    expect(sounds.made[0]!.playing).toBe(true)
    expect(bridge.callsOf('playEnded')).toHaveLength(0)
    player.addTracks([bridge.tracks[4]!])
    player.restoreUpNext(removed)
    expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual([1, 2, 3, 4, 5])
  })

  it('a list played from a row becomes what is up next', async () => {
    const { bridge, player } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 3))
    player.playList(bridge.tracks.slice(3, 5))
    await settle()
    const { queue, track } = player.getSnapshot()
    expect(track?.id).toBe(4)
    expect(queue.items.map((i) => i.entry.trackId)).toEqual([1, 4, 5])
    expect(bridge.callsOf('playEnded')[0]).toMatchObject({ trackId: 1, reason: 'picked' })
  })

  it('reports the end with reason quit when the page goes away', async () => {
    const { bridge, sounds, player } = setup()
    player.playTracksNow([bridge.tracks[0]!])
    await settle()
    sounds.made[0]!.at = 33
    player.quit()
    player.quit()
    await settle()
    expect(bridge.callsOf('playEnded')).toEqual([
      {
        trackId: bridge.tracks[0]!.id,
        playId: 'play-1',
        position: 33,
        duration: 200,
        reason: 'quit',
      },
    ])
  })

  it('applies ReplayGain to the volume without clipping', async () => {
    const { bridge, sounds, player } = setup()
    const quiet = fakeTrack(9, {
      replayGain: { trackGain: -6, trackPeak: 0.5, albumGain: null, albumPeak: null },
    })
    player.setVolume(0.8)
    player.playTracksNow([quiet])
    await settle()
    expect(sounds.made[0]!.volume).toBeCloseTo(0.8 * 10 ** (-6 / 20), 5)
    void bridge
  })

  it('uses the album gain in album mode, and none when ReplayGain is off, at once', async () => {
    const { sounds, player } = setup()
    const track = fakeTrack(9, {
      replayGain: { trackGain: -6, trackPeak: 0.5, albumGain: -12, albumPeak: 0.5 },
    })
    player.setVolume(0.8)
    player.setReplayGain('album')
    player.playTracksNow([track])
    await settle()
    expect(sounds.made[0]!.volume).toBeCloseTo(0.8 * 10 ** (-12 / 20), 5)
    player.setReplayGain('off')
    expect(sounds.made[0]!.volume).toBeCloseTo(0.8, 5)
    player.setReplayGain('track')
    expect(sounds.made[0]!.volume).toBeCloseTo(0.8 * 10 ** (-6 / 20), 5)
  })

  it('ReplayGain factor follows the gain and stops at the peak', () => {
    expect(replayGainFactor(null, null)).toBe(1)
    expect(replayGainFactor(-6.02, 1)).toBeCloseTo(0.5, 2)
    // +6 dB would double the level, but a peak of 0.8 allows only 1.25×.
    expect(replayGainFactor(6.02, 0.8)).toBeCloseTo(1.25, 5)
  })

  it('previous restarts the track after a few seconds, and goes back before', async () => {
    const { bridge, sounds, player } = setup()
    player.playTracksNow(bridge.tracks.slice(0, 2))
    player.next()
    await settle()
    sounds.made[1]!.at = 30
    player.seek(30)
    player.previous()
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[1]!.id)
    expect(sounds.made[1]!.at).toBe(0)
    player.previous()
    await settle()
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[0]!.id)
    expect(bridge.callsOf('playEnded').at(-1)).toMatchObject({ reason: 'previous' })
  })
})

describe('a re-rank’s replacements', () => {
  const auto = (track: Track, pickId: number): QueueTrack => ({
    trackId: track.id,
    source: 'auto',
    pickId,
    track,
  })

  it('never replace the auto-pick playing: the start names the pick, and the player reports the replacement declined', async () => {
    const { bridge, player } = setup()
    const [a, b, c, d, e] = bridge.tracks as [Track, Track, Track, Track, Track]
    player.playTracksNow([a])
    player.addEntries([auto(b, 11), auto(c, 12)])
    await settle()
    player.next() // the first pick starts
    await settle()
    expect(bridge.callsOf('playStarted').at(-1)).toEqual({ trackId: b.id, pickId: 11 })
    // The engine replaced both from a save that still showed the first one waiting.
    player.applyReplacements(1, [
      { pickId: 11, trackId: b.id, entry: auto(d, 21) },
      { pickId: 12, trackId: c.id, entry: auto(e, 22) },
    ])
    await settle()
    const queue = player.getSnapshot().queue
    expect(queue.items.map((it) => it.entry.trackId)).toEqual([a.id, b.id, e.id])
    expect(player.getSnapshot().track?.id).toBe(b.id)
    expect(bridge.callsOf('declineReplacements')).toEqual([
      { declined: [{ pickId: 21, reason: 'started' }] },
    ])
  })

  it('decline a replacement of a pick that started even when Previous made it wait again', async () => {
    const { bridge, player } = setup()
    const [a, b, c] = bridge.tracks as [Track, Track, Track]
    player.playTracksNow([a])
    player.addEntries([auto(b, 11)])
    await settle()
    player.next()
    await settle()
    player.previous() // back to the first song: the pick waits again, but it was heard
    await settle()
    expect(player.getSnapshot().track?.id).toBe(a.id)
    player.applyReplacements(1, [{ pickId: 11, trackId: b.id, entry: auto(c, 21) }])
    await settle()
    expect(player.getSnapshot().queue.items.map((it) => it.entry.trackId)).toEqual([a.id, b.id])
    expect(bridge.callsOf('declineReplacements')).toEqual([
      { declined: [{ pickId: 21, reason: 'started' }] },
    ])
    // A pick never started is replaced, and nothing is declined for it.
    player.addEntries([auto(c, 31)])
    player.applyReplacements(2, [{ pickId: 31, trackId: c.id, entry: auto(bridge.tracks[3]!, 41) }])
    await settle()
    expect(player.getSnapshot().queue.items.at(-1)!.entry.pickId).toBe(41)
    expect(bridge.callsOf('declineReplacements')).toHaveLength(1)
  })
})

describe('QueueSaver', () => {
  it('saves the queue shortly after it changes', () => {
    vi.useFakeTimers()
    try {
      const { bridge, player } = setup()
      const saver = new QueueSaver(player, bridge, { debounceMs: 100 })
      player.addTracks(bridge.tracks.slice(0, 3))
      player.moveEntry(0, 2)
      expect(bridge.callsOf('saveQueue')).toHaveLength(0)
      vi.advanceTimersByTime(150)
      expect(bridge.callsOf('saveQueue')).toHaveLength(1)
      expect(bridge.callsOf('saveQueue')[0]?.entries.map((e) => e.trackId)).toEqual([2, 3, 1])
      saver.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})
