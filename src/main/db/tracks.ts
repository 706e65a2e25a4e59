import { sep } from 'node:path'
import type { Database, Statement } from 'better-sqlite3'
import type { AlbumSummary, ArtistSummary } from '../../shared/contract'
import { DERIVED_ALBUM, DERIVED_ARTIST, DERIVED_TITLE } from '../../shared/folder-tags'
import { AUDIO_FORMATS, type AudioFormat, type Track } from '../../shared/domain'

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
  /** DERIVED_* bits (migration 10). */
  derived_tags: number
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
    derived: {
      title: (row.derived_tags & DERIVED_TITLE) !== 0,
      artist: (row.derived_tags & DERIVED_ARTIST) !== 0,
      album: (row.derived_tags & DERIVED_ALBUM) !== 0,
    },
  }
}

/** A track as the media route serves it. */
export interface TrackPlayback {
  path: string
  format: string | null
  codec: string | null
  missingSince: number | null
  scannedAt: number | null
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

// Every order ends with the id, so it is total: keyset paging (`after`) needs a row's position to
// be unique.
const ORDER_BY: Record<TrackOrder, string> = {
  // Exactly the tracks_album index (whose entries end with the rowid), so a page of the library
  // never sorts the whole table.
  album: 't.album_artist, t.album, t.disc_no, t.track_no, t.id',
  artist: 't.artist IS NULL, t.artist, t.album, t.disc_no, t.track_no, t.path, t.id',
  title: 't.title IS NULL, t.title, t.path, t.id',
  added: 't.added_at DESC, t.id DESC',
  path: 't.path, t.id',
  duration: 't.duration IS NULL, t.duration, t.path, t.id',
  format: 't.format IS NULL, t.format, t.path, t.id',
}

/** Orders an index serves as they are, so a page after a row is an index seek (see rowsAfter). */
const INDEXED_ORDERS: ReadonlySet<TrackOrder> = new Set(['album', 'path'])

/** Most tracks one listGroupTracks answer holds (an album or artist, in play order). */
export const MAX_GROUP_TRACKS = 10_000

/** The tracks of one album (album artist, title, limit) or artist (name twice, limit), in play order. */
export const GROUP_TRACKS_SQL = {
  // One range of the tracks_album index.
  album: `SELECT * FROM tracks t
    WHERE t.album_artist IS ? AND t.album = ? AND t.missing_since IS NULL
    ORDER BY t.disc_no, t.track_no, t.title COLLATE NOCASE, t.path LIMIT ?`,
  // Two index lookups (tracks_album, tracks_artist) rather than a scan of every track.
  artist: `SELECT * FROM tracks t
    WHERE (t.album_artist = ? OR (t.album_artist IS NULL AND t.artist = ?))
      AND t.missing_since IS NULL
    ORDER BY t.album IS NULL, t.album COLLATE NOCASE, t.album, t.album_artist,
             t.disc_no, t.track_no, t.title COLLATE NOCASE, t.path
    LIMIT ?`,
} as const

/** How many present tracks one album (album artist, title) or artist (name twice) has. */
export const GROUP_TRACKS_COUNT_SQL = {
  album: `SELECT COUNT(*) FROM tracks t
    WHERE t.album_artist IS ? AND t.album = ? AND t.missing_since IS NULL`,
  artist: `SELECT COUNT(*) FROM tracks t
    WHERE (t.album_artist = ? OR (t.album_artist IS NULL AND t.artist = ?))
      AND t.missing_since IS NULL`,
} as const

/** Shown for an album without album artist whose tracks name different artists. */
export const VARIOUS_ARTISTS = 'Various artists'

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
  /**
   * Start right after this track's position in the order (keyset paging: an index seek where an
   * index serves the order, instead of walking `offset` rows). Wins over `offset`.
   */
  after?: number
  orderBy?: TrackOrder
  /** Reverse the order (untagged tracks stay last). */
  descending?: boolean
}

/** A page of albums or artists, from the summaries of the whole library. */
export interface GroupQuery {
  /** Keeps the groups with at least one track the full-text search matches. */
  search?: string
  offset?: number
  limit?: number
}

/** Summaries of the whole library, rebuilt when `library_version` moves (migrations 7 and 14). */
interface LibraryGroups {
  version: number
  /** In display order: artist, then title (case-insensitive). */
  albums: AlbumSummary[]
  /** In display order: name (case-insensitive). */
  artists: ArtistSummary[]
  artistByName: Map<string, number>
  /** For each artist, the indexes of their albums in `albums`, ascending. */
  albumsOfArtist: number[][]
  /** albumMapKey(album artist, title) → index in `albums`. */
  albumByKey: Map<string, number>
  /** Made at the first wide search (see matchedGroups), then kept with the summaries. */
  trackGroups: Promise<TrackGroups> | null
}

/** For each present track id, the index of its album and artist in the summaries (-1: none). */
interface TrackGroups {
  album: Int32Array
  artist: Int32Array
}

/** Tracks one query of a TrackGroups build reads. */
const TRACK_GROUPS_CHUNK = 5000

/** Returns `pause`: it lets the event loop run once the current slice has taken SLICE_MS. */
function slicer(): () => Promise<void> {
  let sliceStarted = performance.now()
  return async () => {
    if (performance.now() - sliceStarted < SLICE_MS) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    sliceStarted = performance.now()
  }
}

/** A cheap map key for an album (the public key, JSON, is made once per album). */
function albumMapKey(albumArtist: string | null, album: string): string {
  return albumArtist === null ? `\u0001${album}` : `${albumArtist}\u0000${album}`
}

/** Longest a slice of a summaries build runs before the engine does other work (ms). */
const SLICE_MS = 15
/** Groups one aggregate query of a summaries build reads. */
const GROUPS_CHUNK = 1000

/**
 * `GROUP BY first, second` of present tracks, walked in index order: the summaries are aggregated
 * by SQLite over the covering indexes of migration 8, so a build reads one row per album (and per
 * artist of an album without album artist) instead of one per track.
 */
export interface GroupWalk {
  /** The columns the rows start with; `first` and `second` (both may be NULL) are the group. */
  select: string
  first: string
  second: string
  /** Which tracks count. */
  where: string
}

export const GROUP_WALKS = {
  // Over tracks_groups in index order (no sort). MIN and MAX of the track artists tell whether
  // they differ (both skip NULL, and compare as `!==` does: binary). The cover is the first
  // track in play order that has one: one seek into tracks_covers per album.
  albums: {
    select: `album_artist, album, COUNT(*), TOTAL(duration), MAX(year), MIN(artist), MAX(artist),
      (SELECT c.cover_id FROM tracks c INDEXED BY tracks_covers
        WHERE c.album_artist IS g.album_artist AND c.album = g.album
          AND c.missing_since IS NULL AND c.cover_id IS NOT NULL
        ORDER BY c.disc_no, c.track_no, c.id LIMIT 1)`,
    first: 'album_artist',
    second: 'album',
    where: 'g.missing_since IS NULL',
  },
  // The artists of tracks without album artist, with their albums (or none): within
  // album_artist IS NULL, tracks_groups is in (album, artist) order.
  untaggedAlbumArtist: {
    select: 'album, artist, COUNT(*)',
    first: 'album',
    second: 'artist',
    where: 'g.missing_since IS NULL AND g.album_artist IS NULL AND g.artist IS NOT NULL',
  },
} as const satisfies Record<string, GroupWalk>

/**
 * The rows of `walk`, GROUPS_CHUNK at a time, each chunk one query. Keyset paging: each query
 * starts after the last group of the one before, in two ranges that are each one index range
 * (so SQLite stops after GROUPS_CHUNK groups): the rest of the current `first`, then the
 * `first`s after it. NULL sorts first, as in the index.
 */
/** The five queries of a walk (see groupChunks), by the range each reads. */
export function groupWalkSql(walk: GroupWalk) {
  const query = (where: string) =>
    `SELECT ${walk.select} FROM tracks g INDEXED BY tracks_groups
       WHERE ${walk.where} AND ${where}
       GROUP BY ${walk.first}, ${walk.second} ORDER BY ${walk.first}, ${walk.second} LIMIT ${GROUPS_CHUNK}`
  return {
    restOfFirst: query(`${walk.first} IS ? AND ${walk.second} > ?`),
    restOfFirstAfterNull: query(`${walk.first} IS ? AND ${walk.second} IS NOT NULL`),
    allOfFirst: query(`${walk.first} IS ?`),
    afterFirst: query(`${walk.first} > ?`),
    afterNullFirst: query(`${walk.first} IS NOT NULL`),
  }
}

function* groupChunks<Row extends unknown[]>(db: Database, walk: GroupWalk): Generator<Row[]> {
  const sql = groupWalkSql(walk)
  const restOfFirst = db.prepare(sql.restOfFirst)
  const restOfFirstAfterNull = db.prepare(sql.restOfFirstAfterNull)
  const allOfFirst = db.prepare(sql.allOfFirst)
  const afterFirst = db.prepare(sql.afterFirst)
  const afterNullFirst = db.prepare(sql.afterNullFirst)
  // Where the walk is: inside `first` after `second` (undefined: before its first group), or,
  // when `inFirst` is false, after every group of `first`.
  let first: unknown = null
  let second: unknown
  let inFirst = true
  for (;;) {
    const rows = (
      inFirst
        ? second === undefined
          ? allOfFirst.raw().all(first)
          : second === null
            ? restOfFirstAfterNull.raw().all(first)
            : restOfFirst.raw().all(first, second)
        : first === null
          ? afterNullFirst.raw().all()
          : afterFirst.raw().all(first)
    ) as Row[]
    if (rows.length > 0) yield rows
    if (rows.length === GROUPS_CHUNK) {
      const last = rows[rows.length - 1]!
      first = last[0]
      second = last[1]
      inFirst = true
    } else if (inFirst) inFirst = false
    else return
  }
}

const MATCHED_GROUPS_SQL = `SELECT DISTINCT album_artist, album, artist FROM tracks
    WHERE missing_since IS NULL AND id IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?)`

/** An album's key: its album artist (or null) and title, as JSON. */
export function albumKey(albumArtist: string | null, title: string): string {
  return JSON.stringify([albumArtist, title])
}

function parseAlbumKey(key: string): [string | null, string] | null {
  try {
    const parsed: unknown = JSON.parse(key)
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (parsed[0] === null || typeof parsed[0] === 'string') &&
      typeof parsed[1] === 'string'
    )
      return [parsed[0], parsed[1]]
  } catch {
    // not a key this store made
  }
  return null
}

/**
 * `items` sorted by their keys, compared term by term in code-unit order. The terms are joined
 * into one string per item (made once, not in every comparison): NUL sorts before every other
 * character, so "ab" + NUL + … still comes before "abc" + NUL + ….
 */
function sortedBy<T>(items: Iterable<T>, keysOf: (item: T) => string[]): T[] {
  const decorated = [...items].map((item) => ({ item, key: keysOf(item).join('\u0000') }))
  decorated.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return decorated.map((d) => d.item)
}

export type { LibraryStats } from '../../shared/reports'
import type { LibraryStats } from '../../shared/reports'
import { Statements } from './statements'

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

/** The range of paths inside folder `root` as [low, high): they all start with `root + sep`. */
export function pathRangeUnder(root: string): [string, string] {
  const prefix = root.endsWith(sep) ? root : root + sep
  // The separator's successor bounds the range, so the UNIQUE index on path serves the lookup.
  const high = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
  return [prefix, high]
}

/**
 * One page of `items` (in their order): those whose index is in `scope` (ascending; all when
 * null) and flagged in `matched` (all when null), with how many there are in all.
 */
function pageOf<T>(
  items: readonly T[],
  scope: readonly number[] | null,
  matched: Uint8Array | null,
  query: GroupQuery,
): { items: T[]; total: number } {
  const offset = query.offset !== undefined && query.offset > 0 ? Math.floor(query.offset) : 0
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 500)
  if (scope === null && matched === null) {
    return { items: items.slice(offset, offset + limit), total: items.length }
  }
  const page: T[] = []
  let total = 0
  const visit = (index: number) => {
    if (matched && matched[index] !== 1) return
    if (total >= offset && page.length < limit) page.push(items[index]!)
    total += 1
  }
  if (scope) for (const index of scope) visit(index)
  else for (let index = 0; index < items.length; index++) visit(index)
  return { items: page, total }
}

/**
 * The `tracks` table as the library reads it: pages in every order, albums and artists, search,
 * counts and ranges of the path index. Folder rules (which folders may be library folders, what
 * is offline) live in library/track-store.ts, which builds on this.
 */
export class TrackRepository {
  /** The reads of one song, prepared once (they run for every queue entry and pick). */
  private readonly statements: Statements

  constructor(readonly db: Database) {
    this.statements = new Statements(db)
  }

  getTrack(id: number): Track | null {
    const row = this.statements.get<[number], TrackRow>('SELECT * FROM tracks WHERE id = ?').get(id)
    return row ? trackFromRow(row) : null
  }

  getTrackByPath(path: string): Track | null {
    const row = this.statements
      .get<[string], TrackRow>('SELECT * FROM tracks WHERE path = ?')
      .get(path)
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
    const from = `tracks t ${walkIndex ? 'INDEXED BY tracks_album' : ''}`
    if (query.after !== undefined) {
      const rows = this.rowsAfter(query.after, {
        order,
        from,
        clause,
        params,
        limit,
        indexed: INDEXED_ORDERS.has(orderBy),
      })
      // A cursor that names no track falls back to the offset.
      if (rows) return rows.map(trackFromRow)
    }
    const rows = this.db
      .prepare(`SELECT t.* FROM ${from} ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as TrackRow[]
    return rows.map(trackFromRow)
  }

  /**
   * The rows after track `afterId` in `order`, or null when there is no such track. The rows after
   * a position are, in order, disjoint ranges: those equal to it on the first k sort terms and
   * after it on term k, for k from the last term down to the first. Where an index serves the
   * order each range is one index seek, read until the page is full; otherwise one query ORs
   * them, so the page costs one pass like the first page instead of walking `offset` rows.
   */
  private rowsAfter(
    afterId: number,
    page: {
      order: string
      from: string
      clause: string
      params: unknown[]
      limit: number
      indexed: boolean
    },
  ): TrackRow[] | null {
    const terms = page.order.split(', ').map((term) => {
      const descending = term.endsWith(' DESC')
      const expr = descending ? term.slice(0, -5) : term
      return { expr: expr.includes(' ') ? `(${expr})` : expr, descending }
    })
    const cursor = this.db
      .prepare(`SELECT ${terms.map((t) => t.expr).join(', ')} FROM tracks t WHERE t.id = ?`)
      .raw()
      .get(afterId) as unknown[] | undefined
    if (!cursor) return null
    const ranges: { sql: string; params: unknown[] }[] = []
    for (let k = terms.length - 1; k >= 0; k--) {
      const equal = terms.slice(0, k).map((t) => `${t.expr} IS ?`)
      const equalParams = cursor.slice(0, k)
      const { expr, descending } = terms[k]!
      const value = cursor[k]
      // SQLite sorts NULL first, so ascending NULL comes before every value and descending after.
      const after: { sql: string; params: unknown[] }[] = descending
        ? value === null
          ? []
          : [
              { sql: `${expr} < ?`, params: [value] },
              { sql: `${expr} IS NULL`, params: [] },
            ]
        : value === null
          ? [{ sql: `${expr} IS NOT NULL`, params: [] }]
          : [{ sql: `${expr} > ?`, params: [value] }]
      for (const range of after)
        ranges.push({
          sql: [...equal, range.sql].join(' AND '),
          params: [...equalParams, ...range.params],
        })
    }
    const select = (where: string) =>
      this.db.prepare(
        `SELECT t.* FROM ${page.from} ${page.clause ? `${page.clause} AND` : 'WHERE'} (${where})
         ORDER BY ${page.order} LIMIT ?`,
      )
    if (ranges.length === 0) return []
    if (!page.indexed) {
      return select(ranges.map((r) => `(${r.sql})`).join(' OR ')).all(
        ...page.params,
        ...ranges.flatMap((r) => r.params),
        page.limit,
      ) as TrackRow[]
    }
    const rows: TrackRow[] = []
    for (const range of ranges) {
      const wanted = page.limit < 0 ? -1 : page.limit - rows.length
      if (wanted === 0) break
      rows.push(...(select(range.sql).all(...page.params, ...range.params, wanted) as TrackRow[]))
    }
    return rows
  }

  /**
   * A page of the library's albums (present tracks only; tracks without an album title are in
   * none), by artist then title, case-insensitive. `artist` keeps the albums with a track of that
   * artist; `search` those with a track the full-text search matches.
   */
  async listAlbums(query: GroupQuery & { artist?: string } = {}): Promise<{
    albums: AlbumSummary[]
    total: number
  }> {
    const groups = await this.groups()
    let scope: readonly number[] | null = null
    if (query.artist !== undefined) {
      const artist = groups.artistByName.get(query.artist)
      scope = artist === undefined ? [] : (groups.albumsOfArtist[artist] ?? [])
    }
    const matched = await this.matchedGroups(query.search, groups)
    const { items, total } = pageOf(groups.albums, scope, matched?.albums ?? null, query)
    return { albums: items, total }
  }

  /** A page of the library's artists (album artist, else track artist), by name, case-insensitive. */
  async listArtists(query: GroupQuery = {}): Promise<{ artists: ArtistSummary[]; total: number }> {
    const groups = await this.groups()
    const matched = await this.matchedGroups(query.search, groups)
    const { items, total } = pageOf(groups.artists, null, matched?.artists ?? null, query)
    return { artists: items, total }
  }

  /**
   * The present tracks of one album (by its key) or artist, in play order: disc, track, title
   * (an artist's albums by title): the first MAX_GROUP_TRACKS of them, and how many there are.
   */
  listGroupTracks(group: { album: string } | { artist: string }): {
    tracks: Track[]
    total: number
  } {
    let rows: TrackRow[]
    let count: () => number
    if ('album' in group) {
      const key = parseAlbumKey(group.album)
      if (!key) return { tracks: [], total: 0 }
      rows = this.db
        .prepare(GROUP_TRACKS_SQL.album)
        .all(key[0], key[1], MAX_GROUP_TRACKS) as TrackRow[]
      count = () =>
        this.db.prepare(GROUP_TRACKS_COUNT_SQL.album).pluck().get(key[0], key[1]) as number
    } else {
      rows = this.db
        .prepare(GROUP_TRACKS_SQL.artist)
        .all(group.artist, group.artist, MAX_GROUP_TRACKS) as TrackRow[]
      count = () =>
        this.db
          .prepare(GROUP_TRACKS_COUNT_SQL.artist)
          .pluck()
          .get(group.artist, group.artist) as number
    }
    // Counting is only worth it when the list was cut.
    const total = rows.length < MAX_GROUP_TRACKS ? rows.length : count()
    return { tracks: rows.map(trackFromRow), total }
  }

  /**
   * Which albums and artists have a track the search matches (flags by index), or null for no
   * search. A narrow search asks SQLite for its matches' groups; a wide one (above WIDE_SEARCH
   * matches, where that costs ~0.3 s) looks its track ids up in TrackGroups, made once per build.
   */
  private async matchedGroups(
    search: string | undefined,
    groups: LibraryGroups,
  ): Promise<{ albums: Uint8Array; artists: Uint8Array } | null> {
    const fts = search === undefined ? null : ftsQueryFor(search)
    if (fts === null) return null
    const albums = new Uint8Array(groups.albums.length)
    const artists = new Uint8Array(groups.artists.length)
    if (this.ftsMatches(fts) > WIDE_SEARCH) {
      groups.trackGroups ??= this.buildTrackGroups(groups)
      const trackGroups = await groups.trackGroups
      const ids = this.db
        .prepare(`SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?`)
        .pluck()
        .all(fts) as number[]
      for (const id of ids) {
        const album = trackGroups.album[id] ?? -1
        if (album >= 0) albums[album] = 1
        const artist = trackGroups.artist[id] ?? -1
        if (artist >= 0) artists[artist] = 1
      }
      return { albums, artists }
    }
    const rows = this.db.prepare(MATCHED_GROUPS_SQL).raw().all(fts) as [
      string | null,
      string | null,
      string | null,
    ][]
    for (const [albumArtist, album, artist] of rows) {
      if (album !== null) {
        const index = groups.albumByKey.get(albumMapKey(albumArtist, album))
        if (index !== undefined) albums[index] = 1
      }
      const name = albumArtist ?? artist
      if (name !== null) {
        const index = groups.artistByName.get(name)
        if (index !== undefined) artists[index] = 1
      }
    }
    return { albums, artists }
  }

  /**
   * Every present track's album and artist, read by id range in slices like a summaries build.
   * Tracks written since the build may be missed or point nowhere; the next build replaces it.
   */
  private async buildTrackGroups(groups: LibraryGroups): Promise<TrackGroups> {
    const pause = slicer()
    const maxId =
      (this.db.prepare('SELECT MAX(id) FROM tracks').pluck().get() as number | null) ?? 0
    const trackGroups = {
      album: new Int32Array(maxId + 1).fill(-1),
      artist: new Int32Array(maxId + 1).fill(-1),
    }
    const chunk = this.db.prepare(
      `SELECT id, album_artist, album, artist FROM tracks
       WHERE id > ? AND id <= ? AND missing_since IS NULL ORDER BY id LIMIT ${TRACK_GROUPS_CHUNK}`,
    )
    let after = 0
    for (;;) {
      const rows = chunk.raw().all(after, maxId) as [
        number,
        string | null,
        string | null,
        string | null,
      ][]
      for (const [id, albumArtist, album, artist] of rows) {
        if (album !== null)
          trackGroups.album[id] = groups.albumByKey.get(albumMapKey(albumArtist, album)) ?? -1
        const name = albumArtist ?? artist
        if (name !== null) trackGroups.artist[id] = groups.artistByName.get(name) ?? -1
      }
      if (rows.length < TRACK_GROUPS_CHUNK) return trackGroups
      after = rows[rows.length - 1]![0]
      await pause()
    }
  }

  private groupsCache: LibraryGroups | null = null
  private groupsBuild: Promise<LibraryGroups> | null = null

  /**
   * The album and artist summaries, rebuilt only when the library changed since the last build.
   * A build runs in slices (see buildGroups); callers that arrive meanwhile share it.
   */
  private async groups(): Promise<LibraryGroups> {
    // Two rounds at most: a build already running may predate the change this caller must see;
    // the next one starts after it. While a scan keeps changing the library, waiting for a build
    // that is exactly current could take forever.
    for (let round = 0; ; round++) {
      const version = this.libraryVersion()
      if (this.groupsCache?.version === version) return this.groupsCache
      if (!this.groupsBuild) {
        this.groupsBuild = this.buildGroups(version).finally(() => (this.groupsBuild = null))
        this.groupsCache = await this.groupsBuild
        return this.groupsCache
      }
      const built = await this.groupsBuild
      if (round > 0) return built
    }
  }

  private libraryVersion(): number {
    return this.db.prepare('SELECT version FROM library_version').pluck().get() as number
  }

  /**
   * Builds the summaries from SQLite's aggregates, GROUPS_CHUNK groups per query, and lets the
   * event loop run whenever a slice has taken SLICE_MS: the engine is never blocked for long,
   * however many albums there are. Rows written meanwhile may or may not be in it; the summaries
   * keep the version read at the start, so the next call after such a write builds again.
   */
  private async buildGroups(version: number): Promise<LibraryGroups> {
    type AlbumRow = [
      albumArtist: string | null,
      album: string | null,
      trackCount: number,
      duration: number,
      year: number | null,
      lowestArtist: string | null,
      highestArtist: string | null,
      coverId: string | null,
    ]
    type ArtistAlbumRow = [album: string | null, artist: string, trackCount: number]
    interface AlbumDraft {
      summary: AlbumSummary
      mapKey: string
      sortKey: string
      index: number
    }
    interface ArtistDraft {
      summary: ArtistSummary
      albums: AlbumDraft[]
    }
    const pause = slicer()
    const artistDrafts = new Map<string, ArtistDraft>()
    const artistDraft = (name: string): ArtistDraft => {
      let draft = artistDrafts.get(name)
      if (!draft) {
        draft = { summary: { name, albumCount: 0, trackCount: 0, coverId: null }, albums: [] }
        artistDrafts.set(name, draft)
      }
      return draft
    }
    const albumDrafts = new Map<string, AlbumDraft>()
    for (const rows of groupChunks<AlbumRow>(this.db, GROUP_WALKS.albums)) {
      for (const [
        albumArtist,
        album,
        trackCount,
        duration,
        year,
        lowest,
        highest,
        coverId,
      ] of rows) {
        let draft: AlbumDraft | null = null
        if (album !== null) {
          // Album artist, else the one track artist, else (they differ) "Various artists".
          const artist = albumArtist ?? (lowest !== highest ? VARIOUS_ARTISTS : lowest)
          const key = albumKey(albumArtist, album)
          const mapKey = albumMapKey(albumArtist, album)
          draft = {
            summary: { key, title: album, artist, year, trackCount, duration, coverId },
            mapKey,
            // By artist (untagged last), then title, then key: a total order, so pages never
            // overlap. Terms joined by NUL: see sortedBy.
            sortKey: [
              artist === null ? '1' : '0',
              artist?.toLowerCase() ?? '',
              artist ?? '',
              album.toLowerCase(),
              album,
              key,
            ].join('\u0000'),
            index: -1,
          }
          albumDrafts.set(mapKey, draft)
        }
        // Tracks without album artist count for their own artists (the walk below).
        if (albumArtist !== null) {
          const artist = artistDraft(albumArtist)
          artist.summary.trackCount += trackCount
          if (draft) artist.albums.push(draft)
        }
      }
      await pause()
    }
    for (const rows of groupChunks<ArtistAlbumRow>(this.db, GROUP_WALKS.untaggedAlbumArtist)) {
      for (const [album, artist, trackCount] of rows) {
        const draft = artistDraft(artist)
        draft.summary.trackCount += trackCount
        const albumDraft = album === null ? undefined : albumDrafts.get(albumMapKey(null, album))
        if (albumDraft) draft.albums.push(albumDraft)
      }
      await pause()
    }

    const albumList = [...albumDrafts.values()]
    albumList.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    await pause()
    const albumByKey = new Map<string, number>()
    const albums: AlbumSummary[] = []
    for (const draft of albumList) {
      draft.index = albums.length
      albumByKey.set(draft.mapKey, draft.index)
      albums.push(draft.summary)
    }
    await pause()
    const artistList = sortedBy(artistDrafts.values(), ({ summary: { name } }) => [
      name.toLowerCase(),
      name,
    ])
    await pause()
    const albumsOfArtist: number[][] = []
    for (const draft of artistList) {
      // An artist meets an album once per group row, so there are no duplicates to drop.
      const indexes = draft.albums.map((album) => album.index).sort((a, b) => a - b)
      draft.summary.albumCount = indexes.length
      draft.summary.coverId = indexes.map((i) => albums[i]!.coverId).find((c) => c !== null) ?? null
      albumsOfArtist.push(indexes)
      if (albumsOfArtist.length % 1000 === 0) await pause()
    }
    return {
      version,
      albums,
      artists: artistList.map((d) => d.summary),
      artistByName: new Map(artistList.map((d, index) => [d.summary.name, index])),
      albumsOfArtist,
      albumByKey,
      trackGroups: null,
    }
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
    // The library table's count on every page: all rows (SQLite counts a B-tree's entries without
    // reading the rows) less the missing ones (the partial tracks_missing index), not a scan.
    if (fts === null && query.includeFailed !== false && !query.includeMissing) {
      return this.db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM tracks)
                - (SELECT COUNT(*) FROM tracks WHERE missing_since IS NOT NULL)`,
        )
        .pluck()
        .get() as number
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

  /**
   * The status bar's counts (songs present, missing, present but failed to read), from indexes
   * alone: `stats()` reads every row (66 ms at 100,000 songs).
   */
  counts(): { tracks: number; missing: number; failed: number } {
    const row = this.db.prepare(STATUS_COUNTS_SQL).get() as {
      total: number
      missing: number
      failed: number
    }
    return { tracks: row.total - row.missing, missing: row.missing, failed: row.failed }
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

  /** How many present tracks lie under `folder` (one range of the path index). */
  countPresentUnder(folder: string): number {
    const [low, high] = pathRangeUnder(folder)
    // Prepared once: a folder listing counts every sub-folder it shows.
    this.countInRange ??= this.db
      .prepare(`SELECT COUNT(*) FROM tracks WHERE path >= ? AND path < ? AND missing_since IS NULL`)
      .pluck()
    return this.countInRange.get(low, high) as number
  }

  private countInRange: Statement | null = null

  /** The present track with the smallest path in [low, high), or null: one seek of the path index. */
  firstPresentBetween(low: string, high: string): Track | null {
    // Prepared once: a folder listing seeks once per sub-folder and per track shown.
    this.firstPresent ??= this.db.prepare(
      `SELECT * FROM tracks WHERE path >= ? AND path < ? AND missing_since IS NULL
       ORDER BY path LIMIT 1`,
    )
    const row = this.firstPresent.get(low, high) as TrackRow | undefined
    return row ? trackFromRow(row) : null
  }

  private firstPresent: Statement | null = null

  /** The id of the track stored at `path` (present or missing), or null. */
  idOfPath(path: string): number | null {
    this.idByPath ??= this.db.prepare('SELECT id FROM tracks WHERE path = ?').pluck()
    return (this.idByPath.get(path) as number | undefined) ?? null
  }

  private idByPath: Statement | null = null

  /** What the media route needs to serve track `id`, or null when there is no such track. */
  playback(id: number): TrackPlayback | null {
    this.playbackById ??= this.db.prepare(
      'SELECT path, format, codec, missing_since AS missingSince, scanned_at AS scannedAt FROM tracks WHERE id = ?',
    )
    return (this.playbackById.get(id) as TrackPlayback | undefined) ?? null
  }

  private playbackById: Statement | null = null

  /** Every present track's id and path, with the path of its library folder (null: none). */
  presentWithFolders(): { id: number; path: string; root: string | null }[] {
    return this.db
      .prepare(
        `SELECT t.id, t.path, r.path AS root FROM tracks t LEFT JOIN roots r ON r.id = t.root_id
         WHERE t.missing_since IS NULL`,
      )
      .all() as { id: number; path: string; root: string | null }[]
  }

  /** The first `limit` present tracks under `folder`, in path order. */
  presentUnder(folder: string, limit: number): Track[] {
    const [low, high] = pathRangeUnder(folder)
    const rows = this.db
      .prepare(
        `SELECT * FROM tracks WHERE path >= ? AND path < ? AND missing_since IS NULL
         ORDER BY path LIMIT ?`,
      )
      .all(low, high, limit) as TrackRow[]
    return rows.map(trackFromRow)
  }

  /** Paths of every track (present or missing) under `folder`. */
  pathsUnder(folder: string): string[] {
    const [low, high] = pathRangeUnder(folder)
    return this.db
      .prepare('SELECT path FROM tracks WHERE path >= ? AND path < ?')
      .pluck()
      .all(low, high) as string[]
  }
}

/** Songs in all, missing, and present but failed to read: each from an index (migrations 5, 16). */
export const STATUS_COUNTS_SQL = `SELECT
  (SELECT COUNT(*) FROM tracks) AS total,
  (SELECT COUNT(*) FROM tracks WHERE missing_since IS NOT NULL) AS missing,
  (SELECT COUNT(*) FROM tracks WHERE error IS NOT NULL AND missing_since IS NULL) AS failed`
