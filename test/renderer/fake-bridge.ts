// An in-memory Bridge for component tests: the same interface the app gets from Electron or the
// browser host, backed by arrays. It records every call so tests can check what reached "the engine".
import { exclusionKey, type Exclusion } from '../../src/shared/exclusions'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings'
import { radioStatus } from '../../src/shared/radio'
import type {
  ListenerInsights,
  AlbumSummary,
  Api,
  CallArgs,
  CallName,
  CallResult,
  EmbeddingSpaceSummary,
  EngineEvent,
  EngineEvents,
  EventName,
  HistoryEntry,
  QueueState,
  Rediscovery,
  Suggestion,
  TrackSortKey,
} from '../../src/shared/contract'
import type { Mark, Root, Track, TrackLabel } from '../../src/shared/domain'
import type { Lyrics } from '../../src/shared/lyrics'
import {
  TOP_PLAYLIST_ID,
  TOP_PLAYLIST_NAME,
  type Playlist,
  type PlaylistId,
  type PlaylistSummary,
} from '../../src/shared/playlists'
import { reasonLine, type PickReason, type ReasonSong } from '../../src/shared/reasons'
import type { MetricPointView, RunSummary, TasteInsights } from '../../src/shared/insights'
import { BridgeError, type Bridge } from '../../src/renderer/src/lib/bridge'
import type { ErrorBody } from '../../src/shared/errors'
import type {
  Scheduling,
  Sound,
  SoundEvent,
  SoundFactory,
} from '../../src/renderer/src/features/player/sound'

export function fakeTrack(id: number, overrides: Partial<Track> = {}): Track {
  return {
    id,
    rootId: 1,
    path: `/music/Artist ${id % 50}/Album ${id % 500}/${String(id).padStart(6, '0')}.mp3`,
    size: 1000,
    mtimeMs: 0,
    format: 'mp3',
    codec: 'MPEG 1 Layer 3',
    sampleRate: 44100,
    channels: 2,
    bitsPerSample: null,
    bitrate: 320000,
    lossless: false,
    duration: 180 + (id % 60),
    title: `Song ${id}`,
    artist: `Artist ${id % 50}`,
    album: `Album ${id % 500}`,
    albumArtist: null,
    genre: null,
    year: 2000,
    trackNo: (id % 12) + 1,
    trackTotal: 12,
    discNo: 1,
    discTotal: 1,
    replayGain: { trackGain: null, trackPeak: null, albumGain: null, albumPeak: null },
    coverId: null,
    addedAt: id,
    scannedAt: 1,
    missingSince: null,
    error: null,
    derived: { title: false, artist: false, album: false },
    ...overrides,
  }
}

/** The fake's search: what was typed appears in the title, artist and album. */
function matches(track: Track, search: string): boolean {
  return `${track.title} ${track.artist} ${track.album}`
    .toLowerCase()
    .includes(search.toLowerCase())
}

export interface RecordedCall {
  name: CallName
  args: unknown
}

export interface FakeBridgeOptions {
  tracks?: number
  roots?: Root[]
  queue?: QueueState
}

const SORT_FIELD: Record<TrackSortKey, (t: Track) => string | number> = {
  album: (t) =>
    `${t.album ?? ''}\u0000${String(t.discNo ?? 0).padStart(3, '0')}${String(t.trackNo ?? 0).padStart(4, '0')}`,
  title: (t) => t.title ?? '',
  artist: (t) => t.artist ?? '',
  duration: (t) => t.duration ?? 0,
  format: (t) => t.format ?? '',
  added: (t) => t.addedAt,
  path: (t) => t.path,
}

/** A reason as the engine words it, for fake suggestions. */
export function fakeWhy(
  scores: { mean: number; bonus: number; probability?: number },
  parts: { songs?: ReasonSong[]; feature?: string | null; wildCard?: string | null } = {},
): PickReason {
  const reason = {
    songs: parts.songs ?? [],
    feature: parts.feature ?? null,
    wildCard: parts.wildCard ?? null,
    coldStart: false,
  }
  return {
    ...reason,
    line: reasonLine(reason),
    details: {
      mean: scores.mean,
      bonus: scores.bonus,
      ucb: scores.mean + scores.bonus,
      probability: scores.probability ?? null,
      baseline: 0.1,
      songs: (parts.songs ?? []).map((s) => ({ ...s, contribution: 0.2 })),
      features: parts.feature
        ? [{ name: 'onset_rate', words: 'calmer than most (onset rate)', contribution: 0.1 }]
        : [],
    },
  }
}

/** The i-th suggestion of a fake list: scores falling by rank, and its reason. */
export function fakeSuggestion(
  track: Track,
  i: number,
  parts: Parameters<typeof fakeWhy>[1],
): Suggestion {
  const why = fakeWhy({ mean: 0.5 - i / 100, bonus: 0.2 }, parts)
  const mean = 0.5 - i / 100
  return { track, mean, bonus: 0.2, ucb: 0.7 - i / 100, meanAtRank: mean, why, reasons: [why.line] }
}

/** The engine's answer when no song is analysed yet (src/main/taste/core.ts). */
const NOT_ANALYSED: ErrorBody = { code: 'not-analysed', message: 'No song is analysed yet.' }

export class FakeBridge implements Bridge {
  readonly kind = 'web' as const
  readonly calls: RecordedCall[] = []
  tracks: Track[]
  roots: Root[]
  labels = new Map<number, Mark>()
  queue: QueueState
  history: HistoryEntry[] = []
  private listeners = new Set<(event: EngineEvent) => void>()
  private playIds = 0
  private eventIds = 0
  private pickIds = 0
  settings: Settings = DEFAULT_SETTINGS
  /** When set, autoQueueNext answers with no song and this message. */
  autoQueueMessage: string | null = null
  /** What rediscover answers. */
  rediscoveries: Rediscovery[] = []
  /**
   * No song analysed yet: the taste model's calls fail as the engine's do, with the code
   * 'not-analysed' and its words (as the web bridge throws them), and the auto-queue has none.
   */
  nothingAnalysed = false
  /** Tracks reported unplayable, with why. */
  unplayable = new Map<number, string>()
  /** Most tracks listGroupTracks answers (the engine's MAX_GROUP_TRACKS is 10,000). */
  maxGroupTracks = 10_000
  /** Songs autoQueueNext never picks (like the engine's "not for me"). */
  autoQueueNever = new Set<number>()
  /** What listRuns answers (newest first, as the engine lists them). */
  runs: RunSummary[] = []
  /** The points getMetricSeries answers, by `${runId}:${metric}`. */
  metricPoints = new Map<string, MetricPointView[]>()
  /** What getInsights answers. */
  insights: TasteInsights | null = null
  /** When set, getInsights fails with this message. */
  insightsError: string | null = null
  /** What getListenerInsights answers. */
  listenerInsights: ListenerInsights = {
    picksKept: { period: 'day', buckets: [], undecided: 0 },
    probablyLove: [],
    likeSongsLike: [],
    analysed: false,
    learned: false,
  }
  /** What listSpaces answers. */
  spaces: EmbeddingSpaceSummary[] = [{ space: 'attune-dsp-v1', dim: 90, vectors: 30, errors: 0 }]
  /** What lyrics answers, by track id (none: no lyrics). */
  lyrics = new Map<number, Lyrics>()
  readonly api: Api
  /** The "never play" rules, as listExclusions answers. */
  exclusions: Exclusion[] = []
  /** Saved playlists: their names and songs in order (a missing entry: a track id not in `tracks`). */
  playlists: { id: number; name: string; trackIds: number[]; deleted: boolean }[] = []
  private playlistIds = 0

  /** Tracks in a folder and its sub-folders, in path order. */
  private under(folder: string): Track[] {
    return this.tracks
      .filter((t) => t.path.startsWith(`${folder}/`))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  constructor(options: FakeBridgeOptions = {}) {
    const count = options.tracks ?? 30
    this.tracks = Array.from({ length: count }, (_, i) => fakeTrack(i + 1))
    this.roots = options.roots ?? [{ id: 1, path: '/music', addedAt: 0 }]
    this.queue = options.queue ?? {
      entries: [],
      current: null,
      position: 0,
      shuffle: false,
      repeat: 'off',
      volume: 1,
      revision: 0,
    }
    const handlers: { [K in CallName]: (args: CallArgs<K>) => CallResult<K> } = {
      getStatus: () => ({
        database: '/tmp/fake.db',
        tracks: this.tracks.length,
        missing: 0,
        failed: 0,
        roots: this.roots,
        scanning: false,
        analysed: 0,
        analysing: false,
      }),
      getStats: () => ({
        tracks: this.tracks.length,
        missing: 0,
        failed: 0,
        byFormat: {},
        totalDuration: this.tracks.reduce((sum, t) => sum + (t.duration ?? 0), 0),
        albums: this.albums().length,
        artists: new Set(this.tracks.map((t) => t.artist)).size,
        events: {},
      }),
      listRoots: () => this.roots,
      addRoot: (args) => {
        const root = { id: this.roots.length + 1, path: args?.path ?? '', addedAt: 0 }
        this.roots = [...this.roots, root]
        return root
      },
      removeRoot: (args) => {
        this.roots = this.roots.filter((r) => r.path !== args?.path)
      },
      startScan: () => undefined,
      scan: () => ({
        roots: this.roots.map((r) => r.path),
        seen: this.tracks.length,
        added: 0,
        updated: 0,
        unchanged: this.tracks.length,
        moved: 0,
        missing: 0,
        failed: [],
        elapsedMs: 0,
      }),
      listTracks: (args) => {
        const { search, offset = 0, limit = 200, sort = 'album', descending = false } = args ?? {}
        let list = this.tracks
        if (search) list = list.filter((t) => matches(t, search))
        list = this.sorted(list, sort, descending, !search)
        // Keyset paging: right after the row with that id (the engine's own order, so the same).
        const start = args?.after ? list.findIndex((t) => t.id === args.after) + 1 : offset
        return { total: list.length, offset, tracks: list.slice(start, start + limit) }
      },
      listAlbums: (args) => {
        const { search, offset = 0, limit = 100, artist } = args ?? {}
        const albums = this.albums().filter(
          (album) =>
            (!search || album.tracks.some((t) => matches(t, search))) &&
            (!artist || album.tracks.some((t) => (t.albumArtist ?? t.artist) === artist)),
        )
        return {
          total: albums.length,
          albums: albums.slice(offset, offset + limit).map((a) => a.summary),
        }
      },
      listArtists: (args) => {
        const { search, offset = 0, limit = 100 } = args ?? {}
        const byName = new Map<string, Track[]>()
        for (const t of this.tracks) {
          const name = t.albumArtist ?? t.artist
          if (name !== null) byName.set(name, [...(byName.get(name) ?? []), t])
        }
        const artists = [...byName]
          .filter(([, tracks]) => !search || tracks.some((t) => matches(t, search)))
          .sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()))
          .map(([name, tracks]) => ({
            name,
            albumCount: new Set(tracks.filter((t) => t.album !== null).map((t) => t.album)).size,
            trackCount: tracks.length,
            coverId: tracks.find((t) => t.coverId !== null)?.coverId ?? null,
          }))
        return { total: artists.length, artists: artists.slice(offset, offset + limit) }
      },
      // The engine walks its path index; the fake groups the paths of its tracks the same way.
      listFolder: (args) => {
        if (!args?.path)
          return {
            path: null,
            trail: [],
            folders: this.roots.map((r) => ({
              path: r.path,
              name: r.path,
              trackCount: this.under(r.path).length,
            })),
            tracks: [],
          }
        const path = args.path
        const root = this.roots.find((r) => path === r.path || path.startsWith(`${r.path}/`))
        if (!root) throw new Error(`${path} is not in one of your library folders.`)
        const trail = [{ path: root.path, name: root.path }]
        for (const part of path.slice(root.path.length).split('/').filter(Boolean))
          trail.push({ path: `${trail[trail.length - 1]!.path}/${part}`, name: part })
        const inside = this.under(path)
        const names = [...new Set(inside.map((t) => t.path.slice(path.length + 1).split('/')))]
          .filter((parts) => parts.length > 1)
          .map((parts) => parts[0]!)
        return {
          path,
          trail,
          folders: [...new Set(names)].sort().map((name) => ({
            path: `${path}/${name}`,
            name,
            trackCount: this.under(`${path}/${name}`).length,
          })),
          tracks: inside.filter((t) => !t.path.slice(path.length + 1).includes('/')),
        }
      },
      listFolderTracks: (args) => {
        const tracks = this.under(args.path)
        return { tracks, total: tracks.length }
      },
      listGroupTracks: (args) => {
        const tracks =
          'album' in args
            ? (this.albums().find((a) => a.summary.key === args.album)?.tracks ?? [])
            : this.sorted(
                this.tracks.filter((t) => (t.albumArtist ?? t.artist) === args.artist),
                'album',
                false,
                false,
              )
        // Cut as the engine cuts (MAX_GROUP_TRACKS), saying how many there are.
        return { tracks: tracks.slice(0, this.maxGroupTracks), total: tracks.length }
      },
      getTrack: (args) => this.tracks.find((t) => t.id === args?.id) ?? null,
      getTrackByPath: (args) => this.tracks.find((t) => t.path === args?.path) ?? null,
      playStarted: () => ({ playId: `play-${++this.playIds}` }),
      playProgress: () => undefined,
      playEnded: () => undefined,
      setMark: (args) => {
        if (args.mark === 'none') this.labels.delete(args.trackId)
        else this.labels.set(args.trackId, args.mark)
        return { eventId: ++this.eventIds }
      },
      logListen: () => ({ playId: `play-${++this.playIds}`, eventId: ++this.eventIds }),
      listLabels: () =>
        [...this.labels].map(([trackId, mark]): TrackLabel => ({
          trackId,
          mark,
          origin: 'mark',
          ts: 0,
        })),
      getQueue: () => this.queue,
      declineReplacements: () => undefined,
      saveQueue: (args) => {
        if (!args) return
        this.queue = {
          ...this.queue,
          ...args,
          entries: args.entries.map((e) => ({
            ...e,
            track: this.tracks.find((t) => t.id === e.trackId) ?? null,
          })),
        }
      },
      listHistory: () => this.history,
      startAnalysis: () => undefined,
      analyse: () => ({
        space: 'attune-dsp-v1',
        total: 0,
        analysed: 0,
        failed: [],
        elapsedMs: 0,
        audioSeconds: 0,
        workers: 1,
      }),
      importEvents: () => ({ imported: 0, duplicates: 0, createdTracks: 0, errors: [] }),
      importEmbeddings: (args) => ({
        space: `import:${args.space}`,
        dim: 0,
        imported: 0,
        unmatched: [],
        unmatchedCount: 0,
        mismatched: [],
        invalid: [],
        duplicates: 0,
        rows: 0,
      }),
      recommend: ({ n = 10, exclude = [] }) =>
        this.tracks
          .filter((t) => !exclude.includes(t.id))
          .slice(0, n)
          .map((track, i) => fakeSuggestion(track, i, { feature: 'calmer' })),
      explain: () => null,
      lyrics: ({ trackId }) => this.lyrics.get(trackId) ?? null,
      reportUnplayable: ({ trackId, reason }) => {
        this.unplayable.set(trackId, reason)
        queueMicrotask(() => this.emit('libraryChanged', { reason: 'unplayable' }))
      },
      listUnplayable: () => [...this.unplayable].map(([trackId, reason]) => ({ trackId, reason })),
      autoQueueNext: ({ exclude = [] }) => {
        if (this.nothingAnalysed) {
          // As the engine answers (NOTHING_ANALYSED_MESSAGE, src/main/queue/auto-pick.ts).
          const message = 'No song is analysed yet, so Attune has nothing to pick from.'
          return { entry: null, message, code: 'not-analysed' }
        }
        if (this.autoQueueMessage) return { entry: null, message: this.autoQueueMessage }
        const track = this.tracks.find(
          (t) => !exclude.includes(t.id) && !this.autoQueueNever.has(t.id),
        )
        if (!track) return { entry: null, message: 'Nothing left to pick.' }
        return {
          entry: {
            trackId: track.id,
            source: 'auto',
            pickId: ++this.pickIds,
            track,
            reason: (() => {
              const why = fakeWhy(
                { mean: 0.42, bonus: 0.3, probability: 0.6 },
                {
                  songs: [
                    { trackId: 1, title: 'Battle Music', feeling: 'loved', relation: 'close' },
                    { trackId: 2, title: 'Nunc Dimittis', feeling: 'loved', relation: 'close' },
                  ],
                  feature: 'brighter',
                },
              )
              return {
                mean: 0.42,
                bonus: 0.3,
                ucb: 0.72,
                probability: 0.6,
                why,
                reasons: [why.line],
              }
            })(),
          },
          message: null,
        }
      },
      discover: ({ n = 20 }) =>
        this.notAnalysedCheck() ??
        this.tracks
          .slice(0, n)
          .map((track, i) =>
            fakeSuggestion(
              track,
              i,
              i === 0
                ? { wildCard: "the model hasn't heard songs like this from you yet" }
                : { feature: 'calmer' },
            ),
          ),
      rediscover: ({ n = 20 }) => this.notAnalysedCheck() ?? this.rediscoveries.slice(0, n),
      resetModel: () => ({ rows: 0, tracks: this.tracks.length }),
      importLabels: ({ path, as = 'like', dryRun }) => {
        const matched = this.tracks.slice(0, 3)
        if (!dryRun) for (const t of matched) this.labels.set(t.id, as)
        return {
          file: path,
          labelled: matched.length,
          byMark: { [as]: matched.length },
          othersNot: 0,
          unmatched: [{ line: 4, path: '/gone.mp3' }],
          unmatchedCount: 1,
          ignored: 0,
        }
      },
      listRuns: () => this.runs,
      getMetricSeries: ({ runIds, name }) =>
        runIds.map((runId) => ({
          runId,
          name,
          points: this.metricPoints.get(`${runId}:${name}`) ?? [],
        })),
      getInsights: () => {
        if (this.insightsError) throw new Error(this.insightsError)
        return this.insights
      },
      getListenerInsights: () => this.listenerInsights,
      listSpaces: () => this.spaces,
      evaluateOffline: () => ({
        labels: { total: this.labels.size, likes: 0, nots: 0 },
        autoPicks: { logged: 0, withOutcome: 0 },
        note: 'Label a few songs first.',
        spaces: [],
      }),
      evaluateEmbedding: (args) => ({
        space: args.space ?? 'attune-dsp-v1',
        dim: 0,
        folds: args.folds ?? 5,
        seed: args.seed ?? 1,
        repeats: args.repeats ?? 10,
        labelSource: 'folder',
        tracks: 0,
        sampledOut: 0,
        classes: [],
        excludedClasses: [],
        unlabelled: 0,
        labelsWithoutVector: 0,
        majorityBaseline: 0,
        chance: 0,
        confusion: [],
        ridgeLambdas: [],
        ablation: [],
        linearAccuracy: 0,
        foldAccuracies: [],
        oneNN: 0,
        fiveNN: 0,
      }),
      getSettings: () => this.settings,
      updateSettings: (change) => {
        this.settings = {
          ...this.settings,
          [change.section]: { ...this.settings[change.section], ...change.patch },
        }
        // Like the engine, tell every window.
        queueMicrotask(() => this.emit('settingsChanged', this.settings))
        return this.settings
      },
      startRadio: ({ seed }) => {
        const label =
          seed.kind === 'track'
            ? (this.tracks.find((t) => t.id === seed.trackId)?.title ?? `song ${seed.trackId}`)
            : seed.kind === 'album'
              ? `the album ${seed.album}`
              : seed.kind === 'artist'
                ? seed.artist
                : seed.kind === 'folder'
                  ? `the folder ${seed.path}`
                  : seed.name
        const trackIds = seed.kind === 'tracks' ? seed.trackIds : [this.tracks[0]?.id ?? 1]
        this.settings = {
          ...this.settings,
          radio: { ...this.settings.radio, current: { seed, label, trackIds, startedAt: 0 } },
          autoQueue: { ...this.settings.autoQueue, enabled: true },
        }
        queueMicrotask(() => this.emit('settingsChanged', this.settings))
        return radioStatus(this.settings.radio)
      },
      stopRadio: () => {
        this.settings = { ...this.settings, radio: { ...this.settings.radio, current: null } }
        queueMicrotask(() => this.emit('settingsChanged', this.settings))
        return radioStatus(this.settings.radio)
      },
      radioStatus: () => radioStatus(this.settings.radio),
      path: () => {
        throw new Error(
          'Paths are tested against the engine (test/main/taste/path-engine.test.ts).',
        )
      },
      listExclusions: () => this.exclusions,
      addExclusion: ({ rule }) => {
        if (!this.exclusions.some((e) => exclusionKey(e.rule) === exclusionKey(rule)))
          this.exclusions = [...this.exclusions, { rule, since: Date.now() }]
        return this.exclusions
      },
      removeExclusion: ({ rule }) => {
        this.exclusions = this.exclusions.filter((e) => exclusionKey(e.rule) !== exclusionKey(rule))
        return this.exclusions
      },
      listPlaylists: () => [
        this.playlistSummary(this.playlistView(TOP_PLAYLIST_ID)),
        ...this.playlists
          .filter((p) => !p.deleted)
          .map((p) => this.playlistSummary(this.playlistView(p.id))),
      ],
      getPlaylist: ({ id }) => this.playlistView(id),
      createPlaylist: ({ name, trackIds }) => {
        if (this.playlists.some((p) => !p.deleted && p.name === name))
          throw new BridgeError(`There is already a playlist called “${name}”.`, 'conflict')
        const id = ++this.playlistIds
        this.playlists.push({ id, name, trackIds: [...trackIds], deleted: false })
        return this.playlistSummary(this.playlistView(id))
      },
      renamePlaylist: ({ id, name }) => {
        this.savedPlaylist(id).name = name
        return this.playlistSummary(this.playlistView(id))
      },
      addToPlaylist: ({ id, trackIds }) => {
        this.savedPlaylist(id).trackIds.push(...trackIds)
        return this.playlistSummary(this.playlistView(id))
      },
      movePlaylistEntry: ({ id, from, to }) => {
        const ids = this.savedPlaylist(id).trackIds
        const [moved] = ids.splice(from, 1)
        if (moved !== undefined) ids.splice(to, 0, moved)
        return this.playlistView(id)
      },
      removePlaylistEntries: ({ id, positions }) => {
        const playlist = this.savedPlaylist(id)
        playlist.trackIds = playlist.trackIds.filter((_, i) => !positions.includes(i))
        return this.playlistView(id)
      },
      deletePlaylist: ({ id }) => {
        this.savedPlaylist(id).deleted = true
      },
      restorePlaylist: ({ id }) => {
        const playlist = this.playlists.find((p) => p.id === id)
        if (playlist) playlist.deleted = false
        return this.playlistSummary(this.playlistView(id))
      },
      exportPlaylist: ({ id, path }) => {
        const playlist = this.playlistView(id)
        return {
          name: playlist.name,
          text: ['#EXTM3U', ...playlist.entries.map((e) => e.path)].join('\n') + '\n',
          file: path ?? null,
          entries: playlist.entries.length,
          missing: playlist.missingCount,
        }
      },
      importPlaylist: (request) => {
        const id = ++this.playlistIds
        const name = request.name ?? ('fileName' in request ? request.fileName : request.path)
        this.playlists.push({ id, name, trackIds: [1, 2], deleted: false })
        return {
          playlist: this.playlistSummary(this.playlistView(id)),
          matched: 2,
          missing: [{ line: 3, path: '/gone.mp3' }],
          missingCount: 1,
          ignored: 0,
        }
      },
      scrobblingStatus: () =>
        (['listenbrainz', 'lastfm'] as const).map((service) => ({
          service,
          enabled: this.settings.scrobbling[service].enabled,
          user: null,
          pending: 0,
          sent: 0,
          refused: 0,
          state: this.settings.scrobbling[service].enabled ? ('ok' as const) : ('off' as const),
          message: null,
        })),
      connectLastfm: () => {
        throw new Error('Connecting Last.fm is tested against the engine (test/main/scrobble).')
      },
      finishLastfm: () => {
        throw new Error('Connecting Last.fm is tested against the engine (test/main/scrobble).')
      },
    }
    this.api = Object.fromEntries(
      (Object.keys(handlers) as CallName[]).map((name) => [
        name,
        (args?: unknown) => {
          this.calls.push({ name, args })
          // Answer asynchronously, like a real transport.
          return Promise.resolve().then(() => (handlers[name] as (a: unknown) => unknown)(args))
        },
      ]),
    ) as Api
  }

  private savedPlaylist(id: number): FakeBridge['playlists'][number] {
    const playlist = this.playlists.find((p) => p.id === id && !p.deleted)
    if (!playlist) throw new BridgeError('That playlist is not there any more.', 'not-found')
    return playlist
  }

  /** A playlist as the engine answers it: the top one is the first ten tracks. */
  private playlistView(id: PlaylistId): Playlist {
    const live = id === TOP_PLAYLIST_ID
    const saved = live ? null : this.playlists.find((p) => p.id === id)
    if (!live && !saved) throw new BridgeError('That playlist is not there any more.', 'not-found')
    const trackIds = saved ? saved.trackIds : this.tracks.slice(0, 10).map((t) => t.id)
    const entries = trackIds.map((trackId, position) => {
      const track = this.tracks.find((t) => t.id === trackId) ?? null
      return {
        position,
        track,
        path: track?.path ?? `/music/gone/${trackId}.mp3`,
        title: track?.title ?? `${trackId}.mp3`,
        missing: track === null,
      }
    })
    return {
      id,
      name: saved?.name ?? TOP_PLAYLIST_NAME,
      live,
      updatedAt: 0,
      entryCount: entries.length,
      missingCount: entries.filter((e) => e.missing).length,
      duration: entries.reduce((sum, e) => sum + (e.track?.duration ?? 0), 0),
      entries,
    }
  }

  private playlistSummary({ entries: _entries, ...summary }: Playlist): PlaylistSummary {
    return summary
  }

  /** Throws the engine's "nothing analysed" error while `nothingAnalysed` is set. */
  private notAnalysedCheck(): null {
    if (this.nothingAnalysed) throw new BridgeError(NOT_ANALYSED.message, NOT_ANALYSED.code)
    return null
  }

  /** Albums as the engine groups them: by album artist and title, tracks in play order. */
  private albums(): { summary: AlbumSummary; tracks: Track[] }[] {
    const groups = new Map<string, Track[]>()
    for (const t of this.sorted(this.tracks, 'album', false, false)) {
      if (t.album === null) continue
      const key = JSON.stringify([t.albumArtist, t.album])
      groups.set(key, [...(groups.get(key) ?? []), t])
    }
    return [...groups]
      .map(([key, tracks]) => {
        const first = tracks[0]!
        const artists = new Set(tracks.map((t) => t.artist).filter((a) => a !== null))
        const summary: AlbumSummary = {
          key,
          title: first.album!,
          artist:
            first.albumArtist ?? (artists.size > 1 ? 'Various artists' : ([...artists][0] ?? null)),
          year: first.year,
          trackCount: tracks.length,
          duration: tracks.reduce((sum, t) => sum + (t.duration ?? 0), 0),
          coverId: tracks.find((t) => t.coverId !== null)?.coverId ?? null,
        }
        return { summary, tracks }
      })
      .sort(
        (a, b) =>
          (a.summary.artist ?? '\uffff').localeCompare(b.summary.artist ?? '\uffff') ||
          a.summary.title.localeCompare(b.summary.title),
      )
  }

  private sortCache = new Map<string, Track[]>()

  /** Sorted copies; the unfiltered ones are kept, so paging 100,000 tracks stays quick. */
  private sorted(list: Track[], sort: TrackSortKey, descending: boolean, cache: boolean): Track[] {
    const cacheKey = `${sort}:${descending}`
    const hit = cache ? this.sortCache.get(cacheKey) : undefined
    if (hit) return hit
    const key = SORT_FIELD[sort]
    const decorated = list.map((t) => ({ t, k: key(t) }))
    decorated.sort((a, b) => {
      const order = a.k < b.k ? -1 : a.k > b.k ? 1 : a.t.id - b.t.id
      return descending ? -order : order
    })
    const result = decorated.map((d) => d.t)
    if (cache) this.sortCache.set(cacheKey, result)
    return result
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<K extends EventName>(name: K, payload: EngineEvents[K]): void {
    const event = { name, payload } as EngineEvent
    for (const listener of this.listeners) listener(event)
  }

  mediaUrl = (trackId: number) => `/media/${trackId}`
  coverUrl = (coverId: string) => `/covers/${coverId}`

  /** The recorded calls of one name, in order. */
  callsOf<K extends CallName>(name: K): CallArgs<K>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args as CallArgs<K>)
  }
}

/** A sound that plays in memory: tests move its clock and end it by hand. */
export class FakeSound implements Sound {
  private listeners = new Map<SoundEvent, ((detail?: unknown) => void)[]>()
  at = 0
  playing = false
  unloaded = false
  volume = 1
  constructor(
    readonly url: string,
    readonly length = 200,
  ) {}
  play(): void {
    this.playing = true
    this.fire('play')
  }
  pause(): void {
    this.playing = false
    this.fire('pause')
  }
  unload(): void {
    this.playing = false
    this.unloaded = true
  }
  position(): number {
    return this.at
  }
  seek(seconds: number): void {
    this.at = seconds
  }
  duration(): number {
    return this.length
  }
  setVolume(volume: number): void {
    this.volume = volume
  }
  on(event: SoundEvent, listener: (detail?: unknown) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
  }
  fire(event: SoundEvent, detail?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(detail)
  }
  /** Plays to the end. */
  finish(): void {
    this.at = this.length
    this.playing = false
    this.fire('end')
  }
}

/** A factory that keeps every sound it made, newest last. */
export function fakeSounds(): { create: SoundFactory; made: FakeSound[] } {
  const made: FakeSound[] = []
  return {
    made,
    create: (url) => {
      const sound = new FakeSound(url)
      made.push(sound)
      return sound
    },
  }
}

/**
 * A sound on a shared clock that can be scheduled the way the Web Audio one can: tests move the
 * clock and read what the player scheduled.
 */
export class FakeScheduledSound extends FakeSound implements Scheduling {
  readonly scheduling: Scheduling = this
  /** Decoded and ready to start at an exact time. */
  decoded = true
  /** The start the player scheduled (and has not taken back). */
  start: { when: number; fadeIn: number } | null = null
  fadeOut: { when: number; seconds: number } | null = null
  constructor(
    url: string,
    private readonly clock: { now: number },
    length = 200,
  ) {
    super(url, length)
    this.since = clock.now
  }
  /** The clock when `at` was last right; the position runs on with the clock while playing. */
  private since: number
  override position(): number {
    return Math.min(this.length, this.at + (this.playing ? this.clock.now - this.since : 0))
  }
  override pause(): void {
    this.at = this.position()
    super.pause()
  }
  override seek(seconds: number): void {
    super.seek(seconds)
    this.since = this.clock.now
  }
  now(): number {
    return this.clock.now
  }
  ready(): boolean {
    return this.decoded
  }
  endsAt(): number | null {
    return this.playing && !this.start ? this.clock.now + (this.length - this.position()) : null
  }
  startAt(when: number, fadeIn: number): void {
    this.start = { when, fadeIn }
  }
  fadeOutAt(when: number, seconds: number): void {
    this.fadeOut = { when, seconds }
  }
  unschedule(): void {
    this.start = null
    this.fadeOut = null
  }
  override play(): void {
    // A scheduled start that came due is what plays now.
    if (this.start) this.at = Math.max(0, this.clock.now - this.start.when)
    this.start = null
    this.since = this.clock.now
    super.play()
  }
}

/** Like fakeSounds, with sounds that can be scheduled on `clock`. */
export function fakeScheduledSounds(clock: { now: number }): {
  create: SoundFactory
  made: FakeScheduledSound[]
} {
  const made: FakeScheduledSound[] = []
  return {
    made,
    create: (url) => {
      const sound = new FakeScheduledSound(url, clock)
      made.push(sound)
      return sound
    },
  }
}
