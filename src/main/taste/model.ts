// The taste model as one pure object (no database, no worker): the library's embeddings are
// preprocessed (standardise → PCA → L2, see preprocess.ts) and become LinUCB's candidates; the
// TrainingLedger's row operations train it; recommend/explain read it. `TasteLearner` adds the
// event-log side (ledger, current labels, last plays) so a whole log can be replayed, applied
// incrementally, saved and restored, and still give the same model.
import type { Mark } from '../../shared/domain'
import { DEFAULT_REWARDS, excludesFromAutoQueue, type RewardSettings } from '../../shared/rewards'
import { LinUcb, type LinUcbJson } from './linucb'
import { Preprocessor, type PreprocessorJson } from './preprocess'
import { TrainingLedger, type LedgerEvent, type ModelRow, type RowOp } from './training'
import { contributions, topReasons, type FeatureReason } from './explain'

export interface TasteModelSettings {
  /** Requested PCA dimensions; the model uses k = min(pcaDims, N − 1, D). */
  pcaDims: number
  lambda: number
  alpha: number
  /** Sliding window of the last W rows, or null for no forgetting. */
  forgettingWindow: number | null
}

export interface Recommendation {
  trackId: number
  mean: number
  bonus: number
  ucb: number
  /** Plain words: why this song (features that raised its score, or why it is a first pick). */
  reasons: string[]
}

export interface Explanation {
  trackId: number
  mean: number
  bonus: number
  ucb: number
  /** Nothing learned yet: every song scores the same and picks are spread across the library. */
  coldStart: boolean
  /** The label and listen rows in force for this song. */
  rows: ModelRow[]
  /** The model's baseline (θ's intercept): the mean of a song at the library's average. */
  baseline: number
  /** The (up to) three input features that moved its mean the most (away from the baseline). */
  features: FeatureReason[]
}

export interface RecommendOptions {
  n: number
  /**
   * Which songs may be picked: a predicate on the track id, or a mask over `trackIds` (non-zero =
   * eligible). Default all.
   */
  eligible?: ((trackId: number) => boolean) | Uint8Array
  /** Songs already queued. */
  excludeTrackIds?: Iterable<number>
}

export interface TasteModelJson {
  format: 'attune-taste-model'
  version: 1
  space: string
  settings: TasteModelSettings
  trackCount: number
  preprocessor: PreprocessorJson
  linucb: LinUcbJson
  /** Event ids of the rows actually applied (a row of a song without a vector is not). */
  appliedRows: number[]
}

const COLD_START_REASON = 'a first pick spread across your library: nothing learned yet'
const EXPLORE_REASON = 'unlike what you have rated so far: the model is curious'

export class TasteModel {
  readonly trackIds: Int32Array
  readonly dimension: number
  readonly k: number
  private readonly indexOf = new Map<number, number>()
  /** N × k unit vectors (float32), the model's candidates. */
  private readonly vectors: Float32Array
  private readonly components: Float64Array
  private candidatesSet = false
  private readonly appliedRows: Set<number>

  private constructor(
    readonly space: string,
    readonly settings: TasteModelSettings,
    trackIds: Int32Array,
    private readonly raw: Float32Array,
    private readonly preprocessor: Preprocessor,
    private readonly linucb: LinUcb,
    appliedRows: Iterable<number> = [],
  ) {
    this.trackIds = trackIds
    this.dimension = preprocessor.inputDimension
    this.k = preprocessor.outputDimension
    trackIds.forEach((id, i) => this.indexOf.set(id, i))
    this.vectors = preprocessor.transformAll(raw, trackIds.length, this.dimension)
    const d = this.dimension
    this.components = new Float64Array(this.k * d)
    preprocessor.components().forEach((c, j) => this.components.set(c, j * d))
    this.appliedRows = new Set(appliedRows)
  }

  /** Fits the preprocessing on the library's vectors and starts an untrained model. */
  static build(
    space: string,
    trackIds: Int32Array,
    matrix: Float32Array,
    dim: number,
    settings: TasteModelSettings,
  ): TasteModel {
    const n = trackIds.length
    if (n < 2) {
      throw new Error(
        n === 0
          ? 'No track is analysed yet. Run: attune analyze'
          : 'Only one track is analysed; the taste model needs at least two.',
      )
    }
    const preprocessor = new Preprocessor(dim)
    preprocessor.addVectors(matrix, n)
    const { k } = preprocessor.fit(Math.min(settings.pcaDims, n - 1, dim))
    return new TasteModel(space, settings, trackIds, matrix, preprocessor, newLinUcb(k, settings))
  }

  /** Restores a saved model over the library's current vectors (same tracks and space). */
  static fromJSON(
    json: TasteModelJson,
    trackIds: Int32Array,
    matrix: Float32Array,
    dim: number,
  ): TasteModel {
    if (json.format !== 'attune-taste-model' || json.version !== 1) {
      throw new Error('This saved taste model has an unknown format; rebuild it from the history.')
    }
    const preprocessor = Preprocessor.fromJSON(json.preprocessor)
    if (preprocessor.inputDimension !== dim) {
      throw new Error('The saved taste model was made for vectors of another size; rebuild it.')
    }
    return new TasteModel(
      json.space,
      json.settings,
      trackIds,
      matrix,
      preprocessor,
      LinUcb.fromJSON(json.linucb),
      json.appliedRows,
    )
  }

  toJSON(): TasteModelJson {
    return {
      format: 'attune-taste-model',
      version: 1,
      space: this.space,
      settings: { ...this.settings },
      trackCount: this.trackIds.length,
      preprocessor: this.preprocessor.toJSON(),
      linucb: this.linucb.toJSON(),
      appliedRows: [...this.appliedRows].sort((a, b) => a - b),
    }
  }

  get rowCount(): number {
    return this.linucb.rowCount
  }

  get alpha(): number {
    return this.linucb.alpha
  }

  setAlpha(alpha: number): void {
    this.linucb.setAlpha(alpha)
  }

  has(trackId: number): boolean {
    return this.indexOf.has(trackId)
  }

  /** The preprocessed (k-dim, unit) vector of a song, or null when it has none. */
  vectorOf(trackId: number): Float32Array | null {
    const i = this.indexOf.get(trackId)
    return i === undefined ? null : this.vectors.subarray(i * this.k, (i + 1) * this.k)
  }

  /**
   * Applies the ledger's row operations in order. A row of a song without a vector, or with a
   * weight of 0, is skipped, and so is its later removal.
   */
  applyOps(ops: readonly RowOp[]): void {
    for (const { op, row } of ops) {
      if (op === 'add') {
        const x = this.vectorOf(row.trackId)
        if (x === null || !(row.weight > 0)) continue
        this.linucb.update(x, row.reward, row.weight)
        this.appliedRows.add(row.eventId)
      } else {
        if (!this.appliedRows.delete(row.eventId)) continue
        const x = this.vectorOf(row.trackId)
        // A row already forgotten by the sliding window makes downdate return false: nothing to do.
        if (x !== null) this.linucb.downdate(x, row.reward, row.weight)
      }
    }
  }

  /** Mean, bonus and UCB of a song; null when it has no vector. */
  score(trackId: number): { mean: number; bonus: number; ucb: number } | null {
    const i = this.indexOf.get(trackId)
    if (i === undefined) return null
    this.ensureCandidates()
    return { mean: this.linucb.mean(i), bonus: this.linucb.bonus(i), ucb: this.linucb.ucb(i) }
  }

  /** The best `n` eligible songs by UCB (or, before anything is learned, spread across the space). */
  recommend(options: RecommendOptions): Recommendation[] {
    this.ensureCandidates()
    const n = this.trackIds.length
    const mask = new Uint8Array(n)
    const excluded = new Set(options.excludeTrackIds ?? [])
    const eligible = options.eligible
    if (eligible instanceof Uint8Array && eligible.length < n) {
      throw new Error(`The eligibility mask covers ${eligible.length} songs, not all ${n}.`)
    }
    for (let i = 0; i < n; i++) {
      const id = this.trackIds[i] as number
      const allowed =
        eligible === undefined
          ? true
          : eligible instanceof Uint8Array
            ? eligible[i] !== 0
            : eligible(id)
      mask[i] = allowed && !excluded.has(id) ? 1 : 0
    }
    const count = Math.max(0, Math.floor(options.n))
    if (this.linucb.rowCount === 0) {
      return farthestPointSample(this.vectors, this.k, mask, count).map((i) => ({
        ...this.scoreAt(i),
        reasons: [COLD_START_REASON],
      }))
    }
    return this.linucb.topK(count, mask).map((c) => ({
      trackId: this.trackIds[c.index] as number,
      mean: c.mean,
      bonus: c.bonus,
      ucb: c.ucb,
      reasons: this.reasonsFor(c.index, c.mean, c.bonus),
    }))
  }

  /** Mean, bonus, UCB and the features behind them; `rows` are the song's rows in force. */
  explain(trackId: number, rows: ModelRow[] = []): Explanation | null {
    const i = this.indexOf.get(trackId)
    if (i === undefined) return null
    this.ensureCandidates()
    const coldStart = this.linucb.rowCount === 0
    const { contribution, z } = this.contributionsAt(i)
    return {
      trackId,
      mean: this.linucb.mean(i),
      bonus: this.linucb.bonus(i),
      ucb: this.linucb.ucb(i),
      coldStart,
      rows,
      baseline: this.intercept(),
      features: coldStart ? [] : topReasons(this.space, contribution, z, 3),
    }
  }

  /** Per-input-dimension contributions to a song's mean (they sum to mean − intercept). */
  contributionsOf(trackId: number): Float64Array | null {
    const i = this.indexOf.get(trackId)
    return i === undefined ? null : this.contributionsAt(i).contribution
  }

  /** θ's intercept (the mean of a song exactly at the library's average). */
  intercept(): number {
    return this.linucb.theta()[this.k] as number
  }

  private contributionsAt(i: number): { contribution: Float64Array; z: Float64Array } {
    const d = this.dimension
    const means = this.preprocessor.means()
    const stds = this.preprocessor.standardDeviations()
    const z = new Float64Array(d)
    for (let a = 0; a < d; a++) {
      z[a] = ((this.raw[i * d + a] as number) - (means[a] as number)) / (stds[a] as number)
    }
    return { contribution: contributions(this.linucb.theta(), this.components, this.k, z), z }
  }

  private reasonsFor(i: number, mean: number, bonus: number): string[] {
    const { contribution, z } = this.contributionsAt(i)
    const reasons = topReasons(this.space, contribution, z, 2, true).map((r) => r.phrase)
    if (bonus > Math.abs(mean) || reasons.length === 0) reasons.push(EXPLORE_REASON)
    return reasons
  }

  private scoreAt(i: number): Omit<Recommendation, 'reasons'> {
    return {
      trackId: this.trackIds[i] as number,
      mean: this.linucb.mean(i),
      bonus: this.linucb.bonus(i),
      ucb: this.linucb.ucb(i),
    }
  }

  /**
   * Candidates are set lazily: a replay applies its rows before the first query, so each row costs
   * O(k²) instead of a pass over the whole library.
   */
  private ensureCandidates(): void {
    if (this.candidatesSet) return
    this.linucb.setCandidates(this.vectors, this.trackIds.length)
    this.candidatesSet = true
  }
}

function newLinUcb(k: number, settings: TasteModelSettings): LinUcb {
  return new LinUcb(k, {
    lambda: settings.lambda,
    alpha: settings.alpha,
    windowSize: settings.forgettingWindow ?? 0,
  })
}

/**
 * Cold start: `count` eligible songs spread across the space (Gonzalez 1985, farthest-point
 * traversal), starting from the song nearest the centre of the eligible ones, so the first picks
 * cover the library instead of following its alphabet. Deterministic (ties: lower index).
 */
export function farthestPointSample(
  vectors: Float32Array,
  k: number,
  mask: Uint8Array,
  count: number,
): number[] {
  const eligible: number[] = []
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) eligible.push(i)
  if (eligible.length === 0 || count <= 0) return []
  const centre = new Float64Array(k)
  for (const i of eligible)
    for (let c = 0; c < k; c++) centre[c] = (centre[c] as number) + (vectors[i * k + c] as number)
  for (let c = 0; c < k; c++) centre[c] = (centre[c] as number) / eligible.length
  const distanceTo = (i: number, point: ArrayLike<number>, offset: number): number => {
    let sum = 0
    for (let c = 0; c < k; c++) {
      const delta = (vectors[i * k + c] as number) - (point[offset + c] as number)
      sum += delta * delta
    }
    return sum
  }
  let first = eligible[0] as number
  let best = Infinity
  for (const i of eligible) {
    const distance = distanceTo(i, centre, 0)
    if (distance < best) {
      best = distance
      first = i
    }
  }
  const picks = [first]
  const nearest = new Float64Array(eligible.length).fill(Infinity)
  while (picks.length < Math.min(count, eligible.length)) {
    const last = picks[picks.length - 1] as number
    let next = -1
    let farthest = -1
    eligible.forEach((i, position) => {
      const distance = Math.min(nearest[position] as number, distanceTo(i, vectors, last * k))
      nearest[position] = distance
      if (distance > farthest) {
        farthest = distance
        next = i
      }
    })
    if (next < 0 || farthest <= 0) break
    picks.push(next)
  }
  return picks
}

// ---------------------------------------------------------------------------------------------

/** The parts of a logged event the learner reads (an `EventLog` `LoggedEvent` fits). */
export interface LearnerEvent extends LedgerEvent {
  ts: number
}

export interface LearnerRecommendOptions {
  n: number
  /** Now, in ms since the epoch (for the replay window). */
  now: number
  /** Songs started within this many days are not picked again. */
  replayWindowDays: number
  /** Songs already queued. */
  exclude?: Iterable<number>
}

export interface TasteLearnerJson {
  format: 'attune-taste-learner'
  version: 1
  model: TasteModelJson
  rows: ModelRow[]
  labels: [trackId: number, mark: Mark, origin: 'mark' | 'import'][]
  lastPlayed: [trackId: number, ts: number][]
  lastEventId: number
}

/**
 * The model plus what the event log says about each song: the ledger (rows in force), the current
 * labels with their origin (only the listener's own "not for me" excludes a song) and when each
 * song was last started (the replay window).
 */
export class TasteLearner {
  private readonly labels = new Map<number, { mark: Mark; origin: 'mark' | 'import' }>()
  private readonly lastPlayed = new Map<number, number>()
  private lastId = 0

  constructor(
    readonly model: TasteModel,
    private readonly ledger: TrainingLedger = new TrainingLedger(DEFAULT_REWARDS),
  ) {}

  /** The id of the last event applied (0 before any). */
  get lastEventId(): number {
    return this.lastId
  }

  /** Applies events in log order; events at or below the last applied id are ignored. */
  applyEvents(events: Iterable<LearnerEvent>): number {
    let applied = 0
    for (const event of events) {
      if (event.id <= this.lastId) continue
      this.lastId = event.id
      applied++
      const trackId = event.trackId
      if (trackId === null) continue
      if (event.kind === 'play_start') {
        this.lastPlayed.set(trackId, Math.max(event.ts, this.lastPlayed.get(trackId) ?? -Infinity))
      } else if (event.kind === 'mark' || event.kind === 'label_import') {
        const mark = event.mark
        if (mark && mark !== 'none') {
          this.labels.set(trackId, { mark, origin: event.kind === 'mark' ? 'mark' : 'import' })
        } else this.labels.delete(trackId)
      }
      this.model.applyOps(this.ledger.apply(event))
    }
    return applied
  }

  /** Whether a song may be recommended now (has a vector, not excluded, not played lately). */
  isEligible(trackId: number, now: number, replayWindowDays: number): boolean {
    if (!this.model.has(trackId)) return false
    const label = this.labels.get(trackId)
    if (label && excludesFromAutoQueue(label.mark, label.origin)) return false
    const played = this.lastPlayed.get(trackId)
    return played === undefined || played <= now - replayWindowDays * 86_400_000
  }

  recommend(options: LearnerRecommendOptions): Recommendation[] {
    return this.model.recommend({
      n: options.n,
      eligible: (id) => this.isEligible(id, options.now, options.replayWindowDays),
      ...(options.exclude ? { excludeTrackIds: options.exclude } : {}),
    })
  }

  explain(trackId: number): Explanation | null {
    return this.model.explain(trackId, this.ledger.rowsOf(trackId))
  }

  labelOf(trackId: number): { mark: Mark; origin: 'mark' | 'import' } | null {
    return this.labels.get(trackId) ?? null
  }

  rows(): ModelRow[] {
    return this.ledger.rows()
  }

  toJSON(): TasteLearnerJson {
    return {
      format: 'attune-taste-learner',
      version: 1,
      model: this.model.toJSON(),
      rows: this.ledger.rows(),
      labels: [...this.labels].map(([id, l]) => [id, l.mark, l.origin]),
      lastPlayed: [...this.lastPlayed],
      lastEventId: this.lastId,
    }
  }

  static fromJSON(
    json: TasteLearnerJson,
    library: { trackIds: Int32Array; data: Float32Array; dim: number },
    rewards: RewardSettings = DEFAULT_REWARDS,
    trackDuration?: (trackId: number) => number | null,
  ): TasteLearner {
    if (json.format !== 'attune-taste-learner' || json.version !== 1) {
      throw new Error('This saved taste model has an unknown format; rebuild it from the history.')
    }
    const model = TasteModel.fromJSON(json.model, library.trackIds, library.data, library.dim)
    const learner = new TasteLearner(
      model,
      TrainingLedger.fromRows(json.rows, rewards, trackDuration),
    )
    for (const [id, mark, origin] of json.labels) learner.labels.set(id, { mark, origin })
    for (const [id, ts] of json.lastPlayed) learner.lastPlayed.set(id, ts)
    learner.lastId = json.lastEventId
    return learner
  }
}
