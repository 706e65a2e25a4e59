// Songs decoded whole with Web Audio (decodeAudioData) and played from an AudioBuffer: the one way
// a page can start the next song on the exact sample where the current one ends (an <audio>
// element starts whenever its pipeline is ready, 20–60 ms late; docs/playback.md has the numbers).
// Very long files still stream through an <audio> element (howler), so a two-hour mix is not
// decoded into gigabytes of memory.
import {
  createHowlerSound,
  type Scheduling,
  type Sound,
  type SoundEvent,
  type SoundFactory,
} from './sound'

/**
 * Songs up to this long are decoded whole (about 23 MB a minute as 48 kHz stereo floats, so
 * ≤ 350 MB each, and at most two at once: the playing song and the next); longer ones stream.
 */
export const DECODE_WHOLE_UP_TO_SECONDS = 15 * 60

/** Points of the equal-power fade curves (sin/cos: the sum of the two stays as loud). */
const FADE_POINTS = 64

interface Output {
  context: AudioContext
  /** Where every decoded song plays into; it goes on to the speakers. */
  input: GainNode
}

/** What a page (and the end-to-end tests) can read of the sounds playing, for diagnostics. */
export interface AudioDiagnostics {
  context: AudioContext
  output: AudioNode
  sounds(): {
    src: string
    time: number
    paused: boolean
    duration: number
    seek(s: number): void
  }[]
}

let output: Output | null = null
const live = new Set<DecodedSound>()

function audioOutput(): Output {
  if (output) return output
  const context = new AudioContext({ latencyHint: 'playback' })
  const input = context.createGain()
  input.connect(context.destination)
  output = { context, input }
  const diagnostics: AudioDiagnostics = {
    context,
    output: input,
    sounds: () =>
      [...live].map((sound) => ({
        src: sound.url,
        time: sound.position(),
        paused: !sound.isSounding(),
        duration: sound.duration(),
        seek: (s: number) => sound.seek(s),
      })),
  }
  ;(globalThis as { attuneAudio?: AudioDiagnostics }).attuneAudio = diagnostics
  return output
}

function fadeCurve(rising: boolean): Float32Array {
  const curve = new Float32Array(FADE_POINTS)
  for (let i = 0; i < FADE_POINTS; i++) {
    const t = (i / (FADE_POINTS - 1)) * (Math.PI / 2)
    curve[i] = rising ? Math.sin(t) : Math.cos(t)
  }
  return curve
}

/** One song, fetched from the media route, decoded whole and played from memory. */
class DecodedSound implements Sound, Scheduling {
  readonly scheduling: Scheduling = this
  private readonly context: AudioContext
  /** The listener's volume times ReplayGain. */
  private readonly volume: GainNode
  /** The crossfade's envelope (1 outside fades). */
  private readonly fade: GainNode
  private buffer: AudioBuffer | null = null
  private source: AudioBufferSourceNode | null = null
  /** Seconds into the song at `startedAt` (when playing) or where it stands (when not). */
  private offset = 0
  /** The clock time at which `offset` plays. */
  private startedAt = 0
  private playing = false
  /** Started by startAt and not yet taken over by play(): unschedule() takes it back whole. */
  private scheduled = false
  /** play() came before the decode finished: start once it has. */
  private wantsPlay = false
  private unloaded = false
  private playTimer: ReturnType<typeof setTimeout> | null = null
  private readonly listeners = new Map<SoundEvent, ((detail?: unknown) => void)[]>()

  constructor(
    out: Output,
    readonly url: string,
  ) {
    this.context = out.context
    this.fade = this.context.createGain()
    this.volume = this.context.createGain()
    this.fade.connect(this.volume)
    this.volume.connect(out.input)
    live.add(this)
    void this.load()
  }

  private async load(): Promise<void> {
    try {
      const response = await fetch(this.url)
      if (!response.ok) throw new Error(`The song could not be fetched (HTTP ${response.status}).`)
      const bytes = await response.arrayBuffer()
      if (this.unloaded) return
      const buffer = await this.context.decodeAudioData(bytes)
      if (this.unloaded) return
      this.buffer = buffer
    } catch (error) {
      if (!this.unloaded) this.fire('loaderror', error)
      return
    }
    this.fire('load')
    if (this.wantsPlay && !this.playing) this.startSource(this.context.currentTime, this.offset)
  }

  /** Playing now (not only scheduled to start later). */
  isSounding(): boolean {
    return this.playing && this.startedAt <= this.context.currentTime
  }

  play(): void {
    void this.context.resume()
    this.scheduled = false
    if (this.playing) {
      // Already going (started by startAt): the player only learns that it plays.
      if (this.startedAt <= this.context.currentTime) this.fire('play')
      return
    }
    this.wantsPlay = true
    if (this.buffer) this.startSource(this.context.currentTime, this.offset)
  }

  pause(): void {
    if (!this.playing && !this.wantsPlay) return
    this.offset = this.position()
    this.wantsPlay = false
    this.stopSource()
    this.resetFade()
    this.fire('pause')
  }

  unload(): void {
    this.unloaded = true
    this.wantsPlay = false
    this.stopSource()
    this.fade.disconnect()
    this.volume.disconnect()
    this.buffer = null
    live.delete(this)
  }

  position(): number {
    if (!this.playing) return this.offset
    const at = this.offset + this.context.currentTime - this.startedAt
    return Math.max(0, Math.min(at, this.duration()))
  }

  seek(seconds: number): void {
    const duration = this.duration()
    const target = Math.max(0, duration > 0 ? Math.min(seconds, duration) : seconds)
    if (this.playing) this.startSource(this.context.currentTime, target)
    else this.offset = target
  }

  duration(): number {
    return this.buffer?.duration ?? 0
  }

  setVolume(volume: number): void {
    this.volume.gain.value = volume
  }

  on(event: SoundEvent, listener: (detail?: unknown) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
  }

  private fire(event: SoundEvent, detail?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(detail)
  }

  // ---- scheduling ----------------------------------------------------------------------------

  now(): number {
    return this.context.currentTime
  }

  ready(): boolean {
    return this.buffer !== null
  }

  endsAt(): number | null {
    if (!this.playing || !this.buffer) return null
    return this.startedAt + (this.buffer.duration - this.offset)
  }

  startAt(when: number, fadeIn: number): void {
    if (!this.buffer || this.unloaded) return
    void this.context.resume()
    this.wantsPlay = true
    this.scheduled = true
    this.resetFade()
    if (fadeIn > 0) this.fade.gain.setValueCurveAtTime(fadeCurve(true), when, fadeIn)
    this.startSource(when, 0)
  }

  fadeOutAt(when: number, seconds: number): void {
    this.resetFade()
    if (seconds > 0) this.fade.gain.setValueCurveAtTime(fadeCurve(false), when, seconds)
  }

  unschedule(): void {
    this.resetFade()
    if (!this.scheduled) return
    this.scheduled = false
    this.stopSource()
    this.offset = 0
    this.wantsPlay = false
  }

  // ---- internals -----------------------------------------------------------------------------

  private startSource(when: number, offset: number): void {
    this.stopSource()
    const buffer = this.buffer
    if (!buffer) return
    const source = this.context.createBufferSource()
    source.buffer = buffer
    source.connect(this.fade)
    source.onended = () => {
      if (this.source !== source) return
      this.source = null
      this.playing = false
      this.offset = buffer.duration
      this.fire('end')
    }
    source.start(when, Math.min(offset, buffer.duration))
    this.source = source
    this.playing = true
    this.offset = offset
    this.startedAt = when
    // 'play' when it starts to sound, not when it was scheduled.
    const delayMs = Math.max(0, (when - this.context.currentTime) * 1000)
    this.playTimer = setTimeout(() => {
      this.playTimer = null
      if (this.source === source) this.fire('play')
    }, delayMs)
  }

  private stopSource(): void {
    if (this.playTimer !== null) clearTimeout(this.playTimer)
    this.playTimer = null
    const source = this.source
    this.source = null
    this.playing = false
    if (!source) return
    source.onended = null
    try {
      source.stop()
    } catch {
      // Never started: nothing to stop.
    }
    source.disconnect()
  }

  private resetFade(): void {
    this.fade.gain.cancelScheduledValues(0)
    this.fade.gain.value = 1
  }
}

/**
 * Whether the page may read `url`'s bytes (fetch and decodeAudioData need that; an <audio> element
 * does not): the same scheme and host as the page. In the packaged app and the browser host the
 * media route is; under `npm run dev` the page comes from Vite's server and the media from
 * attune://, which refuses a cross-origin read.
 */
function readableByPage(url: string): boolean {
  if (typeof location === 'undefined') return false
  const target = new URL(url, location.href)
  return target.protocol === location.protocol && target.host === location.host
}

/**
 * The app's sounds: decoded whole (gapless, crossfades) when Web Audio is there, the page may read
 * the song's bytes and the song is not too long to hold in memory; streamed through an <audio>
 * element otherwise, and when the length is unknown.
 */
export const createPlaybackSound: SoundFactory = (url, format, duration) => {
  if (
    typeof AudioContext === 'undefined' ||
    duration === null ||
    duration === undefined ||
    duration > DECODE_WHOLE_UP_TO_SECONDS ||
    !readableByPage(url)
  )
    return createHowlerSound(url, format)
  return new DecodedSound(audioOutput(), url)
}
