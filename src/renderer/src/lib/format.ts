import type { Track } from '../../../shared/domain'
import { appErrorText } from './errors'

/** 83.4 → "1:23"; 3725 → "1:02:05". */
export function formatTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return '–:––'
  const whole = Math.floor(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** The title, or the file name when the tags have none. */
export function trackTitle(track: Track): string {
  return track.title ?? track.path.split(/[/\\]/).pop() ?? `Track ${track.id}`
}

export function trackArtist(track: Track): string {
  return track.artist ?? track.albumArtist ?? 'Unknown artist'
}

/** An error in the app's words (with the button that fixes it, for the engine's coded errors). */
export function errorText(error: unknown): string {
  return appErrorText(error)
}
