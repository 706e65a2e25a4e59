// The taste model as the engine sees it: a worker thread (taste.worker.ts) that owns the model,
// reached through typed messages with sequence numbers (rpc.ts). The worker reads the database
// read-only; this side is the only writer, so it saves the worker's snapshots to `model_state`
// (one writer connection, no second write lock to contend with the event log).
import type { Database } from '../db/database'
import { startWorker, WorkerClient } from '../workers/rpc'
import { workerEntry } from '../workers/entries'
import type { Explanation, Recommendation } from './model'
import type { RecommendRequest, TasteSnapshot, TasteStatus } from './core'
import type { Mark } from '../../shared/domain'

export type TasteExplanation = Explanation & {
  label: { mark: Mark; origin: 'mark' | 'import' } | null
}

export type TasteProtocol = {
  rebuild: { payload: { force?: boolean }; result: TasteStatus }
  update: { payload: Record<string, never>; result: TasteStatus }
  recommend: { payload: RecommendRequest; result: Recommendation[] }
  explain: { payload: { trackId: number }; result: TasteExplanation | null }
  snapshot: { payload: Record<string, never>; result: TasteSnapshot }
}

export interface TasteWorkerData {
  dbPath: string
  nativeBinding?: string
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
}

export class TasteService {
  private constructor(
    private readonly client: WorkerClient<TasteProtocol>,
    private readonly db: Database,
    /** Status of the last build. */
    private lastStatus: TasteStatus,
  ) {}

  /**
   * Starts the worker and builds the model: from the saved snapshot if it still matches (only
   * newer events are replayed), else by replaying the whole log, which is then saved.
   */
  static async start(options: TasteServiceOptions): Promise<TasteService> {
    const data: TasteWorkerData = {
      dbPath: options.dbPath,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    }
    const client = new WorkerClient<TasteProtocol>(
      startWorker(options.workerEntry ?? workerEntry('taste'), { workerData: data }),
      options.log ? { log: options.log } : {},
    )
    try {
      const status = await client.request('rebuild', {})
      const service = new TasteService(client, options.db, status)
      if (status.appliedEvents > 0 || status.source === 'replay') await service.saveSnapshot()
      return service
    } catch (error) {
      await client.terminate()
      throw error
    }
  }

  get status(): TasteStatus {
    return this.lastStatus
  }

  /** Replays the whole log (`force`: even when a snapshot matches) and saves the result. */
  async rebuild(options: { force?: boolean } = { force: true }): Promise<TasteStatus> {
    this.lastStatus = await this.client.request('rebuild', options)
    await this.saveSnapshot()
    return this.lastStatus
  }

  /** Applies events logged since the last call (or rebuilds after a settings or library change). */
  async update(): Promise<TasteStatus> {
    this.lastStatus = await this.client.request('update', {})
    return this.lastStatus
  }

  /** The best `n` eligible songs (always on the latest events). */
  recommend(request: RecommendRequest): Promise<Recommendation[]> {
    return this.client.request('recommend', request)
  }

  explain(trackId: number): Promise<TasteExplanation | null> {
    return this.client.request('explain', { trackId })
  }

  /** Asks the worker for its state and writes it to `model_state`. */
  async saveSnapshot(): Promise<TasteSnapshot> {
    const snapshot = await this.client.request('snapshot', {})
    this.db
      .prepare(
        `INSERT INTO model_state (key, space, params, state, last_event_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET space = excluded.space, params = excluded.params,
           state = excluded.state, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at`,
      )
      .run(
        snapshot.key,
        snapshot.space,
        JSON.stringify(snapshot.params),
        snapshot.state,
        snapshot.lastEventId,
        Date.now(),
      )
    return snapshot
  }

  async close(options: { save?: boolean } = {}): Promise<void> {
    if (options.save) await this.saveSnapshot().catch(() => undefined)
    await this.client.terminate()
  }
}
