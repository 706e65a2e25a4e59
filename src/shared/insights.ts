// What the Insights view shows, as plain data shared by the engine (which computes it) and the
// renderer (which plots it). No Node, no DOM.
import type { Mark } from './domain'

/** A run: one model trajectory (the live model, or a policy evaluated offline) with its metrics. */
export interface RunSummary {
  id: number
  name: string
  /** 'live', 'linucb', 'thompson', 'cosine', 'random', 'eval', … */
  kind: string
  params: Record<string, unknown>
  space: string | null
  createdAt: number
  /** The metric names the run has points for, sorted. */
  metrics: string[]
}

export interface MetricPointView {
  step: number
  value: number
  /** ms since the epoch. */
  time: number
}

export interface MetricSeriesView {
  runId: number
  name: string
  points: MetricPointView[]
}

/** One bar of a histogram: songs whose value lies in [start, end). */
export interface HistogramBin {
  start: number
  end: number
  count: number
}

/** A named input feature the model weighs, mapped back from PCA space. */
export interface LearnedFeature {
  /** `spectral_centroid_mean`, or `dimension 17` in an imported space. */
  name: string
  /** Listener-facing name: `spectral centroid`. */
  label: string
  /**
   * The model's weight on the standardised feature (θ mapped back through the PCA components):
   * positive means more of it raises the predicted score.
   */
  weight: number
  /** Plain words for the direction the listener leans: "slower tempo". */
  words: string
}

/** What the taste model has learned and how well it knows the library, for the Insights view. */
export interface TasteInsights {
  space: string
  /** Songs with a vector in the space (the candidates). */
  tracks: number
  /** Input dimensions of the space and PCA dimensions in use. */
  inputDims: number
  k: number
  /** Share of the standardised library's variance each PCA component captures, first to k-th. */
  explainedVariance: number[]
  /** Predicted score θ·x over every candidate song. */
  predicted: HistogramBin[]
  /** Exploration bonus α·sqrt(xᵀA⁻¹x) over every candidate song. */
  bonus: HistogramBin[]
  /** Current labels by mark and origin. */
  labels: { mark: Mark; origin: 'mark' | 'import'; count: number }[]
  /** Rows the model has learned from (labels and listens in force). */
  rows: number
  /** The features the model weighs most, strongest first (at most 8). */
  learned: LearnedFeature[]
  /** One plain sentence: "You lean towards slower, quieter, more tonal tracks." */
  summary: string
  /**
   * The loved, liked and "almost" songs the model scores highest, best first (at most 6): the
   * taste as example songs. Empty before the model has learned anything.
   */
  examples: TasteExample[]
}

/** What became of the auto-queue's picks in one day or week. */
export interface PicksKeptBucket {
  /** The day's or week's start (local midnight; weeks start on Monday), ms since the epoch. */
  start: number
  /** Played through, or marked like, love or "almost". */
  kept: number
  /** Skipped with Next or by picking another song. */
  skipped: number
  /** Marked "not for me". */
  turnedDown: number
}

/** The share of auto-picks the listener kept, over time (see src/main/insights/picks-kept.ts). */
export interface PicksKept {
  /** Days while the picks span three weeks or less, else weeks. */
  period: 'day' | 'week'
  /** Every day or week from the first decided pick's to the current one, oldest first. */
  buckets: PicksKeptBucket[]
  /** Picks nothing has been said about yet (still waiting, or replaced before they played). */
  undecided: number
}

/** A song the listener liked that sits close to what the model likes now. */
export interface TasteExample {
  trackId: number
  mark: Mark
  /** The model's predicted score for it (θ·x): the higher, the nearer to what it likes. */
  mean: number
}
