// Offline evaluation math: ranking quality (ROC AUC), off-policy value
// estimators over logged bandit rounds (IPS, SNIPS, doubly robust) with bootstrap intervals, the
// policies that can be replayed on a listener's history, and the curves the Insights plots draw.
// Pure functions and small classes over plain vectors: no database, no I/O.

import { seededRandom, shuffleInPlace } from '../../shared/random'
import { choleskyLower, LinUcb } from '../taste/linucb'

export type Vector = ArrayLike<number>

/** A source of uniform numbers in [0, 1). */
export type Random = () => number

// The project's one seedable generator (mulberry32) and shuffle, re-exported for the evaluators.
export { seededRandom, shuffleInPlace }

/** A standard normal draw (Box–Muller). */
export function standardNormal(random: Random): number {
  const u = 1 - random() // (0, 1]: log stays finite
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

// ---------------------------------------------------------------------------------------------
// Ranking and folds

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (the Mann–Whitney U statistic over n₊·n₋, with mid-ranks).
 */
export function rocAuc(scores: readonly number[], labels: readonly (number | boolean)[]): number {
  if (scores.length !== labels.length) {
    throw new Error(
      `ROC AUC needs one label per score (${scores.length} scores, ${labels.length} labels).`,
    )
  }
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => (scores[a] as number) - (scores[b] as number))
  let positives = 0
  let positiveRankSum = 0
  for (let start = 0; start < order.length;) {
    let end = start + 1
    const score = scores[order[start] as number] as number
    if (!Number.isFinite(score)) throw new Error(`ROC AUC needs finite scores, got ${score}.`)
    while (end < order.length && scores[order[end] as number] === score) end++
    const midRank = (start + 1 + end) / 2 // ranks start+1 … end share their average
    for (let i = start; i < end; i++) {
      if (isPositive(labels[order[i] as number])) {
        positives += 1
        positiveRankSum += midRank
      }
    }
    start = end
  }
  const negatives = scores.length - positives
  if (positives === 0 || negatives === 0) {
    throw new Error('ROC AUC needs at least one positive and one negative label.')
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

function isPositive(label: number | boolean | undefined): boolean {
  return label === true || (typeof label === 'number' && label > 0)
}

// ---------------------------------------------------------------------------------------------
// Off-policy estimators

/** One logged decision: the candidates offered, the index picked, its reward and μ(action|x). */
export interface LoggedRound<Candidate = Vector> {
  candidates: readonly Candidate[]
  action: number
  reward: number
  /** The logging policy's probability of the action it took, in (0, 1]. */
  loggingProbability: number
}

/** The target policy's distribution π(·|round) over the round's candidates (sums to 1). */
export type TargetPolicy<Candidate = Vector> = (round: LoggedRound<Candidate>) => ArrayLike<number>

/** A reward model q(round, a): the predicted reward of candidate a. */
export type RewardModel<Candidate = Vector> = (
  round: LoggedRound<Candidate>,
  action: number,
) => number

export interface BootstrapOptions {
  /** Bootstrap resamples. Default 1000. */
  resamples?: number
  /** Interval coverage. Default 0.95. */
  level?: number
  /** Seed of the resampling. Default 1. */
  seed?: number
}

export type { Interval, OffPolicyEstimate } from '../../shared/evaluation'
import type { Interval, OffPolicyEstimate } from '../../shared/evaluation'

interface RoundTerms {
  weights: Float64Array
  weightedRewards: Float64Array
  /** Doubly robust per-round values (only when a reward model was given). */
  doublyRobust: Float64Array | null
}

function roundTerms<C>(
  rounds: readonly LoggedRound<C>[],
  target: TargetPolicy<C>,
  rewardModel: RewardModel<C> | null,
): RoundTerms {
  if (rounds.length === 0) throw new Error('Off-policy estimates need at least one logged round.')
  const n = rounds.length
  const weights = new Float64Array(n)
  const weightedRewards = new Float64Array(n)
  const doublyRobust = rewardModel ? new Float64Array(n) : null
  rounds.forEach((round, t) => {
    const { action, reward, loggingProbability, candidates } = round
    if (!Number.isInteger(action) || action < 0 || action >= candidates.length) {
      throw new Error(
        `Round ${t}: the logged action ${action} is not one of its ${candidates.length} candidates.`,
      )
    }
    if (!(loggingProbability > 0 && loggingProbability <= 1)) {
      throw new Error(
        `Round ${t}: the logging probability must be in (0, 1], got ${loggingProbability}; ` +
          'a pick with probability 0 cannot be re-weighted.',
      )
    }
    if (!Number.isFinite(reward)) throw new Error(`Round ${t}: the reward ${reward} is not finite.`)
    const policy = target(round)
    if (policy.length !== candidates.length) {
      throw new Error(
        `Round ${t}: the target policy gave ${policy.length} probabilities for ${candidates.length} candidates.`,
      )
    }
    const weight = (policy[action] as number) / loggingProbability
    weights[t] = weight
    weightedRewards[t] = weight * reward
    if (doublyRobust && rewardModel) {
      // DR (Dudík, Langford & Li 2011): the model's expected reward under π, corrected by the
      // importance-weighted residual on the logged action.
      let direct = 0
      for (let a = 0; a < candidates.length; a++) {
        const probability = policy[a] as number
        if (probability !== 0) direct += probability * rewardModel(round, a)
      }
      doublyRobust[t] = direct + weight * (reward - rewardModel(round, action))
    }
  })
  return { weights, weightedRewards, doublyRobust }
}

/** Kish's effective sample size of importance weights: (Σw)² / Σw². */
export function effectiveSampleSize(weights: ArrayLike<number>): number {
  let sum = 0
  let sumOfSquares = 0
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number
    sum += w
    sumOfSquares += w * w
  }
  return sumOfSquares === 0 ? 0 : (sum * sum) / sumOfSquares
}

/** The part of an `auto_pick` event's data the estimators use (see src/shared/auto-queue.ts). */
export interface AutoPickData {
  candidates: readonly { trackId: number; probability: number }[]
  probability: number
}

/**
 * Turns one logged auto-pick into a round: its short list as vectors, the picked track as the
 * action, the reward the listener then gave, and the probability the pick was drawn with.
 * Returns null when the round cannot be used (the pick is not in its short list, a candidate
 * has no vector in this space, or the pick had probability 0).
 */
export function roundFromAutoPick(
  data: AutoPickData,
  pickedTrackId: number,
  reward: number,
  vectorOf: (trackId: number) => Vector | undefined,
): LoggedRound | null {
  const action = data.candidates.findIndex((c) => c.trackId === pickedTrackId)
  if (action < 0 || !(data.probability > 0) || !Number.isFinite(reward)) return null
  const candidates: Vector[] = []
  for (const candidate of data.candidates) {
    const vector = vectorOf(candidate.trackId)
    if (!vector) return null
    candidates.push(vector)
  }
  return { candidates, action, reward, loggingProbability: data.probability }
}

/** Inverse propensity scoring (Horvitz–Thompson): mean of π/μ · r. Unbiased, high variance. */
export function ips<C>(
  rounds: readonly LoggedRound<C>[],
  target: TargetPolicy<C>,
  options: BootstrapOptions = {},
): OffPolicyEstimate {
  const terms = roundTerms(rounds, target, null)
  return meanEstimate(terms.weightedRewards, terms.weights, options)
}

/**
 * Self-normalised IPS (Swaminathan & Joachims 2015): Σ w·r / Σ w. Slightly biased, much lower
 * variance when weights are large; always inside the range of observed rewards.
 */
export function snips<C>(
  rounds: readonly LoggedRound<C>[],
  target: TargetPolicy<C>,
  options: BootstrapOptions = {},
): OffPolicyEstimate {
  const { weights, weightedRewards } = roundTerms(rounds, target, null)
  const n = weights.length
  const weightSum = sum(weights)
  if (weightSum === 0) {
    throw new Error('SNIPS is undefined: the target policy never takes an action the log took.')
  }
  const value = sum(weightedRewards) / weightSum
  // Delta-method standard error of a ratio estimator: sqrt(Σ w²(r − V)²) / Σ w.
  let squares = 0
  for (let t = 0; t < n; t++) {
    const w = weights[t] as number
    const residual = w === 0 ? 0 : (weightedRewards[t] as number) / w - value
    squares += w * w * residual * residual
  }
  return {
    value,
    standardError: Math.sqrt(squares) / weightSum,
    effectiveSampleSize: effectiveSampleSize(weights),
    interval: bootstrapInterval(weightedRewards, weights, options),
    rounds: n,
  }
}

/** Doubly robust: unbiased if either the logging probabilities or the reward model are right. */
export function doublyRobust<C>(
  rounds: readonly LoggedRound<C>[],
  target: TargetPolicy<C>,
  rewardModel: RewardModel<C>,
  options: BootstrapOptions = {},
): OffPolicyEstimate {
  const terms = roundTerms(rounds, target, rewardModel)
  return meanEstimate(terms.doublyRobust as Float64Array, terms.weights, options)
}

function meanEstimate(
  perRound: Float64Array,
  weights: Float64Array,
  options: BootstrapOptions,
): OffPolicyEstimate {
  const n = perRound.length
  const value = sum(perRound) / n
  let squares = 0
  for (let t = 0; t < n; t++) squares += ((perRound[t] as number) - value) ** 2
  const sampleVariance = n > 1 ? squares / (n - 1) : 0
  return {
    value,
    standardError: Math.sqrt(sampleVariance / n),
    effectiveSampleSize: effectiveSampleSize(weights),
    interval: bootstrapInterval(perRound, null, options),
    rounds: n,
  }
}

/**
 * Percentile bootstrap (Efron & Tibshirani 1993, ch. 13) over rounds of the statistic
 * Σ numerator / (Σ denominator, or the count when there is none).
 */
export function bootstrapInterval(
  numerator: ArrayLike<number>,
  denominator: ArrayLike<number> | null,
  options: BootstrapOptions = {},
): Interval {
  const resamples = options.resamples ?? 1000
  const level = options.level ?? 0.95
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`The bootstrap needs a whole number ≥ 1 of resamples, got ${resamples}.`)
  }
  if (!(level > 0 && level < 1))
    throw new Error(`The interval level must be in (0, 1), got ${level}.`)
  const random = seededRandom(options.seed ?? 1)
  const n = numerator.length
  const replicates = new Float64Array(resamples)
  for (let b = 0; b < resamples; b++) {
    let top = 0
    let bottom = 0
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(random() * n)
      top += numerator[pick] as number
      if (denominator) bottom += denominator[pick] as number
    }
    // A resample where the target policy matched nothing has no SNIPS value; count it as 0.
    replicates[b] = denominator ? (bottom === 0 ? 0 : top / bottom) : top / n
  }
  replicates.sort()
  const tail = (1 - level) / 2
  return { lower: quantile(replicates, tail), upper: quantile(replicates, 1 - tail), level }
}

/** Linear-interpolation quantile of sorted values (type 7, as R and NumPy default). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('A quantile of no values is undefined.')
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  const low = sorted[below] as number
  return low + (position - below) * ((sorted[above] as number) - low)
}

function sum(values: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i] as number
  return total
}

// ---------------------------------------------------------------------------------------------
// Replay policies: each scores a list of candidate vectors, gives its distribution over them
// (what the off-policy estimators need), picks one, and learns from the reward.

export interface ReplayPolicy {
  readonly kind: string
  /** π(·|candidates): a probability per candidate, summing to 1. */
  probabilities(candidates: readonly Vector[]): Float64Array
  /** The candidate index this policy plays. */
  choose(candidates: readonly Vector[], random: Random): number
  update(x: Vector, reward: number): void
}

/**
 * The ridge behind the replayed policies is the shipped model itself (taste/linucb.ts, with its
 * default refresh), so `attune eval` measures what the app runs: A = λI + Σ x̃x̃ᵀ with an intercept,
 * θ kept by recursive least squares, A⁻¹ by Sherman–Morrison.
 */
export function ridgeModel(dimension: number, lambda = 1, alpha = 0): LinUcb {
  return new LinUcb(dimension, { lambda, alpha })
}

/** θ·[x, 1]: a mean under weights θ of length k + 1 (intercept last), as LinUcb scores. */
function meanUnder(theta: Float64Array, x: Vector): number {
  let mean = theta[x.length] as number
  for (let i = 0; i < x.length; i++) mean += (theta[i] as number) * (x[i] as number)
  return mean
}

/** One-hot on the first best score: the distribution of a deterministic argmax policy. */
function argmaxDistribution(scores: ArrayLike<number>): Float64Array {
  const distribution = new Float64Array(scores.length)
  if (scores.length === 0) return distribution
  distribution[argmax(scores)] = 1
  return distribution
}

export function argmax(scores: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < scores.length; i++) {
    if ((scores[i] as number) > (scores[best] as number)) best = i
  }
  return best
}

function sampleFrom(distribution: ArrayLike<number>, random: Random): number {
  let draw = random()
  for (let i = 0; i < distribution.length; i++) {
    draw -= distribution[i] as number
    if (draw < 0) return i
  }
  return distribution.length - 1
}

function checkCandidates(candidates: readonly Vector[]): void {
  if (candidates.length === 0)
    throw new Error('A policy needs at least one candidate to choose from.')
}

/**
 * LinUCB with one shared θ (Li et al. 2010): argmax θ·x + α·sqrt(xᵀA⁻¹x), scored by the shipped
 * LinUcb (the auto-queue's argmax at temperature 0).
 */
export class LinUcbPolicy implements ReplayPolicy {
  readonly kind = 'linucb'
  readonly model: LinUcb

  constructor(dimension: number, alpha = 1, lambda = 1) {
    this.model = ridgeModel(dimension, lambda, alpha)
  }

  get alpha(): number {
    return this.model.alpha
  }

  scores(candidates: readonly Vector[]): Float64Array {
    return Float64Array.from(candidates, (x) => this.model.predict(x).ucb)
  }

  probabilities(candidates: readonly Vector[]): Float64Array {
    checkCandidates(candidates)
    return argmaxDistribution(this.scores(candidates))
  }

  choose(candidates: readonly Vector[]): number {
    checkCandidates(candidates)
    return argmax(this.scores(candidates))
  }

  update(x: Vector, reward: number): void {
    this.model.update(x, reward)
  }
}

/** ε-greedy on the ridge mean: the best mean with probability 1 − ε, a uniform pick otherwise. */
export class EpsilonGreedyPolicy implements ReplayPolicy {
  readonly kind = 'epsilon-greedy'
  readonly model: LinUcb

  constructor(
    dimension: number,
    readonly epsilon = 0.1,
    lambda = 1,
  ) {
    if (!(epsilon >= 0 && epsilon <= 1)) throw new Error(`ε must be in [0, 1], got ${epsilon}.`)
    this.model = ridgeModel(dimension, lambda)
  }

  probabilities(candidates: readonly Vector[]): Float64Array {
    checkCandidates(candidates)
    const means = Float64Array.from(candidates, (x) => this.model.predict(x).mean)
    const distribution = new Float64Array(candidates.length).fill(this.epsilon / candidates.length)
    const best = argmax(means)
    distribution[best] = (distribution[best] as number) + 1 - this.epsilon
    return distribution
  }

  choose(candidates: readonly Vector[], random: Random): number {
    return sampleFrom(this.probabilities(candidates), random)
  }

  update(x: Vector, reward: number): void {
    this.model.update(x, reward)
  }
}

/**
 * Linear Thompson sampling (Agrawal & Goyal 2013): draw θ̃ ~ N(θ, v²A⁻¹) and play argmax θ̃·x.
 * Its distribution has no closed form, so `probabilities` estimates it from seeded draws.
 */
export class ThompsonPolicy implements ReplayPolicy {
  readonly kind = 'thompson'
  readonly model: LinUcb

  constructor(
    dimension: number,
    readonly scale = 1,
    lambda = 1,
    readonly probabilityDraws = 500,
    readonly probabilitySeed = 1,
  ) {
    if (!(scale >= 0)) throw new Error(`The posterior scale v must be ≥ 0, got ${scale}.`)
    this.model = ridgeModel(dimension, lambda)
  }

  /** One posterior draw θ̃ = θ + v·L·z with L Lᵀ = A⁻¹. */
  sampleTheta(random: Random, posterior = this.posterior()): Float64Array {
    const size = this.model.dimension + 1
    const { mean, lower } = posterior
    const z = Float64Array.from({ length: size }, () => standardNormal(random))
    const theta = Float64Array.from(mean)
    for (let i = 0; i < size; i++) {
      let total = 0
      for (let j = 0; j <= i; j++) total += (lower[i * size + j] as number) * (z[j] as number)
      theta[i] = (theta[i] as number) + this.scale * total
    }
    return theta
  }

  choose(candidates: readonly Vector[], random: Random): number {
    checkCandidates(candidates)
    return this.pick(candidates, this.sampleTheta(random))
  }

  probabilities(candidates: readonly Vector[]): Float64Array {
    checkCandidates(candidates)
    const random = seededRandom(this.probabilitySeed)
    const posterior = this.posterior() // factor A⁻¹ once for all draws
    const counts = new Float64Array(candidates.length)
    for (let d = 0; d < this.probabilityDraws; d++) {
      const pick = this.pick(candidates, this.sampleTheta(random, posterior))
      counts[pick] = (counts[pick] as number) + 1
    }
    return counts.map((count) => count / this.probabilityDraws)
  }

  private posterior(): { mean: Float64Array; lower: Float64Array } {
    const lower = choleskyLower(this.model.inverseMatrix(), this.model.dimension + 1)
    if (!lower) throw new Error('The posterior covariance A⁻¹ is not positive definite.')
    return { mean: this.model.theta(), lower }
  }

  private pick(candidates: readonly Vector[], theta: Float64Array): number {
    return argmax(Float64Array.from(candidates, (x) => meanUnder(theta, x)))
  }

  update(x: Vector, reward: number): void {
    this.model.update(x, reward)
  }
}

/**
 * Cosine similarity to the centroid of liked vectors (rewards > 0): the simplest content-based
 * recommender, the baseline a learned model has to beat. Uniform until something is liked.
 */
export class CosineCentroidPolicy implements ReplayPolicy {
  readonly kind = 'cosine'
  private readonly likedSum: Float64Array
  private liked = 0

  constructor(readonly dimension: number) {
    this.likedSum = new Float64Array(dimension)
  }

  scores(candidates: readonly Vector[]): Float64Array {
    return Float64Array.from(candidates, (x) => cosine(x, this.likedSum))
  }

  probabilities(candidates: readonly Vector[]): Float64Array {
    checkCandidates(candidates)
    if (this.liked === 0) return new Float64Array(candidates.length).fill(1 / candidates.length)
    return argmaxDistribution(this.scores(candidates))
  }

  choose(candidates: readonly Vector[], random: Random): number {
    checkCandidates(candidates)
    if (this.liked === 0) return Math.floor(random() * candidates.length)
    return argmax(this.scores(candidates))
  }

  update(x: Vector, reward: number): void {
    if (!(reward > 0)) return
    if (x.length !== this.dimension) {
      throw new Error(`Expected a vector of ${this.dimension} values, got ${x.length}.`)
    }
    for (let i = 0; i < this.dimension; i++) {
      this.likedSum[i] = (this.likedSum[i] as number) + (x[i] as number)
    }
    this.liked += 1
  }
}

/** Uniformly random picks: the floor every policy must clear. */
export class RandomPolicy implements ReplayPolicy {
  readonly kind = 'random'

  probabilities(candidates: readonly Vector[]): Float64Array {
    checkCandidates(candidates)
    return new Float64Array(candidates.length).fill(1 / candidates.length)
  }

  choose(candidates: readonly Vector[], random: Random): number {
    checkCandidates(candidates)
    return Math.floor(random() * candidates.length)
  }

  update(): void {
    // Nothing to learn.
  }
}

export function cosine(a: Vector, b: Vector): number {
  let dot = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    dot += x * y
    aa += x * x
    bb += y * y
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb)
}

/**
 * Replay evaluation (Li, Chu, Langford & Wang 2011): walk the log; where the policy picks the
 * logged action, count the reward and let it learn; otherwise skip the round. Unbiased for
 * uniformly random logs; `matched` is how many rounds it could use.
 */
export function replay(
  policy: ReplayPolicy,
  rounds: readonly LoggedRound[],
  random: Random,
): { rewards: number[]; matched: number; value: number } {
  const rewards: number[] = []
  for (const round of rounds) {
    const pick = policy.choose(round.candidates, random)
    if (pick !== round.action) continue
    rewards.push(round.reward)
    policy.update(round.candidates[pick] as Vector, round.reward)
  }
  const total = sum(rewards)
  return { rewards, matched: rewards.length, value: rewards.length ? total / rewards.length : 0 }
}

// ---------------------------------------------------------------------------------------------
// Curves for the plots

/** Running total of rewards. */
export function cumulativeReward(rewards: readonly number[]): number[] {
  let total = 0
  return rewards.map((reward) => (total += reward))
}

/** Cumulative regret: Σ (best expected reward − expected reward of the pick) per step. */
export function regret(
  chosenExpected: readonly number[],
  bestExpected: readonly number[],
): number[] {
  if (chosenExpected.length !== bestExpected.length) {
    throw new Error('Regret needs the best expected reward for every step.')
  }
  let total = 0
  return chosenExpected.map((chosen, t) => (total += (bestExpected[t] as number) - chosen))
}

/**
 * Share of rewards > 0: cumulative (window 0) or over the last `window` steps, at every step.
 */
export function hitRate(rewards: readonly number[], window = 0): number[] {
  if (!Number.isInteger(window) || window < 0)
    throw new Error(`The window must be a whole number ≥ 0, got ${window}.`)
  let hits = 0
  return rewards.map((reward, t) => {
    if (reward > 0) hits += 1
    if (window > 0 && t >= window && (rewards[t - window] as number) > 0) hits -= 1
    return hits / (window > 0 ? Math.min(t + 1, window) : t + 1)
  })
}
