// Playlists: saving songs in an order and keeping entries whose file went away. The engine's
// contract calls delegate here; the SQL is in db/playlists.ts, playlist files in files.ts.
import { basename } from 'node:path'
import type { Database } from '../db/database'
import { PlaylistRepository, type ResolvedEntry, type StoredEntry } from '../db/playlists'
import type { Track } from '../../shared/domain'
import { UserError } from '../../shared/errors'
import {
  TOP_PLAYLIST_ID,
  TOP_PLAYLIST_NAME,
  uniqueName,
  type Playlist,
  type PlaylistEntry,
  type PlaylistSummary,
} from '../../shared/playlists'

export interface PlaylistServiceOptions {
  db: Database
  getTrack(id: number): Track | null
}

export class PlaylistService {
  private readonly repo: PlaylistRepository

  constructor(private readonly options: PlaylistServiceOptions) {
    this.repo = new PlaylistRepository(options.db)
  }

  list(): PlaylistSummary[] {
    return this.repo.summaries().map((row) => ({
      id: row.id,
      name: row.name,
      entryCount: row.entryCount,
      missingCount: row.missingCount,
      duration: row.duration,
      live: false,
      updatedAt: row.updatedAt,
    }))
  }

  get(id: number): Playlist {
    const row = this.existing(id)
    const entries = this.repo.entries(id).map((entry) => this.entryView(entry))
    return {
      id: row.id,
      name: row.name,
      live: false,
      updatedAt: row.updatedAt,
      ...counts(entries),
      entries,
    }
  }

  /** The saved playlist with this name (case-insensitive). */
  byName(name: string): Playlist {
    const row = this.repo.byName(name.trim())
    if (!row) throw new UserError(`There is no playlist called “${name}”.`, 'not-found')
    return this.get(row.id)
  }

  /** The live playlist of the taste model's best songs now (`trackIds`, best first). */
  live(trackIds: readonly number[], now = Date.now()): Playlist {
    const entries = trackIds.flatMap((trackId, position): PlaylistEntry[] => {
      const track = this.options.getTrack(trackId)
      return track
        ? [{ position, track, path: track.path, title: titleOf(track), missing: false }]
        : []
    })
    return {
      id: TOP_PLAYLIST_ID,
      name: TOP_PLAYLIST_NAME,
      live: true,
      updatedAt: now,
      ...counts(entries),
      entries,
    }
  }

  /** Saves songs (the queue, a selection) as a new playlist, in this order. */
  create(name: string, trackIds: readonly number[]): PlaylistSummary {
    const wanted = this.freeName(name)
    const id = this.repo.create(wanted, this.repo.entriesForTracks(trackIds))
    return this.summary(id)
  }

  rename(id: number, name: string): PlaylistSummary {
    const row = this.existing(id)
    if (row.name !== name) this.freeName(name, id)
    this.repo.rename(id, name)
    return this.summary(id)
  }

  /** Adds songs at the end of a playlist. */
  add(id: number, trackIds: readonly number[]): PlaylistSummary {
    this.existing(id)
    this.repo.append(id, this.repo.entriesForTracks(trackIds))
    return this.summary(id)
  }

  /** Moves the entry at `from` to `to` (both 0-based places in the playlist). */
  move(id: number, from: number, to: number): Playlist {
    this.existing(id)
    const entries = this.repo.storedEntries(id)
    if (from >= entries.length || to >= entries.length) {
      throw new UserError(
        `This playlist has ${entries.length} songs: there is no place ${Math.max(from, to) + 1}.`,
        'bad-input',
      )
    }
    const [moved] = entries.splice(from, 1)
    if (moved) entries.splice(to, 0, moved)
    this.repo.setEntries(id, entries)
    return this.get(id)
  }

  /** Takes the entries at these places out of a playlist. */
  remove(id: number, positions: readonly number[]): Playlist {
    this.existing(id)
    const gone = new Set(positions)
    this.repo.setEntries(
      id,
      this.repo.storedEntries(id).filter((_, i) => !gone.has(i)),
    )
    return this.get(id)
  }

  /** Deletes a playlist; `restore` brings it back until the next delete. */
  delete(id: number): void {
    this.existing(id)
    this.repo.delete(id)
  }

  restore(id: number): PlaylistSummary {
    const row = this.repo.deleted(id)
    if (!row) {
      throw new UserError('That playlist cannot be brought back any more.', 'not-found')
    }
    this.repo.restore(id, uniqueName(row.name, this.repo.names()))
    return this.summary(id)
  }

  /** Every song's id and path (present or not), for matching an imported playlist's entries. */
  trackPaths(): { id: number; path: string; missing: boolean }[] {
    return this.repo.trackPaths()
  }

  /** What an entry stores of each song, in order (unknown ids left out). */
  storedFor(trackIds: readonly number[]): StoredEntry[] {
    return this.repo.entriesForTracks(trackIds)
  }

  /**
   * Saves imported entries as a new playlist: under `name` exactly when the listener gave it (a
   * 'conflict' if taken), else under the first free "name", "name (2)"…
   */
  saveImported(name: string, given: boolean, entries: readonly StoredEntry[]): PlaylistSummary {
    const free = given ? this.freeName(name) : uniqueName(name, this.repo.names())
    return this.summary(this.repo.create(free, entries))
  }

  private summary(id: number): PlaylistSummary {
    const summary = this.list().find((p) => p.id === id)
    if (!summary) throw new UserError(`There is no playlist ${id}.`, 'not-found')
    return summary
  }

  private existing(id: number): { id: number; name: string; updatedAt: number } {
    const row = this.repo.get(id)
    if (!row) throw new UserError('That playlist is not there any more.', 'not-found')
    return row
  }

  /** `name` when no other playlist has it; else a 'conflict' saying so. */
  private freeName(name: string, except?: number): string {
    const taken = this.repo.byName(name)
    if (taken && taken.id !== except) {
      throw new UserError(`There is already a playlist called “${taken.name}”.`, 'conflict')
    }
    return name
  }

  private entryView(entry: ResolvedEntry): PlaylistEntry {
    const track = entry.trackId === null ? null : this.options.getTrack(entry.trackId)
    return {
      position: entry.position,
      track,
      path: entry.path,
      title: track ? titleOf(track) : (entry.title ?? basename(entry.path)),
      missing: entry.missing,
    }
  }
}

function titleOf(track: Track): string {
  return track.title ?? basename(track.path)
}

function counts(entries: readonly PlaylistEntry[]): {
  entryCount: number
  missingCount: number
  duration: number
} {
  return {
    entryCount: entries.length,
    missingCount: entries.filter((e) => e.missing).length,
    duration: entries.reduce((sum, e) => sum + (e.missing ? 0 : (e.track?.duration ?? 0)), 0),
  }
}
