// When one song hands over to the next: how long the two overlap (the crossfade), or none at all
// (gapless). Pure, so the rule is tested on its own; the player (src/renderer/.../player.ts)
// schedules what it answers. docs/playback.md explains the choices.

/** The longest crossfade Settings offers, in seconds. */
export const MAX_CROSSFADE_SECONDS = 12

/** What the rule needs of a song: its album and its place in it. */
export interface HandoffTrack {
  album: string | null
  albumArtist: string | null
  artist: string | null
  trackNo: number | null
  discNo: number | null
}

const sameText = (a: string | null, b: string | null): boolean =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase()

/**
 * Whether `to` is the song that follows `from` on the same album: same album title and album
 * artist (or artist, when there is no album artist), and the next track number on the same disc
 * or track 1 of the next disc. Two songs of one album without track numbers count as in order:
 * nothing says they are not, and an album played straight through is where a crossfade hurts
 * (a live record, a DJ mix, a symphony's movements).
 */
export function followsOnAlbum(from: HandoffTrack, to: HandoffTrack): boolean {
  if (!from.album?.trim() || !sameText(from.album, to.album)) return false
  const artistOf = (t: HandoffTrack) => t.albumArtist ?? t.artist
  if (!sameText(artistOf(from), artistOf(to))) return false
  if (from.trackNo === null || to.trackNo === null) return true
  const fromDisc = from.discNo ?? 1
  const toDisc = to.discNo ?? 1
  if (toDisc === fromDisc) return to.trackNo === from.trackNo + 1
  return toDisc === fromDisc + 1 && to.trackNo === 1
}

/**
 * Seconds the end of `from` and the start of `to` overlap: the listener's crossfade setting
 * (0 = off), none between consecutive songs of one album (those play gapless), and never more
 * than half of either song, so a short song is never faded over from start to end.
 */
export function crossfadeSeconds(
  setting: number,
  from: HandoffTrack,
  to: HandoffTrack,
  fromDuration: number,
  toDuration: number,
): number {
  const wanted = Math.min(Math.max(0, setting), MAX_CROSSFADE_SECONDS)
  if (!(wanted > 0) || followsOnAlbum(from, to)) return 0
  return Math.max(0, Math.min(wanted, fromDuration / 2, toDuration / 2))
}
