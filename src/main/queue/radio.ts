// Radio from a seed (issue 13, item 1), the engine's side: which songs a seed stands for and how
// the reasons name it, what the taste model is asked while a radio runs, and when "close to" the
// seed is a pick's reason. The seed term itself is computed in the taste worker (taste/radio.ts);
// docs/radio.md has the formula and why.
import { basename } from 'node:path'
import type { Track } from '../../shared/domain'
import { UserError } from '../../shared/errors'
import { MAX_SEED_SONGS, radioWeight, type RadioSeed, type RadioState } from '../../shared/radio'
import type { Settings } from '../../shared/settings'
import type { TrackStore } from '../library'
import type { RadioRequest } from '../taste/model'

/** A song's title as a reason names it: its tag, else its file name without the extension. */
function titleOf(track: Track): string {
  if (track.title?.trim()) return track.title.trim()
  const file = basename(track.path)
  return file.replace(/\.[^.]+$/, '') || file
}

/**
 * The present songs a seed stands for (at most MAX_SEED_SONGS, in the library's order) and the
 * seed in words. Throws 'not-found' when the seed names nothing in the library.
 */
export function resolveSeed(
  tracks: Pick<TrackStore, 'getTrack' | 'listGroupTracks' | 'listFolderTracks' | 'listTracks'>,
  seed: RadioSeed,
): { label: string; trackIds: number[] } {
  let songs: Track[]
  let label: string
  switch (seed.kind) {
    case 'track': {
      const track = tracks.getTrack(seed.trackId)
      songs = track && track.missingSince === null ? [track] : []
      label = track ? titleOf(track) : ''
      break
    }
    case 'album':
      songs = tracks.listGroupTracks({ album: seed.album }).tracks
      label = `the album ${songs[0]?.album ?? ''}`
      break
    case 'artist': {
      // The Artists view's artist (an album artist, or the artist of songs without one); else
      // the artist of songs whose album artist is another (a song's menu names its own artist).
      songs = tracks.listGroupTracks({ artist: seed.artist }).tracks
      const name = seed.artist.toLowerCase()
      if (songs.length === 0) {
        songs = tracks
          .listTracks({ search: seed.artist, limit: MAX_SEED_SONGS })
          .filter((t) => t.artist?.toLowerCase() === name || t.albumArtist?.toLowerCase() === name)
      }
      label = seed.artist
      break
    }
    case 'folder':
      songs = tracks.listFolderTracks(seed.path).tracks
      label = `the folder ${basename(seed.path.replace(/[\\/]+$/, '')) || seed.path}`
      break
    case 'tracks':
      songs = seed.trackIds.flatMap((id) => {
        const track = tracks.getTrack(id)
        return track && track.missingSince === null ? [track] : []
      })
      label = seed.name
      break
  }
  if (songs.length === 0) {
    throw new UserError('A radio needs a seed with at least one song in the library.', 'not-found')
  }
  return { label, trackIds: songs.slice(0, MAX_SEED_SONGS).map((t) => t.id) }
}

/**
 * What the taste model is asked while a radio runs: the seed term's songs and weight, and the
 * seed's own songs set aside (a radio plays songs like the seed, not the seed again). Nothing
 * without a radio.
 */
export function radioRanking(settings: Settings['radio']): {
  radio?: RadioRequest
  exclude: number[]
} {
  const current = settings.current
  if (!current) return { exclude: [] }
  return {
    radio: { seed: current.trackIds, weight: radioWeight(settings.closeness) },
    exclude: current.trackIds,
  }
}

/** A ranked song as radioContext reads it (`why.coldStart`: nothing learned yet). */
export interface RadioScored {
  mean: number
  bonus: number
  seed?: number
  why?: { coldStart: boolean }
}

/**
 * The radio's part of a pick's reason: its seed term, and whether the seed decided the pick: it
 * is closer to the seed than most songs (a positive term) and, by the taste score alone, another
 * song would hold its place (`tasteAtPlace`, the best taste score at that place), or nothing is
 * learned yet (every taste score is the same: the seed alone orders the songs). Null without a
 * radio or a seed term.
 */
export function radioContext(
  current: RadioState | null,
  song: RadioScored,
  tasteAtPlace: number | undefined,
): { label: string; term: number; decided: boolean } | null {
  if (!current || song.seed === undefined) return null
  const taste = song.mean + song.bonus
  const outranked = tasteAtPlace !== undefined && tasteAtPlace > taste + 1e-12
  const decided = song.seed > 0 && (outranked || song.why?.coldStart === true)
  return { label: current.label, term: song.seed, decided }
}
