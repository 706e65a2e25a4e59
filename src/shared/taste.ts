// What the taste model says about a song, declared once: the model (src/main/taste), its worker,
// the engine, the contract and every front end use these same types.
import type { Mark } from './domain'
import type { PickReason } from './reasons'

/** One input feature's share of a song's mean score. */
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

/** One row the model is trained on: a song's current label, or one of its listens. */
export interface ModelRow {
  /** The event that made this row. */
  eventId: number
  trackId: number
  kind: 'label' | 'listen'
  reward: number
  weight: number
}

/** A song the model ranks, with its scores. */
export interface ScoredSong {
  trackId: number
  /** Predicted reward (θ·x). */
  mean: number
  /** Exploration bonus (α·sqrt(xᵀA⁻¹x)). */
  bonus: number
  /** The score it was ranked by: mean + bonus, plus `seed` while a radio runs. */
  ucb: number
  /**
   * The mean of the song that would hold this place of the list without the exploration bonus
   * (the i-th best mean among the eligible songs, with their seed terms while a radio runs):
   * above this song's own mean (plus its seed term), the bonus put it here, and it is a wild card.
   */
  meanAtRank: number
  /** While a radio runs: the song's seed term, its closeness to the seed on the score's scale. */
  seed?: number
  /**
   * While a radio runs: the i-th best taste score (mean + bonus, no seed term) among the eligible
   * songs. Above this song's own, the seed put it here: "close to" the seed is its reason.
   */
  tasteAtRank?: number
}

/** A song the model recommends, with why. */
export interface Recommendation extends ScoredSong {
  /** Why, in a listener's words (songs first, one feature phrase, the wild card), and the numbers. */
  why: PickReason
  /** The reason line (`why.line`), as a list for callers that show several. */
  reasons: string[]
}

/** Why the model scores a song as it does, in numbers (the pure model's answer). */
export interface ScoreExplanation {
  trackId: number
  mean: number
  bonus: number
  ucb: number
  /** Nothing learned yet: every song scores the same and picks are spread across the library. */
  coldStart: boolean
  /** The label and listen rows in force for this song. */
  rows: ModelRow[]
  /** The model's baseline (θ's intercept): the mean of a song at the library's average. */
  baseline: number
  /** The (up to) three input features that moved its mean the most (away from the baseline). */
  features: FeatureReason[]
}

/** A song's current label, as the model knows it. */
export interface LabelRef {
  mark: Mark
  origin: 'mark' | 'import'
}

/** Why the model scores a song as it does: the numbers, its label, and the reason in words. */
export interface Explanation extends ScoreExplanation {
  /** The same song's reason in a listener's words (as the queue and Discover say it). */
  why: PickReason
  label: LabelRef | null
}
