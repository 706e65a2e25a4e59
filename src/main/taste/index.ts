export { LinUcb, choleskyInverse } from './linucb'
export type {
  Eligibility,
  LinUcbJson,
  LinUcbOptions,
  Prediction,
  RefreshStats,
  ScoredCandidate,
  Vector,
} from './linucb'
export { Preprocessor } from './preprocess'
export type { FitMethod, FitSummary, PreprocessorJson, PreprocessorOptions } from './preprocess'
export { TasteModel, TasteLearner, farthestPointSample } from './model'
export type {
  LearnerEvent,
  LearnerExplanation,
  LearnerRecommendOptions,
  Recommendation,
  RecommendOptions,
  ScoredSong,
  ScoreExplanation,
  TasteLearnerJson,
  TasteModelJson,
  TasteModelSettings,
} from './model'
export { TasteCore, modelKey, paramsOf } from './core'
export type { ModelParams, RecommendRequest, TasteSnapshot, TasteStatus } from './core'
export { TasteService } from './service'
export type { TasteProtocol, TasteServiceOptions, TasteWorkerData } from './service'
export { contributions, describeDimension, dimensionLabel, topReasons } from './explain'
export type { FeatureReason } from './explain'
export { TrainingLedger } from './training'
export type { LedgerEvent, ModelRow, RowOp } from './training'
