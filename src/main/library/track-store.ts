import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import type { Database } from 'better-sqlite3'
import { AUDIO_FORMATS, type AudioFormat, type Root, type Track } from '../../shared/domain'

/** A `tracks` row as SQLite returns it. */
export interface TrackRow {
  id: number
  root_id: number | null
  path: string
  size: number
  mtime_ms: number
  fingerprint: string | null
  format: string | null
  codec: string | null
  sample_rate: number | null
  channels: number | null
  bits_per_sample: number | null
  bitrate: number | null
  lossless: number | null
  duration: number | null
  title: string | null
  artist: string | null
  album: string | null
  album_artist: string | null
  genre: string | null
  year: number | null
  track_no: number | null
  track_total: number | null
  disc_no: number | null
  disc_total: number | null
  rg_track_gain: number | null
  rg_track_peak: number | null
  rg_album_gain: number | null
  rg_album_peak: number | null
  cover_id: string | null
  added_at: number
  scanned_at: number | null
  missing_since: number | null
  error: string | null
}

interface RootRow {
  id: number
  path: string
  added_at: number
}

function asFormat(value: string | null): AudioFormat | null {
  return value !== null && (AUDIO_FORMATS as readonly string[]).includes(value)
    ? (value as AudioFormat)
    : null
}

export function trackFromRow(row: TrackRow): Track {
  return {
    id: row.id,
    rootId: row.root_id,
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    format: asFormat(row.format),
    codec: row.codec,
    sampleRate: row.sample_rate,
    channels: row.channels,
    bitsPerSample: row.bits_per_sample,
    bitrate: row.bitrate,
    lossless: row.lossless === null ? null : row.lossless !== 0,
    duration: row.duration,
    title: row.title,
    artist: row.artist,
    album: row.album,
    albumArtist: row.album_artist,
    genre: row.genre,
    year: row.year,
    trackNo: row.track_no,
    trackTotal: row.track_total,
    discNo: row.disc_no,
    discTotal: row.disc_total,
    replayGain: {
      trackGain: row.rg_track_gain,
      trackPeak: row.rg_track_peak,
      albumGain: row.rg_album_gain,
      albumPeak: row.rg_album_peak,
    },
    coverId: row.cover_id,
    addedAt: row.added_at,
    scannedAt: row.scanned_at,
    missingSince: row.missing_since,
    error: row.error,
  }
}

/** How a track list is sorted. `album` is the library's natural order. */
export const TRACK_ORDERS = [
  'album',
  'artist',
  'title',
  'added',
  'path',
  'duration',
  'format',
] as const
export type TrackOrder = (typeof TRACK_ORDERS)[number]

// Untagged tracks sort after tagged ones (`x IS NULL` first), whatever the direction.
/** Above this many full-text matches, a search reads the album index in order (see listTracks). */
const WIDE_SEARCH = 2000

const ORDER_BY: Record<TrackOrder, string> = {
  // Exactly the tracks_album index, so a page of the library never sorts the whole table.
  album: 't.album_artist, t.album, t.disc_no, t.track_no',
  artist: 't.artist IS NULL, t.artist, t.album, t.disc_no, t.track_no, t.path',
  title: 't.title IS NULL, t.title, t.path',
  added: 't.added_at DESC, t.id DESC',
  path: 't.path',
  duration: 't.duration IS NULL, t.duration, t.path',
  format: 't.format IS NULL, t.format, t.path',
}

/** Reverses every sort term except the `IS NULL` ones, which keep untagged tracks last. */
function descendingOrder(order: string): string {
  return order
    .split(', ')
    .map((term) =>
      term.endsWith(' IS NULL')
        ? term
        : term.endsWith(' DESC')
          ? term.slice(0, -5)
          : `${term} DESC`,
    )
    .join(', ')
}

export interface TrackQuery {
  /** Words to look for in title, artist, album, album artist, genre and path; each matches as a prefix. */
  search?: string
  /** Include tracks whose file is gone (default false). */
  includeMissing?: boolean
  /** Include files that could not be read (default true: the listener should see them, with the reason). */
  includeFailed?: boolean
  limit?: number
  offset?: number
  orderBy?: TrackOrder
  /** Reverse the order (untagged tracks stay last). */
  descending?: boolean
}

export interface LibraryStats {
  /** Tracks whose file is present (readable or not). */
  tracks: number
  missing: number
  /** Present files that could not be read. */
  failed: number
  byFormat: Partial<Record<AudioFormat, number>>
  /** Seconds of playable audio. */
  totalDuration: number
  albums: number
  artists: number
}

/**
 * Turns what a listener typed into an FTS5 query: each word becomes a quoted prefix term ("beat"*), all
 * must match. Words are runs of letters and digits, which is how the unicode61 tokenizer splits text, so
 * quotes, operators (AND, NEAR, ^, -, :) and brackets in the input are never parsed as query syntax.
 */
export function ftsQueryFor(search: string): string | null {
  const words = search.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu)
  if (!words || words.length === 0) return null
  return words.map((word) => `"${word}"*`).join(' ')
}

export class LibraryFolderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LibraryFolderError'
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined
}

/** Checks that `path` is a folder Attune can list, and returns its real path (symlinks resolved). */
export function resolveLibraryFolder(path: string): string {
  const absolute = resolve(path)
  let real: string
  try {
    real = realpathSync(absolute)
  } catch (error) {
    if (errorCode(error) === 'ENOENT')
      throw new LibraryFolderError(`The folder ${absolute} does not exist.`)
    throw new LibraryFolderError(`Attune cannot open ${absolute}: ${describeAccess(error)}`)
  }
  if (!statSync(real).isDirectory())
    throw new LibraryFolderError(`${absolute} is a file, not a folder.`)
  try {
    accessSync(real, constants.R_OK | constants.X_OK)
    readdirSync(real)
  } catch (error) {
    throw new LibraryFolderError(
      `Attune cannot read the folder ${absolute}: ${describeAccess(error)}`,
    )
  }
  return real
}

function describeAccess(error: unknown): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied.'
    case 'ENOTDIR':
      return 'part of the path is not a folder.'
    case 'ELOOP':
      return 'the path loops through symbolic links.'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

/** The range of paths inside folder `root` as [low, high): they all start with `root + sep`. */
export function pathRangeUnder(root: string): [string, string] {
  const prefix = root.endsWith(sep) ? root : root + sep
  // The separator's successor bounds the range, so the UNIQUE index on path serves the lookup.
  const high = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
  return [prefix, high]
}

/** Reads and maintains the library's folders and tracks (`roots`, `tracks`, `covers`). */
export class TrackStore {
  constructor(readonly db: Database) {}

  getTrack(id: number): Track | null {
    const row = this.db.prepare('SELECT * FROM tracks WHERE id = ?').get(id) as TrackRow | undefined
    return row ? trackFromRow(row) : null
  }

  getTrackByPath(path: string): Track | null {
    const row = this.db.prepare('SELECT * FROM tracks WHERE path = ?').get(path) as
      TrackRow | undefined
    return row ? trackFromRow(row) : null
  }

  private where(query: TrackQuery): { clause: string; params: unknown[] } {
    const conditions: string[] = []
    const params: unknown[] = []
    if (!query.includeMissing) conditions.push('t.missing_since IS NULL')
    if (query.includeFailed === false) conditions.push('t.error IS NULL')
    const fts = query.search === undefined ? null : ftsQueryFor(query.search)
    if (fts !== null) {
      conditions.push('t.id IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?)')
      params.push(fts)
    }
    return { clause: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params }
  }

  listTracks(query: TrackQuery = {}): Track[] {
    const { clause, params } = this.where(query)
    const orderBy = query.orderBy ?? 'album'
    const base = ORDER_BY[orderBy] ?? ORDER_BY.album
    const order = query.descending ? descendingOrder(base) : base
    const limit = query.limit !== undefined && query.limit >= 0 ? Math.floor(query.limit) : -1
    const offset = query.offset !== undefined && query.offset > 0 ? Math.floor(query.offset) : 0
    // A search that matches much of a large library reads the album index in order and keeps the
    // matches (the first page comes quickly) instead of sorting tens of thousands of rows; a
    // narrow search sorts its few matches. The FTS count that decides is a few milliseconds.
    const fts = query.search === undefined ? null : ftsQueryFor(query.search)
    const walkIndex =
      fts !== null && orderBy === 'album' && !query.descending && this.ftsMatches(fts) > WIDE_SEARCH
    const rows = this.db
      .prepare(
        `SELECT t.* FROM tracks t ${walkIndex ? 'INDEXED BY tracks_album' : ''} ${clause}
         ORDER BY ${order} LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as TrackRow[]
    return rows.map(trackFromRow)
  }

  /** Rows the full-text index matches, before any other condition. */
  private ftsMatches(fts: string): number {
    return this.db
      .prepare(`SELECT COUNT(*) FROM tracks_fts WHERE tracks_fts MATCH ?`)
      .pluck()
      .get(fts) as number
  }

  countTracks(query: Omit<TrackQuery, 'limit' | 'offset' | 'orderBy' | 'descending'> = {}): number {
    const fts = query.search === undefined ? null : ftsQueryFor(query.search)
    // The common case, a search over a library with nothing missing or unreadable excluded, is
    // the full-text index's own count: no join with tracks.
    if (
      fts !== null &&
      query.includeFailed !== false &&
      (query.includeMissing || !this.anyMissing())
    ) {
      return this.ftsMatches(fts)
    }
    const { clause, params } = this.where(query)
    return this.db
      .prepare(`SELECT COUNT(*) FROM tracks t ${clause}`)
      .pluck()
      .get(...params) as number
  }

  private anyMissing(): boolean {
    return (
      this.db
        .prepare(`SELECT EXISTS (SELECT 1 FROM tracks WHERE missing_since IS NOT NULL)`)
        .pluck()
        .get() === 1
    )
  }

  stats(): LibraryStats {
    const totals = this.db
      .prepare(
        `SELECT
           COUNT(*) FILTER (WHERE missing_since IS NULL) AS tracks,
           COUNT(*) FILTER (WHERE missing_since IS NOT NULL) AS missing,
           COUNT(*) FILTER (WHERE missing_since IS NULL AND error IS NOT NULL) AS failed,
           COALESCE(SUM(duration) FILTER (WHERE missing_since IS NULL AND error IS NULL), 0) AS total_duration,
           COUNT(DISTINCT CASE WHEN missing_since IS NULL AND album IS NOT NULL
                 THEN COALESCE(album_artist, artist, '') || char(0) || album END) AS albums,
           COUNT(DISTINCT CASE WHEN missing_since IS NULL THEN artist END) AS artists
         FROM tracks`,
      )
      .get() as {
      tracks: number
      missing: number
      failed: number
      total_duration: number
      albums: number
      artists: number
    }
    const formats = this.db
      .prepare(
        `SELECT format, COUNT(*) AS n FROM tracks
         WHERE missing_since IS NULL AND error IS NULL AND format IS NOT NULL GROUP BY format ORDER BY format`,
      )
      .all() as { format: string; n: number }[]
    const byFormat: Partial<Record<AudioFormat, number>> = {}
    for (const { format, n } of formats) {
      const known = asFormat(format)
      if (known) byFormat[known] = n
    }
    return {
      tracks: totals.tracks,
      missing: totals.missing,
      failed: totals.failed,
      byFormat,
      totalDuration: totals.total_duration,
      albums: totals.albums,
      artists: totals.artists,
    }
  }

  listRoots(): Root[] {
    const rows = this.db
      .prepare('SELECT id, path, added_at FROM roots ORDER BY path')
      .all() as RootRow[]
    return rows.map((r) => ({ id: r.id, path: r.path, addedAt: r.added_at }))
  }

  getRootByPath(path: string): Root | null {
    const row = this.db.prepare('SELECT id, path, added_at FROM roots WHERE path = ?').get(path) as
      RootRow | undefined
    return row ? { id: row.id, path: row.path, addedAt: row.added_at } : null
  }

  /**
   * Adds a library folder (stored by its real path) and returns it; adding it again returns the same root.
   * Throws LibraryFolderError, in plain words, when the path is not a folder Attune can read.
   */
  addRoot(path: string): Root {
    const real = resolveLibraryFolder(path)
    this.db
      .prepare('INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)')
      .run(real, Date.now())
    const root = this.getRootByPath(real)
    if (!root) throw new LibraryFolderError(`Attune could not remember the folder ${real}.`)
    return root
  }

  /**
   * Removes a library folder. Its tracks are kept (their events must survive) but marked missing and
   * detached from the root. Returns false when the folder was not a library folder.
   */
  removeRoot(path: string): boolean {
    const absolute = resolve(path)
    let root = this.getRootByPath(absolute)
    if (!root) {
      try {
        root = this.getRootByPath(realpathSync(absolute))
      } catch {
        root = null
      }
    }
    if (!root) return false
    const { id } = root
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE tracks SET missing_since = COALESCE(missing_since, ?), root_id = NULL WHERE root_id = ?',
        )
        .run(Date.now(), id)
      this.db.prepare('DELETE FROM roots WHERE id = ?').run(id)
    })()
    return true
  }
}
