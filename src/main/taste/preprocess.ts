// Preprocessing of audio embeddings for the taste model (DESIGN.md, "Taste model"), in this order:
//   1. per-dimension standardisation z = (x − μ) / σ  (σ floored so constant dimensions stay at 0;
//      with `standardise: false` only centred, σ = 1, for vectors the caller already standardised),
//   2. PCA to k = min(setting, N − 1, D) dimensions,
//   3. L2 normalisation of each projected vector (every song ends on the unit sphere, so no song
//      gets a head start from its vector's length).
// The fit keeps running sums Σx and Σxxᵀ in float64, so a re-fit after the library grows costs
// only one D×D symmetric eigendecomposition.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { PCA } from 'ml-pca'

export type FitMethod = 'auto' | 'svd' | 'covariance'

export interface PreprocessorOptions {
  /** Smallest standard deviation used to divide by (absolute); default 1e-9. */
  stdFloor?: number
  /**
   * Up to this many vectors the raw rows are also kept, so ml-pca's SVD (more accurate on small,
   * ill-conditioned data) can serve the fit. Beyond it only the running sums are kept. Default 2000.
   */
  svdMaxRows?: number
  /**
   * false: the vectors come standardised already (album-sound.ts), so only the mean is taken away
   * (σ = 1): dividing again would undo their weighting. Default true.
   */
  standardise?: boolean
}

export interface FitSummary {
  /** The output dimension actually used: min(requested, N − 1, D). */
  k: number
  method: 'svd' | 'covariance'
  /** Share of the standardised data's variance the k components explain (0..1). */
  explained: number
}

export interface PreprocessorJson {
  format: 'attune-preprocessor'
  version: 1
  inputDimension: number
  stdFloor: number
  svdMaxRows: number
  /** Absent in older saves: true. */
  standardise?: boolean
  count: number
  shift: number[]
  shiftedSum: number[]
  /** Σ(x − shift)(x − shift)ᵀ, D×D row-major (upper triangle meaningful). */
  shiftedOuter: number[]
  fitted: {
    k: number
    method: 'svd' | 'covariance'
    means: number[]
    stds: number[]
    /** k×D row-major, in standardised input space. */
    components: number[]
    eigenvalues: number[]
    totalVariance: number
    /** Vectors the fit was made on (absent in older saves: then `count`). */
    fittedCount?: number
  } | null
}

interface FittedTransform {
  k: number
  method: 'svd' | 'covariance'
  means: Float64Array
  stds: Float64Array
  components: Float64Array
  eigenvalues: Float64Array
  totalVariance: number
  /** How many vectors the running sums held at the fit (later additions extend, not re-fit). */
  fittedCount: number
}

/** Rows accumulated together into Σxxᵀ (a dot product per pair instead of a store per product). */
const ACCUMULATION_BLOCK = 64

export class Preprocessor {
  readonly inputDimension: number
  readonly stdFloor: number
  readonly svdMaxRows: number
  readonly standardise: boolean

  private vectorCount = 0
  // Accumulating around a shift (the first vector seen) rather than 0 avoids the cancellation of
  // Σxxᵀ/n − μμᵀ when features have large means (tempo ≈ 120, centroid ≈ 2,000 Hz).
  private shift: Float64Array | null = null
  private readonly shiftedSum: Float64Array
  private readonly shiftedOuter: Float64Array
  private retainedRows: number[][] | null = []
  private fitted: FittedTransform | null = null

  // Block buffer, transposed: blockBuffer[a * BLOCK + r] = (x_r − shift)_a.
  private readonly blockBuffer: Float64Array
  private blockFill = 0

  constructor(inputDimension: number, options: PreprocessorOptions = {}) {
    if (!Number.isInteger(inputDimension) || inputDimension < 1) {
      throw new Error(`Embeddings need a whole positive dimension, got ${inputDimension}.`)
    }
    this.inputDimension = inputDimension
    this.stdFloor = options.stdFloor ?? 1e-9
    this.svdMaxRows = options.svdMaxRows ?? 2000
    this.standardise = options.standardise ?? true
    if (!(this.stdFloor > 0)) throw new Error('stdFloor must be a positive number.')
    this.shiftedSum = new Float64Array(inputDimension)
    this.shiftedOuter = new Float64Array(inputDimension * inputDimension)
    this.blockBuffer = new Float64Array(inputDimension * ACCUMULATION_BLOCK)
  }

  /** Number of vectors added so far. */
  get count(): number {
    return this.vectorCount
  }

  get isFitted(): boolean {
    return this.fitted !== null
  }

  /** Vectors the current fit was made on (0 before any fit); `count` may have grown since. */
  get fittedCount(): number {
    return this.fitted?.fittedCount ?? 0
  }

  /** k after `fit`, 0 before. */
  get outputDimension(): number {
    return this.fitted?.k ?? 0
  }

  addVector(vector: ArrayLike<number>): void {
    if (vector.length !== this.inputDimension) {
      throw new Error(
        `Expected an embedding of ${this.inputDimension} values, got ${vector.length}.`,
      )
    }
    this.addVectors(vector, 1)
  }

  /** Adds n vectors given row-major (n × D) to the running sums. */
  addVectors(matrix: ArrayLike<number>, n: number): void {
    const d = this.inputDimension
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`The vector count must be a whole number ≥ 0, got ${n}.`)
    if (matrix.length < n * d) {
      throw new Error(
        `The matrix holds ${matrix.length} values, fewer than ${n} vectors × ${d} dimensions.`,
      )
    }
    // Validate everything first, so a bad vector leaves the sums untouched.
    for (let i = 0; i < n * d; i++) {
      const value = matrix[i] as number
      if (!Number.isFinite(value)) {
        throw new Error(
          `Embedding ${Math.floor(i / d)} of this batch has a value that is not a finite number ` +
            `at dimension ${i % d} (${value}); the analysis of that song must be redone.`,
        )
      }
    }
    if (n === 0) return
    if (this.shift === null)
      this.shift = Float64Array.from({ length: d }, (_, a) => matrix[a] as number)
    const shift = this.shift
    const block = this.blockBuffer
    for (let r = 0; r < n; r++) {
      const rowStart = r * d
      const column = this.blockFill
      for (let a = 0; a < d; a++) {
        const diff = (matrix[rowStart + a] as number) - (shift[a] as number)
        block[a * ACCUMULATION_BLOCK + column] = diff
        this.shiftedSum[a] = (this.shiftedSum[a] as number) + diff
      }
      this.blockFill++
      if (this.blockFill === ACCUMULATION_BLOCK) this.flushBlock()
    }
    this.vectorCount += n
    if (this.retainedRows !== null) {
      if (this.vectorCount <= this.svdMaxRows) {
        for (let r = 0; r < n; r++) {
          this.retainedRows.push(Array.from({ length: d }, (_, a) => matrix[r * d + a] as number))
        }
      } else {
        this.retainedRows = null // too many for the SVD path; the running sums serve from now on
      }
    }
  }

  /**
   * Fits standardisation + PCA on everything added so far. k = min(requested, N − 1, D).
   * `auto` uses ml-pca's SVD while the raw rows are kept (N ≤ svdMaxRows), the covariance
   * eigendecomposition otherwise.
   */
  fit(requestedDimension: number, options: { method?: FitMethod } = {}): FitSummary {
    const n = this.vectorCount
    const d = this.inputDimension
    if (!Number.isInteger(requestedDimension) || requestedDimension < 1) {
      throw new Error(
        `The taste dimension must be a whole positive number, got ${requestedDimension}.`,
      )
    }
    if (n < 2)
      throw new Error('At least two analysed songs are needed before the taste model can start.')
    const k = Math.min(requestedDimension, n - 1, d)
    const method = options.method ?? 'auto'
    const useSvd = method === 'svd' || (method === 'auto' && this.retainedRows !== null)
    if (method === 'svd' && this.retainedRows === null) {
      throw new Error(
        `The SVD fit needs the raw vectors, which are only kept up to ${this.svdMaxRows} songs (or until a reload).`,
      )
    }
    this.flushBlock()

    const { means, covariance } = this.covariance()
    const stds = new Float64Array(d)
    for (let a = 0; a < d; a++) {
      const floor = Math.max(this.stdFloor, 1e-9 * Math.abs(means[a] as number))
      stds[a] = this.standardise
        ? Math.max(Math.sqrt(Math.max(0, covariance[a * d + a] as number)), floor)
        : 1
    }

    const { components, eigenvalues, totalVariance } = useSvd
      ? this.fitSvd(means, stds, k)
      : fitCovariance(covariance, stds, d, k)
    normaliseSigns(components, k, d)

    this.fitted = {
      k,
      method: useSvd ? 'svd' : 'covariance',
      means,
      stds,
      components,
      eigenvalues,
      totalVariance,
      fittedCount: n,
    }
    let explained = 0
    for (const share of this.explainedVariance()) explained += share
    return { k, method: this.fitted.method, explained }
  }

  /** One embedding → its k-dim unit vector (float32). */
  transform(vector: ArrayLike<number>): Float32Array {
    const fitted = this.requireFit()
    if (vector.length !== this.inputDimension) {
      throw new Error(
        `Expected an embedding of ${this.inputDimension} values, got ${vector.length}.`,
      )
    }
    const out = new Float32Array(fitted.k)
    projectRow(fitted, vector, 0, this.inputDimension, out, 0, this.scratchFor(fitted))
    return out
  }

  /** n embeddings (row-major n × d) → n × k unit vectors (row-major float32). */
  transformAll(matrix: ArrayLike<number>, n: number, d: number): Float32Array {
    const fitted = this.requireFit()
    if (d !== this.inputDimension) {
      throw new Error(
        `These embeddings have ${d} dimensions; the preprocessing was fitted on ${this.inputDimension}.`,
      )
    }
    if (matrix.length < n * d) {
      throw new Error(
        `The matrix holds ${matrix.length} values, fewer than ${n} vectors × ${d} dimensions.`,
      )
    }
    const out = new Float32Array(n * fitted.k)
    const scratch = this.scratchFor(fitted)
    for (let i = 0; i < n; i++) projectRow(fitted, matrix, i * d, d, out, i * fitted.k, scratch)
    return out
  }

  /** Share of the standardised data's total variance explained by each kept component. */
  explainedVariance(): Float64Array {
    const fitted = this.requireFit()
    const shares = new Float64Array(fitted.k)
    for (let c = 0; c < fitted.k; c++) {
      shares[c] =
        fitted.totalVariance > 0 ? (fitted.eigenvalues[c] as number) / fitted.totalVariance : 0
    }
    return shares
  }

  /**
   * The k principal directions in standardised input space (each of length D, unit norm, sign
   * chosen so the largest loading is positive): entry a of component c says how much input
   * dimension a (in standard deviations) drives output dimension c.
   */
  components(): Float64Array[] {
    const fitted = this.requireFit()
    const d = this.inputDimension
    return Array.from({ length: fitted.k }, (_, c) => fitted.components.slice(c * d, (c + 1) * d))
  }

  /** Variances (eigenvalues of the correlation matrix) of the kept components. */
  eigenvalues(): Float64Array {
    return Float64Array.from(this.requireFit().eigenvalues)
  }

  means(): Float64Array {
    return Float64Array.from(this.requireFit().means)
  }

  standardDeviations(): Float64Array {
    return Float64Array.from(this.requireFit().stds)
  }

  toJSON(): PreprocessorJson {
    this.flushBlock()
    const fitted = this.fitted
    return {
      format: 'attune-preprocessor',
      version: 1,
      inputDimension: this.inputDimension,
      stdFloor: this.stdFloor,
      svdMaxRows: this.svdMaxRows,
      ...(this.standardise ? {} : { standardise: false }),
      count: this.vectorCount,
      shift: this.shift === null ? [] : Array.from(this.shift),
      shiftedSum: Array.from(this.shiftedSum),
      shiftedOuter: Array.from(this.shiftedOuter),
      fitted:
        fitted === null
          ? null
          : {
              k: fitted.k,
              method: fitted.method,
              means: Array.from(fitted.means),
              stds: Array.from(fitted.stds),
              components: Array.from(fitted.components),
              eigenvalues: Array.from(fitted.eigenvalues),
              totalVariance: fitted.totalVariance,
              fittedCount: fitted.fittedCount,
            },
    }
  }

  /** Restores a saved preprocessor. The raw rows are not saved, so later fits use the covariance path. */
  static fromJSON(json: PreprocessorJson): Preprocessor {
    if (json.format !== 'attune-preprocessor' || json.version !== 1) {
      throw new Error('This saved preprocessing has an unknown format; it will be fitted again.')
    }
    const d = json.inputDimension
    const restored = new Preprocessor(d, {
      stdFloor: json.stdFloor,
      svdMaxRows: json.svdMaxRows,
      standardise: json.standardise ?? true,
    })
    if (json.shiftedSum.length !== d || json.shiftedOuter.length !== d * d) {
      throw new Error('This saved preprocessing is damaged (wrong sizes); it will be fitted again.')
    }
    restored.vectorCount = json.count
    restored.shift = json.shift.length === d ? Float64Array.from(json.shift) : null
    restored.shiftedSum.set(json.shiftedSum)
    restored.shiftedOuter.set(json.shiftedOuter)
    restored.retainedRows = json.count === 0 ? [] : null
    if (json.fitted !== null) {
      const { k, method, means, stds, components, eigenvalues, totalVariance, fittedCount } =
        json.fitted
      restored.fitted = {
        k,
        method,
        means: Float64Array.from(means),
        stds: Float64Array.from(stds),
        components: Float64Array.from(components),
        eigenvalues: Float64Array.from(eigenvalues),
        totalVariance,
        fittedCount: fittedCount ?? json.count,
      }
    }
    return restored
  }

  // ---------------------------------------------------------------------------------------------

  private scratchFor(fitted: FittedTransform): {
    standardised: Float64Array
    projected: Float64Array
  } {
    return {
      standardised: new Float64Array(this.inputDimension),
      projected: new Float64Array(fitted.k),
    }
  }

  private requireFit(): FittedTransform {
    if (this.fitted === null) throw new Error('The preprocessing has not been fitted yet.')
    return this.fitted
  }

  /** Σxxᵀ += the buffered rows: a dot product of length ≤ BLOCK per (a, b ≥ a) pair. */
  private flushBlock(): void {
    const fill = this.blockFill
    if (fill === 0) return
    const d = this.inputDimension
    const block = this.blockBuffer
    const outer = this.shiftedOuter
    for (let a = 0; a < d; a++) {
      const aStart = a * ACCUMULATION_BLOCK
      for (let b = a; b < d; b++) {
        const bStart = b * ACCUMULATION_BLOCK
        let sum = 0
        for (let r = 0; r < fill; r++)
          sum += (block[aStart + r] as number) * (block[bStart + r] as number)
        outer[a * d + b] = (outer[a * d + b] as number) + sum
      }
    }
    this.blockFill = 0
  }

  /** Means and the sample covariance (divided by N − 1, as ml-pca does), full D×D. */
  private covariance(): { means: Float64Array; covariance: Float64Array } {
    const n = this.vectorCount
    const d = this.inputDimension
    const shift = this.shift as Float64Array
    const shiftedMean = new Float64Array(d)
    const means = new Float64Array(d)
    for (let a = 0; a < d; a++) {
      shiftedMean[a] = (this.shiftedSum[a] as number) / n
      means[a] = (shift[a] as number) + (shiftedMean[a] as number)
    }
    const covariance = new Float64Array(d * d)
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const value =
          ((this.shiftedOuter[a * d + b] as number) -
            n * (shiftedMean[a] as number) * (shiftedMean[b] as number)) /
          (n - 1)
        covariance[a * d + b] = value
        covariance[b * d + a] = value
      }
    }
    return { means, covariance }
  }

  private fitSvd(
    means: Float64Array,
    stds: Float64Array,
    k: number,
  ): { components: Float64Array; eigenvalues: Float64Array; totalVariance: number } {
    const d = this.inputDimension
    const rows = this.retainedRows as number[][]
    const standardised = rows.map((row) =>
      row.map((value, a) => (value - (means[a] as number)) / (stds[a] as number)),
    )
    // Already centred and scaled with our own μ and floored σ, so ml-pca only does the SVD.
    const pca = new PCA(standardised, { center: false, scale: false })
    const vectors = pca.getEigenvectors()
    const values = pca.getEigenvalues()
    const components = new Float64Array(k * d)
    const eigenvalues = new Float64Array(k)
    for (let c = 0; c < k; c++) {
      eigenvalues[c] = Math.max(0, values[c] ?? 0)
      for (let a = 0; a < d; a++) components[c * d + a] = vectors.get(a, c)
    }
    let totalVariance = 0
    for (const value of values) totalVariance += Math.max(0, value)
    return { components, eigenvalues, totalVariance }
  }
}

/** PCA of the correlation matrix by a symmetric eigendecomposition (ml-matrix, tred2 + tql2). */
function fitCovariance(
  covariance: Float64Array,
  stds: Float64Array,
  d: number,
  k: number,
): { components: Float64Array; eigenvalues: Float64Array; totalVariance: number } {
  const correlation = new Matrix(d, d)
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      correlation.set(
        a,
        b,
        (covariance[a * d + b] as number) / ((stds[a] as number) * (stds[b] as number)),
      )
    }
  }
  const decomposition = new EigenvalueDecomposition(correlation, { assumeSymmetric: true })
  const values = decomposition.realEigenvalues
  const vectors = decomposition.eigenvectorMatrix
  const order = values
    .map((_, index) => index)
    .sort((p, q) => (values[q] as number) - (values[p] as number))
  const components = new Float64Array(k * d)
  const eigenvalues = new Float64Array(k)
  for (let c = 0; c < k; c++) {
    const column = order[c] as number
    eigenvalues[c] = Math.max(0, values[column] as number)
    for (let a = 0; a < d; a++) components[c * d + a] = vectors.get(a, column)
  }
  let totalVariance = 0
  for (const value of values) totalVariance += Math.max(0, value)
  return { components, eigenvalues, totalVariance }
}

/** Eigenvectors are defined up to sign: make each one's largest loading positive (stable output). */
function normaliseSigns(components: Float64Array, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    let largest = 0
    for (let a = 0; a < d; a++) {
      const value = components[c * d + a] as number
      if (Math.abs(value) > Math.abs(largest)) largest = value
    }
    if (largest < 0)
      for (let a = 0; a < d; a++) components[c * d + a] = -(components[c * d + a] as number)
  }
}

/** Standardise, project and L2-normalise one row; a row at the exact mean maps to the zero vector. */
function projectRow(
  fitted: FittedTransform,
  source: ArrayLike<number>,
  sourceStart: number,
  d: number,
  out: Float32Array,
  outStart: number,
  scratch: { standardised: Float64Array; projected: Float64Array },
): void {
  const { k, means, stds, components } = fitted
  const { standardised, projected } = scratch
  for (let a = 0; a < d; a++) {
    const value = source[sourceStart + a] as number
    if (!Number.isFinite(value)) {
      throw new Error(
        `Embedding ${sourceStart / d} has a value that is not a finite number at dimension ${a} ` +
          `(${value}); the analysis of that song must be redone.`,
      )
    }
    standardised[a] = (value - (means[a] as number)) / (stds[a] as number)
  }
  let squaredNorm = 0
  for (let c = 0; c < k; c++) {
    let sum = 0
    const rowStart = c * d
    for (let a = 0; a < d; a++)
      sum += (components[rowStart + a] as number) * (standardised[a] as number)
    projected[c] = sum
    squaredNorm += sum * sum
  }
  const scale = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0
  for (let c = 0; c < k; c++) out[outStart + c] = (projected[c] as number) * scale
}
