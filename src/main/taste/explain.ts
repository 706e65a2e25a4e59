// Why the model scores a song as it does, in plain words. The model scores the preprocessed vector
// x = P·z / ‖P·z‖ (z: the standardised embedding, P: the k PCA components), so its mean is
//   θ·x + θ₀ = Σ_d w_d·z_d / ‖P·z‖ + θ₀   with   w = Σ_j θ_j·P_j   (θ mapped back to input space).
// Each input dimension d therefore contributes w_d·z_d / ‖P·z‖, and the contributions add up to
// the mean minus the intercept exactly; the largest ones are the reasons shown to the listener.
import { EXTRACTOR, FEATURES, type FeatureInfo } from '../analysis/feature-names'
import type { FeatureReason } from '../../shared/taste'

export type { FeatureReason }

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

// ---------------------------------------------------------------------------------------------
// Everyday words for the reason line (issue 10, item 3): one short phrase a listener recognises,
// found from the feature's name, so features added by a later extractor get words too. A feature
// with no everyday direction (most tone-colour coefficients) gets its group's phrase.

type Direction = readonly [higher: string | null, lower: string | null]

/** Name patterns, first match wins; a phrase starting with "a" reads "It has …". */
const EVERYDAY: readonly (readonly [RegExp, Direction | 'varied'])[] = [
  [/key_mode/, ['a major-key feel', 'a minor-key feel']],
  [/(chroma|pitch).*_3$|minor_third/, ['a minor-key feel', null]],
  [/(chroma|pitch).*_4$|major_third/, ['a major-key feel', null]],
  [/(chroma|pitch).*_(1|6|10|11)$/, ['a more tense harmony', null]],
  [/(chroma|pitch).*_(0|5|7)$/, ['a plainer harmony', 'a more colourful harmony']],
  [/key_strength|tonal/, ['a clearer sense of key', 'a more ambiguous harmony']],
  [
    /tempo_(confidence|stability)|beat_(strength|clarity|stability)|pulse_clarity/,
    ['a steadier beat', 'a looser rhythm'],
  ],
  [/dynamic_range|loudness_range|loudness_(std|spread)/, ['more dynamic', 'more even in loudness']],
  [/delta|motion/, ['more restless', 'smoother']],
  [/_std$|_spread$|_var$/, 'varied'],
  [/tempo_bpm|^tempo$|tempo_mean/, ['faster', 'slower']],
  [/onset_strength|attack|percuss/, ['more percussive', 'softer-edged']],
  [/onset_rate|onsets_per|busy/, ['busier', 'calmer']],
  [/loudness|rms|_dbfs|^loud/, ['louder', 'quieter']],
  [/^mfcc_?1_mean$|centroid_mean|rolloff_mean|brightness/, ['brighter', 'darker']],
  [/bandwidth_mean/, ['a fuller sound', 'a leaner sound']],
  [/flatness_mean|noisiness/, ['grittier', 'cleaner']],
  [/zero_crossing.*_mean/, ['edgier', 'smoother']],
  [/contrast.*_mean$/, ['crisper', 'denser']],
  [/flux_mean/, ['more restless', 'smoother']],
]

/** How much a feature varies over the track, by its group: "a more varied rhythm". */
const VARIED_WORDS: Partial<Record<string, string>> = {
  timbre: 'tone colour',
  spectral: 'sound',
  harmony: 'harmony',
  rhythm: 'rhythm',
  loudness: 'loudness',
}

const GROUP_WORDS: Partial<Record<string, string>> = {
  timbre: 'a familiar tone colour',
  spectral: 'a familiar sound',
  harmony: 'a familiar harmony',
  rhythm: 'a familiar rhythm',
  loudness: 'a familiar loudness',
}

/**
 * One everyday phrase for a feature a song is `z` standard deviations from the library's average
 * on ("calmer", "a minor-key feel"): from the name's pattern, else the feature group's phrase
 * (`specific` false); null for a dimension without a name (an imported space).
 */
export function everydayWords(
  space: string,
  dimension: number,
  z: number,
): { phrase: string; specific: boolean } | null {
  const feature = space === EXTRACTOR.space ? FEATURES[dimension] : undefined
  return feature ? featureWords(feature, z) : null
}

/** everydayWords for a feature by its name and group (any extractor version's). */
export function featureWords(
  feature: Pick<FeatureInfo, 'name' | 'group' | 'words'>,
  z: number,
): { phrase: string; specific: boolean } {
  // A feature's own words (feature-names.ts) come first.
  if (feature.words) return { phrase: z >= 0 ? feature.words[0] : feature.words[1], specific: true }
  const band = /tempo_band_(\d+)_(\d+)/.exec(feature.name)
  const rules: readonly (readonly [RegExp, Direction | 'varied'])[] = band
    ? [
        [
          /./,
          Number(band[1]) + Number(band[2]) < 200
            ? ['a slower pulse', null]
            : ['a quicker pulse', null],
        ],
      ]
    : EVERYDAY
  for (const [pattern, direction] of rules) {
    if (!pattern.test(feature.name)) continue
    const what = VARIED_WORDS[feature.group] ?? 'sound'
    const [higher, lower] =
      direction === 'varied' ? [`a more varied ${what}`, `a steadier ${what}`] : direction
    const phrase = z >= 0 ? higher : lower
    if (phrase) return { phrase, specific: true }
    break
  }
  return { phrase: GROUP_WORDS[feature.group] ?? 'a familiar sound', specific: false }
}

/**
 * The one feature phrase of a reason line: among the (up to) three features that raised the
 * score most, the first with a specific everyday phrase, else the group phrase of the first; null
 * when nothing raised it or the space has no names.
 */
export function featurePhrase(reasons: readonly FeatureReason[], space: string): string | null {
  const raising = reasons.filter((r) => r.contribution > 0).slice(0, 3)
  const words = raising.map((r) => everydayWords(space, r.dimension, r.z))
  const specific = words.find((w) => w?.specific)
  return (specific ?? words[0] ?? null)?.phrase ?? null
}
