export { LinUcb, choleskyInverse } from './linucb'
export type {
  Eligibility,
  LinUcbJson,
  LinUcbOptions,
  Prediction,
  ScoredCandidate,
  Vector,
} from './linucb'
export { Preprocessor } from './preprocess'
export type { FitMethod, FitSummary, PreprocessorJson, PreprocessorOptions } from './preprocess'
