// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { connectMediaSession } from '../../src/renderer/src/features/player/media-session'
import type { Player, PlayerSnapshot } from '../../src/renderer/src/features/player/player'

function fakePlayer(snapshot: Partial<PlayerSnapshot>) {
  const calls: string[] = []
  let listener: () => void = () => undefined
  let snap = snapshot as PlayerSnapshot
  const player = {
    getSnapshot: () => snap,
    getPosition: () => 42,
    subscribe: (l: () => void) => {
      listener = l
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
  }
}

describe('media session', () => {
  it('shows the playing track and routes the OS media keys to the player', () => {
    const handlers = new Map<string, (d: { seekTime?: number }) => void>()
    const session = {
      metadata: null as unknown,
      playbackState: 'none' as 'none' | 'paused' | 'playing',
      setActionHandler: (a: string, h: ((d: { seekTime?: number }) => void) | null) => {
        if (h) handlers.set(a, h)
        else handlers.delete(a)
      },
      positions: [] as unknown[],
      setPositionState(state: unknown) {
        this.positions.push(state)
      },
    }
    class Metadata {
      constructor(readonly init: object) {}
    }
    const track = {
      id: 7,
      title: 'Northerners',
      artist: 'Wesnoth',
      album: 'Battle',
      coverId: 'abc',
      path: '/m/n.ogg',
    }
    const { player, calls, change } = fakePlayer({ track: null, status: 'idle', duration: null })
    const off = connectMediaSession(
      player,
      (id) => `/covers/${id}`,
      { mediaSession: session },
      Metadata,
    )
    change({ track: track as PlayerSnapshot['track'], status: 'playing', duration: 200 })
    expect(session.playbackState).toBe('playing')
    expect((session.metadata as Metadata).init).toEqual({
      title: 'Northerners',
      artist: 'Wesnoth',
      album: 'Battle',
      artwork: [{ src: '/covers/abc' }],
    })
    expect(session.positions.at(-1)).toEqual({ duration: 200, position: 42, playbackRate: 1 })
    handlers.get('nexttrack')?.({})
    handlers.get('pause')?.({})
    handlers.get('seekto')?.({ seekTime: 30 })
    expect(calls).toEqual(['next', 'pause', 'seek 30'])
    off()
    expect(handlers.size).toBe(0)
  })

  it('does nothing where the browser has no media session', () => {
    const { player } = fakePlayer({ track: null, status: 'idle', duration: null })
    expect(() => connectMediaSession(player, String, {}, undefined)()).not.toThrow()
  })
})
