// When a play counts as a listen for ListenBrainz and Last.fm.
// ListenBrainz: "Listens should be submitted for tracks when the user has listened to half the
// track or 4 minutes of the track, whichever is lower."
// Last.fm: "The track must be longer than 30 seconds. And the track has been played for at least
// half its duration, or for 4 minutes (whichever occurs earlier.)"

export const SCROBBLE_SERVICES = ['listenbrainz', 'lastfm'] as const
export type ScrobbleService = (typeof SCROBBLE_SERVICES)[number]

/** Last.fm takes only songs longer than this; ListenBrainz sets no minimum. */
export const MIN_SCROBBLE_DURATION_S = 30
/** Four minutes heard always count, however long the song. */
export const MAX_LISTEN_THRESHOLD_S = 240

/**
 * Seconds a play must have reached for the service to count it as a listen, or null when this
 * song can never count there (unknown length; for Last.fm, 30 seconds or shorter).
 */
export function listenThresholdSeconds(
  duration: number | null,
  service: ScrobbleService,
): number | null {
  if (duration === null || !Number.isFinite(duration) || duration <= 0) return null
  if (service === 'lastfm' && duration <= MIN_SCROBBLE_DURATION_S) return null
  return Math.min(duration / 2, MAX_LISTEN_THRESHOLD_S)
}

/** True when a play that reached `position` seconds of a `duration`-second song is a listen. */
export function countsAsListen(
  position: number,
  duration: number | null,
  service: ScrobbleService,
): boolean {
  const threshold = listenThresholdSeconds(duration, service)
  return threshold !== null && position >= threshold
}

/** How one service's scrobbling stands, for Settings. */
export interface ScrobbleServiceStatus {
  service: ScrobbleService
  enabled: boolean
  /** The account listens go to, once the service confirmed it. */
  user: string | null
  /** Listens kept here, not sent yet (offline, service down, or a token to fix). */
  pending: number
  sent: number
  /** Listens the service refused for good (e.g. a title it cannot take), kept here. */
  refused: number
  /** `ok`; `waiting` (offline or the service asked to wait: retried); `needs-attention` (fix the token). */
  state: 'off' | 'ok' | 'waiting' | 'needs-attention'
  /** The last problem, in words. */
  message: string | null
}
