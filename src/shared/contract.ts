// The one contract between the renderer and the engine: every call with a runtime schema for its
// arguments, and every event the engine pushes. The Electron IPC binding, the preload's functions
// and the browser host's routes are all derived from `calls` below, with no per-call glue.
import { z } from 'zod'
import { settingsSchema, type Settings } from './settings'
import type { ScrobbleServiceStatus } from './scrobbling'
import { exclusionRuleSchema, type Exclusion } from './exclusions'
import { radioSeedSchema, type RadioStatus } from './radio'
import {
  type AnalysisProgress,
  type AnalysisResult,
  type AnalysisSummary,
  END_REASONS,
  MARKS,
  type Mark,
  type MarkOrNone,
  type Root,
  type ScanProgress,
  type ScanSummary,
  type Track,
  type TrackLabel,
} from './domain'
import type { MetricSeriesView, PicksKept, RunSummary, TasteInsights } from './insights'
import { DECLINE_REASONS, type QueueReplacement } from './live-queue'
import { asAutoPickReason, type AutoPickReason } from './reasons'
import type { Explanation, Recommendation } from './taste'
import { UserError, type CallAnswer, type ErrorBody, type ErrorCode } from './errors'
import type { Lyrics } from './lyrics'
import {
  TOP_PLAYLIST_ID,
  type Playlist,
  type PlaylistExport,
  type PlaylistImportSummary,
  type PlaylistSummary,
} from './playlists'
import type { ImportEmbeddingsReport, ImportResult, LibraryStats } from './reports'
import type { EmbeddingQualityReport, OfflineEvaluation } from './evaluation'

/** A call: its argument schema, and (type only) its result. */
export interface CallSpec<A extends z.ZodType, R> {
  readonly args: A
  /** Never read at run time; carries the result type. */
  readonly result?: R
}
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args })

const id = z.number().int().positive()
const none = z.object({}).strict().optional()
/** Where a listener's feedback came from, as the event log records it (default the app). */
const eventSource = z.enum(['ui', 'cli']).optional()

export const TRACK_SORT_KEYS = [
  'album',
  'title',
  'artist',
  'duration',
  'format',
  'added',
  'path',
] as const
export type TrackSortKey = (typeof TRACK_SORT_KEYS)[number]

export interface TrackPage {
  total: number
  offset: number
  tracks: Track[]
}

/** One album of the library: its present tracks sharing an album title and album artist. */
export interface AlbumSummary {
  /** Stable while the album's title and album artist stay the same; pass it to listGroupTracks. */
  key: string
  title: string
  /** The album artist, else the tracks' one artist, else "Various artists"; null when untagged. */
  artist: string | null
  /** The latest year among its tracks. */
  year: number | null
  trackCount: number
  /** Seconds. */
  duration: number
  /** The cover of its first track (in play order) that has one. */
  coverId: string | null
}

/** One artist: the album artist of their tracks, or the track artist when there is none. */
export interface ArtistSummary {
  name: string
  albumCount: number
  trackCount: number
  /** The cover of their first album that has one. */
  coverId: string | null
}

/** A folder of the library (a library folder or one inside it) with its present tracks. */
export interface FolderSummary {
  path: string
  name: string
  /** Present tracks in it and every folder inside it. */
  trackCount: number
}

/** One level of the library's folder tree. */
export interface FolderListing {
  /** The folder listed; null for the top level (the library folders). */
  path: string | null
  /** From its library folder down to it (empty at the top level). */
  trail: { path: string; name: string }[]
  folders: FolderSummary[]
  /** The tracks right in it (not in its sub-folders), by file name: the first 10,000. */
  tracks: Track[]
}

const groupPage = {
  search: z.string().max(500).optional(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(500).optional(),
}

export interface LibraryStatus {
  database: string
  tracks: number
  missing: number
  failed: number
  roots: Root[]
  scanning: boolean
  /** Tracks with a vector in the active embedding space. */
  analysed: number
  analysing: boolean
  /** Set when the database could only be opened for reading: what that means, in words. */
  readOnly?: string
}

export interface QueueEntry {
  trackId: number
  source: 'user' | 'auto'
  /** Why an auto-pick was chosen (score, bonus, features), as the taste model explains it. */
  reason?: AutoPickReason
  /** The auto_pick event that chose it (auto entries): how a re-rank finds it again. */
  pickId?: number
  /** The listener moved this auto-pick: it is theirs now, and a re-rank leaves it alone. */
  touched?: boolean
}

export interface QueueState {
  entries: (QueueEntry & { track: Track | null })[]
  /** Index of the playing (or paused) entry, or null. */
  current: number | null
  /** Seconds into the current entry. */
  position: number
  shuffle: boolean
  repeat: 'off' | 'all' | 'one'
  volume: number
  /**
   * Bumped each time the engine replaces waiting auto-picks (a re-rank). A save names the revision
   * it was based on; the engine re-applies to it the replacements it had not seen.
   */
  revision: number
}

export interface HistoryEntry {
  eventId: number
  startedAt: number
  endedAt: number | null
  endPosition: number | null
  endReason: string | null
  track: Track | null
}

export interface LabelImportSummary {
  file: string
  labelled: number
  byMark: Partial<Record<string, number>>
  othersNot: number
  /** Song files the library does not hold: the first 100 of `unmatchedCount`. */
  unmatched: { line: number; path: string }[]
  unmatchedCount: number
  /** Entries naming no song file (web addresses, other files); never listed. */
  ignored: number
}

/** A song the taste model suggests, with why (a Recommendation with its track). */
export interface Suggestion extends Omit<Recommendation, 'trackId'> {
  track: Track | null
}

export interface AutoQueuePick {
  /** The entry to append (source 'auto'), or null when there is nothing to pick from. */
  entry:
    | (QueueEntry & {
        source: 'auto'
        reason: AutoPickReason
        pickId: number
        track: Track | null
      })
    | null
  /** Why there is no entry, in plain words; null when there is one. */
  message: string | null
  /** What kind of "no entry" it is ('not-analysed': nothing to pick from yet), for the wording. */
  code?: ErrorCode
}

/** The Insights view's first tab, for listeners: how the picks go and what the taste is. */
export interface ListenerInsights {
  /** What became of the auto-queue's picks, per day or week. */
  picksKept: PicksKept
  /**
   * The model's best songs by predicted score alone among those never or rarely played and not
   * marked, with why; empty while nothing is learned or nothing is analysed.
   */
  probablyLove: Suggestion[]
  /** The taste as example songs: the liked songs the model scores highest, best first. */
  likeSongsLike: { track: Track; mark: Mark }[]
  /** Whether any song is analysed (the model exists). */
  analysed: boolean
  /** Whether the model has learned anything (a mark, an imported label or a finished play). */
  learned: boolean
}

/** A song worth another listen: once turned down, now predicted to please. */
export interface Rediscovery extends Suggestion {
  /** What happened to it, in plain words ("You marked it not for me 40 days ago"). */
  cause: string
}

/** One embedding space: its vector length, and how many songs have a vector or failed. */
export interface EmbeddingSpaceSummary {
  space: string
  dim: number
  vectors: number
  errors: number
}

const queueEntry = z
  .object({
    trackId: id,
    source: z.enum(['user', 'auto']),
    /** Checked and put back into shape (a saved queue's reasons cross as JSON); dropped if unreadable. */
    reason: z
      .custom<AutoPickReason>(() => true)
      .transform((value) => asAutoPickReason(value) ?? undefined)
      .optional(),
    pickId: id.optional(),
    touched: z.boolean().optional(),
  })
  .strict()

/** A saved playlist's id, or 'top': the live "Top 50 for me now". */
const playlistRef = z.union([id, z.literal(TOP_PLAYLIST_ID)])
const playlistName = z.string().trim().min(1).max(200)
const playlistPlace = z.number().int().min(0).max(100_000)

export const calls = {
  getStatus: call<LibraryStatus>()(none),
  /** Counts of the library (tracks by format, albums, artists) and of the listening log's events by kind. */
  getStats: call<LibraryStats & { events: Record<string, number> }>()(none),
  listRoots: call<Root[]>()(none),
  /**
   * Adds a library folder. System folders and the root of a disk are refused; the whole home
   * folder (or one holding it) only with `confirm`, after asking the listener.
   */
  addRoot: call<Root>()(z.object({ path: z.string().min(1), confirm: z.boolean().optional() })),
  removeRoot: call<void>()(z.object({ path: z.string().min(1) })),
  /** Starts a scan of every root in the background; progress arrives as `scanProgress` events. */
  startScan: call<void>()(none),
  /**
   * Scans every root, or only `paths` (library folders), and answers when it is done; progress
   * arrives as `scanProgress` events. A scan already running is joined.
   */
  scan: call<ScanSummary>()(
    z.object({ paths: z.array(z.string().min(1).max(5000)).min(1).max(1000).optional() }).strict(),
  ),
  listTracks: call<TrackPage>()(
    z
      .object({
        search: z.string().max(500).optional(),
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
        sort: z.enum(TRACK_SORT_KEYS).optional(),
        descending: z.boolean().optional(),
        /** The id of the last row of the page before: the page starts right after it (keyset paging). */
        after: id.optional(),
        /** Also list the tracks whose file is gone (default false). */
        includeMissing: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Albums (present tracks only) by artist then title; `artist` keeps that artist's albums. */
  listAlbums: call<{ albums: AlbumSummary[]; total: number }>()(
    z.object({ ...groupPage, artist: z.string().min(1).max(1000).optional() }).strict(),
  ),
  listArtists: call<{ artists: ArtistSummary[]; total: number }>()(z.object(groupPage).strict()),
  /**
   * The tracks of one album or artist in play order (disc, track, title): the first 10,000, and
   * `total`, how many there are (more than `tracks.length` when the list was cut).
   */
  listGroupTracks: call<{ tracks: Track[]; total: number }>()(
    z.union([
      z.object({ album: z.string().min(1).max(5000) }).strict(),
      z.object({ artist: z.string().min(1).max(1000) }).strict(),
    ]),
  ),
  /** One level of the folder tree: no path lists the library folders. */
  listFolder: call<FolderListing>()(
    z.object({ path: z.string().min(1).max(5000).optional() }).strict(),
  ),
  /** Every track in a folder and its sub-folders, by path: the first 10,000, and how many. */
  listFolderTracks: call<{ tracks: Track[]; total: number }>()(
    z.object({ path: z.string().min(1).max(5000) }).strict(),
  ),
  getTrack: call<Track | null>()(z.object({ id }).strict()),
  /** The track whose file is at `path` (absolute, as the library stores it), or null. */
  getTrackByPath: call<Track | null>()(z.object({ path: z.string().min(1).max(5000) }).strict()),
  /**
   * The player started a song; `pickId` names the auto-pick whose entry it is (so the engine knows
   * at once that this pick plays, and no re-rank replaces it: see docs/live-queue.md).
   */
  playStarted: call<{ playId: string }>()(
    z.object({ trackId: id, pickId: id.optional() }).strict(),
  ),
  playProgress: call<void>()(
    z.object({ trackId: id, playId: z.string().min(1), position: z.number().min(0) }).strict(),
  ),
  playEnded: call<void>()(
    z
      .object({
        trackId: id,
        playId: z.string().min(1),
        position: z.number().min(0),
        duration: z.number().min(0).nullable(),
        reason: z.enum(END_REASONS),
      })
      .strict(),
  ),
  /** Marks a song (or takes its mark back with 'none'); answers the logged event's id. */
  setMark: call<{ eventId: number }>()(
    z.object({ trackId: id, mark: z.enum([...MARKS, 'none']), source: eventSource }).strict(),
  ),
  /**
   * A whole listen told after it happened (the command line's feedback): its start and end are
   * logged together or not at all; `reason` 'next' is a skip at `position`, 'ended' a play to the end.
   */
  logListen: call<{ playId: string | null; eventId: number }>()(
    z
      .object({
        trackId: id,
        position: z.number().min(0),
        reason: z.enum(['next', 'ended']),
        source: eventSource,
      })
      .strict(),
  ),
  listLabels: call<TrackLabel[]>()(none),
  getQueue: call<QueueState>()(none),
  /**
   * The player did not take these replacements of a re-rank (`pickId`: the new pick's auto_pick
   * event): the pick it was to replace had started playing, or the listener moved or removed it,
   * or the new song was queued already. Each is logged as declined, so the pick log keeps only
   * the replacements that reached the queue (see docs/live-queue.md).
   */
  declineReplacements: call<void>()(
    z
      .object({
        declined: z
          .array(z.object({ pickId: id, reason: z.enum(DECLINE_REASONS) }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
  ),
  /** Replaces the saved queue and player state (they survive a restart). */
  saveQueue: call<void>()(
    z
      .object({
        entries: z.array(queueEntry).max(100_000),
        current: z.number().int().min(0).nullable(),
        position: z.number().min(0),
        shuffle: z.boolean(),
        repeat: z.enum(['off', 'all', 'one']),
        volume: z.number().min(0).max(1),
        /** The queue revision this state was based on (see QueueState.revision). */
        revision: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  /** The best songs to play next, by the taste model (eligible ones only; no artist spacing). */
  recommend: call<Suggestion[]>()(
    z
      .object({
        n: z.number().int().min(1).max(200).optional(),
        exclude: z.array(id).max(100_000).optional(),
      })
      .strict(),
  ),
  /**
   * The auto-queue's next song: the taste model's best candidates (`exclude`: already queued),
   * drawn by the softmax policy with artist spacing; the pick is logged with its short-list and
   * probability.
   */
  autoQueueNext: call<AutoQueuePick>()(
    z.object({ exclude: z.array(id).max(100_000).optional() }).strict(),
  ),
  /** The best songs by UCB among those never played. */
  discover: call<Suggestion[]>()(
    z.object({ n: z.number().int().min(1).max(200).optional() }).strict(),
  ),
  /**
   * Songs once turned down (a negative label, or an early skip) at least `minAgeDays` ago that
   * the model now predicts the listener would like, best first.
   */
  rediscover: call<Rediscovery[]>()(
    z
      .object({
        n: z.number().int().min(1).max(200).optional(),
        minAgeDays: z.number().min(0).max(3650).optional(),
      })
      .strict(),
  ),
  /** Rebuilds the taste model from the whole event log (the events stay). */
  resetModel: call<{ rows: number; tracks: number }>()(none),
  /**
   * Labels every track of a playlist (M3U/M3U8) or CSV (`path,label`) on this computer, as undoable
   * label-import events; `othersNot` also labels the other tracks of those albums "not".
   */
  importLabels: call<LabelImportSummary>()(
    z
      .object({
        path: z.string().min(1),
        as: z.enum(MARKS).optional(),
        othersNot: z.boolean().optional(),
        dryRun: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Why the model scores a song as it does. */
  explain: call<Explanation | null>()(z.object({ trackId: id }).strict()),
  /**
   * A song's lyrics, read from its file when asked: embedded tags (USLT/SYLT, LYRICS, ©lyr) or a
   * `.lrc`/`.txt` beside it; null when it has none that can be read.
   */
  lyrics: call<Lyrics | null>()(z.object({ trackId: id }).strict()),
  /**
   * The player could not play a track, not even decoded by the engine (`?decode=1`): logged as an
   * `unplayable` event with the reason, and the track is kept out of the auto-queue and Discover
   * until its file changes.
   */
  reportUnplayable: call<void>()(
    z.object({ trackId: id, reason: z.string().min(1).max(500) }).strict(),
  ),
  /** Tracks whose current file would not play, with why (the library marks them). */
  listUnplayable: call<{ trackId: number; reason: string }[]>()(none),
  /** Analyses every track that needs it, in the background; progress arrives as events. */
  startAnalysis: call<void>()(none),
  /**
   * Analyses every track that needs it with `workers` threads (default: settings, else cores − 1)
   * and answers when done, with how many workers ran; progress arrives as events.
   */
  analyse: call<AnalysisSummary & { workers: number }>()(
    z.object({ workers: z.number().int().min(1).max(64).optional() }).strict(),
  ),
  /**
   * Reads a listening log written by an export (JSONL) and adds the events the log does not hold
   * yet (importing a file twice adds nothing); all or nothing.
   */
  importEvents: call<ImportResult>()(z.object({ path: z.string().min(1).max(5000) }).strict()),
  /**
   * Stores vectors computed elsewhere (CSV, JSONL, or NPY with a file of paths) as the space
   * `import:<space>`, keyed by absolute or library-relative path; a file that cannot be imported
   * as a whole imports nothing.
   */
  importEmbeddings: call<ImportEmbeddingsReport>()(
    z
      .object({
        path: z.string().min(1).max(5000),
        space: z.string().min(1).max(200),
        paths: z.string().min(1).max(5000).optional(),
        format: z.enum(['csv', 'jsonl', 'npy']).optional(),
        dryRun: z.boolean().optional(),
      })
      .strict(),
  ),
  getSettings: call<Settings>()(none),
  /** Updates one section of the settings (partially); answers with all settings. */
  updateSettings: call<Settings>()(
    z.discriminatedUnion('section', [
      z
        .object({ section: z.literal('rewards'), patch: settingsSchema.shape.rewards.partial() })
        .strict(),
      z
        .object({ section: z.literal('model'), patch: settingsSchema.shape.model.partial() })
        .strict(),
      z
        .object({
          section: z.literal('exploration'),
          patch: settingsSchema.shape.exploration.partial(),
        })
        .strict(),
      z
        .object({
          section: z.literal('autoQueue'),
          patch: settingsSchema.shape.autoQueue.partial(),
        })
        .strict(),
      z
        .object({ section: z.literal('analysis'), patch: settingsSchema.shape.analysis.partial() })
        .strict(),
      z
        .object({ section: z.literal('playback'), patch: settingsSchema.shape.playback.partial() })
        .strict(),
      z
        .object({
          section: z.literal('scrobbling'),
          patch: settingsSchema.shape.scrobbling.partial(),
        })
        .strict(),
      // The radio's closeness only: a radio starts and ends with startRadio and stopRadio.
      z
        .object({
          section: z.literal('radio'),
          patch: settingsSchema.shape.radio.pick({ closeness: true }).partial().strict(),
        })
        .strict(),
    ]),
  ),
  /**
   * A path from one song to another: the two songs with `steps` songs between them that move
   * evenly through the model's space from the first to the second (each the song nearest its
   * point on the straight line), none repeated, by the auto-queue's rules.
   */
  path: call<Track[]>()(
    z.object({ from: id, to: id, steps: z.number().int().min(1).max(50) }).strict(),
  ),
  /**
   * Starts a radio from a song, an album, an artist, a folder or a list of songs: while it runs,
   * the auto-queue (switched on) favours songs close to the seed, still learning from every mark
   * and skip; the waiting auto-picks are re-ranked for it, the song playing goes on.
   */
  startRadio: call<RadioStatus>()(z.object({ seed: radioSeedSchema }).strict()),
  /** Ends the radio: the auto-queue goes back to the taste alone (waiting picks re-ranked). */
  stopRadio: call<RadioStatus>()(none),
  /** The radio running (its seed in words), if any, and how close to its seed it stays. */
  radioStatus: call<RadioStatus>()(none),
  /** The "never play" rules in force (artists, albums, folders, genres), oldest first. */
  listExclusions: call<Exclusion[]>()(none),
  /** Never play songs of this artist, album, folder or genre (auto-queue, Discover, Rediscover). */
  addExclusion: call<Exclusion[]>()(z.object({ rule: exclusionRuleSchema }).strict()),
  /** Takes a "never play" rule back (Undo, or the list in Settings). */
  removeExclusion: call<Exclusion[]>()(z.object({ rule: exclusionRuleSchema }).strict()),
  /**
   * The playlists: the live "Top 50 for me now" first (while any song is analysed), then the saved
   * ones by name, each with how many of its entries are missing from the library. `live: false`
   * leaves the live one out (it asks the taste model).
   */
  listPlaylists: call<PlaylistSummary[]>()(
    z.object({ live: z.boolean().optional() }).strict().optional(),
  ),
  /** A playlist's entries in order (missing ones greyed, kept); 'top' computes the live one now. */
  getPlaylist: call<Playlist>()(z.object({ id: playlistRef }).strict()),
  /** Saves songs (the queue, a selection) as a new playlist in this order. */
  createPlaylist: call<PlaylistSummary>()(
    z.object({ name: playlistName, trackIds: z.array(id).max(100_000) }).strict(),
  ),
  renamePlaylist: call<PlaylistSummary>()(z.object({ id, name: playlistName }).strict()),
  /** Adds songs at the end of a saved playlist. */
  addToPlaylist: call<PlaylistSummary>()(
    z.object({ id, trackIds: z.array(id).min(1).max(100_000) }).strict(),
  ),
  /** Moves one entry of a saved playlist from one place to another (0-based). */
  movePlaylistEntry: call<Playlist>()(
    z.object({ id, from: playlistPlace, to: playlistPlace }).strict(),
  ),
  /** Takes entries (by their 0-based places) out of a saved playlist. */
  removePlaylistEntries: call<Playlist>()(
    z.object({ id, positions: z.array(playlistPlace).min(1).max(100_000) }).strict(),
  ),
  /** Deletes a saved playlist; restorePlaylist undoes it until the next delete. */
  deletePlaylist: call<void>()(z.object({ id }).strict()),
  restorePlaylist: call<PlaylistSummary>()(z.object({ id }).strict()),
  /**
   * A playlist as M3U8: written to `path` (an .m3u8 or .m3u file on the engine's computer, paths
   * relative to its folder) or, without one, only answered as text with absolute paths (a download).
   */
  exportPlaylist: call<PlaylistExport>()(
    z.object({ id: playlistRef, path: z.string().min(1).max(5000).optional() }).strict(),
  ),
  /**
   * Reads an M3U or M3U8 playlist into a new playlist: from a file on the engine's computer
   * (`path`), or its text (an upload, with its file name). Entries not in the library are kept as
   * missing and listed.
   */
  importPlaylist: call<PlaylistImportSummary>()(
    z.union([
      z.object({ path: z.string().min(1).max(5000), name: playlistName.optional() }).strict(),
      z
        .object({
          text: z.string().max(1_000_000),
          fileName: z.string().min(1).max(1000),
          name: playlistName.optional(),
        })
        .strict(),
    ]),
  ),
  /** How sending listens to ListenBrainz and Last.fm stands: account, waiting, sent, problems. */
  scrobblingStatus: call<ScrobbleServiceStatus[]>()(none),
  /**
   * Starts connecting Last.fm with the listener's API key and secret: answers the Last.fm page
   * where they allow Attune; `finishLastfm` completes it.
   */
  connectLastfm: call<{ page: string }>()(
    z
      .object({
        apiKey: z.string().trim().min(1).max(100),
        apiSecret: z.string().trim().min(1).max(100),
      })
      .strict(),
  ),
  /** Once the listener allowed Attune on Last.fm's page: keeps the session and turns sending on. */
  finishLastfm: call<ScrobbleServiceStatus[]>()(none),
  listHistory: call<HistoryEntry[]>()(
    z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
  ),
  /** Every run (the live model, offline evaluations) with its metric names, newest first. */
  listRuns: call<RunSummary[]>()(none),
  /** One metric of up to 12 runs, each in step order (runs without it answer no points). */
  getMetricSeries: call<MetricSeriesView[]>()(
    z.object({ runIds: z.array(id).min(1).max(12), name: z.string().min(1).max(200) }).strict(),
  ),
  /** What the taste model has learned, for the Insights view; null while no song is analysed. */
  getInsights: call<TasteInsights | null>()(none),
  /** The Insights view for listeners: picks kept over time, songs to love, the taste as songs. */
  getListenerInsights: call<ListenerInsights>()(none),
  /** Every embedding space in the library with its size, for choosing the model's space. */
  listSpaces: call<EmbeddingSpaceSummary[]>()(none),
  /**
   * Tests the taste model offline on the listener's labelled songs and auto-queue history: a
   * cross-validated classifier per space and PCA size, bandit policies replayed (each curve stored
   * as a run unless `store` is false), and off-policy estimates at other α. Default: every space.
   */
  evaluateOffline: call<OfflineEvaluation>()(
    z
      .object({
        spaces: z.array(z.string().min(1).max(200)).min(1).max(20).optional(),
        pcaSizes: z
          .array(z.union([z.number().int().min(1).max(4096), z.literal('full')]))
          .min(1)
          .max(20)
          .optional(),
        folds: z.number().int().min(2).max(50).optional(),
        seeds: z.number().int().min(1).max(100).optional(),
        alphas: z.array(z.number().min(0).max(100)).min(1).max(20).optional(),
        lambdas: z.array(z.number().positive().max(1e6)).min(1).max(20).optional(),
        store: z.boolean().optional(),
        horizon: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
  ),
  /**
   * How well a space separates the library by folder (or by the labels of a `path,label` CSV):
   * a cross-validated linear probe, nearest neighbours and the largest-group baseline; the built-in
   * space also with each group of its features left out. Default: the built-in space.
   */
  evaluateEmbedding: call<EmbeddingQualityReport>()(
    z
      .object({
        space: z.string().min(1).max(200).optional(),
        labels: z.string().min(1).max(5000).optional(),
        folds: z.number().int().min(2).max(50).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31)
          .optional(),
        repeats: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
  ),
} as const

export type Calls = typeof calls
export type CallName = keyof Calls
export const CALL_NAMES = Object.keys(calls) as CallName[]

export type CallArgs<K extends CallName> = z.input<Calls[K]['args']>
export type CallResult<K extends CallName> =
  Calls[K] extends CallSpec<z.ZodType, infer R> ? R : never

/**
 * What the renderer sees: one async function per call. Its argument may be left out only when the
 * call needs none (every field optional); a call with a required field requires it.
 */
export type Api = {
  [K in CallName]: Record<string, never> extends NonNullable<CallArgs<K>>
    ? (args?: CallArgs<K>) => Promise<CallResult<K>>
    : (args: CallArgs<K>) => Promise<CallResult<K>>
}

/**
 * What the Electron preload exposes: one function per call answering a CallAnswer, since the
 * context bridge keeps only an Error's message (the renderer's bridge turns it back into Api).
 */
export type PreloadApi = {
  [K in CallName]: (args?: CallArgs<K>) => Promise<CallAnswer<CallResult<K>>>
}

/** What the engine implements: one handler per call, given validated arguments. */
export type Handlers = {
  [K in CallName]: (args: z.output<Calls[K]['args']>) => Promise<CallResult<K>> | CallResult<K>
}

/** Validates a call's raw arguments; throws a ContractError with the call's name on bad input. */
export function parseArgs<K extends CallName>(name: K, raw: unknown): z.output<Calls[K]['args']> {
  const spec = calls[name] as CallSpec<z.ZodType, unknown> | undefined
  if (!spec) throw new ContractError(`Unknown call '${String(name)}'.`)
  const result = spec.args.safeParse(raw)
  if (!result.success) {
    throw new ContractError(`Bad arguments for ${name}: ${z.prettifyError(result.error)}`)
  }
  return result.data as z.output<Calls[K]['args']>
}

/** Bad arguments for a call: the caller's mistake ('bad-input'). */
export class ContractError extends UserError {
  override name = 'ContractError'
  constructor(message: string) {
    super(message, 'bad-input')
  }
}

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name)
}

/** Events the engine pushes to every window or browser tab. */
export interface EngineEvents {
  scanProgress: ScanProgress
  scanFinished: ScanSummary
  /** 'unplayable': a track's file would not play (see reportUnplayable); 'exclusions': a "never play" rule changed. */
  libraryChanged: { reason: 'scan' | 'watch' | 'roots' | 'unplayable' | 'exclusions' }
  /** One track's label changed, or (trackId null) many at once, as after a label import. */
  labelsChanged: { trackId: number | null; mark?: MarkOrNone }
  /**
   * The saved queue changed: `replaced` lists the waiting auto-picks the engine swapped after the
   * taste model changed its mind (empty for a plain save).
   */
  queueChanged: {
    revision: number
    replaced: QueueReplacement<QueueEntry & { track: Track | null }>[]
  }
  /**
   * The taste model learned from the events up to `lastEventId`: Discover and Rediscover are
   * worth a fresh look.
   */
  modelUpdated: { lastEventId: number }
  analysisProgress: AnalysisProgress
  analysisFinished: AnalysisResult
  settingsChanged: Settings
  /** A background job (a scan, the analysis) stopped: its code and the engine's words. */
  error: ErrorBody
}
export type EventName = keyof EngineEvents
export const EVENT_NAMES: readonly EventName[] = [
  'scanProgress',
  'scanFinished',
  'libraryChanged',
  'labelsChanged',
  'queueChanged',
  'modelUpdated',
  'analysisProgress',
  'analysisFinished',
  'settingsChanged',
  'error',
]
/** One event: its name and its payload, a union discriminated by `name` (no casts to read it). */
export type EngineEvent<K extends EventName = EventName> = {
  [N in K]: { name: N; payload: EngineEvents[N] }
}[K]

/** The IPC channel of a call (Electron). */
export const channelOf = (name: CallName): string => `attune:${name}`
export const EVENT_CHANNEL = 'attune:event'
