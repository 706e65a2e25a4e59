// Playlists as the contract carries them: saved ones (the listener's, in their order) and the live
// "Top 50 for me now", computed from the taste model each time it is asked for.
import type { Track } from './domain'

/** The live playlist's id in the contract: it has no row, it is the model's ranking now. */
export const TOP_PLAYLIST_ID = 'top'
export const TOP_PLAYLIST_NAME = 'Top 50 for me now'
export const TOP_PLAYLIST_SIZE = 50

export type PlaylistId = number | typeof TOP_PLAYLIST_ID

export interface PlaylistSummary {
  id: PlaylistId
  name: string
  /** Entries, missing ones included. */
  entryCount: number
  /** Entries whose file is not in the library now (shown greyed, kept). */
  missingCount: number
  /** Seconds, of the entries present. */
  duration: number
  /** Live: computed from the taste model when asked; it cannot be renamed, reordered or deleted. */
  live: boolean
  updatedAt: number
}

export interface PlaylistEntry {
  /** 0-based place in the playlist. */
  position: number
  /** The song now, or null when no song of the library is (or was) this entry's file. */
  track: Track | null
  /** The file as the playlist knows it (the song's path when it has one). */
  path: string
  /** A name for an entry without a song: its #EXTINF title, else its file name. */
  title: string
  /** Its file is not in the library now: shown greyed, skipped by play and queue, kept. */
  missing: boolean
}

export interface Playlist extends PlaylistSummary {
  entries: PlaylistEntry[]
}

/** What an M3U8 import did. */
export interface PlaylistImportSummary {
  playlist: PlaylistSummary
  /** Entries found in the library. */
  matched: number
  /** Entries the library does not hold (kept, as missing): the first 100 of `missingCount`. */
  missing: { line: number; path: string }[]
  missingCount: number
  /** Lines naming no song file (web addresses, other files); not kept. */
  ignored: number
}

export interface PlaylistExport {
  name: string
  /** The M3U8 text (UTF-8, LF line ends, #EXTM3U and #EXTINF lines). */
  text: string
  /** The file written, or null when only the text was asked for (a download). */
  file: string | null
  entries: number
  /** Entries missing from the library, written with their last known path. */
  missing: number
}

/** "Name", else "Name (2)", "Name (3)"… : the first that `taken` does not hold (case-insensitive). */
export function uniqueName(wanted: string, taken: readonly string[]): string {
  const names = new Set(taken.map((n) => n.toLowerCase()))
  if (!names.has(wanted.toLowerCase())) return wanted
  for (let i = 2; ; i++) {
    const name = `${wanted} (${i})`
    if (!names.has(name.toLowerCase())) return name
  }
}
