// Now-playing info and OS media keys through the Media Session API: Chromium (and so Electron)
// shows the title, artist, album and cover in the OS media controls (MPRIS on Linux, the Windows
// media overlay, macOS Now Playing) and routes the hardware and overlay buttons here, in the app
// and in a browser tab alike. Kept in step with the player: metadata when the song or its tags
// change, the playback state on every change, the position state on every change and seek.
import { titleFromFileName } from '../../../../shared/folder-tags'
import type { Track } from '../../../../shared/domain'
import type { Player } from './player'

export type MediaAction =
  | 'play'
  | 'pause'
  | 'stop'
  | 'previoustrack'
  | 'nexttrack'
  | 'seekto'
  | 'seekbackward'
  | 'seekforward'

export interface ActionDetails {
  seekTime?: number
  seekOffset?: number
  fastSeek?: boolean
}

interface MediaSessionLike {
  metadata: unknown
  playbackState: 'none' | 'paused' | 'playing'
  setActionHandler(action: string, handler: ((details: ActionDetails) => void) | null): void
  setPositionState?(state?: { duration: number; position: number; playbackRate: number }): void
}

/** What the OS shows for a cover: its URL, pixel size and type (MediaImage). */
export interface Artwork {
  src: string
  sizes?: string
  type?: string
}

export interface MediaSessionOptions {
  nav?: { mediaSession?: MediaSessionLike }
  Metadata?: (new (init: object) => unknown) | undefined
  /** The cover's size and type, read from the image itself; null when it cannot be read. */
  describeImage?: (src: string) => Promise<Omit<Artwork, 'src'> | null>
}

/** How far (in seconds) the reported position may drift from the OS's estimate before a resend. */
const POSITION_SLACK = 1.5
/** The seek step when the OS does not say (the same as the ←/→ keys). */
const DEFAULT_SEEK_OFFSET = 10

/** The cover's pixel size and MIME type, by fetching it once (the cover route sets the type). */
export async function describeImage(src: string): Promise<Omit<Artwork, 'src'> | null> {
  try {
    const response = await fetch(src)
    if (!response.ok) return null
    const blob = await response.blob()
    const bitmap = await createImageBitmap(blob)
    const sizes = `${bitmap.width}x${bitmap.height}`
    bitmap.close()
    return blob.type ? { sizes, type: blob.type } : { sizes }
  } catch {
    return null
  }
}

/** The title the OS shows: the tag, else the file name tidied as the library shows it. */
function shownTitle(track: Track): string {
  if (track.title?.trim()) return track.title
  const file = track.path.split(/[\\/]/).pop() ?? ''
  return titleFromFileName(file)
}

export function connectMediaSession(
  player: Player,
  coverUrl: (coverId: string) => string,
  options: MediaSessionOptions = {},
): () => void {
  const session = 'nav' in options ? options.nav?.mediaSession : navigator.mediaSession
  const Metadata =
    'Metadata' in options
      ? options.Metadata
      : (globalThis as { MediaMetadata?: new (init: object) => unknown }).MediaMetadata
  const describe = options.describeImage ?? describeImage
  if (!session || !Metadata) return () => undefined

  const actions: [MediaAction, (details: ActionDetails) => void][] = [
    ['play', () => player.play()],
    ['pause', () => player.pause()],
    [
      'stop',
      () => {
        player.pause()
        player.seek(0)
      },
    ],
    ['nexttrack', () => player.next()],
    ['previoustrack', () => player.previous()],
    ['seekto', (d) => d.seekTime !== undefined && player.seek(d.seekTime)],
    ['seekbackward', (d) => player.seekBy(-(d.seekOffset ?? DEFAULT_SEEK_OFFSET))],
    ['seekforward', (d) => player.seekBy(d.seekOffset ?? DEFAULT_SEEK_OFFSET)],
  ]
  for (const [action, handler] of actions) {
    try {
      session.setActionHandler(action, handler)
    } catch {
      // An action this browser does not know: the others still work.
    }
  }

  let shown: string | null = null
  const showMetadata = (track: Track | null) => {
    const key = track
      ? JSON.stringify([track.id, track.title, track.artist, track.album, track.coverId])
      : null
    if (key === shown) return
    shown = key
    if (!track) {
      session.metadata = null
      return
    }
    const text = {
      title: shownTitle(track),
      artist: track.artist ?? track.albumArtist ?? '',
      album: track.album ?? '',
    }
    const src = track.coverId ? coverUrl(track.coverId) : null
    session.metadata = new Metadata({ ...text, artwork: src ? [{ src }] : [] })
    if (!src) return
    // The OS picks among artwork by size: say the cover's once it is known.
    void describe(src).then((found) => {
      if (!found || shown !== key) return
      session.metadata = new Metadata({ ...text, artwork: [{ src, ...found }] })
    })
  }

  let sent: { position: number; at: number; playing: boolean } | null = null
  const sendPosition = () => {
    const { duration, status } = player.getSnapshot()
    if (!session.setPositionState) return
    try {
      if (!duration || !(duration > 0)) {
        if (sent) session.setPositionState()
        sent = null
        return
      }
      const position = Math.min(duration, Math.max(0, player.getPosition()))
      session.setPositionState({ duration, position, playbackRate: 1 })
      sent = { position, at: Date.now(), playing: status === 'playing' }
    } catch {
      // Position state is advisory.
    }
  }

  const update = () => {
    const { track, status } = player.getSnapshot()
    session.playbackState =
      status === 'playing' || status === 'loading'
        ? 'playing'
        : status === 'paused'
          ? 'paused'
          : 'none'
    showMetadata(track)
    sendPosition()
  }
  // Between changes the OS moves the position on by itself: resend only after a jump (a seek).
  const onPosition = () => {
    if (!sent) return sendPosition()
    const expected = sent.position + (sent.playing ? (Date.now() - sent.at) / 1000 : 0)
    if (Math.abs(player.getPosition() - expected) > POSITION_SLACK) sendPosition()
  }

  update()
  const offChange = player.subscribe(update)
  const offPosition = player.subscribePosition(onPosition)
  return () => {
    offChange()
    offPosition()
    for (const [action] of actions) {
      try {
        session.setActionHandler(action, null)
      } catch {
        // Ignore actions the browser does not know.
      }
    }
  }
}
