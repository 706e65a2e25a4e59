// The taste model as the engine sees it: a worker thread (taste.worker.ts) that owns the model,
// reached through typed messages with sequence numbers (rpc.ts). The worker reads the database
// read-only; this side is the only writer, so it saves the worker's snapshots to `model_state`
// (one writer connection, no second write lock to contend with the event log). It also logs the
// live model's online metrics: every reward the worker learns from comes back with the prediction
// made before it, and lands in the parameter set's 'live' run (batched writes, see MetricStore).
import type { Database } from '../db/database'
import { ModelStateStore } from '../db/model-state'
import { startWorker, WorkerClient } from '../workers/rpc'
import { workerEntry } from '../workers/entries'
import type { Recommendation, ScoredSong, WordedSong } from './model'
import type { Explanation } from '../../shared/taste'
import type {
  ModelParams,
  ObservationBatch,
  PendingObservations,
  RecommendRequest,
  PickAnswer,
  PickRequest,
  IdleWork,
  RerankAnswer,
  RerankRequest,
  TasteSnapshot,
  TasteStatus,
} from './core'
import type { TasteInsights } from '../../shared/insights'
import { MetricStore, type JsonValue, type RunInfo, type RunSpec } from '../db/metric-store'
import { LiveMetricsLog } from './online'

/** A worker's answer plus the rewards it observed meanwhile (a bounded page of them). */
export interface Observed<T> {
  value: T
  pending: PendingObservations
}

export type TasteProtocol = {
  rebuild: { payload: { force?: boolean }; result: Observed<TasteStatus> }
  update: { payload: Record<string, never>; result: Observed<TasteStatus> }
  recommend: { payload: RecommendRequest; result: Observed<Recommendation[]> }
  /** As recommend, scores only: no reasons worded (see TasteCore.rank). */
  rank: { payload: RecommendRequest; result: Observed<ScoredSong[]> }
  /** The next auto-pick: learn, rank, draw, word the song drawn (see TasteCore.pick). */
  pick: { payload: PickRequest; result: Observed<PickAnswer> }
  /** The waiting auto-picks re-ranked: learn, rank, draw, word (see TasteCore.rerank). */
  rerank: { payload: RerankRequest; result: Observed<RerankAnswer> }
  /** The current scores and reasons of a few songs, on the model as it is (see TasteCore.word). */
  word: { payload: { trackIds: number[] }; result: Observed<WordedSong[]> }
  /** Songs on the way from one song to another (see TasteCore.path). */
  path: { payload: { from: number; to: number; steps: number }; result: Observed<number[] | null> }
  explain: { payload: { trackId: number }; result: Observed<Explanation | null> }
  insights: { payload: Record<string, never>; result: Observed<TasteInsights> }
  /** The next page of observed rewards (when one answer could not carry them all). */
  observations: { payload: Record<string, never>; result: PendingObservations }
  snapshot: { payload: Record<string, never>; result: TasteSnapshot }
  /** The songs whose rewards are likely next, prepared in idle time (see TasteCore.prepareSongs). */
  prepare: { payload: { trackIds: number[] }; result: null }
  /** Whether idle work remains, and how preparing has gone (tests, benchmarks). */
  idleWork: { payload: Record<string, never>; result: IdleWork }
  /** What the worker recorded since the last call (only when started with `trace`; else empty). */
  trace: { payload: Record<string, never>; result: TasteTrace }
}

/**
 * The worker's own account of where its time went (benchmarks: `TasteServiceOptions.trace`).
 * Times are ms since the epoch with sub-ms precision (performance.timeOrigin + now()), so the
 * main thread's timestamps compare with them.
 */
export interface TasteTrace {
  /** Each request handled: when its handler began, after its events were applied, when it answered. */
  requests: {
    type: string
    received: number
    applied: number
    answered: number
    /** ms the worker's thread waited for a core while handling it (Linux; null elsewhere). */
    waited: number | null
  }[]
  /** Each idle-time slice (the exact refresh, or preparing songs): start, end, whether a request cut it short. */
  slices: { start: number; end: number; interrupted: boolean }[]
  /** The worker's garbage collections (PerformanceObserver 'gc'): start, ms, V8's kind. */
  gcs: { start: number; duration: number; kind: number }[]
}

/** Requests whose answer carries observed rewards. */
type ObservedRequest =
  | 'rebuild'
  | 'update'
  | 'recommend'
  | 'rank'
  | 'pick'
  | 'rerank'
  | 'word'
  | 'path'
  | 'explain'
  | 'insights'

export interface TasteWorkerData {
  dbPath: string
  nativeBinding?: string
  /** Record a TasteTrace (benchmarks): requests applying new events first, timed apart. */
  trace?: boolean
}

export interface TasteServiceOptions {
  /** The main thread's (writable) connection to the same database file. */
  db: Database
  dbPath: string
  nativeBinding?: string
  /** Where the worker's log lines go. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /** The worker's entry (tests); default the taste worker. */
  workerEntry?: URL | string
  /**
   * Where the live model's online metrics go. Default: a store of the service's own on `db`,
   * flushed and closed with the service. Pass the engine's store so its readers see the buffer.
   */
  metrics?: MetricStore
  /** Benchmarks: the worker records where its time goes (see `trace()`). Default off. */
  trace?: boolean
}

export class TasteService {
  private lastStatus: TasteStatus | null = null
  private readonly liveLog: LiveMetricsLog
  private readonly log: NonNullable<TasteServiceOptions['log']>

  private constructor(
    private readonly client: WorkerClient<TasteProtocol>,
    private readonly modelState: ModelStateStore,
    private readonly metrics: MetricStore,
    private readonly ownsMetrics: boolean,
    log: TasteServiceOptions['log'],
  ) {
    this.liveLog = new LiveMetricsLog(metrics)
    this.log = log ?? (() => {})
  }

  /**
   * Starts the worker and builds the model: from the saved snapshot if it still matches (only
   * newer events are replayed), else by replaying the whole log, which is then saved.
   */
  static async start(options: TasteServiceOptions): Promise<TasteService> {
    const data: TasteWorkerData = {
      dbPath: options.dbPath,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.trace ? { trace: true } : {}),
    }
    const client = new WorkerClient<TasteProtocol>(
      startWorker(options.workerEntry ?? workerEntry('taste'), { workerData: data }),
      options.log ? { log: options.log } : {},
    )
    const metrics = options.metrics ?? new MetricStore(options.db)
    const service = new TasteService(
      client,
      new ModelStateStore(options.db),
      metrics,
      options.metrics === undefined,
      options.log,
    )
    try {
      const status = await service.request('rebuild', {})
      service.lastStatus = status
      if (
        status.appliedEvents > 0 ||
        status.source === 'replay' ||
        (status.libraryChange !== null && status.libraryChange !== 'unchanged')
      )
        await service.saveSnapshot()
      return service
    } catch (error) {
      await service.close().catch(() => undefined)
      throw error
    }
  }

  get status(): TasteStatus {
    if (!this.lastStatus) throw new Error('The taste model has not been built yet.')
    return this.lastStatus
  }

  /** Replays the whole log (`force`: even when a snapshot matches) and saves the result. */
  async rebuild(options: { force?: boolean } = { force: true }): Promise<TasteStatus> {
    this.lastStatus = await this.request('rebuild', options)
    await this.saveSnapshot()
    return this.lastStatus
  }

  /** Applies events logged since the last call (or rebuilds after a settings or library change). */
  async update(): Promise<TasteStatus> {
    this.lastStatus = await this.request('update', {})
    return this.lastStatus
  }

  /** The best `n` eligible songs (always on the latest events). */
  recommend(request: RecommendRequest): Promise<Recommendation[]> {
    return this.request('recommend', request)
  }

  /**
   * The best `n` eligible songs with their scores and no reasons (always on the latest events):
   * for a caller that draws a few and words only those (`word`).
   */
  rank(request: RecommendRequest): Promise<ScoredSong[]> {
    return this.request('rank', request)
  }

  /**
   * The next auto-pick in one round trip (always on the latest events): the worker ranks, draws
   * one song with `request.draw` and words it.
   */
  pick(request: PickRequest): Promise<PickAnswer> {
    return this.request('pick', request)
  }

  /**
   * The waiting auto-picks re-ranked in one round trip (always on the latest events): the worker
   * ranks, draws the replacements with `request.seed` and words the songs drawn and kept.
   */
  rerank(request: RerankRequest): Promise<RerankAnswer> {
    return this.request('rerank', request)
  }

  /** Songs on the way from one song to another (see TasteCore.path). */
  path(request: { from: number; to: number; steps: number }): Promise<number[] | null> {
    return this.request('path', request)
  }

  /** The current scores and reasons of songs drawn from `rank`'s list (unknown songs left out). */
  word(trackIds: number[]): Promise<WordedSong[]> {
    return trackIds.length === 0 ? Promise.resolve([]) : this.request('word', { trackIds })
  }

  explain(trackId: number): Promise<Explanation | null> {
    return this.request('explain', { trackId })
  }

  /** What the model has learned and how it sees the library (always on the latest events). */
  insights(): Promise<TasteInsights> {
    return this.request('insights', {})
  }

  /** The live run of the current parameter set, or null before its first reward. */
  liveRun(): RunInfo | null {
    return this.lastStatus ? this.liveLog.runOf(this.lastStatus.key) : null
  }

  /**
   * The songs whose rewards are likely next (the song playing, the next ones queued): the worker
   * prepares them in idle time, so a reward on one of them is learned in O(N), not O(N·k).
   * Replaces the previous list.
   */
  async prepareSongs(trackIds: readonly number[]): Promise<void> {
    await this.client.request('prepare', { trackIds: [...trackIds] })
  }

  /** Whether the worker has idle work left, and how preparing has gone (tests, benchmarks). */
  idleWork(): Promise<IdleWork> {
    return this.client.request('idleWork', {})
  }

  /** Asks the worker for its state and writes it to `model_state`. */
  async saveSnapshot(): Promise<TasteSnapshot> {
    const snapshot = await this.client.request('snapshot', {})
    this.modelState.save(snapshot)
    return snapshot
  }

  /** What the worker recorded since the last call (empty unless started with `trace`). */
  trace(): Promise<TasteTrace> {
    return this.client.request('trace', {})
  }

  /** Saves the snapshot (`save`), stops the worker, then writes the buffered metrics. */
  async close(options: { save?: boolean } = {}): Promise<void> {
    if (options.save) await this.saveSnapshot().catch(() => undefined)
    await this.client.terminate()
    try {
      if (this.ownsMetrics) this.metrics.close()
      else this.metrics.flush()
    } catch (error) {
      this.log('warn', `the taste model's metrics could not be saved: ${(error as Error).message}`)
    }
  }

  /**
   * Sends a request whose answer carries observed rewards, logs them as soon as the answer
   * arrives (so pages are logged in the worker's order), then fetches any further pages.
   */
  private async request<K extends ObservedRequest>(
    type: K,
    payload: TasteProtocol[K]['payload'],
  ): Promise<TasteProtocol[K]['result']['value']> {
    const answer = (await this.client.request(type, payload)) as Observed<
      TasteProtocol[K]['result']['value']
    >
    let pending = answer.pending
    this.logObservations(pending)
    while (pending.remaining > 0) {
      pending = await this.client.request('observations', {})
      this.logObservations(pending)
      if (pending.batches.length === 0) break
    }
    return answer.value
  }

  private logObservations(pending: PendingObservations): void {
    for (const batch of pending.batches) {
      try {
        const { rejected } = this.liveLog.record(liveModel(batch), batch.observations)
        if (rejected > 0) {
          this.log(
            'warn',
            `${rejected} rewards had a non-finite prediction and were left out of the metrics`,
          )
        }
      } catch (error) {
        // Metrics are a view of the model, never a reason for a recommendation to fail.
        this.log('warn', `the taste model's metrics were not logged: ${(error as Error).message}`)
      }
    }
  }
}

/** The live run of a parameter set: `live · attune-dsp-v1 · k=32 · λ=1` (with W when forgetting). */
export function liveRunSpec(params: ModelParams): RunSpec {
  const window = params.forgettingWindow === null ? '' : ` · W=${params.forgettingWindow}`
  return {
    name: `live · ${params.space} · k=${params.pcaDims} · λ=${params.lambda}${window}`,
    kind: 'live',
    params: JSON.parse(JSON.stringify(params)) as Record<string, JsonValue>,
    space: params.space,
    preprocessing: { pcaDims: params.pcaDims },
  }
}

function liveModel(batch: ObservationBatch): { key: string; spec: RunSpec } {
  return { key: batch.key, spec: liveRunSpec(batch.params) }
}
