// What the offline evaluations answer: `attune eval` (the taste model cross-validated, bandit
// policies replayed and estimated off-policy on the listener's own labels and picks) and
// `attune eval-embedding` (how well a space separates the library's folders or given labels).
// Plain types, shared by the engine and every front end.

export interface Interval {
  lower: number
  upper: number
  level: number
}

export interface OffPolicyEstimate {
  /** The estimated value of the target policy (mean reward per round). */
  value: number
  /** Analytic standard error (sample sd / √n; delta method for SNIPS). */
  standardError: number
  /** Kish's effective sample size (Σw)²/Σw² of the importance weights w = π/μ. */
  effectiveSampleSize: number
  /** Percentile bootstrap interval over rounds. */
  interval: Interval
  rounds: number
}

export type PcaSize = number | 'full'

export interface MeanAndSpread {
  mean: number
  /** Sample standard deviation over seeds (0 with one seed). */
  sd: number
}

export interface ClassifierResult {
  pcaSize: PcaSize
  /** The dimension actually used: min(requested, D, N − 1). */
  k: number
  folds: number
  accuracy: MeanAndSpread
  rocAuc: MeanAndSpread
}

export interface ReplayResult {
  pcaSize: PcaSize
  k: number
  /** e.g. "linucb α=1 λ=1". */
  policy: string
  kind: string
  params: Record<string, number>
  horizon: number
  /** Figures after `horizon` picks, over seeds. */
  cumulativeReward: MeanAndSpread
  hitRate: MeanAndSpread
  regret: MeanAndSpread
  /** The runs holding the per-step curves (empty when not stored). */
  runIds: number[]
}

export interface OffPolicyResult {
  pcaSize: PcaSize
  k: number
  policy: string
  alpha: number
  lambda: number
  ips: OffPolicyEstimate
  snips: OffPolicyEstimate
  doublyRobust: OffPolicyEstimate
}

export interface SpaceEvaluation {
  space: string
  dim: number
  /** Vectors in the space (the preprocessing is fitted on all of them). */
  vectors: number
  /** Labelled songs that have a vector in this space. */
  labelled: { likes: number; nots: number; total: number }
  /** Why the classifier was not evaluated, in plain words; null when it was. */
  classifierNote: string | null
  classifier: ClassifierResult[]
  replayNote: string | null
  replay: ReplayResult[]
  offPolicy: {
    /** Logged auto-picks whose outcome is known and whose candidates all have vectors here. */
    rounds: number
    /** The logging policy's own mean reward over those rounds (what actually happened). */
    loggedValue: number | null
    note: string | null
    estimates: OffPolicyResult[]
  }
}

export interface OfflineEvaluation {
  labels: { total: number; likes: number; nots: number }
  /** Logged auto-picks, and how many of them have a known outcome. */
  autoPicks: { logged: number; withOutcome: number }
  /** A reason nothing could be evaluated, in plain words; null otherwise. */
  note: string | null
  spaces: SpaceEvaluation[]
}

export interface ClassFigures {
  label: string
  tracks: number
  /** Share of this class's tracks that the linear probe put in this class (recall). */
  linearAccuracy: number
  oneNN: number
}

export interface SeparationFigures {
  /** Cross-validated accuracy of the linear probe (out-of-fold predictions pooled; mean over repeats). */
  linearAccuracy: number
  /** Accuracy of each fold, in fold order (repeat after repeat). */
  foldAccuracies: number[]
  /** Leave-one-out nearest-neighbour accuracy (cosine on standardised vectors). */
  oneNN: number
  fiveNN: number
}

export interface AblationFigures extends SeparationFigures {
  name: string
  /** Dimensions left out. */
  removed: number
  /** Dimensions that remain. */
  dim: number
}

export interface EmbeddingQualityReport extends SeparationFigures {
  space: string
  dim: number
  folds: number
  seed: number
  repeats: number
  /** `folder`, `given`, or the labels file. */
  labelSource: string
  /** Tracks evaluated (labelled, with a vector, in a class large enough). */
  tracks: number
  /** Tracks left out by sampling (see maxTracks). */
  sampledOut: number
  classes: ClassFigures[]
  /** Classes with fewer tracks than folds: reported, not evaluated. */
  excludedClasses: { label: string; tracks: number }[]
  /** Tracks with a vector but no label. */
  unlabelled: number
  /** Labels naming a track without a vector in this space, or no track at all. */
  labelsWithoutVector: number
  /** Accuracy of always answering the largest class. */
  majorityBaseline: number
  /** 1 / number of classes. */
  chance: number
  /** Rows: true class, columns: the linear probe's answer, summed over repeats; same order as `classes`. */
  confusion: number[][]
  /** Ridge strength chosen in each fold. */
  ridgeLambdas: number[]
  ablation: AblationFigures[]
}
