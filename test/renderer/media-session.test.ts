// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import {
  connectMediaSession,
  type ActionDetails,
} from '../../src/renderer/src/features/player/media-session'
import type { Player, PlayerSnapshot } from '../../src/renderer/src/features/player/player'

function fakePlayer(snapshot: Partial<PlayerSnapshot>) {
  const calls: string[] = []
  let listener: () => void = () => undefined
  let positionListener: () => void = () => undefined
  let position = 42
  let snap = snapshot as PlayerSnapshot
  const player = {
    getSnapshot: () => snap,
    getPosition: () => position,
    subscribe: (l: () => void) => {
      listener = l
      return () => undefined
    },
    subscribePosition: (l: () => void) => {
      positionListener = l
      return () => undefined
    },
    play: () => calls.push('play'),
    pause: () => calls.push('pause'),
    next: () => calls.push('next'),
    previous: () => calls.push('previous'),
    seek: (s: number) => calls.push(`seek ${s}`),
    seekBy: (d: number) => calls.push(`seekBy ${d}`),
  } as unknown as Player
  return {
    player,
    calls,
    change: (next: Partial<PlayerSnapshot>) => {
      snap = { ...snap, ...next }
      listener()
    },
    moveTo: (seconds: number) => {
      position = seconds
      positionListener()
    },
  }
}

function fakeSession() {
  const handlers = new Map<string, (d: ActionDetails) => void>()
  return {
    handlers,
    metadata: null as unknown,
    playbackState: 'none' as 'none' | 'paused' | 'playing',
    setActionHandler: (a: string, h: ((d: ActionDetails) => void) | null) => {
      if (h) handlers.set(a, h)
      else handlers.delete(a)
    },
    positions: [] as unknown[],
    setPositionState(state?: unknown) {
      this.positions.push(state)
    },
  }
}

class Metadata {
  constructor(readonly init: object) {}
}

const TRACK = {
  id: 7,
  title: 'Northerners',
  artist: 'Wesnoth',
  album: 'Battle',
  albumArtist: null,
  coverId: 'abc',
  path: '/m/n.ogg',
} as unknown as NonNullable<PlayerSnapshot['track']>

describe('media session', () => {
  it('shows the playing track with its cover’s size and routes every OS media action', async () => {
    const session = fakeSession()
    const { player, calls, change, moveTo } = fakePlayer({
      track: null,
      status: 'idle',
      duration: null,
    })
    const off = connectMediaSession(player, (id) => `/covers/${id}`, {
      nav: { mediaSession: session },
      Metadata,
      describeImage: (src) =>
        Promise.resolve(src === '/covers/abc' ? { sizes: '600x600', type: 'image/jpeg' } : null),
    })
    expect(session.playbackState).toBe('none')
    change({ track: TRACK, status: 'playing', duration: 200 })
    expect(session.playbackState).toBe('playing')
    const text = { title: 'Northerners', artist: 'Wesnoth', album: 'Battle' }
    expect((session.metadata as Metadata).init).toEqual({
      ...text,
      artwork: [{ src: '/covers/abc' }],
    })
    await Promise.resolve()
    expect((session.metadata as Metadata).init).toEqual({
      ...text,
      artwork: [{ src: '/covers/abc', sizes: '600x600', type: 'image/jpeg' }],
    })
    expect(session.positions.at(-1)).toEqual({ duration: 200, position: 42, playbackRate: 1 })

    // A seek (a jump of the position) is sent; the ticking of a playing song is not.
    const sent = session.positions.length
    moveTo(42.2)
    expect(session.positions).toHaveLength(sent)
    moveTo(120)
    expect(session.positions.at(-1)).toEqual({ duration: 200, position: 120, playbackRate: 1 })

    change({ status: 'paused' })
    expect(session.playbackState).toBe('paused')

    for (const [action, details] of [
      ['nexttrack', {}],
      ['previoustrack', {}],
      ['pause', {}],
      ['play', {}],
      ['seekto', { seekTime: 30 }],
      ['seekforward', {}],
      ['seekbackward', { seekOffset: 5 }],
      ['stop', {}],
    ] as const) {
      session.handlers.get(action)?.(details)
    }
    expect(calls).toEqual([
      'next',
      'previous',
      'pause',
      'play',
      'seek 30',
      'seekBy 10',
      'seekBy -5',
      'pause',
      'seek 0',
    ])
    off()
    expect(session.handlers.size).toBe(0)
  })

  it('renews the metadata when the song’s tags change, and names an untagged file tidily', () => {
    const session = fakeSession()
    const { player, change } = fakePlayer({ track: TRACK, status: 'playing', duration: 100 })
    connectMediaSession(player, (id) => `/covers/${id}`, {
      nav: { mediaSession: session },
      Metadata,
      describeImage: () => Promise.resolve(null),
    })
    change({ track: { ...TRACK, title: 'Northerners (remastered)' } })
    expect((session.metadata as Metadata).init).toMatchObject({ title: 'Northerners (remastered)' })
    change({ track: { ...TRACK, title: null, coverId: null, path: '/m/03 - my_song.ogg' } })
    expect((session.metadata as Metadata).init).toEqual({
      title: 'my song',
      artist: 'Wesnoth',
      album: 'Battle',
      artwork: [],
    })
    change({ track: null, status: 'idle', duration: null })
    expect(session.metadata).toBeNull()
    expect(session.playbackState).toBe('none')
  })

  it('does nothing where the browser has no media session', () => {
    const { player } = fakePlayer({ track: null, status: 'idle', duration: null })
    expect(() =>
      connectMediaSession(player, String, { nav: {}, Metadata: undefined })(),
    ).not.toThrow()
  })
})
