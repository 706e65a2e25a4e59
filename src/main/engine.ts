import { EventEmitter } from 'node:events'
import { resolve } from 'node:path'
import { checkWritable, openDatabase, type Database, type OpenOptions } from './db/database'
import { coversDirFor } from './paths'
import { TrackStore } from './library/track-store'
import { EventLog, unplayableTracks } from './db/events'
import type { MediaHandler } from './media/media-route'
import { QueueStore } from './db/queue'
import { SettingsStore } from './db/settings'
import { PickHistory } from './db/pick-history'
import { OtherWriters } from './db/other-writers'
import { EmbeddingStore } from './db/embeddings'
import { EXTRACTOR } from './analysis/feature-names'
import type { AnalysisSummary } from '../shared/domain'
import type { TasteService } from './taste/service'
import type {
  AutoQueuePick,
  EngineEvent,
  EngineEvents,
  EventName,
  Handlers,
  Rediscovery,
} from '../shared/contract'
import { AutoPicker } from './queue/auto-pick'
import { Coalescer } from './queue/rerank'
import type { WorkerClient } from './workers/rpc'
import type { OfflineEvalProtocol } from './insights/offline-eval-run'
import { rediscover, turnedDownSongs } from './taste/rediscover'
import { MetricStore } from './db/metric-store'
import type { RunSummary, TasteInsights } from '../shared/insights'
import type { ScanSummary } from '../shared/domain'
import { errorBody, isNothingToScore, UserError, type ErrorBody } from '../shared/errors'
import { ScrobbleRepository } from './db/scrobbles'
import { ExclusionRepository } from './db/exclusions'
import { exclusionKey, type Exclusion, type ExclusionRule } from '../shared/exclusions'
import { Scrobbler } from './scrobble/scrobbler'
import { LastfmConnection } from './scrobble/lastfm-connect'
import { APP_VERSION } from '../shared/version'
import { PlaylistService } from './playlists/service'
import { TOP_PLAYLIST_ID, TOP_PLAYLIST_SIZE, type Playlist } from '../shared/playlists'
import { radioContext, radioRanking, resolveSeed } from './queue/radio'
import { radioStatus, type RadioSeed, type RadioStatus } from '../shared/radio'
import { withPickContext } from '../shared/reasons'

// The engine loads its heavy parts (the scanner and watcher, the analysis pool, the taste worker's
// client, the media route, tag and lyrics readers) with `import()` when first used, so a front end
// that only reads the library (`attune stats`) starts in about the time Node loads SQLite.

// What front ends need besides the Engine: they import nothing else of the engine's interior.
export { electronSqliteBinding } from './db/native-binding'
export { defaultDbPath, defaultMusicDir } from './engine-defaults'
export { BUILD_DIR } from './workers/entries'
/** The space of Attune's own audio features (`attune analyze` computes it; others are imported). */
export const BUILT_IN_SPACE = EXTRACTOR.space

export interface EngineOptions {
  dbPath: string
  /** better-sqlite3 binary for another ABI (Electron). */
  nativeBinding?: string
  /** Watch the library folders for changes while running (the app and the browser host do). */
  watch?: boolean
  /**
   * Analyse in the background: after every scan, and at start for whatever a previous run left
   * (the app and the browser host do; the CLI runs `attune analyze` explicitly).
   */
  backgroundAnalysis?: boolean
  /** Where warnings and worker logs go. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /** Seed of the auto-queue's draws (tests); default from the clock. */
  autoQueueSeed?: number
  /** Create the database's folder when it is missing (default true; the CLI only for its default). */
  createFolder?: boolean
  /** Told when the database could be opened for reading only (default: a warning in the log). */
  onReadOnly?: (note: string) => void
  /**
   * Learn from each event as it is logged (a mark, a play's end) and re-rank the waiting
   * auto-picks (default true). The command line's one-off commands leave that to the next reader
   * of the model, so a mark starts no worker.
   */
  learnAsEventsArrive?: boolean
  /**
   * Tell a running taste worker the songs coming up after each change of the queue, so it
   * prepares them in idle time (default true). Off: every reward is learned with a full pass
   * (tests and benchmarks compare the two; the picks are the same).
   */
  prepareSongs?: boolean
}

/** How often the engine looks for events another process (the CLI) wrote to its database. */
const OTHER_WRITERS_POLL_MS = 1000

/**
 * The engine: composes the library, the event log and the media route behind the contract's
 * handlers. Transports (Electron IPC, the browser host) only validate and delegate to it.
 */
export class Engine {
  readonly db: Database
  readonly dbPath: string
  readonly coversDir: string
  readonly tracks: TrackStore
  readonly events: EventLog
  readonly queue: QueueStore
  readonly settings: SettingsStore
  readonly embeddings: EmbeddingStore
  /** Runs and their metrics (live model, offline evaluations), read by the Insights view. */
  readonly metrics: MetricStore
  private readonly pickHistory: PickHistory
  private analysing: Promise<AnalysisSummary & { workers: number }> | null = null
  private analysisAbort: AbortController | null = null
  private readonly backgroundAnalysis: boolean
  private taste: Promise<TasteService> | null = null
  /** Plays started and not yet ended: while any runs, analysis uses half its workers. */
  private readonly playing = new Set<string>()
  private readonly nativeBinding: string | undefined
  private readonly log: NonNullable<EngineOptions['log']>
  readonly media: (request: Request) => Promise<Response>
  private readonly emitter = new EventEmitter()
  private scanning: Promise<ScanSummary> | null = null
  private watcher: { close(): Promise<void> } | null = null
  /** The watcher's code loading, and which restart it is for. */
  private watcherStarting: Promise<void> | null = null
  private watcherGeneration = 0
  private mediaLoading: Promise<MediaHandler> | null = null
  /** Whether this engine watches its folders (the app and the host do; the CLI does not). */
  private readonly watching: boolean
  private closed = false
  private readonly learnAsEventsArrive: boolean
  private readonly prepareSongs: boolean
  private readonly scrobbler: Scrobbler
  private readonly exclusions: ExclusionRepository
  private readonly playlists: PlaylistService
  /** The Last.fm request token between Connect and Finish. */
  private readonly lastfm: LastfmConnection
  /** Picks the auto-queue's songs and re-ranks the waiting ones. */
  private readonly autoPicker: AutoPicker
  /** Learns from new events and re-ranks the waiting auto-picks, once per burst of events. */
  private readonly learning: Coalescer
  /** Names the songs coming up to a running taste worker after each change of the queue. */
  private readonly preparing: Coalescer
  /** Offline evaluations running, each in its worker thread (stopped on close). */
  private readonly evaluations = new Set<WorkerClient<OfflineEvalProtocol>>()
  private otherWriters: ReturnType<typeof setInterval> | null = null
  /** Set when the database could only be opened for reading (a read-only file, folder or disk). */
  private readOnlyNote: string | null = null

  constructor(options: EngineOptions) {
    this.dbPath = resolve(options.dbPath)
    const open: OpenOptions = {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.createFolder === false ? { createFolder: false } : {}),
      onReadOnly: (note) => {
        this.readOnlyNote = note
        if (options.onReadOnly) options.onReadOnly(note)
        else (options.log ?? (() => undefined))('warn', note)
      },
    }
    this.db = openDatabase(this.dbPath, open)
    this.coversDir = coversDirFor(this.dbPath)
    this.tracks = new TrackStore(this.db)
    this.events = new EventLog(this.db)
    this.queue = new QueueStore(this.db)
    this.settings = new SettingsStore(this.db)
    this.lastfm = new LastfmConnection(this.settings)
    this.embeddings = new EmbeddingStore(this.db)
    this.metrics = new MetricStore(this.db)
    this.exclusions = new ExclusionRepository(this.db, this.events)
    this.playlists = new PlaylistService({
      db: this.db,
      getTrack: (trackId) => this.tracks.getTrack(trackId),
    })
    this.scrobbler = new Scrobbler({
      repo: new ScrobbleRepository(this.db),
      settings: () => this.settings.get().scrobbling,
      track: (trackId) => this.tracks.getTrack(trackId),
      clientVersion: APP_VERSION,
      log: (level, message) => this.log(level, message),
    })
    this.pickHistory = new PickHistory(this.db)
    this.backgroundAnalysis = options.backgroundAnalysis ?? false
    this.nativeBinding = options.nativeBinding
    this.log = options.log ?? (() => undefined)
    this.media = async (request) => (await this.mediaHandler())(request)
    this.autoPicker = new AutoPicker({
      settings: this.settings,
      embeddings: this.embeddings,
      queue: this.queue,
      events: this.events,
      pickHistory: this.pickHistory,
      getTrack: (trackId) => this.tracks.getTrack(trackId),
      taste: () => this.tasteService(),
      emit: (name, payload) => this.emit(name, payload),
      closed: () => this.closed,
      ...(options.autoQueueSeed !== undefined ? { seed: options.autoQueueSeed } : {}),
    })
    this.learning = new Coalescer(
      () => this.autoPicker.learn(),
      (error) =>
        this.log('warn', `the taste model could not learn at once: ${(error as Error).message}`),
    )
    this.preparing = new Coalescer(
      () => this.hintPrepared(),
      (error) =>
        this.log(
          'warn',
          `the taste model was not told the songs coming up: ${(error as Error).message}`,
        ),
    )
    this.watching = options.watch ?? false
    this.learnAsEventsArrive = options.learnAsEventsArrive ?? true
    this.prepareSongs = options.prepareSongs ?? true
    if (this.watching) {
      this.restartWatcher()
      this.watchOtherWriters()
    }
    if (this.backgroundAnalysis) this.analyseInBackground()
    // A long-running host (the app, `serve`) sends listens kept from an earlier run; one-off CLI
    // commands never reach the network.
    if (this.watching) this.scrobbler.settingsChanged()
  }

  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.emitter.on('event', listener)
    return () => this.emitter.off('event', listener)
  }

  private emit<K extends EventName>(name: K, payload: EngineEvents[K]): void {
    this.emitter.emit('event', { name, payload } satisfies EngineEvent<K>)
    // Every change of the saved queue is announced: the taste worker hears what comes up next.
    if (name === 'queueChanged') this.queueSaved()
  }

  /**
   * Scans every library folder, or only `paths` (library folders), one scan at a time: a second
   * call joins the running one. It first makes sure nobody else holds the database's write lock
   * (another Attune writing), so a busy database fails at once instead of on every file.
   */
  scan(paths?: readonly string[]): Promise<ScanSummary> {
    if (this.scanning) return this.scanning
    const roots = paths ? [...paths] : this.tracks.listRoots().map((r) => r.path)
    const running = import('./library/scanner')
      .then(({ scanLibrary }) => {
        checkWritable(this.db)
        return scanLibrary(this.db, {
          roots,
          coversDir: this.coversDir,
          onProgress: (p) => this.emit('scanProgress', p),
        })
      })
      .then((summary) => {
        this.emit('scanFinished', summary)
        this.emit('libraryChanged', { reason: 'scan' })
        if (this.backgroundAnalysis) this.analyseInBackground()
        return summary
      })
      .catch((error: unknown) => {
        this.emit('error', stopped('The scan', error))
        throw error
      })
      .finally(() => {
        this.scanning = null
      })
    this.scanning = running
    return running
  }

  /**
   * Analyses every track that needs it (one run at a time; a call during a run joins it). Workers
   * come from `workers`, else settings (null = cores − 1); the main thread only writes results in
   * batches. The answer says how many workers ran.
   */
  analyse(options: { workers?: number } = {}): Promise<AnalysisSummary & { workers: number }> {
    if (this.analysing) return this.analysing
    const abort = new AbortController()
    this.analysisAbort = abort
    const running = import('./analysis/pool')
      .then(({ analyseLibrary, defaultWorkerCount }) => {
        const workers =
          options.workers ?? this.settings.get().analysis.workers ?? defaultWorkerCount()
        return analyseLibrary(this.db, {
          workers,
          signal: abort.signal,
          activeWorkers: () => (this.playing.size > 0 ? Math.floor(workers / 2) : Infinity),
          onProgress: (p) => this.emit('analysisProgress', p),
          log: this.log,
        }).then((result) => ({ ...result, workers }))
      })
      .then((result) => {
        this.emit('analysisFinished', result)
        if (result.analysed > 0) this.emit('libraryChanged', { reason: 'scan' })
        return result
      })
      .finally(() => {
        this.analysing = null
        this.analysisAbort = null
      })
    this.analysing = running
    return running
  }

  /** The taste model's worker, started on first use (it loads every vector and replays the log). */
  tasteService(): Promise<TasteService> {
    this.taste ??= import('./taste/service')
      .then(({ TasteService }) =>
        TasteService.start({
          db: this.db,
          dbPath: this.dbPath,
          log: this.log,
          // One store: the live run's buffered rows are then visible to the Insights reads.
          metrics: this.metrics,
          ...(this.nativeBinding ? { nativeBinding: this.nativeBinding } : {}),
        }),
      )
      .then((service) => {
        // The queue saved before the worker started: its songs are prepared from the start.
        this.queueSaved()
        return service
      })
      .catch((error: unknown) => {
        // Nothing analysed yet ('not-analysed', 'no-vectors' from the worker) is a state the
        // listener can change: the next call tries again.
        this.taste = null
        throw error
      })
    return this.taste
  }

  /**
   * Starts a radio from `seed` (see queue/radio.ts): it needs a song of the seed analysed in the
   * model's space. The auto-queue is switched on; the waiting picks are re-ranked for the radio.
   */
  private startRadio(seed: RadioSeed): RadioStatus {
    const { label, trackIds } = resolveSeed(this.tracks, seed)
    const space = this.settings.get().model.space
    if (!trackIds.some((trackId) => this.embeddings.get(trackId, space) !== null)) {
      throw new UserError(
        `No song of ${label} is analysed yet, so a radio cannot start from it.`,
        'not-analysed',
      )
    }
    this.settings.update('radio', { current: { seed, label, trackIds, startedAt: Date.now() } })
    if (!this.settings.get().autoQueue.enabled) this.settings.update('autoQueue', { enabled: true })
    this.radioChanged()
    return radioStatus(this.settings.get().radio)
  }

  /** A radio started or ended: every window hears of it, and the waiting picks are re-ranked. */
  private radioChanged(): void {
    this.emit('settingsChanged', this.settings.get())
    this.eventsLogged()
  }

  /** Adds or takes back a "never play" rule (logged only when it changes what is in force). */
  private setExclusion(action: 'add' | 'remove', rule: ExclusionRule): Exclusion[] {
    const key = exclusionKey(rule)
    const inForce = this.exclusions.active().some((e) => exclusionKey(e.rule) === key)
    if (inForce !== (action === 'add')) {
      this.events.exclusion({ action, rule }, 'ui')
      this.exclusionsChanged()
    }
    return this.exclusions.active()
  }

  /**
   * A "never play" rule changed: the picks follow (waiting auto-picks it now covers are replaced,
   * Discover and Rediscover reload on the model update), and every window's Settings list.
   */
  private exclusionsChanged(): void {
    this.emit('libraryChanged', { reason: 'exclusions' })
    this.eventsLogged()
  }

  /**
   * Called after every event that teaches the model (a mark, a play's end, an imported label):
   * the taste worker learns from it straight away, off the caller's path, and the waiting
   * auto-picks are re-ranked. Bursts coalesce into one update. Nothing runs while neither the
   * model is running nor an auto-pick waits (the next read of the model learns then).
   */
  private eventsLogged(): void {
    if (this.closed) return
    if (!this.learnAsEventsArrive) return
    if (this.taste === null && !this.autoPicker.hasWaitingPicks()) return
    this.learning.request()
  }

  /**
   * After a change of the saved queue, off the caller's path (the next turn of the event loop,
   * bursts coalesced): a running taste worker is told the songs coming up (the song playing and
   * the next two), which it prepares in idle time so a reward on one of them is learned in O(N)
   * (AutoPicker.hintPrepared). Never starts the worker.
   */
  private queueSaved(): void {
    if (this.closed || !this.prepareSongs || this.taste === null) return
    this.preparing.request()
  }

  private async hintPrepared(): Promise<void> {
    const running = this.taste
    if (running === null || this.closed) return
    // A worker that failed to start has nothing to prepare (its failure is reported where it is used).
    const taste = await running.catch(() => null)
    if (taste === null || this.closed) return
    await this.autoPicker.hintPrepared(taste)
  }

  /**
   * Writes the whole listening log as JSONL: to a file (written beside it and renamed over it, so
   * a crash never leaves a cut backup), or to a stream the caller ends. Not a contract call: it
   * writes files on the engine's computer, which the browser host must not offer.
   */
  async exportEvents(target: string | NodeJS.WritableStream): Promise<{ events: number }> {
    if (typeof target === 'string') {
      const { exportEventsToFile } = await import('./events/backup-file')
      return { events: (await exportEventsToFile(this.db, target)).events }
    }
    const { exportEvents } = await import('./events/jsonl')
    return { events: await exportEvents(this.db, target) }
  }

  /**
   * Resolves once the model has learned from every event so far, the queue is re-ranked and the
   * taste worker has heard the songs coming up.
   */
  async settled(): Promise<void> {
    await this.learning.idle()
    await this.preparing.idle()
  }

  /**
   * The browser host and the app follow events another process writes to the same database (the
   * CLI's `feedback` and `import-labels`): SQLite's data_version moves only on other connections'
   * commits, so the poll costs one pragma while nobody else writes.
   */
  private watchOtherWriters(): void {
    const others = new OtherWriters(this.db)
    let latest = this.events.lastId()
    let radio = JSON.stringify(this.settings.get().radio)
    this.otherWriters = setInterval(() => {
      if (this.closed || !others.committedSince()) return
      // `attune radio` started or ended a radio: the picks and every window follow.
      const radioNow = JSON.stringify(this.settings.get().radio)
      if (radioNow !== radio) {
        radio = radioNow
        this.radioChanged()
      }
      const since = latest
      latest = this.events.lastId()
      if (!others.taughtAfter(since)) return
      this.emit('labelsChanged', { trackId: null })
      this.eventsLogged()
    }, OTHER_WRITERS_POLL_MS)
    this.otherWriters.unref()
  }

  /**
   * Brings the live run up to date before it is read: a running taste model learns from the
   * events logged since its last request and hands back their metrics, logged to `metrics`.
   */
  private async syncLiveMetrics(): Promise<void> {
    const running = this.taste
    if (!running) return
    try {
      await (await running).update()
    } catch (error) {
      this.log(
        'warn',
        `the live model's latest metrics could not be read: ${(error as Error).message}`,
      )
    }
  }

  /** Every run with the names of its metrics, newest first. */
  async listRuns(): Promise<RunSummary[]> {
    await this.syncLiveMetrics()
    this.metrics.flush()
    return this.metrics
      .listRuns()
      .reverse()
      .map((run) => ({
        id: run.id,
        name: run.name,
        kind: run.kind,
        params: run.params,
        space: run.space,
        createdAt: run.createdAt,
        // event_id is bookkeeping (which events a live run has logged), not a chart.
        metrics: this.metrics.metricNames(run.id).filter((name) => name !== 'event_id'),
      }))
  }

  /**
   * What the taste model has learned, or null while no song has a vector in the model's space.
   * Other failures are re-thrown in plain words for the Insights view.
   */
  async insights(): Promise<TasteInsights | null> {
    if (!this.modelHasSongs()) return null
    try {
      const taste = await this.tasteService()
      return await taste.insights()
    } catch (error) {
      if (isNothingToScore(error)) return null
      const message = (error as Error).message
      throw new Error(`Attune could not work out what the taste model has learned: ${message}`)
    }
  }

  /** The auto-queue's next song (see AutoPicker.next). */
  autoQueueNext(exclude: readonly number[] = []): Promise<AutoQueuePick> {
    return this.autoPicker.next(exclude)
  }

  /**
   * Songs turned down at least `minAgeDays` ago (a current negative label, or a latest play that
   * was an early skip) that the model now scores above zero, best first.
   */
  rediscover(n: number, minAgeDays: number, now = Date.now()): Promise<Rediscovery[]> {
    const turnedDown = turnedDownSongs(this.events, {
      rewards: this.settings.get().rewards,
      excluded: this.exclusions.excludedTrackIds(),
      minAgeDays,
      now,
    })
    return rediscover(turnedDown, n, {
      taste: () => this.tasteService(),
      getTrack: (trackId) => this.tracks.getTrack(trackId),
    })
  }

  /**
   * "Top 50 for me now": the taste model's best eligible songs by score this moment (the
   * auto-queue's rules: "never play" rules, not-for-me marks and recent plays are left out);
   * empty while no song has a vector in the model's space.
   */
  private async topPlaylist(): Promise<Playlist> {
    if (!this.modelHasSongs()) return this.playlists.live([])
    try {
      const taste = await this.tasteService()
      const ranked = await taste.rank({ n: TOP_PLAYLIST_SIZE, exclude: [] })
      return this.playlists.live(ranked.map((song) => song.trackId))
    } catch (error) {
      if (isNothingToScore(error)) return this.playlists.live([])
      throw error
    }
  }

  /** Whether any song has a vector in the model's space (the taste model has songs to rank). */
  private modelHasSongs(): boolean {
    const space = this.settings.get().model.space
    return this.embeddings.hasVectors(space)
  }

  /** A playlist by its contract id: a saved one, or the live top list. */
  private playlist(ref: number | typeof TOP_PLAYLIST_ID): Promise<Playlist> | Playlist {
    return ref === TOP_PLAYLIST_ID ? this.topPlaylist() : this.playlists.get(ref)
  }

  private analyseInBackground(): void {
    if (this.closed || !this.settings.get().analysis.autoStart) return
    this.analyse().catch((error: unknown) => {
      this.emit('error', stopped('The audio analysis', error))
    })
  }

  private restartWatcher(): void {
    const previous = this.watcher
    this.watcher = null
    void previous?.close()
    const generation = ++this.watcherGeneration
    const roots = this.tracks.listRoots().map((r) => r.path)
    if (roots.length === 0 || this.closed) return
    this.watcherStarting = import('./library/watcher').then(({ watchLibrary }) => {
      // A later restart (or close) while the watcher's code loaded: that one wins.
      if (this.closed || generation !== this.watcherGeneration) return
      this.watcher = watchLibrary(this.db, {
        roots,
        coversDir: this.coversDir,
        onChange: () => this.emit('libraryChanged', { reason: 'watch' }),
      })
    })
  }

  /** The media route (covers, audio files, transcodes), built on first use. */
  private mediaHandler(): Promise<MediaHandler> {
    this.mediaLoading ??= import('./media/media-route').then(({ createMediaHandler }) =>
      createMediaHandler({ db: this.db, coversDir: this.coversDir }),
    )
    return this.mediaLoading
  }

  readonly handlers: Handlers = {
    getStatus: () => {
      const counts = this.tracks.counts()
      return {
        database: this.dbPath,
        ...counts,
        roots: this.tracks.listRoots(),
        scanning: this.scanning !== null,
        analysed: this.embeddings.vectorCount(EXTRACTOR.space),
        analysing: this.analysing !== null,
        ...(this.readOnlyNote ? { readOnly: this.readOnlyNote } : {}),
      }
    },
    getStats: () => ({ ...this.tracks.stats(), events: this.events.countsByKind() }),
    listRoots: () => this.tracks.listRoots(),
    addRoot: ({ path, confirm }) => {
      const root = this.tracks.addRoot(path, { confirmHome: confirm ?? false })
      this.emit('libraryChanged', { reason: 'roots' })
      // The first folder of a first run starts the watcher too (there was none to restart).
      if (this.watching) this.restartWatcher()
      return root
    },
    removeRoot: ({ path }) => {
      if (!this.tracks.removeRoot(path)) {
        throw new UserError(`${path} is not one of the library's folders.`, 'not-found')
      }
      this.emit('libraryChanged', { reason: 'roots' })
      if (this.watching) this.restartWatcher()
    },
    startScan: () => {
      this.scan().catch(() => undefined)
    },
    listTracks: ({ search, offset = 0, limit = 200, sort, descending, after, includeMissing }) => {
      const query = {
        ...(search ? { search } : {}),
        ...(includeMissing ? { includeMissing } : {}),
        ...(sort ? { orderBy: sort } : {}),
        ...(descending ? { descending } : {}),
      }
      return {
        total: this.tracks.countTracks(query),
        offset,
        tracks: this.tracks.listTracks({ ...query, offset, limit, ...(after ? { after } : {}) }),
      }
    },
    listAlbums: (query) => this.tracks.listAlbums(query),
    listArtists: (query) => this.tracks.listArtists(query),
    listGroupTracks: (group) => this.tracks.listGroupTracks(group),
    listFolder: ({ path }) => this.tracks.listFolder(path ?? null),
    listFolderTracks: ({ path }) => this.tracks.listFolderTracks(path),
    getTrack: ({ id }) => this.tracks.getTrack(id),
    getTrackByPath: ({ path }) => this.tracks.getTrackByPath(path),
    lyrics: async ({ trackId }) => {
      const track = this.tracks.getTrack(trackId)
      if (!track) throw new UserError(`There is no song ${trackId} in the library.`, 'not-found')
      const { readLyrics } = await import('./library/lyrics')
      return readLyrics(track.path)
    },
    playStarted: ({ trackId, pickId }) => {
      const playId = this.events.playStart(trackId, { source: 'ui' })
      // Before anything else: from now on no re-rank replaces the pick playing.
      if (pickId !== undefined) this.autoPicker.pickStarted(pickId)
      this.playing.clear() // one player: a new start supersedes any play whose end was lost
      this.playing.add(playId)
      this.scrobbler.playStarted(trackId, playId)
      return { playId }
    },
    playProgress: ({ trackId, playId, position }) => {
      this.events.playProgress(trackId, playId, position)
      this.scrobbler.playProgress(trackId, playId, position)
    },
    playEnded: ({ trackId, playId, position, duration, reason }) => {
      this.playing.delete(playId)
      this.events.playEnd(trackId, playId, { position, duration, reason })
      this.scrobbler.playEnded(trackId, playId, position, duration)
      this.eventsLogged()
    },
    setMark: ({ trackId, mark, source }) => {
      const logged = this.events.mark(trackId, mark, source ?? 'ui')
      this.emit('labelsChanged', { trackId, mark })
      this.eventsLogged()
      return { eventId: logged.id }
    },
    logListen: ({ trackId, position, reason, source }) => {
      const track = this.tracks.getTrack(trackId)
      if (!track) throw new UserError(`There is no song ${trackId} in the library.`, 'not-found')
      // The start and the end land together or not at all: a crash between two writes would leave
      // a play that never ended.
      const end = this.events.playStartAndEnd(trackId, {
        source: source ?? 'ui',
        position,
        duration: track.duration,
        reason,
      })
      this.eventsLogged()
      return { playId: end.playId, eventId: end.id }
    },
    listLabels: () => [...this.events.currentLabels().values()],
    getQueue: () => {
      const state = this.queue.load()
      return {
        ...state,
        entries: state.entries.map((e) => ({ ...e, track: this.tracks.getTrack(e.trackId) })),
        revision: this.autoPicker.revision,
      }
    },
    declineReplacements: ({ declined }) => {
      this.autoPicker.decline(declined)
      // A decline may give a pick its place back in the saved queue.
      this.queueSaved()
    },
    saveQueue: ({ revision, ...state }) => {
      const entries = this.autoPicker.rebase(revision, state.entries, state.current)
      this.queue.save({ ...state, entries })
      this.emit('queueChanged', { revision: this.autoPicker.revision, replaced: [] })
    },
    analyse: ({ workers }) => this.analyse(workers === undefined ? {} : { workers }),
    scan: ({ paths }) => {
      const roots = new Set(this.tracks.listRoots().map((r) => r.path))
      for (const path of paths ?? []) {
        if (!roots.has(path)) {
          throw new UserError(`${path} is not one of the library's folders.`, 'not-found')
        }
      }
      return this.scan(paths)
    },
    importEvents: async ({ path }) => {
      const { importEventsFromFile } = await import('./events/backup-file')
      const result = await importEventsFromFile(this.db, path)
      if (result.imported > 0) {
        this.emit('labelsChanged', { trackId: null })
        this.eventsLogged()
      }
      return result
    },
    importEmbeddings: async ({ path, space, paths, format, dryRun }) => {
      const { importEmbeddings, EmbeddingImportError } =
        await import('./analysis/import-embeddings')
      try {
        const report = await importEmbeddings(this.db, {
          file: path,
          space,
          ...(paths ? { pathsFile: paths } : {}),
          ...(format ? { format } : {}),
          dryRun: dryRun ?? false,
        })
        if (report.imported > 0) this.emit('libraryChanged', { reason: 'scan' })
        return report
      } catch (error) {
        if (error instanceof EmbeddingImportError) {
          throw new UserError(`${error.message} Nothing was imported.`, 'bad-input')
        }
        throw error
      }
    },
    startAnalysis: () => {
      this.analyse().catch((error: unknown) => {
        this.emit('error', stopped('The audio analysis', error))
      })
    },
    recommend: async ({ n = 10, exclude = [] }) => {
      const taste = await this.tasteService()
      // While a radio runs, what the auto-queue would draw from: the radio's picks.
      const radio = this.settings.get().radio
      const onRadio = radioRanking(radio)
      const picks = await taste.recommend({
        n,
        exclude: [...exclude, ...onRadio.exclude],
        ...(onRadio.radio ? { radio: onRadio.radio } : {}),
      })
      return picks.map(({ trackId, ...rest }) => {
        const why = onRadio.radio
          ? withPickContext(rest.why, {
              wildCard: rest.meanAtRank > rest.mean + (rest.seed ?? 0),
              radio: radioContext(radio.current, rest, rest.tasteAtRank),
            })
          : rest.why
        return { ...rest, why, reasons: [why.line], track: this.tracks.getTrack(trackId) }
      })
    },
    autoQueueNext: ({ exclude = [] }) => this.autoPicker.next(exclude),
    discover: async ({ n = 20 }) => {
      const taste = await this.tasteService()
      const picks = await taste.recommend({ n, exclude: this.pickHistory.playedTrackIds() })
      return picks.map(({ trackId, ...rest }) => ({
        ...rest,
        track: this.tracks.getTrack(trackId),
      }))
    },
    rediscover: ({ n = 20, minAgeDays }) =>
      this.rediscover(n, minAgeDays ?? this.settings.get().exploration.rediscoverAfterDays),
    importLabels: async ({ path, as, othersNot, dryRun }) => {
      const { importLabels } = await import('./taste/label-import')
      const result = await importLabels(this.db, {
        file: path,
        ...(as ? { as } : {}),
        othersInAlbumsNot: othersNot ?? false,
        dryRun: dryRun ?? false,
      })
      if (!dryRun && result.labelled > 0) {
        this.emit('labelsChanged', { trackId: null })
        this.eventsLogged()
      }
      return result
    },
    resetModel: async () => {
      const taste = await this.tasteService()
      const status = await taste.rebuild({ force: true })
      return { rows: status.rows, tracks: status.tracks }
    },
    reportUnplayable: ({ trackId, reason }) => {
      const track = this.tracks.getTrack(trackId)
      if (!track) return
      this.events.unplayable(trackId, { reason, size: track.size, mtimeMs: track.mtimeMs }, 'ui')
      this.emit('libraryChanged', { reason: 'unplayable' })
    },
    listUnplayable: () =>
      [...unplayableTracks(this.db)].map(([trackId, reason]) => ({ trackId, reason })),
    explain: async ({ trackId }) => {
      const taste = await this.tasteService()
      return await taste.explain(trackId)
    },
    getSettings: () => this.settings.get(),
    updateSettings: (change) => {
      const next = this.settings.update(change.section, change.patch)
      if (change.section === 'scrobbling') this.scrobbler.settingsChanged()
      // A radio's closeness changes its picks: the waiting ones are re-ranked.
      if (change.section === 'radio' && next.radio.current !== null) this.eventsLogged()
      this.emit('settingsChanged', next)
      return next
    },
    path: async ({ from, to, steps }) => {
      if (from === to) throw new UserError('Choose two different songs for a path.')
      for (const trackId of [from, to]) {
        if (!this.tracks.getTrack(trackId))
          throw new UserError(`There is no song ${trackId} in the library.`, 'not-found')
      }
      const between = await (await this.tasteService()).path({ from, to, steps })
      if (between === null) {
        throw new UserError(
          'A path needs both songs analysed: wait for the analysis to reach them.',
          'conflict',
        )
      }
      return [from, ...between, to].flatMap((trackId) => this.tracks.getTrack(trackId) ?? [])
    },
    startRadio: ({ seed }) => this.startRadio(seed),
    stopRadio: () => {
      if (this.settings.get().radio.current !== null) {
        this.settings.update('radio', { current: null })
        this.radioChanged()
      }
      return radioStatus(this.settings.get().radio)
    },
    radioStatus: () => radioStatus(this.settings.get().radio),
    listExclusions: () => this.exclusions.active(),
    addExclusion: ({ rule }) => this.setExclusion('add', rule),
    removeExclusion: ({ rule }) => this.setExclusion('remove', rule),
    listPlaylists: async (args) => {
      const saved = this.playlists.list()
      if (args?.live === false || !this.modelHasSongs()) return saved
      const { entries, ...top } = await this.topPlaylist()
      return entries.length > 0 ? [top, ...saved] : saved
    },
    getPlaylist: ({ id }) => this.playlist(id),
    createPlaylist: ({ name, trackIds }) => this.playlists.create(name, trackIds),
    renamePlaylist: ({ id, name }) => this.playlists.rename(id, name),
    addToPlaylist: ({ id, trackIds }) => this.playlists.add(id, trackIds),
    movePlaylistEntry: ({ id, from, to }) => this.playlists.move(id, from, to),
    removePlaylistEntries: ({ id, positions }) => this.playlists.remove(id, positions),
    deletePlaylist: ({ id }) => this.playlists.delete(id),
    restorePlaylist: ({ id }) => this.playlists.restore(id),
    exportPlaylist: async ({ id, path }) => {
      const { exportPlaylist } = await import('./playlists/files')
      return exportPlaylist(await this.playlist(id), path ?? null)
    },
    importPlaylist: async (request) => {
      const { importPlaylist } = await import('./playlists/files')
      const roots = this.tracks.listRoots().map((root) => root.path)
      return importPlaylist(this.playlists, request, roots)
    },
    scrobblingStatus: () => this.scrobbler.status(),
    connectLastfm: ({ apiKey, apiSecret }) => this.lastfm.connect(apiKey, apiSecret),
    finishLastfm: async () => {
      const next = await this.lastfm.finish()
      this.scrobbler.settingsChanged()
      this.emit('settingsChanged', next)
      return this.scrobbler.status()
    },
    listHistory: ({ limit = 100 }) =>
      this.queue
        .history(limit)
        .map(({ trackId, ...h }) => ({ ...h, track: this.tracks.getTrack(trackId) })),
    listRuns: () => this.listRuns(),
    getMetricSeries: async ({ runIds, name }) => {
      await this.syncLiveMetrics()
      return runIds.map((runId) => ({
        runId,
        name,
        points: this.metrics
          .series(runId, name)
          .map((p) => ({ step: p.step, value: p.value, time: p.ts })),
      }))
    },
    getInsights: () => this.insights(),
    getListenerInsights: async () =>
      (await import('./insights/listener')).listenerInsights({
        events: this.events,
        getTrack: (trackId) => this.tracks.getTrack(trackId),
        rewards: this.settings.get().rewards,
        insights: () => this.insights(),
        recommend: async (request) => (await this.tasteService()).recommend(request),
      }),
    listSpaces: () => this.embeddings.spaces(),
    evaluateOffline: async (options) => {
      // In a worker thread: a long evaluation never holds up the engine's other calls.
      const { evaluateOfflineInWorker } = await import('./insights/offline-eval-run')
      return evaluateOfflineInWorker(
        {
          dbPath: this.dbPath,
          ...(this.nativeBinding ? { nativeBinding: this.nativeBinding } : {}),
        },
        options,
        this.evaluations,
        (level, message) => this.log(level, message),
      )
    },
    evaluateEmbedding: async ({ space = EXTRACTOR.space, labels, folds, seed, repeats }) => {
      const known = this.embeddings.spaces().find((s) => s.space === space)
      if (!known || known.vectors === 0) {
        throw space === EXTRACTOR.space
          ? new UserError('No song is analysed yet.', 'not-analysed')
          : new UserError(`There are no vectors in space '${space}'.`, 'no-vectors')
      }
      const { defaultAblationFor, evaluateEmbedding } = await import('./analysis/embedding-quality')
      return evaluateEmbedding(this.db, {
        space,
        ...(labels ? { labelsFile: labels } : {}),
        folds: folds ?? 5,
        seed: seed ?? 1,
        repeats: repeats ?? 10,
        ablate: defaultAblationFor(space, known.dim),
      })
    },
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.otherWriters !== null) clearInterval(this.otherWriters)
    await this.learning.idle()
    await this.preparing.idle()
    await this.watcherStarting
    await this.watcher?.close()
    this.analysisAbort?.abort()
    await Promise.all([...this.evaluations].map((worker) => worker.terminate()))
    await this.scanning?.catch(() => undefined)
    await this.analysing?.catch(() => undefined)
    const taste = await this.taste?.catch(() => null)
    await taste?.close({ save: true })
    this.scrobbler.close()
    this.metrics.close()
    this.db.close()
  }
}

/** A background job's failure as an `error` event: its code, and what stopped in words. */
function stopped(job: string, error: unknown): ErrorBody {
  const body = errorBody(error)
  return { code: body.code, message: `${job} stopped: ${body.message}` }
}
