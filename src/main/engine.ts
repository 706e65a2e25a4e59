import { EventEmitter } from 'node:events'
import { resolve } from 'node:path'
import { openDatabase, type Database, type OpenOptions } from './db/database'
import { coversDirFor } from './paths'
import { scanLibrary, TrackStore, watchLibrary } from './library'
import { EventLog } from './events'
import { createMediaHandler } from './media'
import { QueueStore } from './queue/queue-store'
import { SettingsStore } from './settings-store'
import { analyseLibrary } from './analysis/pool'
import { EmbeddingStore } from './analysis/embedding-store'
import { EXTRACTOR } from './analysis/feature-names'
import type { AnalysisResult } from '../shared/domain'
import { TasteService } from './taste/service'
import type { EngineEvent, EngineEvents, EventName, Handlers } from '../shared/contract'
import type { ScanSummary } from '../shared/domain'

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
  /** The taste model's worker entry (the Electron build passes its bundled file). */
  tasteWorker?: URL | string
  /** Where warnings and worker logs go. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
}

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
  private analysing: Promise<AnalysisResult> | null = null
  private analysisAbort: AbortController | null = null
  private readonly backgroundAnalysis: boolean
  private taste: Promise<TasteService> | null = null
  private readonly nativeBinding: string | undefined
  private readonly log: NonNullable<EngineOptions['log']>
  readonly media: (request: Request) => Promise<Response>
  private readonly emitter = new EventEmitter()
  private scanning: Promise<ScanSummary> | null = null
  private watcher: { close(): Promise<void> } | null = null
  private closed = false

  constructor(options: EngineOptions) {
    this.dbPath = resolve(options.dbPath)
    const open: OpenOptions = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}
    this.db = openDatabase(this.dbPath, open)
    this.coversDir = coversDirFor(this.dbPath)
    this.tracks = new TrackStore(this.db)
    this.events = new EventLog(this.db)
    this.queue = new QueueStore(this.db)
    this.settings = new SettingsStore(this.db)
    this.embeddings = new EmbeddingStore(this.db)
    this.backgroundAnalysis = options.backgroundAnalysis ?? false
    this.nativeBinding = options.nativeBinding
    this.log = options.log ?? (() => undefined)
    this.media = createMediaHandler({ db: this.db, coversDir: this.coversDir })
    if (options.watch) this.restartWatcher()
    if (this.backgroundAnalysis) this.analyseInBackground()
  }

  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.emitter.on('event', listener)
    return () => this.emitter.off('event', listener)
  }

  private emit<K extends EventName>(name: K, payload: EngineEvents[K]): void {
    this.emitter.emit('event', { name, payload } satisfies EngineEvent<K>)
  }

  /** Scans every library folder (one scan at a time; a second call joins the running one). */
  scan(): Promise<ScanSummary> {
    if (this.scanning) return this.scanning
    const roots = this.tracks.listRoots().map((r) => r.path)
    const running = scanLibrary(this.db, {
      roots,
      coversDir: this.coversDir,
      onProgress: (p) => this.emit('scanProgress', p),
    })
      .then((summary) => {
        this.emit('scanFinished', summary)
        this.emit('libraryChanged', { reason: 'scan' })
        if (this.backgroundAnalysis) this.analyseInBackground()
        return summary
      })
      .catch((error: unknown) => {
        this.emit('error', { message: `The scan stopped: ${(error as Error).message}` })
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
   * come from settings (null = cores − 1); the main thread only writes results in batches.
   */
  analyse(): Promise<AnalysisResult> {
    if (this.analysing) return this.analysing
    const abort = new AbortController()
    this.analysisAbort = abort
    const workers = this.settings.get().analysis.workers
    const running = analyseLibrary(this.db, {
      ...(workers ? { workers } : {}),
      signal: abort.signal,
      onProgress: (p) => this.emit('analysisProgress', p),
      log: this.log,
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
    this.taste ??= TasteService.start({
      db: this.db,
      dbPath: this.dbPath,
      log: this.log,
      ...(this.nativeBinding ? { nativeBinding: this.nativeBinding } : {}),
    }).catch((error: unknown) => {
      this.taste = null
      throw error
    })
    return this.taste
  }

  private analyseInBackground(): void {
    if (this.closed || !this.settings.get().analysis.autoStart) return
    this.analyse().catch((error: unknown) => {
      this.emit('error', { message: `The audio analysis stopped: ${(error as Error).message}` })
    })
  }

  private restartWatcher(): void {
    const previous = this.watcher
    this.watcher = null
    void previous?.close()
    const roots = this.tracks.listRoots().map((r) => r.path)
    if (roots.length === 0 || this.closed) return
    this.watcher = watchLibrary(this.db, {
      roots,
      coversDir: this.coversDir,
      onChange: () => this.emit('libraryChanged', { reason: 'watch' }),
    })
  }

  readonly handlers: Handlers = {
    getStatus: () => {
      const stats = this.tracks.stats()
      return {
        database: this.dbPath,
        tracks: stats.tracks,
        missing: stats.missing,
        failed: stats.failed,
        roots: this.tracks.listRoots(),
        scanning: this.scanning !== null,
        analysed: this.embeddings.spaces().find((x) => x.space === EXTRACTOR.space)?.vectors ?? 0,
        analysing: this.analysing !== null,
      }
    },
    listRoots: () => this.tracks.listRoots(),
    addRoot: ({ path }) => {
      const root = this.tracks.addRoot(path)
      this.emit('libraryChanged', { reason: 'roots' })
      if (this.watcher) this.restartWatcher()
      return root
    },
    removeRoot: ({ path }) => {
      this.tracks.removeRoot(path)
      this.emit('libraryChanged', { reason: 'roots' })
      if (this.watcher) this.restartWatcher()
    },
    startScan: () => {
      this.scan().catch(() => undefined)
    },
    listTracks: ({ search, offset = 0, limit = 200, sort, descending }) => {
      const query = {
        ...(search ? { search } : {}),
        ...(sort ? { orderBy: sort } : {}),
        ...(descending ? { descending } : {}),
      }
      return {
        total: this.tracks.countTracks(query),
        offset,
        tracks: this.tracks.listTracks({ ...query, offset, limit }),
      }
    },
    getTrack: ({ id }) => this.tracks.getTrack(id),
    playStarted: ({ trackId }) => ({ playId: this.events.playStart(trackId, { source: 'ui' }) }),
    playProgress: ({ trackId, playId, position }) => {
      this.events.playProgress(trackId, playId, position)
    },
    playEnded: ({ trackId, playId, position, duration, reason }) => {
      this.events.playEnd(trackId, playId, { position, duration, reason })
    },
    setMark: ({ trackId, mark }) => {
      this.events.mark(trackId, mark, 'ui')
      this.emit('labelsChanged', { trackId })
    },
    listLabels: () => [...this.events.currentLabels().values()],
    getQueue: () => {
      const state = this.queue.load()
      return {
        ...state,
        entries: state.entries.map((e) => ({ ...e, track: this.tracks.getTrack(e.trackId) })),
      }
    },
    saveQueue: (state) => {
      this.queue.save(state)
      this.emit('queueChanged', {})
    },
    startAnalysis: () => {
      this.analyse().catch((error: unknown) => {
        this.emit('error', { message: `The audio analysis stopped: ${(error as Error).message}` })
      })
    },
    recommend: async ({ n = 10, exclude = [] }) => {
      const taste = await this.tasteService()
      const picks = await taste.recommend({ n, exclude })
      return picks.map(({ trackId, ...rest }) => ({
        ...rest,
        track: this.tracks.getTrack(trackId),
      }))
    },
    explain: async ({ trackId }) => {
      const taste = await this.tasteService()
      const e = await taste.explain(trackId)
      if (!e) return null
      return {
        trackId: e.trackId,
        mean: e.mean,
        bonus: e.bonus,
        ucb: e.ucb,
        coldStart: e.coldStart,
        baseline: e.baseline,
        label: e.label,
        rows: e.rows.map((r) => ({ kind: r.kind, reward: r.reward, weight: r.weight })),
        features: e.features.map((f) => ({
          name: f.name,
          contribution: f.contribution,
          words: f.phrase,
        })),
      }
    },
    getSettings: () => this.settings.get(),
    updateSettings: (change) => {
      const next = this.settings.update(change.section, change.patch)
      this.emit('settingsChanged', next)
      return next
    },
    listHistory: ({ limit = 100 }) =>
      this.queue
        .history(limit)
        .map(({ trackId, ...h }) => ({ ...h, track: this.tracks.getTrack(trackId) })),
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.watcher?.close()
    this.analysisAbort?.abort()
    await this.scanning?.catch(() => undefined)
    await this.analysing?.catch(() => undefined)
    const taste = await this.taste?.catch(() => null)
    await taste?.close({ save: true })
    this.db.close()
  }
}
