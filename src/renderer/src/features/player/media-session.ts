// Now-playing info and OS media keys through the Media Session API: Chromium (and so Electron)
// shows the title, artist, album and cover in the OS media controls and routes the hardware
// play/pause/next/previous keys here, in the app and in a browser tab alike.
import type { Player } from './player'

interface MediaSessionLike {
  metadata: unknown
  playbackState: 'none' | 'paused' | 'playing'
  setActionHandler(
    action: string,
    handler: ((details: { seekTime?: number; seekOffset?: number }) => void) | null,
  ): void
  setPositionState?(state: { duration: number; position: number; playbackRate: number }): void
}

export function connectMediaSession(
  player: Player,
  coverUrl: (coverId: string) => string,
  nav: { mediaSession?: MediaSessionLike } = navigator,
  Metadata: (new (init: object) => unknown) | undefined = (
    globalThis as { MediaMetadata?: new (init: object) => unknown }
  ).MediaMetadata,
): () => void {
  const session = nav.mediaSession
  if (!session || !Metadata) return () => undefined
  const actions: [string, (details: { seekTime?: number; seekOffset?: number }) => void][] = [
    ['play', () => player.play()],
    ['pause', () => player.pause()],
    ['nexttrack', () => player.next()],
    ['previoustrack', () => player.previous()],
    ['seekto', (d) => d.seekTime !== undefined && player.seek(d.seekTime)],
    ['seekbackward', (d) => player.seekBy(-(d.seekOffset ?? 10))],
    ['seekforward', (d) => player.seekBy(d.seekOffset ?? 10)],
  ]
  for (const [action, handler] of actions) {
    try {
      session.setActionHandler(action, handler)
    } catch {
      // An action this browser does not know: the others still work.
    }
  }
  let shownTrack: number | null = null
  const update = () => {
    const { track, status, duration } = player.getSnapshot()
    session.playbackState =
      status === 'playing' ? 'playing' : status === 'paused' ? 'paused' : 'none'
    if ((track?.id ?? null) !== shownTrack) {
      shownTrack = track?.id ?? null
      session.metadata = track
        ? new Metadata({
            title: track.title ?? track.path.split(/[\\/]/).pop() ?? '',
            artist: track.artist ?? '',
            album: track.album ?? '',
            artwork: track.coverId ? [{ src: coverUrl(track.coverId) }] : [],
          })
        : null
    }
    if (duration && duration > 0 && session.setPositionState) {
      try {
        session.setPositionState({
          duration,
          position: Math.min(duration, Math.max(0, player.getPosition())),
          playbackRate: 1,
        })
      } catch {
        // Position state is advisory.
      }
    }
  }
  update()
  const off = player.subscribe(update)
  return () => {
    off()
    for (const [action] of actions) {
      try {
        session.setActionHandler(action, null)
      } catch {
        // Ignore actions the browser does not know.
      }
    }
  }
}
