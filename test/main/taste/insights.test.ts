import { describe, expect, it } from 'vitest'
import {
  histogram,
  learnedFeatures,
  learnedWeights,
  leaningSummary,
  NOTHING_LEARNED,
  NO_LEANING,
  tasteInsights,
  type TasteInsightInputs,
} from '../../../src/main/taste/insights'
import {
  TasteLearner,
  TasteModel,
  type LearnerEvent,
  type RewardObservation,
} from '../../../src/main/taste/model'
import { TrainingLedger } from '../../../src/main/taste/training'
import { EXTRACTOR, FEATURE_INDEX } from '../../../src/main/analysis/feature-names'
import { seededNormal } from './random'

const DSP = EXTRACTOR.space
const D = EXTRACTOR.dims
const index = (name: string): number => {
  const found = FEATURE_INDEX.get(name)
  if (found === undefined) throw new Error(`no feature ${name}`)
  return found
}

/** k × D components whose rows are the given (unnormalised) combinations of named features. */
function componentsOf(rows: Record<string, number>[]): Float64Array {
  const out = new Float64Array(rows.length * D)
  rows.forEach((row, j) => {
    const norm = Math.sqrt(Object.values(row).reduce((s, v) => s + v * v, 0))
    for (const [name, value] of Object.entries(row)) out[j * D + index(name)] = value / norm
  })
  return out
}

function inputs(overrides: Partial<TasteInsightInputs>): TasteInsightInputs {
  return {
    space: DSP,
    inputDims: D,
    k: 2,
    explainedVariance: [0.5, 0.25],
    components: componentsOf([{ tempo_bpm: 1 }, { loudness_p50_db: 1 }]),
    theta: [0, 0, 0],
    means: [0, 0, 0],
    bonuses: [1, 1, 1],
    labels: [],
    rows: 0,
    ...overrides,
  }
}

describe('what the model has learned (θ mapped back through the PCA components)', () => {
  it('names the one standardised feature θ points along first, with its sign and words', () => {
    // Two components mixing tempo and loudness; θ = −(P₀ + P₁)/√2 undoes the mix: w = −e_tempo.
    const components = componentsOf([
      { tempo_bpm: 1, loudness_p50_db: 1 },
      { tempo_bpm: 1, loudness_p50_db: -1 },
    ])
    const theta = [-Math.SQRT1_2, -Math.SQRT1_2, 0.4]
    const weights = learnedWeights(theta, components, 2, D)
    expect(weights[index('tempo_bpm')]).toBeCloseTo(-1, 12)
    expect(weights[index('loudness_p50_db')]).toBeCloseTo(0, 12)

    const insights = tasteInsights(inputs({ components, theta, rows: 2 }))
    expect(insights.learned[0]).toMatchObject({
      name: 'tempo_bpm',
      label: 'tempo bpm',
      words: 'slower tempo',
    })
    expect(insights.learned[0]?.weight).toBeCloseTo(-1, 12)
    // The intercept (θ's last value) is not a feature; the loudness weight is 0 up to rounding.
    expect(
      insights.learned.every((f) => f.name !== 'loudness_p50_db' || Math.abs(f.weight) < 1e-12),
    ).toBe(true)
    expect(insights.summary).toBe('You lean towards slower tracks.')
  })

  it('keeps at most 8 features, strongest |w| first', () => {
    const weights = Float64Array.from({ length: D }, (_, d) => (d % 2 === 0 ? 1 : -1) * (d + 1))
    const learned = learnedFeatures(DSP, weights)
    expect(learned).toHaveLength(8)
    expect(learned.map((f) => Math.abs(f.weight))).toEqual(
      Array.from({ length: 8 }, (_, i) => D - i),
    )
  })

  it('builds the sentence from the top three features’ short phrases', () => {
    const weights = new Float64Array(D)
    weights[index('tempo_bpm')] = -3
    weights[index('loudness_p50_db')] = -2
    weights[index('spectral_flatness_mean')] = -1
    weights[index('onset_rate')] = 0.5
    const learned = learnedFeatures(DSP, weights)
    expect(learned.map((f) => f.words)).toEqual([
      'slower tempo',
      'quieter than most',
      'purer tones than most',
      'busier than most',
    ])
    expect(leaningSummary(DSP, learned, 5)).toBe(
      'You lean towards slower, quieter, more tonal tracks.',
    )
  })

  it('speaks of features without a hand-written phrase as "with more …"', () => {
    const weights = new Float64Array(D)
    weights[index('tempo_bpm')] = 2
    weights[index('spectral_flux_mean')] = 1
    const learned = learnedFeatures(DSP, weights)
    expect(leaningSummary(DSP, learned, 3)).toBe('You lean towards faster tracks with more change.')
  })

  it('joins "with …" phrases into one plain sentence about tracks (as on the fixture library)', () => {
    const weights = new Float64Array(D)
    weights[index('tempo_confidence')] = -0.37
    weights[index('chroma_key_3')] = 0.36
    weights[index('spectral_centroid_std')] = -0.3
    weights[index('key_mode_clarity')] = -0.2
    const learned = learnedFeatures(DSP, weights)
    expect(learned.map((f) => f.words)).toEqual([
      'looser beat than most',
      'more of the minor third in its harmony',
      'less varied brightness than most',
      'more clearly minor than most',
    ])
    expect(leaningSummary(DSP, learned, 6)).toBe(
      'You lean towards tracks with a looser beat, more of the minor third in their harmony and less varied brightness.',
    )
  })

  it('speaks of an imported space’s dimensions by number', () => {
    const weights = Float64Array.from([0, 0.2, -0.9])
    const learned = learnedFeatures('import:clap', weights)
    expect(learned).toEqual([
      { name: 'dimension 3', label: 'dimension 3', weight: -0.9, words: 'low on dimension 3' },
      { name: 'dimension 2', label: 'dimension 2', weight: 0.2, words: 'high on dimension 2' },
    ])
    expect(leaningSummary('import:clap', learned, 4)).toBe(
      'You lean towards tracks low on dimension 3 and high on dimension 2.',
    )
  })

  it('says so in plain words when nothing is learned yet, or no leaning emerged', () => {
    const cold = tasteInsights(inputs({}))
    expect(cold.learned).toEqual([])
    expect(cold.summary).toBe(NOTHING_LEARNED)
    expect(leaningSummary(DSP, [], 2)).toBe(NO_LEANING)
  })
})

describe('histograms of the predicted score and the bonus', () => {
  it('counts every value once in equal-width bins from the smallest to the largest', () => {
    const normal = seededNormal(3)
    const values = Float64Array.from({ length: 1000 }, normal)
    const bins = histogram(values)
    expect(bins).toHaveLength(30)
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(1000)
    expect(bins[0]?.start).toBe(Math.min(...values))
    expect(bins[29]?.end).toBe(Math.max(...values))
    const width = ((bins[29]?.end ?? 0) - (bins[0]?.start ?? 0)) / 30
    for (const bin of bins) expect(bin.end - bin.start).toBeCloseTo(width, 9)
  })

  it('puts known values in known bins', () => {
    expect(histogram([0, 0.1, 0.5, 0.99, 1, 2], 2)).toEqual([
      { start: 0, end: 1, count: 4 },
      { start: 1, end: 2, count: 2 },
    ])
  })

  it('gives equal values one bin around them and ignores non-finite values', () => {
    expect(histogram([1.5, 1.5, Number.NaN, 1.5])).toEqual([
      { start: 1.5 - 0.075, end: 1.5 + 0.075, count: 3 },
    ])
    expect(histogram([])).toEqual([])
  })
})

describe('TasteInsights from a live model', () => {
  /** 40 songs in 6 dimensions (ids 1…40) in an imported space. */
  function learner(): TasteLearner {
    const dim = 6
    const normal = seededNormal(11)
    const data = Float32Array.from({ length: 40 * dim }, () => 2 * normal())
    const trackIds = Int32Array.from({ length: 40 }, (_, i) => i + 1)
    const model = TasteModel.build('import:test', trackIds, data, dim, {
      pcaDims: 4,
      lambda: 1,
      alpha: 1,
      forgettingWindow: null,
    })
    return new TasteLearner(model, new TrainingLedger())
  }

  let nextId = 0
  const event = (
    kind: LearnerEvent['kind'],
    trackId: number,
    extra: Partial<LearnerEvent> = {},
  ): LearnerEvent => ({
    id: ++nextId,
    ts: 1000 * nextId,
    kind,
    trackId,
    mark: null,
    reason: null,
    position: null,
    duration: null,
    ...extra,
  })

  it('reports each reward with the prediction made before it (known first answer)', () => {
    nextId = 0
    const taste = learner()
    const seen: RewardObservation[] = []
    taste.applyEvents(
      [
        event('mark', 3, { mark: 'love' }),
        event('play_start', 5),
        event('mark', 3, { mark: 'none' }),
        event('mark', 7, { mark: 'not_for_me' }),
        event('play_end', 9, { reason: 'next', position: 10, duration: 200 }),
      ],
      (o) => seen.push(o),
    )
    // The start and the unmark add no row, so they bring no reward.
    expect(seen.map((o) => [o.eventId, o.trackId, o.reward])).toEqual([
      [1, 3, 1],
      [4, 7, -1],
      [5, 9, -1],
    ])
    const first = seen[0] as RewardObservation
    // Before anything is learned θ = 0 and A⁻¹ = I/λ: mean 0, bonus α·sqrt(‖x‖² + 1) = √2 (unit x).
    expect(first.mean).toBe(0)
    expect(first.bonus).toBeCloseTo(Math.SQRT2, 6)
    expect(first.ts).toBe(1000)
    // After one row (reward r = 1, weight w = 2): θ = w·r·x̃ / (λ + w‖x̃‖²), ‖θ‖ = 2√2 / 5.
    expect(first.modelNorm).toBeCloseTo((2 * Math.SQRT2) / 5, 6)
    // The third reward was predicted by the model that had learned the second.
    const probe = learner()
    nextId = 0
    probe.applyEvents([
      event('mark', 3, { mark: 'love' }),
      event('play_start', 5),
      event('mark', 3, { mark: 'none' }),
      event('mark', 7, { mark: 'not_for_me' }),
    ])
    const before = probe.model.predict(9)
    expect(seen[2]?.mean).toBeCloseTo(before?.mean ?? NaN, 12)
    expect(seen[2]?.bonus).toBeCloseTo(before?.bonus ?? NaN, 12)
  })

  it('counts histograms over every song, labels by mark and origin, and variance in order', () => {
    nextId = 0
    const taste = learner()
    taste.applyEvents([
      event('mark', 1, { mark: 'love' }),
      event('mark', 2, { mark: 'like' }),
      event('label_import', 3, { mark: 'like' }),
      event('label_import', 4, { mark: 'not_for_me' }),
      event('mark', 5, { mark: 'not_for_me' }),
      event('mark', 6, { mark: 'like' }),
    ])
    const insights = tasteInsights({
      ...taste.model.insightInputs(),
      labels: taste.labelCounts(),
    })
    expect(insights).toMatchObject({ space: 'import:test', tracks: 40, inputDims: 6, k: 4 })
    expect(insights.rows).toBe(6)
    expect(insights.predicted.reduce((s, b) => s + b.count, 0)).toBe(40)
    expect(insights.bonus.reduce((s, b) => s + b.count, 0)).toBe(40)
    expect(insights.labels).toEqual([
      { mark: 'like', origin: 'mark', count: 2 },
      { mark: 'love', origin: 'mark', count: 1 },
      { mark: 'not_for_me', origin: 'mark', count: 1 },
      { mark: 'like', origin: 'import', count: 1 },
      { mark: 'not_for_me', origin: 'import', count: 1 },
    ])
    const shares = insights.explainedVariance
    expect(shares).toHaveLength(4)
    shares.slice(1).forEach((share, c) => expect(share).toBeLessThanOrEqual(shares[c] as number))
    expect(shares.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(1 + 1e-12)
    expect(insights.learned.length).toBeGreaterThan(0)
    expect(insights.learned.length).toBeLessThanOrEqual(6)
    expect(insights.summary).toMatch(/^You lean towards tracks (high|low) on dimension \d/)
  })
})
