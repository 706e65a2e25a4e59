// The taste model as one pure object (no database, no worker): the library's embeddings are
// preprocessed (standardise → PCA → L2, see preprocess.ts) and become LinUCB's candidates; the
// TrainingLedger's row operations train it; recommend/explain read it. `TasteLearner` adds the
// event-log side (ledger, current labels, last plays) so a whole log can be replayed, applied
// incrementally, saved and restored, and still give the same model.
import { pathBetween } from './path'
import { seedDirection, seedSimilarities, seedTerms } from './radio'
import type { Mark } from '../../shared/domain'
import { DEFAULT_REWARDS, excludesFromAutoQueue, type RewardSettings } from '../../shared/rewards'
import { LinUcb, type LinUcbJson, type PreparedStats, type RefreshStats } from './linucb'
import { Preprocessor, type PreprocessorJson } from './preprocess'
import { TrainingLedger, type LedgerEvent, type ModelRow, type RowOp } from './training'
import { contributions, topReasons } from './explain'
import { tagWords, writeTagVector, type SongTags } from './tags'
import { composeReason, feelingOf, type SongShare } from './reasons'
import type { PickReason } from '../../shared/reasons'
import type { TasteExample } from '../../shared/insights'
import { UserError } from '../../shared/errors'
import type { Explanation, Recommendation, ScoreExplanation, ScoredSong } from '../../shared/taste'

/** How many example songs the Insights view shows for "you like songs like …". */
export const TASTE_EXAMPLES = 6

export type { PreparedStats } from './linucb'

export interface TasteModelSettings {
  /** Requested PCA dimensions; the model uses k = min(pcaDims, N − 1, D). */
  pcaDims: number
  lambda: number
  alpha: number
  /** Sliding window of the last W rows, or null for no forgetting. */
  forgettingWindow: number | null
  /**
   * Tag context (tags.ts): this many hashed tag dimensions follow each song's unit audio vector,
   * scaled by `tagWeight`; 0 or absent: audio only.
   */
  tagDims?: number
  tagWeight?: number
  /**
   * The vectors come standardised already (album-sound.ts: the album's sound mixed in), so the
   * PCA only centres them; absent: false.
   */
  standardised?: boolean
}

export type { Recommendation, ScoredSong, ScoreExplanation }

/** A song's current scores and its reason in words (see TasteLearner.word). */
export type WordedSong = Omit<Recommendation, 'meanAtRank' | 'reasons'>

/** An explanation with its listener-words reason (the learner knows the songs' marks). */
export type LearnerExplanation = Omit<Explanation, 'label'>

export interface RecommendOptions {
  n: number
  /**
   * Which songs may be picked: a predicate on the track id, or a mask over `trackIds` (non-zero =
   * eligible). Default all.
   */
  eligible?: ((trackId: number) => boolean) | Uint8Array
  /** Songs already queued. */
  excludeTrackIds?: Iterable<number>
  /**
   * Songs that may not be picked, by track id (marked not-for-me, played lately): the fast way
   * on the pick path, O(N) bytes copied plus one lookup per listed song instead of a predicate
   * called for every song.
   */
  ineligibleTrackIds?: Iterable<number>
  /** A radio: the seed's songs and the seed term's weight (see radio.ts). */
  radio?: RadioRequest
}

/** A radio as the model ranks for it: the seed's songs, and the weight w of the seed term. */
export interface RadioRequest {
  seed: readonly number[]
  weight: number
}

export interface TasteModelJson {
  format: 'attune-taste-model'
  /** 2: the songs and the fitted count are saved (a model can be extended without a re-fit). */
  version: 2
  space: string
  settings: TasteModelSettings
  trackCount: number
  preprocessor: PreprocessorJson
  linucb: LinUcbJson
  /** Event ids of the rows actually applied (a row of a song without a vector is not). */
  appliedRows: number[]
  /** The songs in the model, in its order (the fitted ones, then those added since). */
  trackIds: number[]
  /** How many vectors the PCA was fitted on (growth is measured against it). */
  fittedCount: number
}

/** The model's side of the Insights data (the learner adds the labels). */
export interface ModelInsightInputs {
  space: string
  inputDims: number
  k: number
  explainedVariance: Float64Array
  /** k × D PCA components, row-major, in standardised input space. */
  components: Float64Array
  /** k weights followed by the intercept. */
  theta: Float64Array
  /** Every candidate's predicted mean θ·x and bonus α·sqrt(xᵀA⁻¹x) (songs now missing left out). */
  means: Float64Array
  bonuses: Float64Array
  rows: number
}

/**
 * One reward scored by progressive validation: the model's prediction for the song BEFORE it
 * learned from the reward, the reward, and ‖θ‖ after (see taste/online.ts).
 */
export interface RewardObservation {
  eventId: number
  /** The event's time, ms since the epoch. */
  ts: number
  trackId: number
  mean: number
  bonus: number
  /** Sum of the rewards of the rows the event added (one row in practice). */
  reward: number
  modelNorm: number
}

/**
 * New songs extend the model while the library is below 11/10 of the songs the PCA was fitted on;
 * from there on the PCA is re-fitted (issue 5: "re-fitted when the library grows by ≥ 10 %").
 */
const REFIT_GROWTH_NUMERATOR = 11
const REFIT_GROWTH_DENOMINATOR = 10

export class TasteModel {
  readonly dimension: number
  private songCount: number
  /** The buffers below may hold room for more songs than `songCount` (they grow by half). */
  private trackIdBuffer: Int32Array
  /** N × D raw embeddings, in the model's order. */
  private raw: Float32Array
  private kValue: number
  private readonly indexOf = new Map<number, number>()
  /** Hashed tag dimensions after the audio ones (0: audio only). */
  readonly tagDims: number
  /** N × tagDims tag dimensions (tags.ts, unscaled), in the model's order; empty without tags. */
  private tagRaw: Float32Array
  /** N × width vectors (float32), the model's candidates: k unit audio dims, then the tag dims. */
  private vectors: Float32Array
  private components: Float64Array
  private candidatesSet = false
  private readonly appliedRows: Set<number>
  /** The eligibility mask of `recommend`, reused (see there). */
  private maskBuffer = new Uint8Array(0)
  /** See similarityInputs. */
  private similarityCache: {
    linucb: LinUcb
    revision: number
    inverse: Float64Array
    inWindow: Set<number> | null
  } | null = null
  /** See contributingRows. */
  private contributingCache: {
    rows: readonly ModelRow[]
    revision: number
    linucb: LinUcb
    vectors: Float32Array
    trackIds: Int32Array
    positions: Int32Array
    scales: Float64Array
  } | null = null
  /** Songs in the model that are not candidates now (their file is missing): never recommended. */
  private readonly absent = new Set<number>()
  /**
   * The songs whose rewards are likely next (see prepareSongs): kept by id, so their vectors are handed
   * to LinUCB again whenever the vectors or the LinUCB change.
   */
  private preparedIds: readonly number[] = []
  /** Every song's closeness to the last radio seed asked for, until the seed or vectors change. */
  private seedCache: { key: string; vectors: Float32Array; similarities: Float64Array } | null =
    null

  private constructor(
    readonly space: string,
    readonly settings: TasteModelSettings,
    trackIds: Int32Array,
    raw: Float32Array,
    private readonly preprocessor: Preprocessor,
    private linucb: LinUcb,
    appliedRows: Iterable<number> = [],
    tags: Float32Array | null = null,
  ) {
    this.trackIdBuffer = trackIds
    this.songCount = trackIds.length
    this.raw = raw
    this.dimension = preprocessor.inputDimension
    this.kValue = preprocessor.outputDimension
    this.tagDims = tagDimsOf(settings)
    this.tagRaw = checkedTags(tags, trackIds.length, this.tagDims)
    trackIds.forEach((id, i) => this.indexOf.set(id, i))
    this.vectors = this.project(raw, this.tagRaw, trackIds.length)
    this.components = componentMatrix(preprocessor)
    this.appliedRows = new Set(appliedRows)
    this.reserveUntilRefit()
  }

  /** The songs in the model, in its order (a view: copy it to keep it across changes). */
  get trackIds(): Int32Array {
    return this.trackIdBuffer.subarray(0, this.songCount)
  }

  /** PCA dimensions in use. */
  get k(): number {
    return this.kValue
  }

  /** The candidates' length: the k audio dimensions and the tag dimensions. */
  get width(): number {
    return this.kValue + this.tagDims
  }

  /** The songs' tag dimensions, N × tagDims in the model's order (a view; empty without tags). */
  tagVectors(): Float32Array {
    return this.tagRaw.subarray(0, this.songCount * this.tagDims)
  }

  /**
   * n songs' candidate vectors (n × width): the unit PCA vector of the audio, then the tag
   * dimensions times the tag weight.
   */
  private project(audio: Float32Array, tags: Float32Array, n: number): Float32Array {
    const projected = this.preprocessor.transformAll(audio, n, this.dimension)
    const t = this.tagDims
    if (t === 0) return projected
    const k = this.kValue
    const width = k + t
    const weight = this.settings.tagWeight ?? 0
    const out = new Float32Array(n * width)
    for (let i = 0; i < n; i++) {
      out.set(projected.subarray(i * k, (i + 1) * k), i * width)
      for (let j = 0; j < t; j++) out[i * width + k + j] = (tags[i * t + j] as number) * weight
    }
    return out
  }

  /** How many vectors the PCA was fitted on; songs added since extend the model. */
  get fittedCount(): number {
    return this.preprocessor.fittedCount
  }

  /** The songs' raw embeddings, N × D in the model's order (a view). */
  rawVectors(): Float32Array {
    return this.raw.subarray(0, this.songCount * this.dimension)
  }

  /**
   * Compares the model's songs with a library (ids and N × D vectors): which of its rows are new
   * songs (positions in the library), and which songs of the model have another vector there or
   * none at all.
   */
  diffLibrary(
    trackIds: Int32Array,
    matrix: Float32Array,
    tags: Float32Array | null = null,
  ): { added: number[]; changed: number[]; removed: number[] } {
    const d = this.dimension
    const t = this.tagDims
    const added: number[] = []
    const changed: number[] = []
    const seen = new Set<number>()
    for (let i = 0; i < trackIds.length; i++) {
      const id = trackIds[i] as number
      const position = this.indexOf.get(id)
      if (position === undefined) {
        added.push(i)
        continue
      }
      seen.add(id)
      let differs = false
      for (let a = 0; a < d && !differs; a++)
        differs = this.raw[position * d + a] !== matrix[i * d + a]
      for (let a = 0; a < t && !differs && tags !== null; a++)
        differs = this.tagRaw[position * t + a] !== tags[i * t + a]
      if (differs) changed.push(id)
    }
    const removed =
      seen.size === this.songCount ? [] : [...this.trackIds].filter((id) => !seen.has(id))
    return { added, changed, removed }
  }

  /**
   * Which of `trackIds` (songs of the model) now have tags that give other tag dimensions than
   * those it holds: a re-tag the vectors did not show. `tagsOf` gives a song's current tags
   * (undefined: none, as a song without tags); songs the model does not know are left out.
   */
  changedTags(
    trackIds: Iterable<number>,
    tagsOf: (trackId: number) => SongTags | undefined,
  ): number[] {
    const t = this.tagDims
    if (t === 0) return []
    const changed: number[] = []
    const current = new Float32Array(t)
    for (const id of trackIds) {
      const i = this.indexOf.get(id)
      if (i === undefined) continue
      const tags = tagsOf(id)
      writeTagVector(tags ? tagWords(tags) : [], t, current, 0)
      for (let a = 0; a < t; a++) {
        if (this.tagRaw[i * t + a] !== current[a]) {
          changed.push(id)
          break
        }
      }
    }
    return changed
  }

  /**
   * Which songs of the model are not candidates now (missing files): they keep their vector, so
   * their rows stay exact and nothing is re-fitted, but they are never recommended.
   */
  setAbsent(trackIds: Iterable<number>): void {
    this.absent.clear()
    for (const id of trackIds) if (this.indexOf.has(id)) this.absent.add(id)
  }

  /**
   * Songs that got a vector since the model was made (their rows are NOT applied here; see
   * TasteLearner.addSongs). While the library stays below 11/10 of the songs the PCA was fitted
   * on, they join the running sums and are projected with the current basis, and each one's mean
   * and variance come straight from the current A⁻¹ and θ (O(k²)): nothing learned is touched.
   * From there on the PCA is re-fitted from the running sums (one eigendecomposition), every song
   * re-projected, and the rows the model holds are replayed in the new basis; `rows` are the
   * ledger's rows in force, which hold every applied row.
   */
  addSongs(
    trackIds: Int32Array,
    matrix: Float32Array,
    rows: readonly ModelRow[],
    tags: Float32Array | null = null,
  ): 'extended' | 'refitted' {
    const added = trackIds.length
    const d = this.dimension
    const t = this.tagDims
    if (matrix.length < added * d) {
      throw new Error(
        `The new songs' matrix holds ${matrix.length} values, fewer than ${added} × ${d}.`,
      )
    }
    const newTags = checkedTags(tags, added, t)
    const fresh = new Set<number>()
    for (const id of trackIds) {
      if (this.indexOf.has(id) || fresh.has(id)) {
        throw new Error(`Song ${id} is already in the taste model; it cannot be added twice.`)
      }
      fresh.add(id)
    }
    if (added === 0) return 'extended'
    const refit = this.refitsWith(added)
    // Everything that can fail is checked before the model changes.
    const replay = refit ? this.rowsToReplay(rows) : []
    this.preprocessor.addVectors(matrix, added)
    const first = this.songCount
    this.reserve(first + added)
    this.raw.set(matrix.subarray(0, added * d), first * d)
    this.tagRaw.set(newTags.subarray(0, added * t), first * t)
    this.trackIdBuffer.set(trackIds, first)
    trackIds.forEach((id, j) => this.indexOf.set(id, first + j))
    this.songCount = first + added
    if (refit) {
      this.refit(replay)
      return 'refitted'
    }
    this.vectors.set(this.project(matrix, newTags, added), first * this.width)
    if (this.candidatesSet) this.linucb.appendCandidates(this.vectors, this.songCount)
    // The vectors may live in a new buffer now (reserve), and a song prepared before it had a
    // vector has one now.
    this.handPrepared()
    return 'extended'
  }

  /** Whether adding `added` songs now would re-fit the PCA (see addSongs). */
  refitsWith(added: number): boolean {
    const total = this.preprocessor.count + added
    return (
      REFIT_GROWTH_DENOMINATOR * total >= REFIT_GROWTH_NUMERATOR * this.preprocessor.fittedCount
    )
  }

  /**
   * Adds rows in bulk (e.g. a new song's rows logged before it had a vector). Past k rows, k
   * passes over the library cost more than scoring it afresh, so the candidates are dropped and
   * set again (O(N·k²)) at the next query.
   */
  addRows(rows: readonly ModelRow[]): ModelRow[] {
    if (rows.length > this.width && this.candidatesSet) {
      this.linucb.setCandidates(new Float32Array(0), 0)
      this.candidatesSet = false
    }
    return this.applyOps(rows.map((row) => ({ op: 'add' as const, row })))
  }

  /** The applied rows in the order the new LinUCB must see them (the window's order when on). */
  private rowsToReplay(rows: readonly ModelRow[]): ModelRow[] {
    const byEvent = new Map(rows.map((row) => [row.eventId, row]))
    const order = this.linucb.windowSize > 0 ? this.linucb.windowTags() : [...this.appliedRows]
    return order.map((eventId) => {
      const row = byEvent.get(eventId)
      if (row === undefined || !this.indexOf.has(row.trackId)) {
        throw new Error(
          `The taste model holds a row (event ${eventId}) the history no longer has; rebuild it.`,
        )
      }
      return row
    })
  }

  /** Re-fit from the running sums, re-projection of every song, and a replay of `replay`. */
  private refit(replay: readonly ModelRow[]): void {
    const { k } = this.preprocessor.fit(this.settings.pcaDims)
    this.kValue = k
    this.components = componentMatrix(this.preprocessor)
    this.vectors = this.project(this.raw, this.tagRaw, this.songCount)
    this.linucb = newLinUcb(this.width, { ...this.settings, alpha: this.linucb.alpha })
    // Lazy candidates again: each replayed row costs O(k²), then one O(N·k²) scoring.
    this.candidatesSet = false
    for (const row of replay) {
      const x = this.vectorOf(row.trackId) as Float32Array
      this.linucb.update(x, row.reward, row.weight, row.eventId)
    }
    this.reserveUntilRefit()
    // Every vector moved to the new basis, and the LinUCB is new.
    this.handPrepared()
  }

  /**
   * Room for every song up to the next re-fit (11/10 of those fitted on), so extensions copy no
   * buffer (at 100k songs a copy of raw + projected vectors cost ~180 ms here): +10 % memory.
   */
  private reserveUntilRefit(): void {
    const limit = Math.ceil(
      (this.preprocessor.fittedCount * REFIT_GROWTH_NUMERATOR) / REFIT_GROWTH_DENOMINATOR,
    )
    this.reserve(limit, true)
  }

  /**
   * Room for `needed` songs in every per-song buffer: exactly, or growing by half at least, so a
   * library analysed batch by batch is not copied per batch.
   */
  private reserve(needed: number, exact = false): void {
    const grow = (current: number): number =>
      exact ? needed : Math.max(needed, Math.ceil(current * 1.5))
    const d = this.dimension
    const k = this.width
    const t = this.tagDims
    if (this.trackIdBuffer.length < needed) {
      const ids = new Int32Array(grow(this.trackIdBuffer.length))
      ids.set(this.trackIdBuffer.subarray(0, this.songCount))
      this.trackIdBuffer = ids
    }
    if (this.raw.length < needed * d) {
      const raw = new Float32Array(grow(this.raw.length / d) * d)
      raw.set(this.raw.subarray(0, this.songCount * d))
      this.raw = raw
    }
    if (t > 0 && this.tagRaw.length < needed * t) {
      const tags = new Float32Array(grow(this.tagRaw.length / t) * t)
      tags.set(this.tagRaw.subarray(0, this.songCount * t))
      this.tagRaw = tags
    }
    if (this.vectors.length < needed * k) {
      const vectors = new Float32Array(grow(this.vectors.length / k) * k)
      vectors.set(this.vectors.subarray(0, this.songCount * k))
      this.vectors = vectors
    }
  }

  /** Fits the preprocessing on the library's vectors and starts an untrained model. */
  static build(
    space: string,
    trackIds: Int32Array,
    matrix: Float32Array,
    dim: number,
    settings: TasteModelSettings,
    tags: Float32Array | null = null,
  ): TasteModel {
    const n = trackIds.length
    if (n < 2) {
      throw new UserError(
        n === 0
          ? 'No song is analysed yet.'
          : 'Only one song is analysed; the taste model needs at least two.',
        'not-analysed',
      )
    }
    const preprocessor = new Preprocessor(dim, { standardise: settings.standardised !== true })
    preprocessor.addVectors(matrix, n)
    const { k } = preprocessor.fit(Math.min(settings.pcaDims, n - 1, dim))
    return new TasteModel(
      space,
      settings,
      trackIds,
      matrix,
      preprocessor,
      newLinUcb(k + tagDimsOf(settings), settings),
      [],
      tags,
    )
  }

  /**
   * Restores a saved model over its songs' current vectors: `trackIds` must be the saved ones, in
   * the saved order (`json.trackIds`), with `matrix` their vectors in that order.
   */
  static fromJSON(
    json: TasteModelJson,
    trackIds: Int32Array,
    matrix: Float32Array,
    dim: number,
    tags: Float32Array | null = null,
  ): TasteModel {
    if (json.format !== 'attune-taste-model' || json.version !== 2) {
      throw new Error('This saved taste model has an unknown format; rebuild it from the history.')
    }
    const preprocessor = Preprocessor.fromJSON(json.preprocessor)
    if (preprocessor.inputDimension !== dim) {
      throw new Error('The saved taste model was made for vectors of another size; rebuild it.')
    }
    if (
      json.trackIds.length !== trackIds.length ||
      json.trackIds.some((id, i) => trackIds[i] !== id)
    ) {
      throw new Error('The saved taste model was made on other songs; rebuild it.')
    }
    return new TasteModel(
      json.space,
      json.settings,
      trackIds,
      matrix,
      preprocessor,
      LinUcb.fromJSON(json.linucb),
      json.appliedRows,
      tags,
    )
  }

  toJSON(): TasteModelJson {
    return {
      format: 'attune-taste-model',
      version: 2,
      space: this.space,
      settings: { ...this.settings },
      trackCount: this.songCount,
      preprocessor: this.preprocessor.toJSON(),
      linucb: this.linucb.toJSON(),
      appliedRows: [...this.appliedRows].sort((a, b) => a - b),
      trackIds: Array.from(this.trackIds),
      fittedCount: this.preprocessor.fittedCount,
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

  /**
   * One bounded slice of LinUCB's exact refresh when one is due (see LinUcb.refreshStep); true
   * while work remains. For idle time: it never runs on the reward → pick path.
   */
  refreshStep(interrupted?: () => boolean): boolean {
    return this.linucb.refreshStep(interrupted)
  }

  refreshStats(): RefreshStats {
    return this.linucb.refreshStats()
  }

  /** Whether an exact refresh is due or under way. */
  get refreshPending(): boolean {
    return this.linucb.refreshPending
  }

  /**
   * The songs whose rewards are likely next (the song playing, the next waiting ones): LinUCB
   * computes their products with every candidate in idle time (`prepareStep`), so a reward on one
   * of them costs O(N) instead of a pass over the N×k vectors (see LinUcb.setPrepared). Replaces
   * the previous list; songs without a vector are skipped (and taken up if they get one). Kept
   * across a re-fit or an extension of the model (a rebuild makes a new model: TasteCore hands
   * the list over).
   */
  prepareSongs(trackIds: readonly number[]): void {
    this.preparedIds = [...trackIds]
    this.handPrepared()
  }

  /** The songs `prepareSongs` was last given. */
  get prepared(): readonly number[] {
    return this.preparedIds
  }

  /** One bounded slice of preparing (see LinUcb.prepareStep); true while work remains. */
  prepareStep(interrupted?: () => boolean): boolean {
    return this.linucb.prepareStep(interrupted)
  }

  /** Whether preparing has work to do (a prepared song's products are not current). */
  get preparePending(): boolean {
    return this.linucb.preparePending
  }

  /** Whether idle time has work: the exact refresh, or preparing. */
  get idlePending(): boolean {
    return this.refreshPending || this.preparePending
  }

  /** How the changes were learned (from prepared products or with a full pass), and how many prepared songs are ready. */
  preparedStats(): PreparedStats {
    return this.linucb.preparedStats()
  }

  /** Hands LinUCB the current vectors of the prepared songs (those the model has). */
  private handPrepared(): void {
    const vectors: Float32Array[] = []
    for (const id of this.preparedIds) {
      const x = this.vectorOf(id)
      if (x !== null) vectors.push(x)
    }
    this.linucb.setPrepared(vectors)
  }

  /** Whether the model holds a vector for a song (a candidate or not). */
  contains(trackId: number): boolean {
    return this.indexOf.has(trackId)
  }

  /** Whether a song is a candidate: it has a vector in the model and is not absent. */
  has(trackId: number): boolean {
    return this.indexOf.has(trackId) && !this.absent.has(trackId)
  }

  /** The preprocessed (k-dim, unit) vector of a song, or null when it has none. */
  vectorOf(trackId: number): Float32Array | null {
    const i = this.indexOf.get(trackId)
    const w = this.width
    return i === undefined ? null : this.vectors.subarray(i * w, (i + 1) * w)
  }

  /**
   * Applies the ledger's row operations in order. A row of a song without a vector, or with a
   * weight of 0, is skipped, and so is its later removal.
   */
  applyOps(ops: readonly RowOp[]): ModelRow[] {
    const added: ModelRow[] = []
    for (const { op, row } of ops) {
      if (op === 'add') {
        const x = this.vectorOf(row.trackId)
        if (x === null || !(row.weight > 0)) continue
        this.linucb.update(x, row.reward, row.weight, row.eventId)
        this.appliedRows.add(row.eventId)
        added.push(row)
      } else {
        if (!this.appliedRows.delete(row.eventId)) continue
        const x = this.vectorOf(row.trackId)
        // A row already forgotten by the sliding window makes downdate return false: nothing to do.
        if (x !== null) this.linucb.downdate(x, row.reward, row.weight)
      }
    }
    return added
  }

  /**
   * Mean θ·x (with the intercept) and bonus α·sqrt(xᵀA⁻¹x) of a song straight from θ and A⁻¹:
   * O(k²) and no candidate pass, so a replay can score each reward before learning from it.
   */
  predict(trackId: number): { mean: number; bonus: number } | null {
    const x = this.vectorOf(trackId)
    if (x === null) return null
    const { mean, bonus } = this.linucb.predict(x)
    return { mean, bonus }
  }

  /** ‖θ‖₂ over the k weights and the intercept. */
  thetaNorm(): number {
    let sum = 0
    for (const value of this.linucb.theta()) sum += value * value
    return Math.sqrt(sum)
  }

  /** What the Insights view is computed from (see insights.ts); copies, safe to keep. */
  insightInputs(): ModelInsightInputs {
    this.ensureCandidates()
    const trackIds = this.trackIds
    // Songs whose file is missing stay in the model but are no candidates: leave them out.
    const n = trackIds.length - this.absent.size
    const means = new Float64Array(n)
    const bonuses = new Float64Array(n)
    let at = 0
    for (let i = 0; i < trackIds.length; i++) {
      if (this.absent.has(trackIds[i] as number)) continue
      means[at] = this.linucb.mean(i)
      bonuses[at] = this.linucb.bonus(i)
      at++
    }
    return {
      space: this.space,
      inputDims: this.dimension,
      k: this.k,
      explainedVariance: this.preprocessor.explainedVariance(),
      components: Float64Array.from(this.components),
      theta: this.audioTheta(),
      means,
      bonuses,
      rows: this.linucb.rowCount,
    }
  }

  /** Mean, bonus and UCB of a song; null when it has no vector. */
  score(trackId: number): { mean: number; bonus: number; ucb: number } | null {
    const i = this.indexOf.get(trackId)
    if (i === undefined) return null
    this.ensureCandidates()
    return { mean: this.linucb.mean(i), bonus: this.linucb.bonus(i), ucb: this.linucb.ucb(i) }
  }

  /**
   * `steps` songs on the way from `fromId` to `toId` in the model's space (see path.ts), never an
   * absent or an ineligible one; null when either end has no vector.
   */
  path(fromId: number, toId: number, steps: number, ineligible: Iterable<number>): number[] | null {
    const from = this.indexOf.get(fromId)
    const to = this.indexOf.get(toId)
    if (from === undefined || to === undefined) return null
    const n = this.songCount
    const mask = new Uint8Array(n).fill(1)
    for (const id of this.absent) this.clearInMask(mask, id)
    for (const id of ineligible) this.clearInMask(mask, id)
    const ids = this.trackIdBuffer
    return pathBetween(this.vectors, this.width, n, from, to, steps, mask).map(
      (i) => ids[i] as number,
    )
  }

  /** The best `n` eligible songs by UCB (or, before anything is learned, spread across the space). */
  recommend(options: RecommendOptions): ScoredSong[] {
    this.ensureCandidates()
    const n = this.songCount
    const ids = this.trackIdBuffer
    const eligible = options.eligible
    if (eligible instanceof Uint8Array && eligible.length < n) {
      throw new Error(`The eligibility mask covers ${eligible.length} songs, not all ${n}.`)
    }
    // Every present song, then the few listed ones cleared: no per-song hash lookups. One buffer
    // reused from pick to pick (no N-byte allocation per reward).
    if (this.maskBuffer.length !== n) this.maskBuffer = new Uint8Array(n)
    const mask = this.maskBuffer.fill(1)
    for (const id of this.absent) this.clearInMask(mask, id)
    for (const id of options.excludeTrackIds ?? []) this.clearInMask(mask, id)
    for (const id of options.ineligibleTrackIds ?? []) this.clearInMask(mask, id)
    if (eligible instanceof Uint8Array) {
      for (let i = 0; i < n; i++) if (eligible[i] === 0) mask[i] = 0
    } else if (eligible !== undefined) {
      for (let i = 0; i < n; i++) if (mask[i] !== 0 && !eligible(ids[i] as number)) mask[i] = 0
    }
    const count = Math.max(0, Math.floor(options.n))
    const similarities = options.radio ? this.seedSimilaritiesOf(options.radio.seed) : null
    if (this.linucb.rowCount === 0 && similarities === null) {
      return farthestPointSample(this.vectors, this.width, mask, count).map((i) => {
        const scored = this.scoreAt(i)
        return { ...scored, meanAtRank: scored.mean }
      })
    }
    // One pass picks the best by UCB (plus the seed term on a radio) and keeps the best means
    // beside them (for the wild card), and on a radio the best taste scores (for "close to").
    const bestMeans = { values: [] as number[] }
    const radio =
      similarities === null || !options.radio
        ? undefined
        : {
            terms: seedTerms(
              similarities,
              this.linucb.scoreAll(),
              mask,
              options.radio.weight,
              this.linucb.rowCount > 0,
            ),
            bestTaste: { values: [] as number[] },
          }
    const picks = this.linucb.topK(count, mask, bestMeans, radio)
    return picks.map((c, rank) => ({
      trackId: ids[c.index] as number,
      mean: c.mean,
      bonus: c.bonus,
      ucb: c.ucb,
      meanAtRank: bestMeans.values[rank] ?? c.mean,
      ...(radio
        ? {
            seed: radio.terms[c.index],
            tasteAtRank: radio.bestTaste.values[rank] ?? c.mean + c.bonus,
          }
        : {}),
    }))
  }

  /**
   * Every song's cos(x, s) to the seed s of these songs (see radio.ts), cached while the seed and
   * the model's vectors stay the same (one O(N·k) pass per radio, not per pick); null when none
   * of the seed's songs has a vector.
   */
  private seedSimilaritiesOf(seed: readonly number[]): Float64Array | null {
    const key = seed.join(',')
    const cached = this.seedCache
    if (cached?.key === key && cached.vectors === this.vectors) {
      if (cached.similarities.length === this.songCount) return cached.similarities
    }
    const rows = seed.flatMap((trackId) => this.indexOf.get(trackId) ?? [])
    const direction = seedDirection(this.vectors, this.width, rows)
    if (direction === null) return null
    const similarities = seedSimilarities(this.vectors, this.width, this.songCount, direction)
    this.seedCache = { key, vectors: this.vectors, similarities }
    return similarities
  }

  /**
   * Each song's share of another song's score, measured from the baseline (the intercept, what
   * the model expects of a song at the library's average). With x̃ = (x, 1), θ = A⁻¹b and
   * b = Σ w·r·x̃_row, the mean is θ·x̃ = θ₀ + Σ_rows w·r·((x, 0)ᵀA⁻¹x̃_row) exactly (θ₀ = θ's
   * intercept = Σ_rows w·r·(e₀ᵀA⁻¹x̃_row)), so a row's share is w·r times the two songs'
   * similarity in the model's metric, and the shares add up to mean − baseline, like the
   * features' shares (explain.ts). `rows` are the ledger's rows in force; those the model did not
   * apply (no vector, weight 0, forgotten by the window) have no share. Null without a vector.
   */
  songContributions(trackId: number, rows: readonly ModelRow[]): Map<number, number> | null {
    const x = this.vectorOf(trackId)
    if (x === null) return null
    const w = this.width
    const size = w + 1
    const { inverse, inWindow } = this.similarityInputs()
    const extended = new Float64Array(size)
    extended.set(x) // and 0 in the intercept's place: the share beyond the baseline
    const u = new Float64Array(size)
    for (let a = 0; a < size; a++) {
      let sum = 0
      for (let c = 0; c < size; c++)
        sum += (inverse[a * size + c] as number) * (extended[c] as number)
      u[a] = sum
    }
    const shares = new Map<number, number>()
    const vectors = this.vectors
    const { trackIds, positions, scales } = this.contributingRows(rows, inWindow)
    for (let r = 0; r < trackIds.length; r++) {
      // Read in place (no subarray per row: a pick words its songs over every row in force).
      const start = (positions[r] as number) * w
      let similarity = u[w] as number
      for (let c = 0; c < w; c++) similarity += (u[c] as number) * (vectors[start + c] as number)
      const id = trackIds[r] as number
      shares.set(id, (shares.get(id) ?? 0) + (scales[r] as number) * similarity)
    }
    return shares
  }

  /**
   * The rows of `rows` the model applied and still holds (in the window, when it has one), in
   * their order, with each song's place in the vectors and w·r: found once per list of rows and
   * model state, not once per song worded (a pick words several songs over the same rows).
   */
  private contributingRows(
    rows: readonly ModelRow[],
    inWindow: Set<number> | null,
  ): { trackIds: Int32Array; positions: Int32Array; scales: Float64Array } {
    const cached = this.contributingCache
    if (
      cached?.rows === rows &&
      cached.linucb === this.linucb &&
      cached.revision === this.linucb.revision &&
      cached.vectors === this.vectors
    )
      return cached
    const trackIds: number[] = []
    const positions: number[] = []
    const scales: number[] = []
    for (const row of rows) {
      if (!this.appliedRows.has(row.eventId) || (inWindow && !inWindow.has(row.eventId))) continue
      const position = this.indexOf.get(row.trackId)
      if (position === undefined) continue
      trackIds.push(row.trackId)
      positions.push(position)
      scales.push(row.weight * row.reward)
    }
    const fresh = {
      rows,
      revision: this.linucb.revision,
      linucb: this.linucb,
      vectors: this.vectors,
      trackIds: Int32Array.from(trackIds),
      positions: Int32Array.from(positions),
      scales: Float64Array.from(scales),
    }
    this.contributingCache = fresh
    return fresh
  }

  /**
   * A⁻¹ and the window's rows as songContributions reads them, copied once per change of the
   * model rather than once per song explained (a short-list of 14 would copy them 14 times).
   */
  private similarityInputs(): { inverse: Float64Array; inWindow: Set<number> | null } {
    const cached = this.similarityCache
    if (cached?.linucb === this.linucb && cached.revision === this.linucb.revision) return cached
    const fresh = {
      linucb: this.linucb,
      revision: this.linucb.revision,
      inverse: this.linucb.inverseMatrix(),
      inWindow: this.linucb.windowSize > 0 ? new Set(this.linucb.windowTags()) : null,
    }
    this.similarityCache = fresh
    return fresh
  }

  private clearInMask(mask: Uint8Array, trackId: number): void {
    const i = this.indexOf.get(trackId)
    if (i !== undefined) mask[i] = 0
  }

  /** Mean, bonus, UCB and the features behind them; `rows` are the song's rows in force. */
  explain(trackId: number, rows: ModelRow[] = []): ScoreExplanation | null {
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
    return this.linucb.theta()[this.width] as number
  }

  /** θ's k audio weights followed by its intercept (the tag weights left out), for the Insights. */
  private audioTheta(): Float64Array {
    const theta = this.linucb.theta()
    if (this.tagDims === 0) return theta
    const out = new Float64Array(this.k + 1)
    out.set(theta.subarray(0, this.k))
    out[this.k] = theta[this.width] as number
    return out
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

  private scoreAt(i: number): Omit<ScoredSong, 'meanAtRank'> {
    return {
      trackId: this.trackIdBuffer[i] as number,
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
    this.linucb.setCandidates(this.vectors, this.songCount)
    this.candidatesSet = true
  }
}

/** The tag dimensions a model's settings ask for (0: audio only). */
function tagDimsOf(settings: TasteModelSettings): number {
  return settings.tagDims !== undefined && settings.tagDims > 0 ? settings.tagDims : 0
}

/** The tag matrix of n songs, checked against the model's tag dimensions (empty without tags). */
function checkedTags(tags: Float32Array | null, n: number, dims: number): Float32Array {
  if (dims === 0) return new Float32Array(0)
  if (tags === null || tags.length < n * dims) {
    throw new Error(
      `The taste model uses ${dims} tag dimensions per song, but ${tags === null ? 'no tags were' : `only ${tags.length} values were`} given for ${n} songs.`,
    )
  }
  return tags
}

/** The preprocessor's k PCA components as one k × D row-major matrix. */
function componentMatrix(preprocessor: Preprocessor): Float64Array {
  const d = preprocessor.inputDimension
  const matrix = new Float64Array(preprocessor.outputDimension * d)
  preprocessor.components().forEach((c, j) => matrix.set(c, j * d))
  return matrix
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
  /** A song's title for the reason line (the model knows only ids). */
  titleOf?: (trackId: number) => string
  /** A radio runs: rank with its seed term (see radio.ts). */
  radio?: RadioRequest
}

/** The title a reason uses when the caller knows none. */
const UNTITLED = 'a song you marked'

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

  /**
   * Applies events in log order; events at or below the last applied id are ignored. `onReward`
   * hears of every event that added a row to the model, with the prediction made before it.
   */
  applyEvents(
    events: Iterable<LearnerEvent>,
    onReward?: (observation: RewardObservation) => void,
  ): number {
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
      const ops = this.ledger.apply(event)
      if (ops.length === 0) continue
      const before = onReward ? this.model.predict(trackId) : null
      const added = this.model.applyOps(ops)
      if (onReward && before && added.length > 0) {
        onReward({
          eventId: event.id,
          ts: event.ts,
          trackId,
          mean: before.mean,
          bonus: before.bonus,
          reward: added.reduce((sum, row) => sum + row.reward, 0),
          modelNorm: this.model.thetaNorm(),
        })
      }
    }
    return applied
  }

  /**
   * The taste as example songs: the songs labelled love, like or "almost" that the model now
   * scores highest (θ·x), best first; none before it has learned anything.
   */
  tasteExamples(count = TASTE_EXAMPLES): TasteExample[] {
    if (this.model.rowCount === 0) return []
    const examples: TasteExample[] = []
    for (const [trackId, { mark }] of this.labels) {
      if (mark === 'not_for_me' || !this.model.has(trackId)) continue
      const score = this.model.score(trackId)
      if (score) examples.push({ trackId, mark, mean: score.mean })
    }
    return examples.sort((a, b) => b.mean - a.mean || a.trackId - b.trackId).slice(0, count)
  }

  /** Current labels counted by mark and origin. */
  labelCounts(): { mark: Mark; origin: 'mark' | 'import'; count: number }[] {
    const counts = new Map<string, { mark: Mark; origin: 'mark' | 'import'; count: number }>()
    for (const { mark, origin } of this.labels.values()) {
      const key = `${mark}:${origin}`
      const entry = counts.get(key)
      if (entry) entry.count += 1
      else counts.set(key, { mark, origin, count: 1 })
    }
    return [...counts.values()]
  }

  /**
   * Songs that got a vector since the model was made (see TasteModel.addSongs), then the rows
   * the listener already has for them (logged before they were analysed). Returns null, changing
   * nothing, when a forgetting window is on and such rows exist: they would enter the window out
   * of log order, so only a replay of the log gives the exact model.
   */
  addSongs(
    trackIds: Int32Array,
    matrix: Float32Array,
    tags: Float32Array | null = null,
  ): 'extended' | 'refitted' | null {
    const waiting = [...trackIds]
      .flatMap((id) => this.ledger.rowsOf(id))
      .sort((a, b) => a.eventId - b.eventId)
    if (waiting.length > 0 && (this.model.settings.forgettingWindow ?? 0) > 0) return null
    const change = this.model.addSongs(trackIds, matrix, this.ledger.rows(), tags)
    this.model.addRows(waiting)
    return change
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
    const scored = this.rank(options)
    const titleOf = options.titleOf ?? (() => UNTITLED)
    const rows = scored.length > 0 ? this.ledger.rows() : []
    return scored.map((song) => {
      const explanation = this.model.explain(song.trackId) as ScoreExplanation
      const why = this.reasonFor(
        explanation,
        rows,
        titleOf,
        song.meanAtRank > song.mean + (song.seed ?? 0),
      )
      return { ...song, why, reasons: [why.line] }
    })
  }

  /** A path of `steps` songs between two songs, by the auto-queue's eligibility rules. */
  path(options: {
    from: number
    to: number
    steps: number
    now: number
    replayWindowDays: number
    exclude?: readonly number[]
  }): number[] | null {
    return this.model.path(options.from, options.to, options.steps, [
      ...this.ineligible(options.now, options.replayWindowDays),
      ...(options.exclude ?? []),
    ])
  }

  /**
   * The best `n` eligible songs with their scores, and no reasons: wording a reason costs more
   * than ranking a song (its similarity to every marked one), so a caller that draws a few songs
   * from a short-list words only those (`word`).
   */
  rank(options: LearnerRecommendOptions): ScoredSong[] {
    return this.model.recommend({
      n: options.n,
      ineligibleTrackIds: this.ineligible(options.now, options.replayWindowDays),
      ...(options.exclude ? { excludeTrackIds: options.exclude } : {}),
      ...(options.radio ? { radio: options.radio } : {}),
    })
  }

  /**
   * The current scores and reasons of the given songs (never a wild card: whoever drew them knows
   * whether the bonus changed the draw); songs the model does not know are left out.
   */
  word(
    trackIds: readonly number[],
    titleOf: (trackId: number) => string = () => UNTITLED,
  ): WordedSong[] {
    const rows = trackIds.length > 0 ? this.ledger.rows() : []
    const out: WordedSong[] = []
    for (const trackId of trackIds) {
      const explanation = this.model.explain(trackId)
      if (!explanation) continue
      const { mean, bonus, ucb } = explanation
      out.push({
        trackId,
        mean,
        bonus,
        ucb,
        why: this.reasonFor(explanation, rows, titleOf, false),
      })
    }
    return out
  }

  /** Why the model scores a song as it does, with its reason in words (never a wild card). */
  explain(
    trackId: number,
    titleOf: (trackId: number) => string = () => UNTITLED,
  ): LearnerExplanation | null {
    const explanation = this.model.explain(trackId, this.ledger.rowsOf(trackId))
    if (!explanation) return null
    return { ...explanation, why: this.reasonFor(explanation, this.ledger.rows(), titleOf, false) }
  }

  /** The marked and played songs' shares of a song's mean (itself left out), with their feelings. */
  songShares(trackId: number, rows: readonly ModelRow[] = this.ledger.rows()): SongShare[] {
    const shares = this.model.songContributions(trackId, rows)
    if (!shares) return []
    const listened = new Map<number, number>()
    for (const row of rows) {
      if (row.kind === 'listen')
        listened.set(row.trackId, (listened.get(row.trackId) ?? 0) + row.weight * row.reward)
    }
    const out: SongShare[] = []
    for (const [id, contribution] of shares) {
      if (id === trackId) continue
      const label = this.labels.get(id)
      out.push({
        trackId: id,
        contribution,
        feeling: feelingOf(label?.mark ?? null, listened.get(id) ?? 0),
      })
    }
    return out
  }

  private reasonFor(
    explanation: ScoreExplanation,
    rows: readonly ModelRow[],
    titleOf: (trackId: number) => string,
    wildCard: boolean,
  ): PickReason {
    return composeReason({
      mean: explanation.mean,
      bonus: explanation.bonus,
      ucb: explanation.ucb,
      baseline: explanation.baseline,
      coldStart: explanation.coldStart,
      wildCard,
      space: this.model.space,
      features: explanation.features,
      songs: explanation.coldStart ? [] : this.songShares(explanation.trackId, rows),
      titleOf,
    })
  }

  /**
   * The songs `isEligible` refuses among those with a vector, found from the labels and the
   * plays (a few thousand at most) rather than by asking for every song of the library.
   */
  private ineligible(now: number, replayWindowDays: number): number[] {
    const ids: number[] = []
    for (const [trackId, label] of this.labels)
      if (excludesFromAutoQueue(label.mark, label.origin)) ids.push(trackId)
    const since = now - replayWindowDays * 86_400_000
    for (const [trackId, played] of this.lastPlayed) if (played > since) ids.push(trackId)
    return ids
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
    library: { trackIds: Int32Array; data: Float32Array; dim: number; tags?: Float32Array | null },
    rewards: RewardSettings = DEFAULT_REWARDS,
    trackDuration?: (trackId: number) => number | null,
  ): TasteLearner {
    if (json.format !== 'attune-taste-learner' || json.version !== 1) {
      throw new Error('This saved taste model has an unknown format; rebuild it from the history.')
    }
    const model = TasteModel.fromJSON(
      json.model,
      library.trackIds,
      library.data,
      library.dim,
      library.tags ?? null,
    )
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
