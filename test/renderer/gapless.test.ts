// @vitest-environment happy-dom
// The player's handoff from one song to the next: scheduled on the sample where the current one
// ends (gapless), or overlapping it by the crossfade, and taken back when the listener acts.
import { describe, expect, it } from 'vitest'
import type { Track } from '../../src/shared/domain'
import { Player } from '../../src/renderer/src/features/player/player'
import { FakeBridge, fakeScheduledSounds, fakeTrack } from './fake-bridge'

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

function setup() {
  const bridge = new FakeBridge({ tracks: 5 })
  const clock = { now: 100 }
  const sounds = fakeScheduledSounds(clock)
  let tick: (() => void) | null = null
  const player = new Player({
    bridge,
    createSound: sounds.create,
    seed: 1,
    isMissing: () => Promise.resolve(false),
    setInterval: (fn) => {
      tick = fn
      return 1
    },
    clearInterval: () => {
      tick = null
    },
    progressEveryMs: 1e9,
  })
  return { bridge, sounds, clock, player, tick: () => tick?.() }
}

/** Plays `tracks` and brings the first to 10 s before its end (200 s long), next one preloaded. */
async function nearTheEnd(s: ReturnType<typeof setup>, tracks: Track[]) {
  s.player.playTracksNow(tracks)
  await settle()
  s.sounds.made[0]!.at = 190
  s.tick() // preloads the next song and schedules it
}

describe('gapless handoff', () => {
  it('starts the next song on the exact clock time the current one ends, with no fade', async () => {
    const s = setup()
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    const [current, next] = s.sounds.made
    expect(next!.start).toEqual({ when: 110, fadeIn: 0 })
    expect(current!.fadeOut).toEqual({ when: 110, seconds: 0 })
    // Ticks before the boundary change nothing.
    s.clock.now = 105
    s.tick()
    expect(s.player.getSnapshot().track?.id).toBe(s.bridge.tracks[0]!.id)
    // At the boundary the next song is current, on the sound that was scheduled (no new one).
    s.clock.now = 110
    s.tick()
    await settle()
    expect(s.player.getSnapshot().track?.id).toBe(s.bridge.tracks[1]!.id)
    expect(s.player.getSnapshot().status).toBe('playing')
    expect(s.sounds.made).toHaveLength(2)
    expect(next!.unloaded).toBe(false)
    expect(s.bridge.callsOf('playEnded')).toEqual([
      {
        trackId: s.bridge.tracks[0]!.id,
        playId: 'play-1',
        position: 200,
        duration: 200,
        reason: 'ended',
      },
    ])
    expect(s.bridge.callsOf('playStarted').map((c) => c.trackId)).toEqual([
      s.bridge.tracks[0]!.id,
      s.bridge.tracks[1]!.id,
    ])
    // The song before is let go once its last sample has played.
    current!.finish()
    expect(current!.unloaded).toBe(true)
  })

  it('hands over on the end of the current song when that comes before the next tick', async () => {
    const s = setup()
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    s.clock.now = 110
    s.sounds.made[0]!.finish()
    await settle()
    expect(s.player.getSnapshot().track?.id).toBe(s.bridge.tracks[1]!.id)
    expect(s.sounds.made).toHaveLength(2)
    expect(s.bridge.callsOf('playEnded').map((c) => c.reason)).toEqual(['ended'])
  })

  it('waits for the next song to be decoded before scheduling it', async () => {
    const s = setup()
    s.player.playTracksNow(s.bridge.tracks.slice(0, 2))
    await settle()
    s.sounds.made[0]!.at = 190
    s.tick()
    s.sounds.made[1]!.decoded = false
    s.sounds.made[1]!.unschedule()
    s.player.pause()
    s.player.play()
    s.tick()
    expect(s.sounds.made[1]!.start).toBeNull()
    s.sounds.made[1]!.decoded = true
    s.tick()
    expect(s.sounds.made[1]!.start).toEqual({ when: 110, fadeIn: 0 })
  })

  it('takes the scheduled start back on pause and schedules it again on play', async () => {
    const s = setup()
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    const [current, next] = s.sounds.made
    s.player.pause()
    expect(next!.start).toBeNull()
    expect(current!.fadeOut).toBeNull()
    // Paused for 30 s: the end moved on by as much.
    s.clock.now = 130
    s.player.play()
    s.tick()
    expect(next!.start).toEqual({ when: 140, fadeIn: 0 })
  })

  it('takes the scheduled start back when the listener seeks', async () => {
    const s = setup()
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    s.player.seek(100)
    expect(s.sounds.made[1]!.start).toBeNull()
  })

  it('lets go of the scheduled song when another one comes up next', async () => {
    const s = setup()
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    const scheduled = s.sounds.made[1]!
    s.player.playTracksNext([s.bridge.tracks[3]!])
    expect(scheduled.start).toBeNull()
    expect(scheduled.unloaded).toBe(true)
    expect(s.sounds.made[0]!.fadeOut).toBeNull()
  })

  it('never schedules past the end of the queue', async () => {
    const s = setup()
    await nearTheEnd(s, [s.bridge.tracks[0]!])
    expect(s.sounds.made).toHaveLength(1)
    s.sounds.made[0]!.finish()
    expect(s.player.getSnapshot().atEnd).toBe(true)
  })
})

describe('crossfade', () => {
  it('starts the next song the set seconds early, fading it in as the current one fades out', async () => {
    const s = setup()
    s.player.setCrossfade(6)
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    const [current, next] = s.sounds.made
    expect(next!.start).toEqual({ when: 104, fadeIn: 6 })
    expect(current!.fadeOut).toEqual({ when: 104, seconds: 6 })
    s.clock.now = 104
    s.tick()
    await settle()
    // The next song is current from the start of the fade; the one before sounds on until its end.
    expect(s.player.getSnapshot().track?.id).toBe(s.bridge.tracks[1]!.id)
    expect(current!.unloaded).toBe(false)
    expect(s.bridge.callsOf('playEnded').map((c) => c.reason)).toEqual(['ended'])
    current!.finish()
    expect(current!.unloaded).toBe(true)
  })

  it('cuts the fading song when the listener pauses during the crossfade', async () => {
    const s = setup()
    s.player.setCrossfade(6)
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    s.clock.now = 105
    s.tick()
    s.player.pause()
    expect(s.sounds.made[0]!.unloaded).toBe(true)
  })

  it.each([
    {
      order: 'in order (gapless, even with a crossfade set)',
      trackNos: [3, 4],
      start: 110,
      fade: 0,
    },
    { order: 'out of order (crossfaded)', trackNos: [7, 4], start: 102, fade: 8 },
  ])('plays two songs of one album $order', async ({ trackNos, start, fade }) => {
    const album = { album: 'Live at the Fillmore', albumArtist: 'The Band', discNo: 1 }
    const s = setup()
    s.player.setCrossfade(8)
    await nearTheEnd(s, [
      fakeTrack(1, { ...album, trackNo: trackNos[0]! }),
      fakeTrack(2, { ...album, trackNo: trackNos[1]! }),
    ])
    expect(s.sounds.made[1]!.start).toEqual({ when: start, fadeIn: fade })
  })

  it('applies a changed setting to the handoff already scheduled', async () => {
    const s = setup()
    await nearTheEnd(s, s.bridge.tracks.slice(0, 2))
    expect(s.sounds.made[1]!.start).toEqual({ when: 110, fadeIn: 0 })
    s.player.setCrossfade(4)
    expect(s.sounds.made[1]!.start).toBeNull()
    s.tick()
    expect(s.sounds.made[1]!.start).toEqual({ when: 106, fadeIn: 4 })
  })
})

describe('the next song’s volume', () => {
  it('is set before its scheduled start, and follows the volume and ReplayGain', async () => {
    const s = setup()
    const loud = fakeTrack(2, {
      replayGain: { trackGain: -6, trackPeak: null, albumGain: null, albumPeak: null },
    })
    s.player.setVolume(0.5)
    await nearTheEnd(s, [s.bridge.tracks[0]!, loud])
    const next = s.sounds.made[1]!
    expect(next.volume).toBeCloseTo(0.5 * 10 ** (-6 / 20), 6)
    s.player.setVolume(0.8)
    expect(next.volume).toBeCloseTo(0.8 * 10 ** (-6 / 20), 6)
    s.player.setReplayGain('off')
    expect(next.volume).toBeCloseTo(0.8, 6)
  })
})
