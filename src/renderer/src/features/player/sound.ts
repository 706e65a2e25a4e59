// The one place that touches howler. The Player works against the small Sound interface, so
// component tests run it with an in-memory sound and the real thing streams through HTML5 audio.
import { Howl } from 'howler'

export type SoundEvent = 'load' | 'play' | 'pause' | 'end' | 'loaderror' | 'playerror'

export interface Sound {
  play(): void
  pause(): void
  /** Stops and frees the audio element. */
  unload(): void
  /** Current position in seconds. */
  position(): number
  seek(seconds: number): void
  /** Seconds, or 0 until the metadata has loaded. */
  duration(): number
  setVolume(volume: number): void
  on(event: SoundEvent, listener: (detail?: unknown) => void): void
}

export type SoundFactory = (url: string, format: string | null) => Sound

// howler probes codec support by these names; an unknown one (aiff) is left to the browser.
const HOWLER_FORMATS: Record<string, string> = {
  mp3: 'mp3',
  flac: 'flac',
  ogg: 'ogg',
  opus: 'opus',
  m4a: 'm4a',
  wav: 'wav',
  // The engine serves AIFF (and ALAC) decoded to WAV: Chromium cannot demux either.
  aiff: 'wav',
}

/**
 * html5: true streams through an <audio> element, so a two-hour file starts at once and seeks by
 * HTTP range instead of being decoded whole into memory first.
 */
export const createHowlerSound: SoundFactory = (url, format) => {
  const known = format ? HOWLER_FORMATS[format] : undefined
  const howl = new Howl({
    src: [url],
    html5: true,
    preload: true,
    ...(known ? { format: [known] } : {}),
  })
  return {
    play: () => void howl.play(),
    pause: () => void howl.pause(),
    unload: () => howl.unload(),
    position: () => {
      const at = howl.seek()
      return typeof at === 'number' && Number.isFinite(at) ? at : 0
    },
    seek: (seconds) => void howl.seek(seconds),
    duration: () => howl.duration(),
    setVolume: (volume) => void howl.volume(volume),
    on: (event, listener) =>
      void howl.on(event, (_id: number, detail?: unknown) => listener(detail)),
  }
}
