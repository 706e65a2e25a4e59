// The taste model's home inside its worker thread: it reads the library's vectors, the settings and
// the event log from its own read-only SQLite connection (so no big matrix crosses the thread
// boundary), keeps a TasteLearner current, and hands out snapshots for the main thread to save.
import { createHash } from 'node:crypto'
import type { Database } from '../db/database'
import { EmbeddingStore } from '../analysis/embedding-store'
import { SettingsStore } from '../settings-store'
import type { Settings } from '../../shared/settings'
import type { RewardSettings } from '../../shared/rewards'
import type { EndReason, EventKind, MarkOrNone } from '../../shared/domain'
import {
  TasteLearner,
  TasteModel,
  type Explanation,
  type LearnerEvent,
  type Recommendation,
  type TasteLearnerJson,
  type TasteModelSettings,
} from './model'
import { TrainingLedger } from './training'

/** What shapes the model: a change to any of these means replaying the whole log. */
export interface ModelParams {
  space: string
  pcaDims: number
  lambda: number
  forgettingWindow: number | null
  rewards: RewardSettings
}

export interface TasteStatus {
  key: string
  space: string
  tracks: number
  /** PCA dimensions in use. */
  k: number
  rows: number
  lastEventId: number
  /** How the model was last (re)built. */
  source: 'snapshot' | 'replay'
  /** Events applied by this call. */
  appliedEvents: number
  paused: boolean
  elapsedMs: number
}

export interface TasteSnapshot {
  key: string
  space: string
  params: ModelParams
  /** JSON of `SavedState`. */
  state: string
  lastEventId: number
}

interface SavedState {
  /** Which vectors the model was built on: any change to them means a re-fit. */
  library: string
  learner: TasteLearnerJson
}

export interface RecommendRequest {
  n: number
  /** Already queued. */
  exclude?: number[]
  /** ms since the epoch; default now. */
  now?: number
}

interface EventRow {
  id: number
  ts: number
  kind: EventKind
  trackId: number | null
  mark: MarkOrNone | null
  reason: EndReason | null
  position: number | null
  duration: number | null
}

const EVENT_PAGE = 5000

export function paramsOf(settings: Settings): ModelParams {
  return {
    space: settings.model.space,
    pcaDims: settings.model.pcaDims,
    lambda: settings.model.lambda,
    forgettingWindow: settings.model.forgettingWindow,
    rewards: settings.rewards,
  }
}

/** `space:hash`, the model_state key of a parameter set. */
export function modelKey(params: ModelParams): string {
  const hash = createHash('sha256').update(stableJson(params)).digest('hex').slice(0, 16)
  return `${params.space}:${hash}`
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
}

export class TasteCore {
  private learner: TasteLearner | null = null
  private key = ''
  private params: ModelParams | null = null
  private library = ''
  private source: TasteStatus['source'] = 'replay'
  private readonly embeddings: EmbeddingStore
  private readonly settingsStore: SettingsStore

  constructor(
    private readonly db: Database,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {},
  ) {
    this.embeddings = new EmbeddingStore(db)
    this.settingsStore = new SettingsStore(db)
  }

  /**
   * Builds the model: from the saved snapshot when its parameters and vectors still match (then
   * only the newer events are replayed), otherwise by fitting the preprocessing and replaying the
   * whole log. `force` ignores any snapshot.
   */
  rebuild(options: { force?: boolean } = {}): TasteStatus {
    const started = Date.now()
    const settings = this.settingsStore.get()
    const params = paramsOf(settings)
    const key = modelKey(params)
    const library = this.embeddings.matrix(params.space)
    if (library.trackIds.length === 0) {
      this.learner = null
      throw new Error(
        params.space.startsWith('attune-')
          ? 'No track is analysed yet. Run: attune analyze'
          : `There are no vectors in space '${params.space}'. Import them with: attune import-embeddings FILE --space NAME`,
      )
    }
    const fingerprint = this.libraryFingerprint(params.space)
    const durations = this.trackDurations()
    const modelSettings: TasteModelSettings = {
      pcaDims: params.pcaDims,
      lambda: params.lambda,
      alpha: settings.exploration.alpha,
      forgettingWindow: params.forgettingWindow,
    }
    let learner: TasteLearner | null = null
    if (!options.force) learner = this.restore(key, fingerprint, library, params.rewards, durations)
    this.source = learner ? 'snapshot' : 'replay'
    learner ??= new TasteLearner(
      TasteModel.build(params.space, library.trackIds, library.data, library.dim, modelSettings),
      new TrainingLedger(params.rewards, durations),
    )
    this.learner = learner
    this.key = key
    this.params = params
    this.library = fingerprint
    const applied = settings.model.paused ? 0 : this.applyNewEvents(learner)
    const status = this.status(applied, settings, started)
    this.log(
      'info',
      `taste model ${this.source === 'snapshot' ? 'restored from its snapshot' : 'rebuilt'}: ` +
        `${status.tracks} songs, k = ${status.k}, ${status.rows} rows, ${applied} events applied in ${status.elapsedMs} ms`,
    )
    return status
  }

  /**
   * Brings the model up to date: new events are applied one by one; a change of the model's
   * parameters (space, PCA dimensions, λ, window, rewards) or of the library's vectors rebuilds it.
   */
  update(): TasteStatus {
    const started = Date.now()
    const settings = this.settingsStore.get()
    const learner = this.learner
    if (
      !learner ||
      modelKey(paramsOf(settings)) !== this.key ||
      this.libraryFingerprint(settings.model.space) !== this.library
    ) {
      return this.rebuild()
    }
    const applied = settings.model.paused ? 0 : this.applyNewEvents(learner)
    return this.status(applied, settings, started)
  }

  recommend(request: RecommendRequest): Recommendation[] {
    this.update()
    const settings = this.settingsStore.get()
    const learner = this.require()
    learner.model.setAlpha(settings.exploration.alpha)
    return learner.recommend({
      n: request.n,
      now: request.now ?? Date.now(),
      replayWindowDays: settings.autoQueue.replayWindowDays,
      ...(request.exclude ? { exclude: request.exclude } : {}),
    })
  }

  explain(trackId: number): (Explanation & { label: ReturnType<TasteLearner['labelOf']> }) | null {
    this.update()
    const learner = this.require()
    learner.model.setAlpha(this.settingsStore.get().exploration.alpha)
    const explanation = learner.explain(trackId)
    return explanation ? { ...explanation, label: learner.labelOf(trackId) } : null
  }

  /** The current state, for the main thread to save in `model_state`. */
  snapshot(): TasteSnapshot {
    const learner = this.require()
    const params = this.params as ModelParams
    const state: SavedState = { library: this.library, learner: learner.toJSON() }
    return {
      key: this.key,
      space: params.space,
      params,
      state: JSON.stringify(state),
      lastEventId: learner.lastEventId,
    }
  }

  private require(): TasteLearner {
    if (!this.learner) throw new Error('No track is analysed yet. Run: attune analyze')
    return this.learner
  }

  private restore(
    key: string,
    fingerprint: string,
    library: ReturnType<EmbeddingStore['matrix']>,
    rewards: RewardSettings,
    durations: (trackId: number) => number | null,
  ): TasteLearner | null {
    const row = this.db.prepare(`SELECT state FROM model_state WHERE key = ?`).get(key) as
      { state: string } | undefined
    if (!row) return null
    try {
      const saved = JSON.parse(row.state) as SavedState
      if (saved.library !== fingerprint) return null
      return TasteLearner.fromJSON(saved.learner, library, rewards, durations)
    } catch (error) {
      this.log(
        'warn',
        `the saved taste model could not be used (${(error as Error).message}); replaying the history`,
      )
      return null
    }
  }

  private applyNewEvents(learner: TasteLearner): number {
    const page = this.db.prepare<[number, number], EventRow>(
      `SELECT id, ts, kind, track_id AS trackId, mark, reason, position, duration
       FROM events WHERE id > ? ORDER BY id LIMIT ?`,
    )
    let applied = 0
    for (;;) {
      const rows = page.all(learner.lastEventId, EVENT_PAGE)
      if (rows.length === 0) break
      applied += learner.applyEvents(rows as LearnerEvent[])
      if (rows.length < EVENT_PAGE) break
    }
    return applied
  }

  /** Changes whenever a vector of the space is added, replaced or removed, or a track goes missing. */
  private libraryFingerprint(space: string): string {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(MAX(e.computed_at), 0) AS latest, COALESCE(SUM(e.track_id), 0) AS ids
         FROM embeddings e JOIN tracks t ON t.id = e.track_id
         WHERE e.space = ? AND e.vector IS NOT NULL AND t.missing_since IS NULL`,
      )
      .get(space) as { n: number; latest: number; ids: number }
    return `${row.n}:${row.latest}:${row.ids}`
  }

  private trackDurations(): (trackId: number) => number | null {
    const durations = new Map<number, number | null>()
    for (const row of this.db.prepare(`SELECT id, duration FROM tracks`).all() as {
      id: number
      duration: number | null
    }[])
      durations.set(row.id, row.duration)
    return (trackId) => durations.get(trackId) ?? null
  }

  private status(applied: number, settings: Settings, started: number): TasteStatus {
    const learner = this.require()
    return {
      key: this.key,
      space: learner.model.space,
      tracks: learner.model.trackIds.length,
      k: learner.model.k,
      rows: learner.model.rowCount,
      lastEventId: learner.lastEventId,
      source: this.source,
      appliedEvents: applied,
      paused: settings.model.paused,
      elapsedMs: Date.now() - started,
    }
  }
}
