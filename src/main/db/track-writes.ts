import type { Database } from 'better-sqlite3'
import type { Track } from '../../shared/domain'
import { Statements } from './statements'

/** What the scanner keeps in memory about a track row it may touch. */
export interface KnownTrack {
  id: number
  path: string
  rootId: number | null
  size: number
  mtimeMs: number
  fingerprint: string | null
  scannedAt: number | null
  missingSince: number | null
  error: string | null
}

/** A track's audio properties and tags as stored (the columns a file's reading fills). */
export type StoredTags = Pick<
  Track,
  | 'codec'
  | 'sampleRate'
  | 'channels'
  | 'bitsPerSample'
  | 'bitrate'
  | 'duration'
  | 'title'
  | 'artist'
  | 'album'
  | 'albumArtist'
  | 'genre'
  | 'year'
  | 'trackNo'
  | 'trackTotal'
  | 'discNo'
  | 'discTotal'
> & {
  rgTrackGain: number | null
  rgTrackPeak: number | null
  rgAlbumGain: number | null
  rgAlbumPeak: number | null
}

/** A track row as the scanner writes it (every column but id, added_at and missing_since). */
export interface TrackValues extends StoredTags {
  rootId: number | null
  path: string
  size: number
  mtimeMs: number
  fingerprint: string | null
  format: string | null
  /** 1 lossless, 0 lossy, null unknown. */
  lossless: number | null
  coverId: string | null
  scannedAt: number
  error: string | null
  /** DERIVED_* bits (migration 10). */
  derivedTags: number
}

const KNOWN_COLUMNS =
  'id, path, root_id, size, mtime_ms, fingerprint, scanned_at, missing_since, error'

interface KnownRow {
  id: number
  path: string
  root_id: number | null
  size: number
  mtime_ms: number
  fingerprint: string | null
  scanned_at: number | null
  missing_since: number | null
  error: string | null
}

/** A KnownRow as an array, in KNOWN_COLUMNS order. */
type KnownRawRow = [
  number,
  string,
  number | null,
  number,
  number,
  string | null,
  number | null,
  number | null,
  string | null,
]

function fromRaw(row: KnownRawRow): KnownTrack {
  return {
    id: row[0],
    path: row[1],
    rootId: row[2],
    size: row[3],
    mtimeMs: row[4],
    fingerprint: row[5],
    scannedAt: row[6],
    missingSince: row[7],
    error: row[8],
  }
}

function toKnown(row: KnownRow): KnownTrack {
  return {
    id: row.id,
    path: row.path,
    rootId: row.root_id,
    size: row.size,
    mtimeMs: row.mtime_ms,
    fingerprint: row.fingerprint,
    scannedAt: row.scanned_at,
    missingSince: row.missing_since,
    error: row.error,
  }
}

const SET_COLUMNS = `root_id = @rootId, path = @path, size = @size, mtime_ms = @mtimeMs, fingerprint = @fingerprint,
  format = @format, codec = @codec, sample_rate = @sampleRate, channels = @channels,
  bits_per_sample = @bitsPerSample, bitrate = @bitrate, lossless = @lossless, duration = @duration,
  title = @title, artist = @artist, album = @album, album_artist = @albumArtist, genre = @genre, year = @year,
  track_no = @trackNo, track_total = @trackTotal, disc_no = @discNo, disc_total = @discTotal,
  rg_track_gain = @rgTrackGain, rg_track_peak = @rgTrackPeak, rg_album_gain = @rgAlbumGain,
  rg_album_peak = @rgAlbumPeak, scanned_at = @scannedAt, missing_since = NULL, error = @error,
  derived_tags = @derivedTags`

const INSERT_TRACK = `INSERT INTO tracks (root_id, path, size, mtime_ms, fingerprint, format, codec, sample_rate, channels,
    bits_per_sample, bitrate, lossless, duration, title, artist, album, album_artist, genre, year, track_no,
    track_total, disc_no, disc_total, rg_track_gain, rg_track_peak, rg_album_gain, rg_album_peak, cover_id,
    added_at, scanned_at, missing_since, error, derived_tags)
   VALUES (@rootId, @path, @size, @mtimeMs, @fingerprint, @format, @codec, @sampleRate, @channels,
    @bitsPerSample, @bitrate, @lossless, @duration, @title, @artist, @album, @albumArtist, @genre, @year,
    @trackNo, @trackTotal, @discNo, @discTotal, @rgTrackGain, @rgTrackPeak, @rgAlbumGain, @rgAlbumPeak,
    @coverId, @scannedAt, @scannedAt, NULL, @error, @derivedTags)`

/**
 * The scanner's and the watcher's reads and writes of `tracks`: what is known of the files under
 * the scanned folders, the candidates for a moved file, and the row writes (batched by the caller
 * into transactions with `inTransaction`).
 */
export class TrackWriteRepository {
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
  }

  /** Every row in one of the path `ranges` ([low, high), see pathRangeUnder) or attached to one of `rootIds`. */
  knownTracks(ranges: [string, string][], rootIds: number[]): Map<string, KnownTrack> {
    const known = new Map<string, KnownTrack>()
    // Rows as arrays (raw): a rescan of a large library spends most of its time turning rows into objects.
    const inRange = this.db
      .prepare(`SELECT ${KNOWN_COLUMNS} FROM tracks WHERE path >= ? AND path < ?`)
      .raw(true)
    for (const [low, high] of ranges) {
      for (const row of inRange.all(low, high) as KnownRawRow[]) known.set(row[1], fromRaw(row))
    }
    // Rows of the roots outside those ranges (a root whose path changed): the others are known already.
    const outside = ranges.map(() => 'NOT (path >= ? AND path < ?)').join(' AND ')
    const ofRoot = this.db
      .prepare(
        `SELECT ${KNOWN_COLUMNS} FROM tracks WHERE root_id = ?${outside ? ` AND ${outside}` : ''}`,
      )
      .raw(true)
    for (const id of rootIds) {
      for (const row of ofRoot.all(id, ...ranges.flat()) as KnownRawRow[])
        known.set(row[1], fromRaw(row))
    }
    return known
  }

  knownTrack(path: string): KnownTrack | null {
    const row = this.statements
      .get<[string], KnownRow>(`SELECT ${KNOWN_COLUMNS} FROM tracks WHERE path = ?`)
      .get(path)
    return row ? toKnown(row) : null
  }

  /** The tracks with this fingerprint, missing ones first (most recently missed first). */
  withFingerprint(fingerprint: string): KnownTrack[] {
    return this.statements
      .get<[string], KnownRow>(
        `SELECT ${KNOWN_COLUMNS} FROM tracks WHERE fingerprint = ? ORDER BY missing_since IS NULL, missing_since DESC`,
      )
      .all(fingerprint)
      .map(toKnown)
  }

  /** Every missing track that has a fingerprint (a moved file's content may match one). */
  missingWithFingerprint(): { id: number; path: string; fingerprint: string }[] {
    return this.db
      .prepare(
        'SELECT id, path, fingerprint FROM tracks WHERE missing_since IS NOT NULL AND fingerprint IS NOT NULL',
      )
      .all() as { id: number; path: string; fingerprint: string }[]
  }

  /** Every present track that has a fingerprint, with its library folder. */
  presentWithFingerprint(): {
    id: number
    path: string
    rootId: number | null
    fingerprint: string
  }[] {
    return this.db
      .prepare(
        'SELECT id, path, root_id AS rootId, fingerprint FROM tracks WHERE missing_since IS NULL AND fingerprint IS NOT NULL',
      )
      .all() as { id: number; path: string; rootId: number | null; fingerprint: string }[]
  }

  insert(values: TrackValues): void {
    this.statements.get<[TrackValues]>(INSERT_TRACK).run(values)
  }

  /** Rewrites row `id` with `values` (present again); a null cover keeps the one it had. */
  update(id: number, values: TrackValues): void {
    this.statements
      .get<[TrackValues & { id: number }]>(
        `UPDATE tracks SET ${SET_COLUMNS}, cover_id = COALESCE(@coverId, cover_id) WHERE id = @id`,
      )
      .run({ ...values, id })
  }

  /** Marks row `id` present again, in library folder `rootId`. */
  restore(id: number, rootId: number | null): void {
    this.statements
      .get<[number | null, number]>(
        'UPDATE tracks SET missing_since = NULL, root_id = ? WHERE id = ?',
      )
      .run(rootId, id)
  }

  /** Marks row `id` missing since `since`, unless it already is. */
  markMissing(id: number, since: number): void {
    this.statements
      .get<[number, number]>(
        'UPDATE tracks SET missing_since = ? WHERE id = ? AND missing_since IS NULL',
      )
      .run(since, id)
  }

  /** Gives the track at `path` cover `coverId` unless it has one. */
  setCoverIfNone(path: string, coverId: string): void {
    this.statements
      .get<[string, string]>('UPDATE tracks SET cover_id = ? WHERE path = ? AND cover_id IS NULL')
      .run(coverId, path)
  }

  /** Runs `work` in one transaction: all its writes land, or (when it throws) none. */
  inTransaction(work: () => void): void {
    this.db.transaction(work)()
  }
}
