// Why the model scores a song as it does, in plain words. The model scores the preprocessed vector
// x = P·z / ‖P·z‖ (z: the standardised embedding, P: the k PCA components), so its mean is
//   θ·x + θ₀ = Σ_d w_d·z_d / ‖P·z‖ + θ₀   with   w = Σ_j θ_j·P_j   (θ mapped back to input space).
// Each input dimension d therefore contributes w_d·z_d / ‖P·z‖, and the contributions add up to
// the mean minus the intercept exactly; the largest ones are the reasons shown to the listener.
import { EXTRACTOR, FEATURES } from '../analysis/feature-names'

export interface FeatureReason {
  /** Input dimension (0-based). */
  dimension: number
  /** Feature name (`spectral_centroid_mean`), or `dimension 17` (1-based) for an imported space. */
  name: string
  /** How far this song is from the library's average, in standard deviations. */
  z: number
  /** Its share of the mean score: w_d·z_d / ‖P·z‖. */
  contribution: number
  effect: 'raised' | 'lowered'
  /** Plain words: "brighter than most (spectral centroid)". */
  phrase: string
}

/** Hand-written words for the features listeners recognise; the rest use their meaning's head. */
const PHRASES: Record<string, [higher: string, lower: string]> = {
  spectral_centroid_mean: ['brighter than most', 'darker than most'],
  spectral_rolloff_mean: ['more treble than most', 'less treble than most'],
  spectral_bandwidth_mean: ['fuller sound than most', 'narrower sound than most'],
  spectral_flatness_mean: ['noisier than most', 'purer tones than most'],
  tempo_bpm: ['faster tempo', 'slower tempo'],
  tempo_confidence: ['steadier beat than most', 'looser beat than most'],
  onset_rate: ['busier than most', 'calmer than most'],
  onset_strength_mean: ['sharper attacks than most', 'softer attacks than most'],
  key_mode: ['in a major key', 'in a minor key'],
  key_mode_clarity: ['more clearly major than most', 'more clearly minor than most'],
  key_strength: ['clearer key than most', 'more ambiguous harmony than most'],
  loudness_p50_db: ['louder than most', 'quieter than most'],
  loudness_p90_db: ['louder peaks than most', 'softer peaks than most'],
  loudness_p10_db: ['louder quiet passages than most', 'quieter quiet passages than most'],
  dynamic_range_db: ['more dynamic than most', 'more even loudness than most'],
  mfcc1_mean: ['brighter tone colour than most', 'darker tone colour than most'],
}

/** The listener-facing name of a dimension: `spectral centroid`, or `dimension 17` (1-based). */
export function dimensionLabel(space: string, dimension: number): string {
  const feature = space === EXTRACTOR.space ? FEATURES[dimension] : undefined
  if (!feature) return `dimension ${dimension + 1}`
  return feature.name.replace(/_mean$/, '').replace(/_/g, ' ')
}

/** "brighter than most (spectral centroid)" for a song `z` standard deviations from the average. */
export function describeDimension(space: string, dimension: number, z: number): string {
  const label = dimensionLabel(space, dimension)
  const feature = space === EXTRACTOR.space ? FEATURES[dimension] : undefined
  if (!feature) return z >= 0 ? `high on ${label}` : `low on ${label}`
  const words = PHRASES[feature.name]
  if (words) return `${z >= 0 ? words[0] : words[1]} (${label})`
  const higher = z >= 0
  const mfcc = /^mfcc(\d+)_mean$/.exec(feature.name)
  if (mfcc) return `unusual tone colour (${label} ${higher ? 'higher' : 'lower'} than most)`
  const interval = /how much (.+) of the key sounds/.exec(feature.meaning)
  if (interval) return `${higher ? 'more' : 'less'} of ${interval[1]} in its harmony (${label})`
  const head = (feature.meaning.split(':')[0] ?? label).trim()
  if (feature.name.endsWith('_std') && !feature.name.endsWith('_delta_std')) {
    if (/variety/.test(head)) return `${higher ? 'more' : 'less'} ${head} than most (${label})`
    return `${higher ? 'more' : 'less'} varied ${head} than most (${label})`
  }
  return `${higher ? 'more' : 'less'} ${head} than most (${label})`
}

/**
 * Per-dimension contributions of a song's standardised vector `z` to the mean score, given θ
 * (k input weights; the intercept excluded) and the k×D components (row-major).
 */
export function contributions(
  theta: ArrayLike<number>,
  components: ArrayLike<number>,
  k: number,
  z: ArrayLike<number>,
): Float64Array {
  const d = z.length
  const weights = new Float64Array(d)
  for (let j = 0; j < k; j++) {
    const t = theta[j] as number
    for (let a = 0; a < d; a++)
      weights[a] = (weights[a] as number) + t * (components[j * d + a] as number)
  }
  let squaredNorm = 0
  for (let j = 0; j < k; j++) {
    let projected = 0
    for (let a = 0; a < d; a++) projected += (components[j * d + a] as number) * (z[a] as number)
    squaredNorm += projected * projected
  }
  const scale = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0
  const out = new Float64Array(d)
  for (let a = 0; a < d; a++) out[a] = (weights[a] as number) * (z[a] as number) * scale
  return out
}

/** The `count` dimensions with the largest |contribution| (or only the positive ones), in words. */
export function topReasons(
  space: string,
  contribution: ArrayLike<number>,
  z: ArrayLike<number>,
  count: number,
  onlyRaising = false,
): FeatureReason[] {
  const order = Array.from({ length: contribution.length }, (_, a) => a)
    .filter(
      (a) => (contribution[a] as number) !== 0 && (!onlyRaising || (contribution[a] as number) > 0),
    )
    .sort(
      (p, q) => Math.abs(contribution[q] as number) - Math.abs(contribution[p] as number) || p - q,
    )
  return order.slice(0, count).map((a) => {
    const value = contribution[a] as number
    const deviation = z[a] as number
    const feature = space === EXTRACTOR.space ? FEATURES[a] : undefined
    return {
      dimension: a,
      name: feature ? feature.name : `dimension ${a + 1}`,
      z: deviation,
      contribution: value,
      effect: value >= 0 ? 'raised' : 'lowered',
      phrase: describeDimension(space, a, deviation),
    }
  })
}
