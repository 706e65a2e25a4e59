// The radio's seed term (issue 13, item 1; docs/radio.md). While a radio runs, a song's auto-queue
// score is its taste score plus how close it is to the seed, in the taste model's space:
//
//   score_i = u_i + w · σ_u · (c_i − c̄) / σ_c,   u_i = θ·x_i + α·sqrt(x_iᵀA⁻¹x_i),   c_i = cos(x_i, s)
//
// s is the seed: the mean of the seed songs' model vectors (unit vectors after PCA). c̄ and σ_c are
// the mean and standard deviation of c over the songs that may be picked now, σ_u the standard
// deviation of their taste scores: the closeness is standardised and put on the taste score's own
// scale, so w (the listener's control, 0.25 "wander" … 4 "close to the seed") means the same at
// any point of learning. Before anything is learned the taste scores are the exploration bonus
// alone, which says nothing of taste: with the sound alone every song has the same one (σ_u = 0),
// but with tag context a song's vector length, and so its bonus, depends on its tags (σ_u ≈ 0.01).
// Then σ_u counts as 1 (as it does for a spread below 1e-6 of their size, rounding) and the seed
// alone orders the songs; scaled by that spread instead, the seed term was ~0.01, the bonus
// differences outranked it, and a radio's first picks were not close to its seed.

/**
 * A spread of the taste scores below this (relative to their size) is rounding, not learning:
 * the seed term then uses a spread of 1.
 */
const TASTE_SPREAD_FLOOR = 1e-6

/** The mean of the seed rows' vectors, as a unit vector; null without a row or with a ~0 mean. */
export function seedDirection(
  vectors: Float32Array,
  k: number,
  rows: readonly number[],
): Float64Array | null {
  if (rows.length === 0) return null
  const seed = new Float64Array(k)
  for (const row of rows) {
    for (let d = 0; d < k; d++) seed[d] = (seed[d] as number) + (vectors[row * k + d] as number)
  }
  let norm = 0
  for (let d = 0; d < k; d++) norm += (seed[d] as number) ** 2
  norm = Math.sqrt(norm)
  if (!(norm > 1e-9 * rows.length)) return null
  for (let d = 0; d < k; d++) seed[d] = (seed[d] as number) / norm
  return seed
}

/** cos(x_i, seed) for each of the `count` rows of the row-major N × k matrix (0 for a zero row). */
export function seedSimilarities(
  vectors: Float32Array,
  k: number,
  count: number,
  seed: Float64Array,
): Float64Array {
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    let dot = 0
    let norm = 0
    const row = i * k
    for (let d = 0; d < k; d++) {
      const x = vectors[row + d] as number
      dot += x * (seed[d] as number)
      norm += x * x
    }
    out[i] = norm > 0 ? dot / Math.sqrt(norm) : 0
  }
  return out
}

/**
 * The seed term of every song, w · σ_u · (c_i − c̄) / σ_c, with the statistics taken over the
 * songs `mask` allows (non-zero); 0 for the others, and for all when the closeness does not vary.
 * `taste` are the songs' taste scores u_i; `learned` is false while the model has no reaction yet
 * (the taste scores are then the exploration bonus alone and their spread counts as 1).
 */
export function seedTerms(
  similarities: Float64Array,
  taste: ArrayLike<number>,
  mask: Uint8Array,
  weight: number,
  learned = true,
): Float64Array {
  const n = similarities.length
  const terms = new Float64Array(n)
  let count = 0
  let cSum = 0
  let uSum = 0
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) continue
    count++
    cSum += similarities[i] as number
    uSum += taste[i] as number
  }
  if (count === 0) return terms
  const cMean = cSum / count
  const uMean = uSum / count
  let cVar = 0
  let uVar = 0
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) continue
    cVar += ((similarities[i] as number) - cMean) ** 2
    uVar += ((taste[i] as number) - uMean) ** 2
  }
  const cStd = Math.sqrt(cVar / count)
  const uStd = Math.sqrt(uVar / count)
  if (!(cStd > 1e-12)) return terms
  // Before anything is learned the taste scores differ only by float32 rounding (~1e-8).
  const spread = learned && uStd > TASTE_SPREAD_FLOOR * Math.max(1, Math.abs(uMean))
  const scale = (weight * (spread ? uStd : 1)) / cStd
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 0) terms[i] = scale * ((similarities[i] as number) - cMean)
  }
  return terms
}
