// What the taste model knows, for the Insights view: pure functions of the model's numbers (no
// database, no worker). The model scores x = P·z / ‖P·z‖ (z: the standardised embedding, P: the k
// PCA components), so θ mapped back to the input dimensions is w = Σ_j θ_j·P_j (as in explain.ts):
// w_d > 0 means a song with more of feature d than the library's average scores higher.
import { MARKS, type Mark } from '../../shared/domain'
import type {
  HistogramBin,
  LearnedFeature,
  TasteExample,
  TasteInsights,
} from '../../shared/insights'
import { EXTRACTOR, FEATURES } from '../analysis/feature-names'
import { describeDimension, dimensionLabel } from './explain'

export interface TasteInsightInputs {
  space: string
  inputDims: number
  k: number
  /** Share of the standardised variance of each kept PCA component. */
  explainedVariance: ArrayLike<number>
  /** k × D components, row-major. */
  components: ArrayLike<number>
  /** k weights followed by the intercept (the intercept is not a feature). */
  theta: ArrayLike<number>
  /** Every candidate's predicted mean and exploration bonus. */
  means: ArrayLike<number>
  bonuses: ArrayLike<number>
  labels: readonly { mark: Mark; origin: 'mark' | 'import'; count: number }[]
  /** Rows the model has learned from. */
  rows: number
  /** The liked songs the model scores highest (TasteLearner.tasteExamples). */
  examples?: readonly TasteExample[]
}

export const HISTOGRAM_BINS = 30
export const LEARNED_FEATURES = 8
/** Features whose short phrases make the one-sentence summary. */
const SUMMARY_FEATURES = 3

export const NOTHING_LEARNED =
  'Attune has not learned anything yet: mark a few songs or let some play.'
export const NO_LEANING =
  'Attune has some ratings but no leaning yet: they pull in no clear direction.'

export function tasteInsights(inputs: TasteInsightInputs): TasteInsights {
  const weights = learnedWeights(inputs.theta, inputs.components, inputs.k, inputs.inputDims)
  const learned = inputs.rows > 0 ? learnedFeatures(inputs.space, weights) : []
  return {
    space: inputs.space,
    tracks: inputs.means.length,
    inputDims: inputs.inputDims,
    k: inputs.k,
    explainedVariance: Array.from(inputs.explainedVariance),
    predicted: histogram(inputs.means),
    bonus: histogram(inputs.bonuses),
    labels: [...inputs.labels]
      .filter((l) => l.count > 0)
      .sort(
        (a, b) =>
          (a.origin === b.origin ? 0 : a.origin === 'mark' ? -1 : 1) ||
          MARKS.indexOf(a.mark) - MARKS.indexOf(b.mark),
      ),
    rows: inputs.rows,
    learned,
    summary: leaningSummary(inputs.space, learned, inputs.rows),
    examples: inputs.rows > 0 ? [...(inputs.examples ?? [])] : [],
  }
}

/**
 * `binCount` equal-width bins from the smallest to the largest finite value (the last bin also
 * holds the largest value itself, so every finite value is counted exactly once). When all values
 * are equal (e.g. before anything is learned) there is one bin around that value.
 */
export function histogram(values: ArrayLike<number>, binCount = HISTOGRAM_BINS): HistogramBin[] {
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new Error(`A histogram needs a whole number of bins ≥ 1, got ${binCount}.`)
  }
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (!Number.isFinite(value)) continue
    if (value < min) min = value
    if (value > max) max = value
  }
  if (min > max) return []
  let finite = 0
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite++
  if (max - min <= 1e-12 * Math.max(1, Math.abs(max))) {
    const halfWidth = Math.max(Math.abs(min) * 0.05, 0.05)
    return [{ start: min - halfWidth, end: max + halfWidth, count: finite }]
  }
  const width = (max - min) / binCount
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, b) => ({
    start: min + b * width,
    end: b === binCount - 1 ? max : min + (b + 1) * width,
    count: 0,
  }))
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (!Number.isFinite(value)) continue
    const b = Math.min(binCount - 1, Math.floor((value - min) / width))
    ;(bins[b] as HistogramBin).count += 1
  }
  return bins
}

/** θ's k weights mapped back to the D standardised input dimensions: w = Σ_j θ_j·P_j. */
export function learnedWeights(
  theta: ArrayLike<number>,
  components: ArrayLike<number>,
  k: number,
  inputDims: number,
): Float64Array {
  if (components.length < k * inputDims || theta.length < k) {
    throw new Error(
      `The model's sizes disagree: θ has ${theta.length} values and the components ${components.length}, for k = ${k} and ${inputDims} input dimensions.`,
    )
  }
  const weights = new Float64Array(inputDims)
  for (let j = 0; j < k; j++) {
    const t = theta[j] as number
    if (t === 0) continue
    for (let d = 0; d < inputDims; d++) {
      weights[d] = (weights[d] as number) + t * (components[j * inputDims + d] as number)
    }
  }
  return weights
}

/** The `count` input dimensions with the largest |w|, strongest first (zero weights left out). */
export function learnedFeatures(
  space: string,
  weights: ArrayLike<number>,
  count = LEARNED_FEATURES,
): LearnedFeature[] {
  const order = Array.from({ length: weights.length }, (_, d) => d)
    .filter((d) => (weights[d] as number) !== 0 && Number.isFinite(weights[d]))
    .sort((p, q) => Math.abs(weights[q] as number) - Math.abs(weights[p] as number) || p - q)
  return order.slice(0, Math.max(0, count)).map((d) => {
    const weight = weights[d] as number
    const feature = featureOf(space, d)
    const label = dimensionLabel(space, d)
    return {
      name: feature ? feature.name : `dimension ${d + 1}`,
      label,
      weight,
      words: leaningWords(space, d, weight),
    }
  })
}

/**
 * The direction the listener leans on one dimension, in plain words: describeDimension's phrase
 * for a song above (w > 0) or below (w < 0) the average, without the feature's name in brackets.
 */
export function leaningWords(space: string, dimension: number, weight: number): string {
  const phrase = describeDimension(space, dimension, weight >= 0 ? 1 : -1)
  const suffix = ` (${dimensionLabel(space, dimension)})`
  return phrase.endsWith(suffix) ? phrase.slice(0, -suffix.length) : phrase
}

/** "with …" phrases for features that read badly as an adjective. */
const TAILS: Record<string, [higher: string, lower: string]> = {
  tempo_confidence: ['with a steadier beat', 'with a looser beat'],
}

/**
 * Adjectives that read well before "tracks", for the features listeners recognise (higher,
 * lower). Other features become a "with …" phrase.
 */
const ADJECTIVES: Record<string, [higher: string, lower: string]> = {
  spectral_centroid_mean: ['brighter', 'darker'],
  mfcc1_mean: ['brighter', 'darker'],
  spectral_rolloff_mean: ['more trebly', 'mellower'],
  spectral_bandwidth_mean: ['fuller', 'thinner'],
  spectral_flatness_mean: ['noisier', 'more tonal'],
  key_strength: ['more tonal', 'more harmonically ambiguous'],
  key_mode: ['major-key', 'minor-key'],
  tempo_bpm: ['faster', 'slower'],
  key_mode_clarity: ['major-key', 'minor-key'],
  onset_rate: ['busier', 'calmer'],
  onset_strength_mean: ['punchier', 'softer'],
  loudness_p50_db: ['louder', 'quieter'],
  loudness_p90_db: ['louder', 'softer'],
  loudness_p10_db: ['louder', 'quieter'],
  dynamic_range_db: ['more dynamic', 'more even'],
}

/**
 * One sentence from the strongest few features: "You lean towards slower, quieter, more tonal
 * tracks." Features without an adjective follow as "with …" (or "high on dimension 3").
 */
export function leaningSummary(
  space: string,
  learned: readonly LearnedFeature[],
  rows: number,
): string {
  if (rows <= 0) return NOTHING_LEARNED
  if (learned.length === 0) return NO_LEANING
  const adjectives: string[] = []
  const tails: string[] = []
  for (const feature of learned.slice(0, SUMMARY_FEATURES)) {
    const side = feature.weight >= 0 ? 0 : 1
    const builtIn = space === EXTRACTOR.space
    const pair = builtIn ? ADJECTIVES[feature.name] : undefined
    const tailPair = builtIn ? TAILS[feature.name] : undefined
    const phrase = pair ? pair[side] : tailPair ? tailPair[side] : tailPhrase(feature.words)
    const list = pair ? adjectives : tails
    if (!adjectives.includes(phrase) && !tails.includes(phrase)) list.push(phrase)
  }
  const subject = adjectives.length > 0 ? `${adjectives.join(', ')} tracks` : 'tracks'
  const tail = joinTails(tails)
  return `You lean towards ${subject}${tail ? ` ${tail}` : ''}.`
}

function featureOf(space: string, dimension: number) {
  return space === EXTRACTOR.space ? FEATURES[dimension] : undefined
}

/**
 * "more timbre variety than most" → "with more timbre variety"; "… in its harmony" → "… in their
 * harmony" (it speaks of tracks); "high on dimension 3" stays.
 */
function tailPhrase(words: string): string {
  if (/^(high|low) on /.test(words)) return words
  return `with ${words.replace(/ than most\b/, '').replace(/\bits\b/g, 'their')}`
}

/** ["with a", "with b", "high on c"] → "with a and b, high on c". */
function joinTails(tails: readonly string[]): string {
  const withs = tails.filter((t) => t.startsWith('with ')).map((t) => t.slice('with '.length))
  const others = tails.filter((t) => !t.startsWith('with '))
  const parts: string[] = []
  if (withs.length > 0) parts.push(`with ${andList(withs)}`)
  if (others.length > 0) parts.push(andList(others))
  return parts.join(', ')
}

function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`
}
