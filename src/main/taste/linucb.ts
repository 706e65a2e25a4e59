// Ridge regression + upper confidence bound as in Li et al. 2010 ("A contextual-bandit approach
// to personalized news article recommendation", algorithm 1), reduced to ONE shared θ: songs are
// not arms with models of their own, each song is a candidate described by its vector.
//
//   A = λI + Σ w·x·xᵀ,  b = Σ w·r·x,  θ = A⁻¹b,  score(x) = θ·x + α·sqrt(xᵀA⁻¹x)
//
// The model appends a constant 1 to every vector (an intercept), so its internal dimension is
// k + 1. A⁻¹ is kept by Sherman–Morrison rank-one updates, and every candidate's mean θ·xᵢ and
// variance xᵢᵀA⁻¹xᵢ are cached and refreshed in a single O(N·k) pass per reward. With u = A⁻¹x and
// f = w/(1 + w·xᵀu), the change moves θ along u alone (θ ← θ + f·(r − θ·x)·u, recursive least
// squares), so one dot product per row, xᵢ·u, updates both caches:
//   meanᵢ ← meanᵢ + f·(r − θ·x)·(xᵢ·u),  varianceᵢ ← varianceᵢ − f·(xᵢ·u)².
//
// The exact refresh that bounds the rounding drift of those updates (A rebuilt from the window,
// A⁻¹ by Cholesky, every cache from scratch: O(N·k²)) never runs on the reward path: once due, it
// is done in slices (`refreshStep()`, called by the taste worker when it is idle), IN PLACE. A
// slice recomputes a range of caches exactly from the A⁻¹ of that moment; the rank-one changes
// made afterwards reach those rows through the same O(N·k) pass as every other row. So no second
// buffer and no replay of changes are needed: at every moment each cache equals xᵢᵀA⁻¹xᵢ up to the
// rounding of the changes since its own slice. A is rebuilt into a second matrix in slices too,
// with every change made meanwhile applied to both (a row removed before the rebuild reached it
// is subtracted now and added when reached: it nets to zero), then A⁻¹ is swapped in one step.
//
// Prepared songs: the products xᵢ·u of the pass depend only on the rewarded song (u = A⁻¹x̃), not
// on the reward. The songs a listener acts on next are known (the playing song, the waiting
// picks), so their products with every candidate are computed in idle time (`setPrepared`,
// `prepareStep`); a change on a prepared song then updates the caches in O(N), not O(N·k). The
// products of the other prepared songs follow the change in O(N) each too: A⁻¹ − f·u·uᵀ gives
// xᵢ·A'⁻¹ỹ = xᵢ·A⁻¹ỹ − f·(u·ỹ)·(xᵢ·u). Any other change of A⁻¹ (a full pass, a refresh swap, new
// candidates) leaves them stale until idle time computes them again. With a full forgetting
// window the row the next reward forgets is prepared too: a reward on any song then needs one dot
// product per row (its own), not passTwo's two.

/** A vector in the model's input space (length k, without the intercept). */
export type Vector = ArrayLike<number>

export interface LinUcbOptions {
  /** Ridge strength λ > 0 (A starts at λI). Default 1. */
  lambda?: number
  /** Exploration weight α ≥ 0 on the bonus sqrt(xᵀA⁻¹x). Default 1. */
  alpha?: number
  /** Forgetting: keep only the last W reward rows (exactly). Undefined or 0 = keep all. */
  windowSize?: number
  /**
   * Recompute A⁻¹ and every cache exactly after this many rank-one changes, in slices between
   * rewards (see `refreshStep`). 0 = never. Default 500.
   */
  refreshEvery?: number
  /**
   * Candidate rows one refresh slice recomputes (O(k²) each). Default: N / (4(k+1)), so a slice
   * costs about an eighth of one reward's O(N·k) pass (a reward that arrives during one waits that
   * long at most); a window slice adds half as many rows to A.
   */
  refreshSliceRows?: number
}

/** How the exact refresh has gone so far (for tests and benchmarks). */
export interface RefreshStats {
  /** Refreshes completed. */
  cycles: number
  /** Slices run (each bounded, see `refreshSliceRows`). */
  slices: number
  /** The most candidate rows one slice recomputed. */
  maxSliceRows: number
  /** The most window rows one slice added to the rebuilt A. */
  maxSliceWindowRows: number
  /** Candidate rows recomputed in all. */
  rowsRefreshed: number
  /** Slices cut short because a request was waiting (see `refreshStep`'s `interrupted`). */
  interruptedSlices: number
}

/**
 * A slice asks whether a request waits every this many rows (candidate or window rows), or every
 * quarter of its rows when that is more: each idle turn makes some progress even when requests
 * come back to back, and a request waits a sliver of a slice at most.
 */
const INTERRUPT_CHECK_ROWS = 64

/** At most this many songs are prepared at the caller's asking (plus the window's oldest row). */
export const MAX_PREPARED = 4

/** A prepare slice asks whether a request waits every this many rows (O(k) each). */
const PREPARE_CHECK_ROWS = 1024

/**
 * A song prepared for a reward: x̃ᵢ·A⁻¹x̃ for every candidate i (what the pass would compute for
 * it), valid while the model's revision is `revision`.
 */
interface PreparedSong {
  /** The song's vector (k values, without the intercept). */
  x: Float64Array
  /** The products, one per candidate; valid while `revision` is the model's. */
  along: Float64Array
  /** The revision `along` holds for, −1 when stale. */
  revision: number
  /** A computation under way: the revision it began at (−1: none), A⁻¹x̃ then, the next row. */
  startedAt: number
  direction: Float64Array
  cursor: number
  /** The window row it prepares (the oldest, about to be forgotten), null for a caller's song. */
  row: WindowRow | null
}

export interface PreparedStats {
  /** Rank-one changes learned from prepared products (O(N) each). */
  fastChanges: number
  /** Rank-one changes learned with a full pass over the candidates (O(N·k)). */
  passChanges: number
  /** Prepared songs whose products are current. */
  ready: number
  /** Songs wanted prepared: the caller's, and the window's oldest row when the window is full. */
  wanted: number
}

/** A refresh under way: A rebuilt from the window rows, then the caches row range by row range. */
interface RefreshCycle {
  phase: 'matrix' | 'inverse' | 'rows'
  /** The window when the cycle began (rows added since are applied to `matrix` as they come). */
  windowRows: WindowRow[]
  windowCursor: number
  matrix: Float64Array
  rewardSum: Float64Array
  cursor: number
}

export interface ScoredCandidate {
  index: number
  mean: number
  bonus: number
  /** The score it was ranked by: mean + bonus (+ the seed term, see topK's `extra`). */
  ucb: number
}

export interface Prediction {
  mean: number
  variance: number
  bonus: number
  ucb: number
}

/** Selects eligible candidates: a predicate or a mask where a non-zero byte means eligible. */
export type Eligibility = ((index: number) => boolean) | Uint8Array

interface WindowRow {
  x: Float64Array
  reward: number
  weight: number
  /** The caller's id for the row (the taste model's event id), −1 when none was given. */
  tag: number
}

export interface LinUcbJson {
  format: 'attune-linucb'
  version: 1
  dimension: number
  lambda: number
  alpha: number
  windowSize: number
  refreshEvery: number
  /** A, A⁻¹: (k+1)×(k+1) row-major, intercept last. */
  matrix: number[]
  inverse: number[]
  b: number[]
  rowCount: number
  totalChanges: number
  changesSinceRefresh: number
  window: { x: number[]; reward: number; weight: number; tag?: number }[]
}

/**
 * topK turns a song away without its square root when α²·v < gap²·SURE_BELOW: far enough below
 * the smallest kept score (by a relative 1e-9) that no rounding of the squares can be wrong.
 */
const SURE_BELOW = 1 - 1e-9

/** 1 + w·xᵀA⁻¹x below this means A would stop being positive definite. */
const MIN_DENOMINATOR = 1e-12

export class LinUcb {
  /** Input dimension k (without the intercept). */
  readonly dimension: number
  readonly lambda: number
  readonly windowSize: number
  readonly refreshEvery: number
  private alphaValue: number

  /** Internal dimension k + 1; the intercept is the last coordinate. */
  private readonly size: number
  private readonly matrix: Float64Array
  private readonly inverse: Float64Array
  private readonly rewardSum: Float64Array
  private readonly thetaVector: Float64Array
  private window: WindowRow[] = []
  private rows = 0
  private totalChanges = 0
  private changesSinceRefresh = 0
  private readonly sliceRowsOption: number
  private cycle: RefreshCycle | null = null
  private readonly stats: RefreshStats = {
    cycles: 0,
    slices: 0,
    maxSliceRows: 0,
    maxSliceWindowRows: 0,
    rowsRefreshed: 0,
    interruptedSlices: 0,
  }

  /** The last topK: eligible songs seen, and those whose UCB it computed (see `lastPickStats`). */
  private lastPick = { eligible: 0, scored: 0 }

  /** The caller's prepared songs (setPrepared) and the window's oldest row (when full). */
  private prepared: PreparedSong[] = []
  private preparedOldest: PreparedSong | null = null
  private fastChanges = 0
  private passChanges = 0

  private candidates: Float32Array = new Float32Array(0)
  private candidateCount = 0
  private meanCache: Float64Array = new Float64Array(0)
  private varianceCache: Float64Array = new Float64Array(0)

  /** Moves whenever A⁻¹ or the window changes (see `revision`). */
  private revisionValue = 0
  /** θ's step along the last rank-one change's direction: f·(r − θ·x) (see rankOne). */
  private stepAlongDirection = 0
  // Scratch buffers reused by every update (no allocation in the hot path).
  private readonly extended: Float64Array
  private readonly firstDirection: Float64Array
  private readonly secondDirection: Float64Array

  constructor(dimension: number, options: LinUcbOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1) {
      throw new Error(`The taste model needs a whole positive dimension, got ${dimension}.`)
    }
    const lambda = options.lambda ?? 1
    const alpha = options.alpha ?? 1
    const windowSize = options.windowSize ?? 0
    const refreshEvery = options.refreshEvery ?? 500
    if (!(lambda > 0) || !Number.isFinite(lambda)) {
      throw new Error(`The ridge strength λ must be a positive number, got ${lambda}.`)
    }
    checkAlpha(alpha)
    if (!Number.isInteger(windowSize) || windowSize < 0) {
      throw new Error(`The forgetting window must be a whole number ≥ 0, got ${windowSize}.`)
    }
    if (!Number.isInteger(refreshEvery) || refreshEvery < 0) {
      throw new Error(`refreshEvery must be a whole number ≥ 0, got ${refreshEvery}.`)
    }
    const sliceRows = options.refreshSliceRows ?? 0
    if (!Number.isInteger(sliceRows) || sliceRows < 0) {
      throw new Error(`refreshSliceRows must be a whole number ≥ 0, got ${sliceRows}.`)
    }
    this.sliceRowsOption = sliceRows
    this.dimension = dimension
    this.lambda = lambda
    this.alphaValue = alpha
    this.windowSize = windowSize
    this.refreshEvery = refreshEvery
    const size = dimension + 1
    this.size = size
    this.matrix = new Float64Array(size * size)
    this.inverse = new Float64Array(size * size)
    for (let i = 0; i < size; i++) {
      this.matrix[i * size + i] = lambda
      this.inverse[i * size + i] = 1 / lambda
    }
    this.rewardSum = new Float64Array(size)
    this.thetaVector = new Float64Array(size)
    this.extended = new Float64Array(size)
    this.firstDirection = new Float64Array(size)
    this.secondDirection = new Float64Array(size)
  }

  get alpha(): number {
    return this.alphaValue
  }

  /** Exploration changes apply at scoring time (bonus = α·sqrt(variance)): nothing to recompute. */
  setAlpha(alpha: number): void {
    checkAlpha(alpha)
    this.alphaValue = alpha
  }

  /**
   * A number that changes whenever A⁻¹, θ or the window do: what a caller caching something
   * derived from them (the reasons' song similarities) compares.
   */
  get revision(): number {
    return this.revisionValue
  }

  /** Number of reward rows currently in the model (added − removed − forgotten). */
  get rowCount(): number {
    return this.rows
  }

  get candidateTotal(): number {
    return this.candidateCount
  }

  /**
   * The library's candidate matrix: n rows of k float32 values, row-major. The model keeps a
   * reference (no copy); if the caller changes it, call `refresh()`. Costs O(N·k²) once.
   */
  setCandidates(candidates: Float32Array, n: number): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`The candidate count must be a whole number ≥ 0, got ${n}.`)
    }
    if (candidates.length < n * this.dimension) {
      throw new Error(
        `The candidate matrix holds ${candidates.length} values, fewer than ${n} songs × ${this.dimension} dimensions.`,
      )
    }
    this.candidates = candidates
    this.candidateCount = n
    this.meanCache = new Float64Array(n)
    this.varianceCache = new Float64Array(n)
    this.computeCaches(0, n)
    this.stalePrepared()
  }

  /**
   * More songs: `candidates` holds the first `candidateTotal` rows unchanged, followed by the new
   * ones (it may be a new, larger buffer; the model keeps a reference). Only the new rows' means
   * and variances are computed, each directly from the current A⁻¹ and θ in O(k²): the existing
   * songs' caches are kept as they are, with no pass over them.
   */
  appendCandidates(candidates: Float32Array, n: number): void {
    const previous = this.candidateCount
    if (!Number.isInteger(n) || n < previous) {
      throw new Error(
        `The candidate count can only grow (from ${previous}), got ${n}; use setCandidates instead.`,
      )
    }
    if (candidates.length < n * this.dimension) {
      throw new Error(
        `The candidate matrix holds ${candidates.length} values, fewer than ${n} songs × ${this.dimension} dimensions.`,
      )
    }
    if (this.meanCache.length < n) {
      // Grow by half at least, so a library analysed batch by batch is not copied per batch.
      const capacity = Math.max(n, Math.ceil(this.meanCache.length * 1.5))
      const means = new Float64Array(capacity)
      const variances = new Float64Array(capacity)
      means.set(this.meanCache.subarray(0, previous))
      variances.set(this.varianceCache.subarray(0, previous))
      this.meanCache = means
      this.varianceCache = variances
    }
    this.candidates = candidates
    this.candidateCount = n
    this.computeCaches(previous, n)
    this.stalePrepared()
  }

  /**
   * Adds one reward row (x, r) with weight w > 0. `tag` (e.g. the event id) is remembered with
   * the row while it is in the forgetting window, see `windowTags()`.
   */
  update(x: Vector, reward: number, weight = 1, tag = -1): void {
    this.checkRow(x, reward, weight)
    if (this.windowSize > 0) {
      this.window.push({ x: Float64Array.from(x), reward, weight, tag })
      if (this.window.length > this.windowSize) {
        // Forgetting: the oldest row leaves exactly, by a downdate fused into the same pass.
        const oldest = this.window.shift() as WindowRow
        this.applyChanges(x, reward, weight, oldest.x, oldest.reward, -oldest.weight)
        return // one row in, one row out: the row count is unchanged
      }
    }
    this.applyChanges(x, reward, weight)
    this.rows += 1
  }

  /**
   * Removes a row added earlier (e.g. a mark replaced by a new mark). With a forgetting window,
   * the row is looked up among the remembered rows; if it has already been forgotten nothing
   * happens and this returns false.
   */
  downdate(x: Vector, reward: number, weight = 1): boolean {
    this.checkRow(x, reward, weight)
    if (this.windowSize > 0) {
      const position = this.findWindowRow(x, reward, weight)
      if (position < 0) return false
      // Leave the window first: an exact refresh inside applyChanges rebuilds A from it.
      const [removed] = this.window.splice(position, 1)
      try {
        this.applyChanges(x, reward, -weight)
      } catch (error) {
        this.window.splice(position, 0, removed as WindowRow)
        throw error
      }
      this.rows -= 1
      return true
    }
    this.applyChanges(x, reward, -weight)
    this.rows -= 1
    return true
  }

  mean(i: number): number {
    this.checkIndex(i)
    return this.meanCache[i] as number
  }

  variance(i: number): number {
    this.checkIndex(i)
    return Math.max(0, this.varianceCache[i] as number)
  }

  bonus(i: number): number {
    return this.alphaValue * Math.sqrt(this.variance(i))
  }

  ucb(i: number): number {
    return this.mean(i) + this.bonus(i)
  }

  /** Every candidate's upper confidence bound θ·xᵢ + α·sqrt(xᵢᵀA⁻¹xᵢ). */
  scoreAll(): Float64Array {
    const n = this.candidateCount
    const scores = new Float64Array(n)
    const alpha = this.alphaValue
    const means = this.meanCache
    const variances = this.varianceCache
    for (let i = 0; i < n; i++) {
      const v = variances[i] as number
      scores[i] = (means[i] as number) + alpha * Math.sqrt(v > 0 ? v : 0)
    }
    return scores
  }

  /**
   * The `count` eligible candidates with the highest UCB, best first (ties: lower index first).
   * One pass with a min-heap of size `count`: O(N log count), never a sort of all N. With
   * `bestMeans`, the same pass also keeps the `count` highest means among the eligible songs
   * (best first, into `bestMeans.values`): what a pick's place would hold without the bonus.
   * With `extra` (a radio's seed terms, see radio.ts), each candidate's score is its UCB plus
   * `extra.terms[i]`, `ucb` in the answer is that score, the best means are of mean + term, and
   * `extra.bestTaste.values` gets the `count` highest UCBs without the term: what a pick's place
   * would hold without the seed.
   */
  topK(
    count: number,
    eligible?: Eligibility,
    bestMeans?: { values: number[] },
    extra?: { terms: Float64Array; bestTaste: { values: number[] } },
  ): ScoredCandidate[] {
    const limit = Math.min(Math.max(0, Math.floor(count)), this.candidateCount)
    if (bestMeans) bestMeans.values = []
    if (extra) extra.bestTaste.values = []
    if (limit === 0) return []
    const heapIndex = new Int32Array(limit)
    const heapScore = new Float64Array(limit)
    let heapSize = 0
    const meanHeap = bestMeans ? new Float64Array(limit) : null
    let meanHeapSize = 0
    const terms = extra?.terms ?? null
    if (terms !== null && terms.length < this.candidateCount) {
      throw new Error(`The seed terms cover ${terms.length} songs, not all ${this.candidateCount}.`)
    }
    const tasteHeap = extra ? new Float64Array(limit) : null
    let tasteHeapSize = 0
    const alpha = this.alphaValue
    const means = this.meanCache
    const variances = this.varianceCache
    const n = this.candidateCount

    const offer = (i: number): void => {
      const v = variances[i] as number
      const term = terms === null ? 0 : (terms[i] as number)
      const mean = means[i] as number
      const taste = mean + alpha * Math.sqrt(v > 0 ? v : 0)
      const score = taste + term
      if (heapSize < limit) {
        siftUp(heapIndex, heapScore, heapSize, i, score)
        heapSize++
      } else if (score > (heapScore[0] as number)) {
        siftDown(heapIndex, heapScore, heapSize, i, score)
      }
      if (tasteHeap !== null) {
        if (tasteHeapSize < limit) {
          pushValue(tasteHeap, tasteHeapSize, taste)
          tasteHeapSize++
        } else if (taste > (tasteHeap[0] as number)) {
          replaceSmallest(tasteHeap, tasteHeapSize, taste)
        }
      }
      if (meanHeap === null) return
      if (meanHeapSize < limit) {
        pushValue(meanHeap, meanHeapSize, mean + term)
        meanHeapSize++
      } else if (mean + term > (meanHeap[0] as number)) {
        replaceSmallest(meanHeap, meanHeapSize, mean + term)
      }
    }

    if (terms === null && eligible instanceof Uint8Array && eligible.length >= n) {
      // The pick's usual case (a mask, no seed term), inlined: a song that can enter neither heap
      // is turned away by a comparison of squares, without its square root. A song is rejected
      // only when its UCB is surely below the smallest kept one (`sureMargin` absorbs the
      // squares' rounding), so the picks are exactly those of the general path below.
      const alphaSquared = alpha * alpha
      let seen = 0
      let scored = 0
      for (let i = 0; i < n; i++) {
        if (eligible[i] === 0) continue
        seen++
        const mean = means[i] as number
        const v = variances[i] as number
        if (heapSize === limit) {
          const gap = (heapScore[0] as number) - mean
          if (
            gap > 0 &&
            alphaSquared * (v > 0 ? v : 0) < gap * gap * SURE_BELOW &&
            (meanHeap === null || mean <= (meanHeap[0] as number))
          )
            continue
        }
        scored++
        const score = mean + alpha * Math.sqrt(v > 0 ? v : 0)
        if (heapSize < limit) {
          siftUp(heapIndex, heapScore, heapSize, i, score)
          heapSize++
        } else if (score > (heapScore[0] as number)) {
          siftDown(heapIndex, heapScore, heapSize, i, score)
        }
        if (meanHeap === null) continue
        if (meanHeapSize < limit) {
          pushValue(meanHeap, meanHeapSize, mean)
          meanHeapSize++
        } else if (mean > (meanHeap[0] as number)) {
          replaceSmallest(meanHeap, meanHeapSize, mean)
        }
      }
      this.lastPick = { eligible: seen, scored }
    } else if (eligible === undefined) {
      this.lastPick = { eligible: -1, scored: -1 }
      for (let i = 0; i < n; i++) offer(i)
    } else if (eligible instanceof Uint8Array) {
      this.lastPick = { eligible: -1, scored: -1 }
      if (eligible.length < n) {
        throw new Error(`The eligibility mask covers ${eligible.length} songs, not all ${n}.`)
      }
      for (let i = 0; i < n; i++) if (eligible[i] !== 0) offer(i)
    } else {
      this.lastPick = { eligible: -1, scored: -1 }
      for (let i = 0; i < n; i++) if (eligible(i)) offer(i)
    }

    const result: ScoredCandidate[] = []
    for (let h = 0; h < heapSize; h++) {
      const index = heapIndex[h] as number
      const mean = means[index] as number
      const v = variances[index] as number
      const bonus = alpha * Math.sqrt(v > 0 ? v : 0)
      const term = terms === null ? 0 : (terms[index] as number)
      result.push({ index, mean, bonus, ucb: mean + bonus + term })
    }
    result.sort((p, q) => q.ucb - p.ucb || p.index - q.index)
    if (bestMeans && meanHeap) {
      bestMeans.values = Array.from(meanHeap.subarray(0, meanHeapSize)).sort((p, q) => q - p)
    }
    if (extra && tasteHeap) {
      extra.bestTaste.values = Array.from(tasteHeap.subarray(0, tasteHeapSize)).sort(
        (p, q) => q - p,
      )
    }
    return result
  }

  /** Mean, variance, bonus and UCB of an arbitrary vector (not necessarily a candidate). */
  predict(x: Vector): Prediction {
    this.checkVector(x)
    const size = this.size
    const extended = this.extend(x)
    const inverse = this.inverse
    let variance = 0
    let mean = 0
    for (let a = 0; a < size; a++) {
      let row = 0
      for (let c = 0; c < size; c++)
        row += (inverse[a * size + c] as number) * (extended[c] as number)
      variance += row * (extended[a] as number)
      mean += (this.thetaVector[a] as number) * (extended[a] as number)
    }
    variance = Math.max(0, variance)
    const bonus = this.alphaValue * Math.sqrt(variance)
    return { mean, variance, bonus, ucb: mean + bonus }
  }

  /**
   * The tags of the rows in the forgetting window, oldest first (empty without a window): which
   * rows a model rebuilt in another basis must replay, in this order, to forget the same ones.
   */
  windowTags(): number[] {
    return this.window.map((row) => row.tag)
  }

  /** θ = A⁻¹b, length k + 1: the k input weights followed by the intercept. */
  theta(): Float64Array {
    return Float64Array.from(this.thetaVector)
  }

  /** A copy of A⁻¹, (k+1)×(k+1) row-major, intercept last. */
  inverseMatrix(): Float64Array {
    return Float64Array.from(this.inverse)
  }

  /**
   * Exact recomputation: A⁻¹ from A by Cholesky (A rebuilt from the remembered rows when a window
   * is on), θ, and every candidate's cache. Bounds the drift of the incremental updates.
   */
  refresh(): void {
    const size = this.size
    this.cycle = null
    if (this.windowSize > 0) {
      this.matrix.fill(0)
      for (let i = 0; i < size; i++) this.matrix[i * size + i] = this.lambda
      this.rewardSum.fill(0)
      for (const row of this.window) this.accumulate(this.extend(row.x), row.reward, row.weight)
    }
    choleskyInverse(this.matrix, size, this.inverse)
    this.recomputeTheta()
    this.computeCaches(0, this.candidateCount)
    this.changesSinceRefresh = 0
  }

  /** Whether an exact refresh is due or under way: `refreshStep()` has work to do. */
  get refreshPending(): boolean {
    return (
      this.cycle !== null ||
      (this.refreshEvery > 0 && this.changesSinceRefresh >= this.refreshEvery)
    )
  }

  /** Rank-one changes since the last completed exact refresh. */
  get changesSinceExactRefresh(): number {
    return this.changesSinceRefresh
  }

  /**
   * The last `topK` call: how many eligible songs it saw and how many of them it scored in full
   * (a square root each); the masked path turns most songs away by a comparison of squares. −1
   * for both after the general path (a predicate, no mask or a seed term), which does not count.
   * For tests of the pick's cost.
   */
  lastPickStats(): { eligible: number; scored: number } {
    return { ...this.lastPick }
  }

  refreshStats(): RefreshStats {
    return { ...this.stats }
  }

  /**
   * One bounded slice of the exact refresh, when one is due: a range of window rows added to the
   * rebuilt A, or A⁻¹ by Cholesky (O(k³), once), or a range of candidate caches recomputed
   * (`refreshSliceRows` of them, O(k²) each). Returns whether work remains. The taste worker calls
   * it whenever no request is waiting, with `interrupted` telling whether one arrived: the slice
   * asks every few dozen rows and stops there (the rest waits for the next slice), so a reward
   * arriving meanwhile waits a sliver of a slice, not a whole one.
   */
  refreshStep(interrupted?: () => boolean): boolean {
    if (!this.refreshPending) return false
    const cycle = (this.cycle ??= this.beginRefresh())
    const size = this.size
    this.stats.slices += 1
    if (cycle.phase === 'matrix') {
      const limit = Math.min(
        cycle.windowRows.length,
        cycle.windowCursor + Math.max(1, this.sliceRows() >> 1),
      )
      const every = Math.max(INTERRUPT_CHECK_ROWS, this.sliceRows() >> 3)
      let end = cycle.windowCursor
      while (end < limit) {
        const stop = Math.min(limit, end + every)
        for (let r = end; r < stop; r++) {
          const row = cycle.windowRows[r] as WindowRow
          accumulateInto(
            cycle.matrix,
            cycle.rewardSum,
            size,
            this.extend(row.x),
            row.reward,
            row.weight,
          )
        }
        end = stop
        if (end < limit && interrupted?.()) {
          this.stats.interruptedSlices += 1
          break
        }
      }
      this.stats.maxSliceWindowRows = Math.max(
        this.stats.maxSliceWindowRows,
        end - cycle.windowCursor,
      )
      cycle.windowCursor = end
      if (end === cycle.windowRows.length) {
        cycle.phase = 'inverse'
        cycle.windowRows = []
      }
      return true
    }
    if (cycle.phase === 'inverse') {
      if (this.windowSize > 0) {
        this.matrix.set(cycle.matrix)
        this.rewardSum.set(cycle.rewardSum)
      }
      choleskyInverse(this.matrix, size, this.inverse)
      this.recomputeTheta()
      cycle.phase = 'rows'
      return true
    }
    const from = Math.min(cycle.cursor, this.candidateCount)
    const limit = Math.min(this.candidateCount, from + this.sliceRows())
    const every = Math.max(INTERRUPT_CHECK_ROWS, this.sliceRows() >> 2)
    let to = from
    while (to < limit) {
      const stop = Math.min(limit, to + every)
      this.computeCaches(to, stop)
      to = stop
      if (to < limit && interrupted?.()) {
        this.stats.interruptedSlices += 1
        break
      }
    }
    this.stats.maxSliceRows = Math.max(this.stats.maxSliceRows, to - from)
    this.stats.rowsRefreshed += to - from
    cycle.cursor = to
    if (to < this.candidateCount) return true
    this.cycle = null
    this.changesSinceRefresh = 0
    this.stats.cycles += 1
    return false
  }

  /**
   * The songs whose rewards are likely next (the playing song, the waiting picks), by vector; the
   * first MAX_PREPARED are kept and replace the previous list (a song already prepared keeps its
   * products). Their products with every candidate are computed in idle time (`prepareStep`); with
   * a full forgetting window the oldest row, which the next reward forgets, is prepared too.
   */
  setPrepared(vectors: readonly Vector[]): void {
    const next: PreparedSong[] = []
    for (const x of vectors) {
      if (next.length === MAX_PREPARED) break
      this.checkVector(x)
      if (next.some((song) => sameVector(song.x, x))) continue
      next.push(
        this.prepared.find((song) => sameVector(song.x, x)) ?? newPreparedSong(x, this.size, null),
      )
    }
    this.prepared = next
  }

  /** Whether `prepareStep` has work to do (a wanted song's products are not current). */
  get preparePending(): boolean {
    if (this.candidateCount === 0) return false
    const oldest = this.oldestState()
    if (oldest.wanted && !oldest.ready) return true
    return this.prepared.some((song) => !this.isReady(song))
  }

  /**
   * One bounded slice of preparing: a quarter of the candidates' products for the first wanted
   * song that is not current (the window's oldest row first: every reward needs it once the
   * window is full). Asks `interrupted` every PREPARE_CHECK_ROWS rows and stops there when a
   * request waits. Does nothing while an exact refresh is due or under way (its swap of A⁻¹ would
   * make the products stale). Returns whether preparing work remains.
   */
  prepareStep(interrupted?: () => boolean): boolean {
    if (this.candidateCount === 0 || this.refreshPending) return false
    const oldest = this.oldestToPrepare()
    if (oldest === null) this.preparedOldest = null
    else if (this.preparedOldest?.row !== oldest) {
      // Reuse the buffers of the row just forgotten.
      const previous = this.preparedOldest
      this.preparedOldest =
        previous === null
          ? newPreparedSong(oldest.x, this.size, oldest)
          : Object.assign(previous, {
              x: oldest.x,
              row: oldest,
              revision: -1,
              startedAt: -1,
              cursor: 0,
            })
    }
    const song = this.allPrepared().find((candidate) => !this.isReady(candidate))
    if (song === undefined) return false
    const n = this.candidateCount
    if (song.startedAt !== this.revisionValue) {
      if (song.along.length < n) song.along = new Float64Array(n)
      this.directionOf(song.x, song.direction)
      song.startedAt = this.revisionValue
      song.cursor = 0
    }
    const limit = Math.min(n, song.cursor + Math.max(PREPARE_CHECK_ROWS, Math.ceil(n / 4)))
    while (song.cursor < limit) {
      const stop = Math.min(limit, song.cursor + PREPARE_CHECK_ROWS)
      this.alongRows(song.direction, song.along, song.cursor, stop)
      song.cursor = stop
      if (song.cursor < limit && interrupted?.()) break
    }
    if (song.cursor === n) {
      song.revision = song.startedAt
      song.startedAt = -1
    }
    return this.preparePending
  }

  preparedStats(): PreparedStats {
    const oldest = this.oldestState()
    return {
      fastChanges: this.fastChanges,
      passChanges: this.passChanges,
      ready: this.prepared.filter((song) => this.isReady(song)).length + (oldest.ready ? 1 : 0),
      wanted: this.prepared.length + (oldest.wanted ? 1 : 0),
    }
  }

  toJSON(): LinUcbJson {
    return {
      format: 'attune-linucb',
      version: 1,
      dimension: this.dimension,
      lambda: this.lambda,
      alpha: this.alphaValue,
      windowSize: this.windowSize,
      refreshEvery: this.refreshEvery,
      matrix: Array.from(this.matrix),
      inverse: Array.from(this.inverse),
      b: Array.from(this.rewardSum),
      rowCount: this.rows,
      totalChanges: this.totalChanges,
      changesSinceRefresh: this.changesSinceRefresh,
      window: this.window.map((row) => ({
        x: Array.from(row.x),
        reward: row.reward,
        weight: row.weight,
        tag: row.tag,
      })),
    }
  }

  /** Restores a model saved by `toJSON()`. The candidate matrix is not saved: set it again. */
  static fromJSON(json: LinUcbJson): LinUcb {
    if (json.format !== 'attune-linucb' || json.version !== 1) {
      throw new Error('This saved taste model has an unknown format; rebuild it from the history.')
    }
    const model = new LinUcb(json.dimension, {
      lambda: json.lambda,
      alpha: json.alpha,
      windowSize: json.windowSize,
      refreshEvery: json.refreshEvery,
    })
    const size = model.size
    if (
      json.matrix.length !== size * size ||
      json.inverse.length !== size * size ||
      json.b.length !== size
    ) {
      throw new Error('This saved taste model is damaged (wrong matrix sizes); rebuild it.')
    }
    model.matrix.set(json.matrix)
    model.inverse.set(json.inverse)
    model.rewardSum.set(json.b)
    model.rows = json.rowCount
    model.totalChanges = json.totalChanges
    model.changesSinceRefresh = json.changesSinceRefresh
    model.window = json.window.map((row) => ({
      x: Float64Array.from(row.x),
      reward: row.reward,
      weight: row.weight,
      tag: row.tag ?? -1,
    }))
    model.recomputeTheta()
    return model
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * One or two rank-one changes (signed weight: negative = downdate), then ONE pass over the
   * candidate matrix. Sherman–Morrison: with u = A⁻¹x and c = 1 + w·xᵀu,
   * A⁻¹ ← A⁻¹ − (w/c)·u·uᵀ and every variance sᵢ ← sᵢ − (w/c)·(xᵢ·u)².
   */
  private applyChanges(
    x: Vector,
    reward: number,
    signedWeight: number,
    secondX?: Vector,
    secondReward = 0,
    secondSignedWeight = 0,
  ): void {
    // Prepared products for every change (current at this revision): the pass is O(N).
    const firstPrepared = this.preparedFor(x)
    const secondPrepared = secondX === undefined ? null : this.preparedFor(secondX)
    const fast = firstPrepared !== null && (secondX === undefined || secondPrepared !== null)
    const live = fast ? this.readyPrepared() : []
    const firstFactor = this.rankOne(this.extend(x), reward, signedWeight, this.firstDirection)
    const firstStep = this.stepAlongDirection
    let secondFactor = 0
    let secondStep = 0
    if (secondX !== undefined) {
      secondFactor = this.rankOne(
        this.extend(secondX),
        secondReward,
        secondSignedWeight,
        this.secondDirection,
      )
      secondStep = this.stepAlongDirection
    }
    const changes = secondX === undefined ? 1 : 2
    this.totalChanges += changes
    this.changesSinceRefresh += changes
    if (fast) {
      this.learnPrepared(firstPrepared, firstFactor, firstStep, this.firstDirection, live)
      if (secondPrepared !== null) {
        this.learnPrepared(secondPrepared, secondFactor, secondStep, this.secondDirection, live)
      }
      for (const song of live) song.revision = this.revisionValue
      this.fastChanges += changes
    } else if (secondPrepared !== null) {
      // The new row with a pass, the forgotten (prepared) row from its products: one dot per row.
      this.passWithPrepared(firstFactor, firstStep, secondPrepared, secondFactor, secondStep)
      this.passChanges += 1
      this.fastChanges += 1
    } else {
      if (secondX === undefined) this.passOne(firstFactor, firstStep)
      else this.passTwo(firstFactor, firstStep, secondFactor, secondStep)
      this.passChanges += changes
    }
    if (
      this.refreshEvery > 0 &&
      this.changesSinceRefresh >= this.refreshEvery &&
      this.candidateCount === 0
    ) {
      // No candidates (a replay before the first query): the refresh is O(W·k² + k³), no pass.
      this.refresh()
    }
    // With candidates, never here: the refresh waits for idle time (`refreshStep`), however
    // overdue. Without it the drift stays far below what a pick could notice: measured with a
    // full window of 1,000 and no refresh at all, after 80,000 changes at k = 32 the caches were
    // within 3e-12 (means) and 1.2e-11 (variances, relative) of a from-scratch computation, after
    // 24,000 at k = 128 within 2e-10 and 3.5e-10 (bench/linucb-drift.ts; linucb.test.ts holds
    // the caches within 1e-9 after 6,000 changes without a slice, 'without idle time').
    // Earlier one slice ran on a reward once the refresh was twice overdue: a quarter of the
    // rewards in a back-to-back run at 100k × 128 paid an eighth of a pass for it.
  }

  /**
   * Applies one Sherman–Morrison step to A⁻¹ (and A, b, θ); leaves u in `direction` and θ's step
   * along it, f·(r − θ·x), in `stepAlongDirection`; returns f = w/c.
   */
  private rankOne(
    extended: Float64Array,
    reward: number,
    signedWeight: number,
    direction: Float64Array,
  ): number {
    const size = this.size
    const inverse = this.inverse
    this.directionInto(extended, direction)
    let quadratic = 0
    let predicted = 0
    for (let a = 0; a < size; a++) {
      quadratic += (direction[a] as number) * (extended[a] as number)
      predicted += (this.thetaVector[a] as number) * (extended[a] as number)
    }
    const denominator = 1 + signedWeight * quadratic
    if (!(denominator > MIN_DENOMINATOR)) {
      throw new Error(
        `Removing this row would leave the taste model without a valid inverse (1 + w·xᵀA⁻¹x = ${denominator}); ` +
          'it was probably never added, or was removed already.',
      )
    }
    const factor = signedWeight / denominator
    for (let a = 0; a < size; a++) {
      const scaled = factor * (direction[a] as number)
      const rowStart = a * size
      for (let c = 0; c < size; c++) {
        inverse[rowStart + c] =
          (inverse[rowStart + c] as number) - scaled * (direction[c] as number)
      }
    }
    this.accumulate(extended, reward, signedWeight)
    // θ = A⁻¹b moves along u only: θ ← θ + f·(r − θ·x)·u. Taken afresh from A⁻¹b (no drift in θ);
    // the caches' means follow with the same step (see passOne).
    this.stepAlongDirection = factor * (reward - predicted)
    this.recomputeTheta()
    const cycle = this.cycle
    // Until the rebuilt A is swapped in, every change reaches it too.
    if (cycle !== null && cycle.phase !== 'rows' && cycle.matrix.length > 0) {
      accumulateInto(cycle.matrix, cycle.rewardSum, size, extended, reward, signedWeight)
    }
    return factor
  }

  /** A refresh begins: with a window, A and b are rebuilt from its rows (in slices) first. */
  private beginRefresh(): RefreshCycle {
    const size = this.size
    const windowed = this.windowSize > 0
    const matrix = new Float64Array(windowed ? size * size : 0)
    for (let i = 0; windowed && i < size; i++) matrix[i * size + i] = this.lambda
    return {
      phase: windowed ? 'matrix' : 'inverse',
      windowRows: windowed ? [...this.window] : [],
      windowCursor: 0,
      matrix,
      rewardSum: new Float64Array(windowed ? size : 0),
      cursor: 0,
    }
  }

  private sliceRows(): number {
    if (this.sliceRowsOption > 0) return this.sliceRowsOption
    return Math.max(16, Math.ceil(this.candidateCount / (4 * this.size)))
  }

  /** A += w·x·xᵀ and b += w·r·x (x extended with the intercept). */
  private accumulate(extended: Float64Array, reward: number, signedWeight: number): void {
    accumulateInto(this.matrix, this.rewardSum, this.size, extended, reward, signedWeight)
  }

  private recomputeTheta(): void {
    this.revisionValue += 1
    const size = this.size
    for (let a = 0; a < size; a++) {
      let sum = 0
      const rowStart = a * size
      for (let c = 0; c < size; c++)
        sum += (this.inverse[rowStart + c] as number) * (this.rewardSum[c] as number)
      this.thetaVector[a] = sum
    }
  }

  /**
   * A change learned from a prepared song's products `song.along` (= xᵢ·u for the change's u, which
   * `direction` holds): the caches as the pass would update them, then every ready prepared song's
   * products moved to the new A⁻¹ = A⁻¹ − f·u·uᵀ: alongᵢ −= f·(u·ỹ)·(xᵢ·u). O(N) per song.
   */
  private learnPrepared(
    song: PreparedSong,
    factor: number,
    step: number,
    direction: Float64Array,
    live: readonly PreparedSong[],
  ): void {
    const n = this.candidateCount
    const products = song.along
    const means = this.meanCache
    const variances = this.varianceCache
    for (let i = 0; i < n; i++) {
      const along = products[i] as number
      variances[i] = (variances[i] as number) - factor * along * along
      means[i] = (means[i] as number) + step * along
    }
    // The song's own products last: the others' updates read them as they were.
    for (const other of [...live.filter((s) => s !== song), song]) {
      const coefficient = factor * this.directionDot(direction, other.x)
      const target = other.along
      for (let i = 0; i < n; i++) {
        target[i] = (target[i] as number) - coefficient * (products[i] as number)
      }
    }
  }

  /**
   * Two changes when only the second (the row the window forgets) is prepared: passOne's xᵢ·u for
   * the first, and the second's products from the prepared ones, moved by the first change:
   * xᵢ·A'⁻¹ỹ = qᵢ − f₁·(u·ỹ)·(xᵢ·u). One dot product per row instead of passTwo's two.
   */
  private passWithPrepared(
    firstFactor: number,
    firstStep: number,
    second: PreparedSong,
    secondFactor: number,
    secondStep: number,
  ): void {
    const k = this.dimension
    const n = this.candidateCount
    const X = this.candidates
    const u = this.firstDirection
    const products = second.along
    const moved = firstFactor * this.directionDot(u, second.x)
    const means = this.meanCache
    const variances = this.varianceCache
    const uIntercept = u[k] as number
    const quadEnd = k & ~3
    for (let i = 0, rowStart = 0; i < n; i++, rowStart += k) {
      const aU = rowAlong(X, rowStart, k, quadEnd, u, uIntercept)
      const aV = (products[i] as number) - moved * aU
      variances[i] = (variances[i] as number) - firstFactor * aU * aU - secondFactor * aV * aV
      means[i] = (means[i] as number) + firstStep * aU + secondStep * aV
    }
  }

  /** u·ỹ: a direction (k + 1 values) with a song's vector extended by the intercept. */
  private directionDot(direction: Float64Array, x: Float64Array): number {
    const k = this.dimension
    let sum = direction[k] as number
    for (let j = 0; j < k; j++) sum += (direction[j] as number) * (x[j] as number)
    return sum
  }

  /** A⁻¹x̃ into `out`, as rankOne computes u (so a prepared song's products match the pass's). */
  private directionOf(x: Float64Array, out: Float64Array): void {
    this.directionInto(this.extend(x), out)
  }

  /** A⁻¹ỹ into `out` for an extended vector ỹ (k + 1 values, the intercept last). */
  private directionInto(extended: Float64Array, out: Float64Array): void {
    const size = this.size
    const inverse = this.inverse
    for (let a = 0; a < size; a++) {
      let sum = 0
      const rowStart = a * size
      for (let c = 0; c < size; c++)
        sum += (inverse[rowStart + c] as number) * (extended[c] as number)
      out[a] = sum
    }
  }

  /** xᵢ·u for the candidates [from, to) into `out`, as passOne computes it (same rounding). */
  private alongRows(u: Float64Array, out: Float64Array, from: number, to: number): void {
    const k = this.dimension
    const X = this.candidates
    const uIntercept = u[k] as number
    const quadEnd = k & ~3
    for (let i = from, rowStart = from * k; i < to; i++, rowStart += k) {
      out[i] = rowAlong(X, rowStart, k, quadEnd, u, uIntercept)
    }
  }

  /** The window row the next reward forgets (the window is full), else null. */
  private oldestToPrepare(): WindowRow | null {
    return this.windowSize > 0 && this.window.length >= this.windowSize
      ? (this.window[0] as WindowRow)
      : null
  }

  /** Whether the window's oldest row is wanted prepared, and whether its products are current. */
  private oldestState(): { wanted: boolean; ready: boolean } {
    const oldest = this.oldestToPrepare()
    const current = this.preparedOldest
    return {
      wanted: oldest !== null,
      ready: oldest !== null && current?.row === oldest && this.isReady(current),
    }
  }

  /** The window's oldest row (when prepared) first, then the caller's songs. */
  private allPrepared(): PreparedSong[] {
    return this.preparedOldest === null ? this.prepared : [this.preparedOldest, ...this.prepared]
  }

  private isReady(song: PreparedSong): boolean {
    return song.revision === this.revisionValue && song.along.length >= this.candidateCount
  }

  /** The prepared songs whose products are current. */
  private readyPrepared(): PreparedSong[] {
    return this.allPrepared().filter((song) => this.isReady(song))
  }

  /** A current prepared song with this vector, else null. */
  private preparedFor(x: Vector): PreparedSong | null {
    if (this.candidateCount === 0) return null
    return this.readyPrepared().find((song) => sameVector(song.x, x)) ?? null
  }

  /** Every prepared song's products stale (the candidates changed). */
  private stalePrepared(): void {
    for (const song of this.allPrepared()) {
      song.revision = -1
      song.startedAt = -1
    }
  }

  /**
   * The hot pass: each row of X is read once for ONE dot product, xᵢ·u, which updates both the
   * variance (− f·(xᵢ·u)²) and the mean (+ step·(xᵢ·u)): θ moved along u alone. Plain typed-array
   * loops on purpose: ml-matrix here measured 4–19× slower (MEASUREMENTS.md).
   */
  private passOne(factor: number, step: number): void {
    const k = this.dimension
    const n = this.candidateCount
    const X = this.candidates
    const u = this.firstDirection
    const means = this.meanCache
    const variances = this.varianceCache
    const uIntercept = u[k] as number
    const quadEnd = k & ~3
    for (let i = 0, rowStart = 0; i < n; i++, rowStart += k) {
      const along = rowAlong(X, rowStart, k, quadEnd, u, uIntercept)
      variances[i] = (variances[i] as number) - factor * along * along
      means[i] = (means[i] as number) + step * along
    }
  }

  /** As `passOne`, for two consecutive rank-one changes (a new row and a forgotten one). */
  private passTwo(
    firstFactor: number,
    firstStep: number,
    secondFactor: number,
    secondStep: number,
  ): void {
    const k = this.dimension
    const n = this.candidateCount
    const X = this.candidates
    const u = this.firstDirection
    const v = this.secondDirection
    const means = this.meanCache
    const variances = this.varianceCache
    const uIntercept = u[k] as number
    const vIntercept = v[k] as number
    const pairedEnd = k & ~1
    const rowPairs = n & ~1
    let i = 0
    let rowStart = 0
    // Two rows at a time, two columns per step: each u, v value read serves both rows, and eight
    // separate accumulators keep the dependency chains short.
    for (; i < rowPairs; i += 2, rowStart += 2 * k) {
      const next = rowStart + k
      let aU0 = 0
      let aU1 = 0
      let aV0 = 0
      let aV1 = 0
      let bU0 = 0
      let bU1 = 0
      let bV0 = 0
      let bV1 = 0
      let j = 0
      for (; j < pairedEnd; j += 2) {
        const u0 = u[j] as number
        const u1 = u[j + 1] as number
        const v0 = v[j] as number
        const v1 = v[j + 1] as number
        const a0 = X[rowStart + j] as number
        const a1 = X[rowStart + j + 1] as number
        const b0 = X[next + j] as number
        const b1 = X[next + j + 1] as number
        aU0 += a0 * u0
        aU1 += a1 * u1
        aV0 += a0 * v0
        aV1 += a1 * v1
        bU0 += b0 * u0
        bU1 += b1 * u1
        bV0 += b0 * v0
        bV1 += b1 * v1
      }
      if (j < k) {
        const uj = u[j] as number
        const vj = v[j] as number
        const a = X[rowStart + j] as number
        const b = X[next + j] as number
        aU0 += a * uj
        aV0 += a * vj
        bU0 += b * uj
        bV0 += b * vj
      }
      const aU = uIntercept + aU0 + aU1
      const aV = vIntercept + aV0 + aV1
      const bU = uIntercept + bU0 + bU1
      const bV = vIntercept + bV0 + bV1
      variances[i] = (variances[i] as number) - firstFactor * aU * aU - secondFactor * aV * aV
      means[i] = (means[i] as number) + firstStep * aU + secondStep * aV
      variances[i + 1] =
        (variances[i + 1] as number) - firstFactor * bU * bU - secondFactor * bV * bV
      means[i + 1] = (means[i + 1] as number) + firstStep * bU + secondStep * bV
    }
    for (; i < n; i++, rowStart += k) {
      let alongU = uIntercept
      let alongV = vIntercept
      for (let j = 0; j < k; j++) {
        const value = X[rowStart + j] as number
        alongU += value * (u[j] as number)
        alongV += value * (v[j] as number)
      }
      variances[i] =
        (variances[i] as number) - firstFactor * alongU * alongU - secondFactor * alongV * alongV
      means[i] = (means[i] as number) + firstStep * alongU + secondStep * alongV
    }
  }

  /**
   * Candidates [from, to) from scratch, O(k²) each: varianceᵢ = xᵢᵀA⁻¹xᵢ using A⁻¹'s symmetry,
   * meanᵢ = θ·xᵢ.
   */
  private computeCaches(from: number, to: number): void {
    const k = this.dimension
    const size = this.size
    const X = this.candidates
    const inverse = this.inverse
    const theta = this.thetaVector
    const extended = this.extended
    extended[k] = 1
    for (let i = from, rowStart = from * k; i < to; i++, rowStart += k) {
      for (let j = 0; j < k; j++) extended[j] = X[rowStart + j] as number
      let variance = 0
      let mean = 0
      for (let a = 0; a < size; a++) {
        const xa = extended[a] as number
        const rowOffset = a * size
        let offDiagonal = 0
        for (let c = a + 1; c < size; c++)
          offDiagonal += (inverse[rowOffset + c] as number) * (extended[c] as number)
        variance += xa * ((inverse[rowOffset + a] as number) * xa + 2 * offDiagonal)
        mean += (theta[a] as number) * xa
      }
      this.varianceCache[i] = variance
      this.meanCache[i] = mean
    }
  }

  private extend(x: Vector): Float64Array {
    const k = this.dimension
    const extended = this.extended
    for (let j = 0; j < k; j++) extended[j] = x[j] as number
    extended[k] = 1
    return extended
  }

  private findWindowRow(x: Vector, reward: number, weight: number): number {
    for (let r = this.window.length - 1; r >= 0; r--) {
      const row = this.window[r] as WindowRow
      if (row.reward !== reward || row.weight !== weight) continue
      let same = true
      for (let j = 0; j < this.dimension && same; j++) same = row.x[j] === x[j]
      if (same) return r
    }
    return -1
  }

  private checkVector(x: Vector): void {
    if (x.length !== this.dimension) {
      throw new Error(`Expected a vector of ${this.dimension} values, got ${x.length}.`)
    }
    for (let j = 0; j < x.length; j++) {
      if (!Number.isFinite(x[j])) {
        throw new Error(`Value ${j} of the vector is not a finite number (${x[j]}).`)
      }
    }
  }

  private checkRow(x: Vector, reward: number, weight: number): void {
    this.checkVector(x)
    if (!Number.isFinite(reward))
      throw new Error(`The reward must be a finite number, got ${reward}.`)
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new Error(`The weight of a reward must be a positive number, got ${weight}.`)
    }
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.candidateCount) {
      throw new Error(`No candidate ${i}: the model knows ${this.candidateCount} songs.`)
    }
  }
}

/**
 * x̃ᵢ·u of the row at `rowStart` (k float32 values; u has k + 1, the intercept last): unrolled by
 * four with separate accumulators, for shorter dependency chains. The one kernel of passOne, the
 * prepared songs' products and passWithPrepared, so all three round alike.
 */
function rowAlong(
  X: Float32Array,
  rowStart: number,
  k: number,
  quadEnd: number,
  u: Float64Array,
  uIntercept: number,
): number {
  let along0 = 0
  let along1 = 0
  let along2 = 0
  let along3 = 0
  let j = 0
  for (; j < quadEnd; j += 4) {
    along0 += (X[rowStart + j] as number) * (u[j] as number)
    along1 += (X[rowStart + j + 1] as number) * (u[j + 1] as number)
    along2 += (X[rowStart + j + 2] as number) * (u[j + 2] as number)
    along3 += (X[rowStart + j + 3] as number) * (u[j + 3] as number)
  }
  for (; j < k; j++) along0 += (X[rowStart + j] as number) * (u[j] as number)
  return uIntercept + (along0 + along1) + (along2 + along3)
}

function newPreparedSong(x: Vector, size: number, row: WindowRow | null): PreparedSong {
  return {
    x: Float64Array.from(x),
    along: new Float64Array(0),
    revision: -1,
    startedAt: -1,
    direction: new Float64Array(size),
    cursor: 0,
    row,
  }
}

function sameVector(a: Float64Array, b: Vector): boolean {
  if (a.length !== b.length) return false
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false
  return true
}

/** matrix += w·x·xᵀ and rewardSum += w·r·x (x extended with the intercept, size × size). */
function accumulateInto(
  matrix: Float64Array,
  rewardSum: Float64Array,
  size: number,
  extended: Float64Array,
  reward: number,
  signedWeight: number,
): void {
  for (let a = 0; a < size; a++) {
    const scaled = signedWeight * (extended[a] as number)
    const rowStart = a * size
    for (let c = 0; c < size; c++) {
      matrix[rowStart + c] = (matrix[rowStart + c] as number) + scaled * (extended[c] as number)
    }
    rewardSum[a] = (rewardSum[a] as number) + scaled * reward
  }
}

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0) || !Number.isFinite(alpha)) {
    throw new Error(`The exploration weight α must be a number ≥ 0, got ${alpha}.`)
  }
}

/** Min-heap on score (ties: the higher index is "smaller", so lower indices survive). */
function lessThan(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && indexA > indexB)
}

function siftUp(
  heapIndex: Int32Array,
  heapScore: Float64Array,
  size: number,
  index: number,
  score: number,
): void {
  let position = size
  while (position > 0) {
    const parent = (position - 1) >> 1
    const parentScore = heapScore[parent] as number
    const parentIndex = heapIndex[parent] as number
    if (!lessThan(score, index, parentScore, parentIndex)) break
    heapScore[position] = parentScore
    heapIndex[position] = parentIndex
    position = parent
  }
  heapScore[position] = score
  heapIndex[position] = index
}

/** Replaces the root (the current minimum) with (index, score) and restores the heap. */
function siftDown(
  heapIndex: Int32Array,
  heapScore: Float64Array,
  size: number,
  index: number,
  score: number,
): void {
  let position = 0
  for (;;) {
    const left = 2 * position + 1
    if (left >= size) break
    const right = left + 1
    let child = left
    if (
      right < size &&
      lessThan(
        heapScore[right] as number,
        heapIndex[right] as number,
        heapScore[left] as number,
        heapIndex[left] as number,
      )
    ) {
      child = right
    }
    const childScore = heapScore[child] as number
    const childIndex = heapIndex[child] as number
    if (!lessThan(childScore, childIndex, score, index)) break
    heapScore[position] = childScore
    heapIndex[position] = childIndex
    position = child
  }
  heapScore[position] = score
  heapIndex[position] = index
}

/** Adds `value` to a min-heap of plain numbers holding `size` values. */
function pushValue(heap: Float64Array, size: number, value: number): void {
  let position = size
  while (position > 0) {
    const parent = (position - 1) >> 1
    const parentValue = heap[parent] as number
    if (!(value < parentValue)) break
    heap[position] = parentValue
    position = parent
  }
  heap[position] = value
}

/** Replaces the smallest value of a min-heap of plain numbers and restores the heap. */
function replaceSmallest(heap: Float64Array, size: number, value: number): void {
  let position = 0
  for (;;) {
    const left = 2 * position + 1
    if (left >= size) break
    const right = left + 1
    const child = right < size && (heap[right] as number) < (heap[left] as number) ? right : left
    const childValue = heap[child] as number
    if (!(childValue < value)) break
    heap[position] = childValue
    position = child
  }
  heap[position] = value
}

/**
 * The lower-triangular L with L·Lᵀ = M of a symmetric positive definite M (size×size, row-major),
 * or null when M is not positive definite.
 */
export function choleskyLower(matrix: ArrayLike<number>, size: number): Float64Array | null {
  const lower = new Float64Array(size * size)
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * size + j] as number
      for (let p = 0; p < j; p++)
        sum -= (lower[i * size + p] as number) * (lower[j * size + p] as number)
      if (i === j) {
        if (!(sum > 0)) return null
        lower[i * size + i] = Math.sqrt(sum)
      } else {
        lower[i * size + j] = sum / (lower[j * size + j] as number)
      }
    }
  }
  return lower
}

/** A⁻¹ of a symmetric positive definite A (size×size, row-major) via A = L·Lᵀ. */
export function choleskyInverse(matrix: Float64Array, size: number, out: Float64Array): void {
  const lower = choleskyLower(matrix, size)
  if (!lower) {
    throw new Error('The taste model matrix is no longer positive definite; rebuild the model.')
  }
  // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀ·L⁻¹.
  const lowerInverse = new Float64Array(size * size)
  for (let column = 0; column < size; column++) {
    for (let i = column; i < size; i++) {
      let sum = i === column ? 1 : 0
      for (let p = column; p < i; p++) {
        sum -= (lower[i * size + p] as number) * (lowerInverse[p * size + column] as number)
      }
      lowerInverse[i * size + column] = sum / (lower[i * size + i] as number)
    }
  }
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0
      for (let p = i; p < size; p++) {
        sum += (lowerInverse[p * size + i] as number) * (lowerInverse[p * size + j] as number)
      }
      out[i * size + j] = sum
      out[j * size + i] = sum
    }
  }
}
