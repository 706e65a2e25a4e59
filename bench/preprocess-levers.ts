// Preprocessing levers for bench/learning-screen.ts (issue 10, item 5): other ways of turning the
// extractor's vectors into the taste model's candidate vectors than the shipped Preprocessor
// (standardise → PCA to k → unit length), to see whether how the model sees the vectors moves
// learning. Every lever here is fitted on the library being screened, the way the app would fit it
// on the listener's library (no style label is ever read: the album-based levers use the album
// tags, or the folders a scan stores in their place).
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { FEATURES } from '../src/main/analysis/feature-names'
import { standardisedColumns } from '../src/main/taste/album-sound'

export interface AudioLever {
  /** Components kept (the "PCA dimensions"), unless `share` is set. */
  k: number
  /** Keep the fewest components that explain this share of the variance (0..1); null: k. */
  share: number | null
  /** Skip the PCA: the (weighted) standardised vector itself, unit length. */
  noPca: boolean
  /**
   * Feature groups balanced before the PCA: each standardised dimension divided by √(its group's
   * size), so every group holds the same total variance. 'coarse': the extractor's five groups
   * (timbre, spectral, harmony, rhythm, loudness); 'fine': by name prefix (MFCC means, spreads and
   * delta spreads apart, contrast, shape, valleys, chroma, tempo, onsets, modulation…).
   * Dimensions past the extractor's (an appended block) form one more group; vectors shorter than
   * the extractor's are one group (so balancing them changes nothing).
   */
  groups: 'none' | 'coarse' | 'fine'
  /**
   * Album-based metric (Slaney et al. 2008's use of albums as weak labels): 'diag' divides each
   * dimension by its within-album spread, 'full' whitens by the within-album covariance (shrunk
   * toward its mean variance by `albumShrink`), before the PCA; so directions that tell albums
   * apart outweigh those that vary inside an album.
   */
  album: 'none' | 'diag' | 'full'
  albumShrink: number
  /** Each vector replaced by the mean of itself and its m nearest neighbours (cosine) before the PCA. */
  smooth: number
  /**
   * Each vector mixed with its album's mean vector before the PCA: (1 − β)·z + β·mean of the album
   * (β = `albumMean`; 0: off, 1: every song of an album sounds like the album's average). Songs
   * without an album keep their own.
   */
  albumMean: number
  /** Each PCA dimension divided by its standard deviation before the unit length. */
  whiten: boolean
  /**
   * Kernel PCA instead of the linear one: the songs' similarity exp((cos − 1) / τ) on the
   * standardised vectors (τ = `kernel`; small τ: only close songs count as alike), its top k
   * eigenvectors times √eigenvalue, so the model's dot products approximate the kernel. 0: off.
   */
  kernel: number
}

export const DEFAULT_AUDIO_LEVER: AudioLever = {
  k: 64,
  share: null,
  noPca: false,
  groups: 'none',
  album: 'none',
  albumShrink: 0.5,
  smooth: 0,
  albumMean: 0,
  whiten: false,
  kernel: 0,
}

/** A group id per dimension (see AudioLever.groups); the names are for the report. */
export function featureGroups(
  d: number,
  mode: 'coarse' | 'fine',
): { group: Int32Array; names: string[] } {
  const names: string[] = []
  const group = new Int32Array(d)
  const id = (name: string): number => {
    let at = names.indexOf(name)
    if (at < 0) at = names.push(name) - 1
    return at
  }
  // Vectors shorter than the extractor's are not its features (a `--vectors` file): one group.
  const named = d >= FEATURES.length
  for (let a = 0; a < d; a++) {
    const feature = named ? FEATURES[a] : undefined
    if (!feature) {
      group[a] = id('appended')
      continue
    }
    if (mode === 'coarse') {
      group[a] = id(feature.group)
      continue
    }
    const name = feature.name
    const mfcc = /^mfcc\d+_(.*)$/.exec(name)
    let key = mfcc ? `mfcc_${mfcc[1]}` : (name.split('_')[0] as string)
    if (key === 'dynamic' || key === 'loudness') key = 'loudness'
    if (key === 'key' || key === 'harmonic') key = 'key'
    if (key === 'zero' || key === 'spectral') key = 'spectral'
    group[a] = id(key)
  }
  return { group, names }
}

/** Column covariance (population), d × d. */
function covarianceOf(z: Float64Array, n: number, d: number): Matrix {
  const means = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) means[a]! += z[i * d + a]! / n
  const c = new Matrix(d, d)
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      let s = 0
      for (let i = 0; i < n; i++) s += (z[i * d + a]! - means[a]!) * (z[i * d + b]! - means[b]!)
      c.set(a, b, s / n)
      c.set(b, a, s / n)
    }
  return c
}

/** Within-album covariance: each song minus its album's mean; songs without an album add nothing. */
function withinAlbum(z: Float64Array, d: number, albums: readonly (string | null)[]): Matrix {
  const members = new Map<string, number[]>()
  albums.forEach((album, i) => {
    if (album !== null) members.set(album, [...(members.get(album) ?? []), i])
  })
  const c = new Matrix(d, d)
  let count = 0
  const centred = new Float64Array(d)
  for (const rows of members.values()) {
    if (rows.length < 2) continue
    const mean = new Float64Array(d)
    for (const i of rows) for (let a = 0; a < d; a++) mean[a]! += z[i * d + a]! / rows.length
    for (const i of rows) {
      for (let a = 0; a < d; a++) centred[a] = z[i * d + a]! - mean[a]!
      for (let a = 0; a < d; a++)
        for (let b = a; b < d; b++) c.set(a, b, c.get(a, b) + centred[a]! * centred[b]!)
      count++
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const v = count > 0 ? c.get(a, b) / count : a === b ? 1 : 0
      c.set(a, b, v)
      c.set(b, a, v)
    }
  return c
}

/** Symmetric eigendecomposition, eigenvalues descending. */
function eigenDescending(m: Matrix): { values: number[]; vectors: Matrix } {
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true })
  const order = e.realEigenvalues
    .map((_, i) => i)
    .sort((p, q) => e.realEigenvalues[q]! - e.realEigenvalues[p]!)
  const vectors = new Matrix(m.rows, m.rows)
  order.forEach((col, j) => {
    for (let a = 0; a < m.rows; a++) vectors.set(a, j, e.eigenvectorMatrix.get(a, col))
  })
  return { values: order.map((i) => e.realEigenvalues[i]!), vectors }
}

/** Rows times a d × d matrix (in place into a new array). */
function times(z: Float64Array, n: number, d: number, m: Matrix, cols: number): Float64Array {
  const out = new Float64Array(n * cols)
  for (let i = 0; i < n; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0
      for (let a = 0; a < d; a++) s += z[i * d + a]! * m.get(a, c)
      out[i * cols + c] = s
    }
  return out
}

export function unitRows(x: Float64Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    let sq = 0
    for (let a = 0; a < d; a++) sq += x[i * d + a]! ** 2
    const s = sq > 0 ? 1 / Math.sqrt(sq) : 0
    for (let a = 0; a < d; a++) out[i * d + a] = x[i * d + a]! * s
  }
  return out
}

/** Each row mixed with its album's mean row (see AudioLever.albumMean). */
export function albumMixed(
  z: ArrayLike<number>,
  d: number,
  albums: readonly (string | null)[],
  beta: number,
): Float64Array {
  const members = new Map<string, number[]>()
  albums.forEach((album, i) => {
    if (album !== null) members.set(album, [...(members.get(album) ?? []), i])
  })
  const out = Float64Array.from(z)
  for (const rows of members.values()) {
    const mean = new Float64Array(d)
    for (const i of rows) for (let a = 0; a < d; a++) mean[a]! += z[i * d + a]! / rows.length
    for (const i of rows)
      for (let a = 0; a < d; a++) out[i * d + a] = (1 - beta) * z[i * d + a]! + beta * mean[a]!
  }
  return out
}

/** The mean of each row and its m nearest neighbours by cosine. */
function smoothRows(z: Float64Array, n: number, d: number, m: number): Float64Array {
  const unit = unitRows(z, n, d)
  const out = new Float64Array(n * d)
  for (let i = 0; i < n; i++) {
    const sims: [number, number][] = []
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      let s = 0
      for (let a = 0; a < d; a++) s += unit[i * d + a]! * unit[j * d + a]!
      sims.push([s, j])
    }
    sims.sort((p, q) => q[0] - p[0])
    const rows = [i, ...sims.slice(0, m).map(([, j]) => j)]
    for (const j of rows) for (let a = 0; a < d; a++) out[i * d + a]! += z[j * d + a]! / rows.length
  }
  return out
}

/**
 * The candidate vectors of `lever` for n songs' raw vectors (row-major n × d): unit length, `dim`
 * wide. `albums[i]` names song i's album (null: none).
 */
export function audioCandidates(
  raw: Float64Array,
  n: number,
  d: number,
  lever: AudioLever,
  albums: readonly (string | null)[],
): { vectors: Float32Array; dim: number; explained: number } {
  let z = standardisedColumns(raw, n, d)
  if (lever.groups !== 'none') {
    const { group, names } = featureGroups(d, lever.groups)
    const sizes = new Float64Array(names.length)
    for (let a = 0; a < d; a++) sizes[group[a]!]! += 1
    for (let i = 0; i < n; i++)
      for (let a = 0; a < d; a++) z[i * d + a]! /= Math.sqrt(sizes[group[a]!]!)
  }
  if (lever.album !== 'none') {
    const within = withinAlbum(z, d, albums)
    if (lever.album === 'diag') {
      const total = covarianceOf(z, n, d)
      for (let a = 0; a < d; a++) {
        const t = total.get(a, a)
        const w = (1 - lever.albumShrink) * within.get(a, a) + lever.albumShrink * t
        const scale = w > 1e-12 ? Math.sqrt(t / w) : 0
        for (let i = 0; i < n; i++) z[i * d + a]! *= scale
      }
    } else {
      let trace = 0
      for (let a = 0; a < d; a++) trace += within.get(a, a)
      const shrunk = within.clone()
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++)
          shrunk.set(
            a,
            b,
            (1 - lever.albumShrink) * within.get(a, b) +
              (a === b ? (lever.albumShrink * trace) / d : 0),
          )
      const { values, vectors } = eigenDescending(shrunk)
      // W^{-1/2} = V diag(1/√λ) Vᵀ, scaled so the mean variance stays that of the input.
      const root = new Matrix(d, d)
      const mean = trace / d
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) {
          let s = 0
          for (let j = 0; j < d; j++)
            s +=
              (vectors.get(a, j) * vectors.get(b, j)) /
              Math.sqrt(Math.max(values[j]!, 1e-12) / mean)
          root.set(a, b, s)
        }
      z = times(z, n, d, root, d)
    }
  }
  if (lever.smooth > 0) z = smoothRows(z, n, d, lever.smooth)
  if (lever.albumMean > 0) z = albumMixed(z, d, albums, lever.albumMean)
  if (lever.kernel > 0) return kernelPca(z, n, d, lever)
  if (lever.noPca) return { vectors: unitRows(z, n, d), dim: d, explained: 1 }
  const { values, vectors } = eigenDescending(covarianceOf(z, n, d))
  const total = values.reduce((s, v) => s + Math.max(0, v), 0)
  let k = Math.min(lever.k, n - 1, d)
  if (lever.share !== null) {
    let acc = 0
    k = 0
    while (k < Math.min(n - 1, d) && acc < lever.share * total) acc += Math.max(0, values[k++]!)
  }
  const means = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) means[a]! += z[i * d + a]! / n
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) z[i * d + a]! -= means[a]!
  const projected = times(z, n, d, vectors, k)
  if (lever.whiten)
    for (let i = 0; i < n; i++)
      for (let c = 0; c < k; c++) projected[i * k + c]! /= Math.sqrt(Math.max(values[c]!, 1e-12))
  let explained = 0
  for (let c = 0; c < k; c++) explained += Math.max(0, values[c]!)
  return {
    vectors: unitRows(projected, n, k),
    dim: k,
    explained: total > 0 ? explained / total : 0,
  }
}

/** Kernel PCA of the rows (see AudioLever.kernel), exact over the n songs. */
function kernelPca(
  z: Float64Array,
  n: number,
  d: number,
  lever: AudioLever,
): { vectors: Float32Array; dim: number; explained: number } {
  const unit = unitRows(z, n, d)
  const kernel = new Matrix(n, n)
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let c = 0
      for (let a = 0; a < d; a++) c += unit[i * d + a]! * unit[j * d + a]!
      const v = Math.exp((c - 1) / lever.kernel)
      kernel.set(i, j, v)
      kernel.set(j, i, v)
    }
  // Centred in feature space (as kernel PCA does), so the first direction is not the mean.
  const rowMeans = new Float64Array(n)
  let all = 0
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMeans[i]! += kernel.get(i, j) / n
    all += rowMeans[i]! / n
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      kernel.set(i, j, kernel.get(i, j) - rowMeans[i]! - rowMeans[j]! + all)
  const { values, vectors } = eigenDescending(kernel)
  const total = values.reduce((s, v) => s + Math.max(0, v), 0)
  let k = Math.min(lever.k, n - 1)
  if (lever.share !== null) {
    let acc = 0
    k = 0
    while (k < n - 1 && acc < lever.share * total) acc += Math.max(0, values[k++]!)
  }
  const out = new Float64Array(n * k)
  let explained = 0
  for (let c = 0; c < k; c++) {
    const scale = Math.sqrt(Math.max(0, values[c]!))
    explained += Math.max(0, values[c]!)
    for (let i = 0; i < n; i++) out[i * k + c] = vectors.get(i, c) * scale
  }
  return { vectors: unitRows(out, n, k), dim: k, explained: total > 0 ? explained / total : 0 }
}

/** An index drawn with probability weights[i] / total (k-means++: the next centre, far ones likelier). */
export function drawByWeight(weights: Float64Array, total: number, random: () => number): number {
  let target = random() * total
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!
    if (target <= 0) return i
  }
  return weights.length - 1
}

/**
 * Spherical k-means of unit rows (k-means++ start from a seeded draw, 30 rounds; the best of
 * `restarts` by total similarity): each row's cluster.
 */
export function sphericalKMeans(
  x: Float32Array,
  n: number,
  d: number,
  clusters: number,
  random: () => number,
  restarts = 5,
): Int32Array {
  let best = new Int32Array(n)
  let bestScore = -Infinity
  const dot = (i: number, c: Float64Array, at: number): number => {
    let s = 0
    for (let a = 0; a < d; a++) s += x[i * d + a]! * c[at + a]!
    return s
  }
  for (let r = 0; r < restarts; r++) {
    const centres = new Float64Array(clusters * d)
    const first = Math.floor(random() * n)
    for (let a = 0; a < d; a++) centres[a] = x[first * d + a]!
    const closest = new Float64Array(n).fill(Infinity)
    for (let c = 1; c < clusters; c++) {
      let total = 0
      for (let i = 0; i < n; i++) {
        closest[i] = Math.min(closest[i]!, Math.max(0, 1 - dot(i, centres, (c - 1) * d)))
        total += closest[i]!
      }
      const pick = drawByWeight(closest, total, random)
      for (let a = 0; a < d; a++) centres[c * d + a] = x[pick * d + a]!
    }
    const assignment = new Int32Array(n)
    let score = 0
    for (let round = 0; round < 30; round++) {
      score = 0
      for (let i = 0; i < n; i++) {
        let top = -Infinity
        for (let c = 0; c < clusters; c++) {
          const s = dot(i, centres, c * d)
          if (s > top) {
            top = s
            assignment[i] = c
          }
        }
        score += top
      }
      centres.fill(0)
      for (let i = 0; i < n; i++)
        for (let a = 0; a < d; a++) centres[assignment[i]! * d + a]! += x[i * d + a]!
      for (let c = 0; c < clusters; c++) {
        let norm = 0
        for (let a = 0; a < d; a++) norm += centres[c * d + a]! ** 2
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
        for (let a = 0; a < d; a++) centres[c * d + a]! *= scale
      }
    }
    if (score > bestScore) {
      bestScore = score
      best = assignment
    }
  }
  return best
}
