// How well vectors separate labelled groups, in plain numerical code (no database): a one-vs-rest
// ridge classifier (a "linear probe") cross-validated over the stratified k-fold split of
// src/shared/folds.ts, and leave-one-out k-nearest neighbours. Matrices are row-major
// Float64Arrays of n rows × d columns. Everything is deterministic given the seed.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { seededRandom, shuffleInPlace } from '../../shared/random'
import { foldOfEach } from '../../shared/folds'

export { seededRandom, shuffleInPlace }

export interface Standardiser {
  mean: Float64Array
  /** 1 / standard deviation; 0 for a constant column (which then carries nothing). */
  inverseStd: Float64Array
}

/** Column means and standard deviations (population) of the chosen rows. */
export function fitStandardiser(
  data: Float64Array,
  dim: number,
  rows: ArrayLike<number>,
): Standardiser {
  const mean = new Float64Array(dim)
  const inverseStd = new Float64Array(dim)
  const n = rows.length
  for (let r = 0; r < n; r++) {
    const offset = (rows[r] as number) * dim
    for (let c = 0; c < dim; c++) mean[c] = (mean[c] as number) + (data[offset + c] as number)
  }
  for (let c = 0; c < dim; c++) mean[c] = (mean[c] as number) / Math.max(1, n)
  for (let r = 0; r < n; r++) {
    const offset = (rows[r] as number) * dim
    for (let c = 0; c < dim; c++) {
      const centred = (data[offset + c] as number) - (mean[c] as number)
      inverseStd[c] = (inverseStd[c] as number) + centred * centred
    }
  }
  for (let c = 0; c < dim; c++) {
    const std = Math.sqrt((inverseStd[c] as number) / Math.max(1, n))
    // Relative threshold: a column that varies only by rounding is constant.
    inverseStd[c] = std > 1e-12 * Math.max(1, Math.abs(mean[c] as number)) ? 1 / std : 0
  }
  return { mean, inverseStd }
}

/** The chosen rows, standardised, as a new n × dim matrix. */
export function standardiseRows(
  data: Float64Array,
  dim: number,
  rows: ArrayLike<number>,
  standardiser: Standardiser,
): Float64Array {
  const out = new Float64Array(rows.length * dim)
  for (let r = 0; r < rows.length; r++) {
    const from = (rows[r] as number) * dim
    for (let c = 0; c < dim; c++) {
      out[r * dim + c] =
        ((data[from + c] as number) - (standardiser.mean[c] as number)) *
        (standardiser.inverseStd[c] as number)
    }
  }
  return out
}

/** Ridge strengths tried, relative to the mean non-zero eigenvalue of the Gram matrix (scale-free). */
export const RIDGE_GRID = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10] as const

export interface RidgeModel {
  dim: number
  classes: number
  /** dim × classes, row-major. */
  weights: Float64Array
  /** Per-class intercept (the training class frequencies: the inputs are centred). */
  intercept: Float64Array
  /** The ridge strength chosen by leave-one-out on the training rows. */
  lambda: number
}

/**
 * One-vs-rest ridge regression on one-hot targets (a "ridge classifier"), predicting the class with
 * the highest score. The inputs must be centred (standardised on the training rows). The ridge
 * strength is chosen from RIDGE_GRID by exact leave-one-out on the training rows: for a linear
 * smoother ŷ = Hy with an unpenalised intercept, the held-out residual is (y_i − ŷ_i) / (1 − H_ii)
 * (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, §7.10.1), so every candidate
 * costs one pass once the Gram matrix is diagonalised.
 */
export function fitRidgeClassifier(
  x: Float64Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  classes: number,
): RidgeModel {
  const prepared = prepareRidge(x, n, dim, labels, classes)
  const { basis, eigenvalues, projected, frequencies } = prepared
  const r = eigenvalues.length
  const meanEigenvalue = r > 0 ? eigenvalues.reduce((a, b) => a + b, 0) / r : 1

  let best = { lambda: meanEigenvalue, correct: -1, squaredError: Infinity }
  for (const relative of RIDGE_GRID) {
    const lambda = relative * meanEigenvalue
    const scores = heldOutScores(prepared, labels, lambda)
    let correct = 0
    let squaredError = 0
    for (let i = 0; i < n; i++) {
      let predicted = 0
      for (let k = 0; k < classes; k++) {
        const score = scores[i * classes + k] as number
        const residual = (labels[i] === k ? 1 : 0) - score
        squaredError += residual * residual
        if (score > (scores[i * classes + predicted] as number)) predicted = k
      }
      if (predicted === labels[i]) correct++
    }
    if (correct > best.correct || (correct === best.correct && squaredError < best.squaredError)) {
      best = { lambda, correct, squaredError }
    }
  }

  // weights = xᵀ · U · diag(1 / (Λ + λ)) · Uᵀ·targets  (= (xᵀx + λI)⁻¹ xᵀ targets).
  const perRow = new Float64Array(n * classes)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) {
      const scaled = (basis[i * r + j] as number) / ((eigenvalues[j] as number) + best.lambda)
      if (scaled === 0) continue
      for (let k = 0; k < classes; k++) {
        perRow[i * classes + k] =
          (perRow[i * classes + k] as number) + scaled * (projected[j * classes + k] as number)
      }
    }
  }
  const weights = new Float64Array(dim * classes)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) {
      const value = x[i * dim + c] as number
      if (value === 0) continue
      for (let k = 0; k < classes; k++) {
        weights[c * classes + k] =
          (weights[c * classes + k] as number) + value * (perRow[i * classes + k] as number)
      }
    }
  }
  return { dim, classes, weights, intercept: frequencies, lambda: best.lambda }
}

interface PreparedRidge {
  n: number
  classes: number
  /** Training class frequencies: the intercept of centred inputs. */
  frequencies: Float64Array
  /** U (n × r) and Λ (r): x = U·diag(√Λ)·Vᵀ. */
  basis: Float64Array
  eigenvalues: number[]
  /** Uᵀ · centred one-hot targets (r × classes). */
  projected: Float64Array
}

function prepareRidge(
  x: Float64Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  classes: number,
): PreparedRidge {
  const frequencies = new Float64Array(classes)
  for (let i = 0; i < n; i++)
    frequencies[labels[i] as number] = (frequencies[labels[i] as number] as number) + 1 / n
  const { basis, eigenvalues } = leftSingularBasis(x, n, dim)
  const r = eigenvalues.length
  const projected = new Float64Array(r * classes)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) {
      const u = basis[i * r + j] as number
      if (u === 0) continue
      for (let k = 0; k < classes; k++) {
        const centredTarget = (labels[i] === k ? 1 : 0) - (frequencies[k] as number)
        projected[j * classes + k] = (projected[j * classes + k] as number) + u * centredTarget
      }
    }
  }
  return { n, classes, frequencies, basis, eigenvalues, projected }
}

/**
 * Each training row's class scores from a model fitted without that row (n × classes), by the
 * leave-one-out identity ŷ₍₋ᵢ₎ = yᵢ − (yᵢ − ŷᵢ) / (1 − Hᵢᵢ), with H = 11ᵀ/n + U·diag(Λ/(Λ+λ))·Uᵀ.
 */
function heldOutScores(
  prepared: PreparedRidge,
  labels: ArrayLike<number>,
  lambda: number,
): Float64Array {
  const { n, classes, frequencies, basis, eigenvalues, projected } = prepared
  const r = eigenvalues.length
  const scores = new Float64Array(n * classes)
  const fitted = new Float64Array(classes)
  for (let i = 0; i < n; i++) {
    fitted.set(frequencies)
    let leverage = 1 / n
    for (let j = 0; j < r; j++) {
      const u = basis[i * r + j] as number
      const shrink = (eigenvalues[j] as number) / ((eigenvalues[j] as number) + lambda)
      leverage += u * u * shrink
      for (let k = 0; k < classes; k++)
        fitted[k] = (fitted[k] as number) + u * shrink * (projected[j * classes + k] as number)
    }
    const keep = Math.max(1 - leverage, 1e-12)
    for (let k = 0; k < classes; k++) {
      const target = labels[i] === k ? 1 : 0
      scores[i * classes + k] = target - (target - (fitted[k] as number)) / keep
    }
  }
  return scores
}

/** Leave-one-out class scores of the ridge classifier at strength `lambda` (x centred), for checking. */
export function leaveOneOutRidgeScores(
  x: Float64Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  classes: number,
  lambda: number,
): Float64Array {
  return heldOutScores(prepareRidge(x, n, dim, labels, classes), labels, lambda)
}

/** The class with the highest score for each row (ties go to the lower class index). */
export function predictRidge(model: RidgeModel, x: Float64Array, n: number): Int32Array {
  const predictions = new Int32Array(n)
  const scores = new Float64Array(model.classes)
  for (let i = 0; i < n; i++) {
    scores.set(model.intercept)
    for (let c = 0; c < model.dim; c++) {
      const value = x[i * model.dim + c] as number
      if (value === 0) continue
      for (let k = 0; k < model.classes; k++) {
        scores[k] = (scores[k] as number) + value * (model.weights[c * model.classes + k] as number)
      }
    }
    let best = 0
    for (let k = 1; k < model.classes; k++)
      if ((scores[k] as number) > (scores[best] as number)) best = k
    predictions[i] = best
  }
  return predictions
}

/**
 * U (n × r, orthonormal columns) and Λ (r) with x = U·diag(√Λ)·Vᵀ, dropping null directions. Uses the
 * n × n Gram matrix x·xᵀ when n ≤ dim, else dim × dim xᵀ·x and U = x·V / √Λ.
 */
function leftSingularBasis(
  x: Float64Array,
  n: number,
  dim: number,
): { basis: Float64Array; eigenvalues: number[] } {
  const useRows = n <= dim
  const size = useRows ? n : dim
  const gram = new Float64Array(size * size)
  if (useRows) {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let dot = 0
        for (let c = 0; c < dim; c++) dot += (x[i * dim + c] as number) * (x[j * dim + c] as number)
        gram[i * n + j] = dot
        gram[j * n + i] = dot
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const offset = i * dim
      for (let a = 0; a < dim; a++) {
        const value = x[offset + a] as number
        if (value === 0) continue
        for (let b = a; b < dim; b++)
          gram[a * dim + b] = (gram[a * dim + b] as number) + value * (x[offset + b] as number)
      }
    }
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < a; b++) gram[a * dim + b] = gram[b * dim + a] as number
  }
  const decomposition = new EigenvalueDecomposition(Matrix.from1DArray(size, size, gram), {
    assumeSymmetric: true,
  })
  const values = decomposition.realEigenvalues
  const vectors = decomposition.eigenvectorMatrix
  const largest = Math.max(0, ...values)
  const kept: number[] = []
  values.forEach((value, index) => {
    if (value > largest * 1e-10 && value > 0) kept.push(index)
  })
  const r = kept.length
  const basis = new Float64Array(n * r)
  if (useRows) {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < r; j++) basis[i * r + j] = vectors.get(i, kept[j] as number)
  } else {
    for (let j = 0; j < r; j++) {
      const column = kept[j] as number
      const scale = 1 / Math.sqrt(values[column] as number)
      for (let i = 0; i < n; i++) {
        let dot = 0
        for (let c = 0; c < dim; c++) dot += (x[i * dim + c] as number) * vectors.get(c, column)
        basis[i * r + j] = dot * scale
      }
    }
  }
  return { basis, eigenvalues: kept.map((index) => values[index] as number) }
}

export interface CrossValidationResult {
  /** Out-of-fold prediction of every sample. */
  predictions: Int32Array
  foldAccuracies: number[]
  /** Ridge strength chosen in each fold. */
  lambdas: number[]
}

/**
 * Stratified k-fold cross-validation of the ridge classifier: in each fold the standardiser and the
 * model are fitted on the other folds only, so nothing about the held-out tracks leaks in.
 */
export function crossValidateRidge(
  data: Float64Array,
  dim: number,
  labels: Int32Array,
  classes: number,
  folds: number,
  seed: number,
): CrossValidationResult {
  const n = labels.length
  const foldOf = foldOfEach(labels, folds, seed)
  const predictions = new Int32Array(n)
  const foldAccuracies: number[] = []
  const lambdas: number[] = []
  for (let fold = 0; fold < folds; fold++) {
    const train: number[] = []
    const test: number[] = []
    for (let i = 0; i < n; i++) (foldOf[i] === fold ? test : train).push(i)
    if (test.length === 0) continue
    const standardiser = fitStandardiser(data, dim, train)
    const model = fitRidgeClassifier(
      standardiseRows(data, dim, train, standardiser),
      train.length,
      dim,
      train.map((i) => labels[i] as number),
      classes,
    )
    const predicted = predictRidge(
      model,
      standardiseRows(data, dim, test, standardiser),
      test.length,
    )
    let correct = 0
    test.forEach((sample, t) => {
      predictions[sample] = predicted[t] as number
      if (predicted[t] === labels[sample]) correct++
    })
    foldAccuracies.push(correct / test.length)
    lambdas.push(model.lambda)
  }
  return { predictions, foldAccuracies, lambdas }
}

/**
 * Leave-one-out k-nearest-neighbour predictions under cosine similarity: each sample is classified
 * by its k most similar others (majority vote; a tied vote goes to the class with the larger summed
 * similarity, then to the nearest). `x` should already be standardised. Returns predictions per k.
 */
export function leaveOneOutNeighbours(
  x: Float64Array,
  dim: number,
  labels: Int32Array,
  classes: number,
  ks: readonly number[],
): Map<number, Int32Array> {
  const n = labels.length
  const unit = new Float64Array(x.length)
  for (let i = 0; i < n; i++) {
    let norm = 0
    for (let c = 0; c < dim; c++) norm += (x[i * dim + c] as number) ** 2
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let c = 0; c < dim; c++) unit[i * dim + c] = (x[i * dim + c] as number) * scale
  }
  const maxK = Math.max(1, Math.min(n - 1, Math.max(...ks)))
  const results = new Map<number, Int32Array>(ks.map((k) => [k, new Int32Array(n)]))
  const neighbourIndex = new Int32Array(maxK)
  const neighbourSimilarity = new Float64Array(maxK)
  const votes = new Float64Array(classes)
  const similaritySums = new Float64Array(classes)
  for (let i = 0; i < n; i++) {
    let found = 0
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      let similarity = 0
      for (let c = 0; c < dim; c++)
        similarity += (unit[i * dim + c] as number) * (unit[j * dim + c] as number)
      // Insert into the sorted top-maxK list (strictly greater wins, so ties keep the lower index).
      if (found === maxK && similarity <= (neighbourSimilarity[maxK - 1] as number)) continue
      let at = Math.min(found, maxK - 1)
      while (at > 0 && similarity > (neighbourSimilarity[at - 1] as number)) {
        neighbourSimilarity[at] = neighbourSimilarity[at - 1] as number
        neighbourIndex[at] = neighbourIndex[at - 1] as number
        at--
      }
      neighbourSimilarity[at] = similarity
      neighbourIndex[at] = j
      if (found < maxK) found++
    }
    for (const k of ks) {
      const used = Math.min(k, found)
      votes.fill(0)
      similaritySums.fill(0)
      for (let m = 0; m < used; m++) {
        const label = labels[neighbourIndex[m] as number] as number
        votes[label] = (votes[label] as number) + 1
        similaritySums[label] =
          (similaritySums[label] as number) + (neighbourSimilarity[m] as number)
      }
      let best = labels[neighbourIndex[0] as number] as number
      for (let label = 0; label < classes; label++) {
        const moreVotes = (votes[label] as number) > (votes[best] as number)
        const tiedButCloser =
          votes[label] === votes[best] &&
          (similaritySums[label] as number) > (similaritySums[best] as number)
        if (moreVotes || tiedButCloser) best = label
      }
      ;(results.get(k) as Int32Array)[i] = best
    }
  }
  return results
}

export function accuracyOf(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length === 0) return 0
  let correct = 0
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++
  return correct / labels.length
}

/** counts[truth][predicted]. */
export function confusionMatrix(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  for (let i = 0; i < labels.length; i++) {
    const row = counts[labels[i] as number]
    if (row) row[predictions[i] as number] = (row[predictions[i] as number] ?? 0) + 1
  }
  return counts
}
