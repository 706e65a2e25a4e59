// The Sound interface the Player works against, and its streaming kind: howler over HTML5 audio.
// Component tests run the player with an in-memory sound; the app plays songs decoded with Web
// Audio (web-audio-sound.ts), which can be scheduled to the sample, and streams very long files.
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
  /** Present when the sound can start at an exact time (gapless playback and crossfades). */
  readonly scheduling?: Scheduling
}

/**
 * Sample-exact starts on one clock (the AudioContext's, in seconds): what the player needs to
 * start the next song exactly where the current one ends, or to overlap the two by a crossfade.
 */
export interface Scheduling {
  /** The clock now. */
  now(): number
  /** Whether the whole song is decoded, so it can start at once. */
  ready(): boolean
  /** When the last sample will have played, on the clock; null unless playing. */
  endsAt(): number | null
  /** Starts from the top at `when`, fading in over `fadeIn` seconds (0: at full volume). */
  startAt(when: number, fadeIn: number): void
  /** Fades out over `seconds` from `when` (the crossfade's other half). */
  fadeOutAt(when: number, seconds: number): void
  /** Takes back startAt and fadeOutAt that have not happened yet. */
  unschedule(): void
}

/** `duration`: the song's length from its tags (null if unknown), to choose how it is played. */
export type SoundFactory = (url: string, format: string | null, duration?: number | null) => Sound

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
