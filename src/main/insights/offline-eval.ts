// `attune eval`: offline evaluation of the taste model on the listener's own labelled songs.
//   1. A ridge "taste model" (like vs not for me), cross-validated per embedding space and PCA size.
//   2. Replay of bandit policies over the labelled songs, every curve stored as a run + metrics.
//   3. Off-policy estimates (IPS, SNIPS, doubly robust) of LinUCB at other α from the live
//      auto-queue's logged picks.
// Preprocessing (standardise → PCA → L2) is fitted on every vector of the space, as the live model
// fits it on the whole library; it sees no label, so cross-validation does not leak through it.
import type { Database } from '../db/database'
import { EmbeddingStore } from '../db/embeddings'
import { EventLog } from '../db/events'
import { Preprocessor } from '../taste/preprocess'
import { labelRow, listenRow } from '../../shared/rewards'
import type { Mark } from '../../shared/domain'
import {
  CosineCentroidPolicy,
  EpsilonGreedyPolicy,
  LinUcbPolicy,
  RandomPolicy,
  ThompsonPolicy,
  cumulativeReward,
  doublyRobust,
  hitRate,
  ips,
  regret,
  ridgeModel,
  rocAuc,
  roundFromAutoPick,
  seededRandom,
  shuffleInPlace,
  snips,
  type AutoPickData,
  type LoggedRound,
  type OffPolicyEstimate,
  type ReplayPolicy,
  type Vector,
} from './evaluation'
import { MetricStore } from '../db/metric-store'
import { stratifiedFolds } from '../../shared/folds'
import type {
  MeanAndSpread,
  OfflineEvaluation,
  PcaSize,
  SpaceEvaluation,
} from '../../shared/evaluation'
export type {
  ClassifierResult,
  MeanAndSpread,
  OfflineEvaluation,
  OffPolicyResult,
  PcaSize,
  ReplayResult,
  SpaceEvaluation,
} from '../../shared/evaluation'

export interface OfflineEvalOptions {
  /** Embedding spaces to evaluate; default every space with vectors. */
  spaces?: string[]
  /** Requested PCA sizes; 'full' keeps min(D, N − 1) components. */
  pcaSizes?: PcaSize[]
  /** Cross-validation folds (lowered to the smaller class's size when it has fewer songs). */
  folds?: number
  /** Seeds: cross-validation splits and replay orders. */
  seeds?: number
  /** LinUCB exploration strengths to replay and to estimate off-policy. */
  alphas?: number[]
  /** Ridge strengths λ; the first also serves the classifier and the other policies. */
  lambdas?: number[]
  /** Write every replay curve as a run with per-step metrics. */
  store?: boolean
  /** Replay picks per run; default half the labelled songs (rounded up). */
  horizon?: number
  /** Bootstrap resamples of the off-policy intervals. Default 1000. */
  bootstrapResamples?: number
}

/** Both classes need this many songs before the classifier is cross-validated. */
export const MIN_SONGS_PER_CLASS = 5

interface LabelledSong {
  trackId: number
  reward: number
  liked: boolean
}

/** Every list call reads the whole log (the default page is 1000 rows). */
const WHOLE_LOG = 1_000_000_000

export function evaluateOffline(db: Database, options: OfflineEvalOptions = {}): OfflineEvaluation {
  const pcaSizes = options.pcaSizes ?? [8, 16, 32, 'full']
  const folds = options.folds ?? 5
  const seeds = options.seeds ?? 5
  const alphas = options.alphas ?? [0.1, 0.5, 1, 3]
  const lambdas = options.lambdas ?? [1]
  const bootstrapResamples = options.bootstrapResamples ?? 1000
  checkOptions(pcaSizes, folds, seeds, alphas, lambdas)

  const embeddings = new EmbeddingStore(db)
  const events = new EventLog(db)
  const labelled: LabelledSong[] = []
  for (const label of events.currentLabels().values()) {
    labelled.push({
      trackId: label.trackId,
      reward: labelRow(label.mark, label.origin).reward,
      liked: isLike(label.mark),
    })
  }
  const likes = labelled.filter((s) => s.liked).length
  const autoRounds = autoPickOutcomes(events)
  const summary: OfflineEvaluation = {
    labels: { total: labelled.length, likes, nots: labelled.length - likes },
    autoPicks: { logged: autoRounds.logged, withOutcome: autoRounds.outcomes.length },
    note: null,
    spaces: [],
  }
  const available = embeddings.spaces().filter((s) => s.vectors > 0)
  const spaces = options.spaces ?? available.map((s) => s.space)
  if (available.length === 0) {
    summary.note = 'No song is analysed yet, so there is nothing to evaluate. Run: attune analyze'
    return summary
  }
  if (labelled.length === 0 && autoRounds.outcomes.length === 0) {
    summary.note =
      'No song is labelled yet. Mark a few songs (love, like, not for me) or import labels with: attune import-labels'
  }
  const store = options.store === false ? null : new MetricStore(db)
  try {
    for (const space of spaces) {
      const known = available.find((s) => s.space === space)
      if (!known) throw new Error(`There are no vectors in the space '${space}'.`)
      summary.spaces.push(
        evaluateSpace(space, embeddings, labelled, autoRounds.outcomes, store, {
          pcaSizes,
          folds,
          seeds,
          alphas,
          lambdas,
          bootstrapResamples,
          horizon: options.horizon,
        }),
      )
    }
  } finally {
    store?.close()
  }
  return summary
}

function checkOptions(
  pcaSizes: PcaSize[],
  folds: number,
  seeds: number,
  alphas: number[],
  lambdas: number[],
): void {
  for (const size of pcaSizes) {
    if (size !== 'full' && !(Number.isInteger(size) && size >= 1)) {
      throw new Error(`A PCA size is a whole number ≥ 1 or 'full', got ${String(size)}.`)
    }
  }
  if (!Number.isInteger(folds) || folds < 2)
    throw new Error(`Cross-validation needs at least 2 folds, got ${folds}.`)
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new Error(`The number of seeds is a whole number ≥ 1, got ${seeds}.`)
  if (alphas.length === 0 || alphas.some((a) => !(a >= 0)))
    throw new Error('Give at least one exploration strength α ≥ 0.')
  if (lambdas.length === 0 || lambdas.some((l) => !(l > 0)))
    throw new Error('Give at least one ridge strength λ > 0.')
}

/** Love, like and near-miss count as "like"; only "not for me" counts as not. */
function isLike(mark: Mark): boolean {
  return mark !== 'not_for_me'
}

interface SpaceSettings {
  pcaSizes: PcaSize[]
  folds: number
  seeds: number
  alphas: number[]
  lambdas: number[]
  bootstrapResamples: number
  horizon: number | undefined
}

function evaluateSpace(
  space: string,
  embeddings: EmbeddingStore,
  labelled: readonly LabelledSong[],
  autoOutcomes: readonly AutoPickOutcome[],
  store: MetricStore | null,
  settings: SpaceSettings,
): SpaceEvaluation {
  const { trackIds, dim, data } = embeddings.matrix(space)
  const n = trackIds.length
  const rowOf = new Map<number, number>()
  trackIds.forEach((id, row) => rowOf.set(id, row))
  const songs = labelled.filter((s) => rowOf.has(s.trackId))
  const likes = songs.filter((s) => s.liked).length
  const nots = songs.length - likes
  const result: SpaceEvaluation = {
    space,
    dim,
    vectors: n,
    labelled: { likes, nots, total: songs.length },
    classifierNote: null,
    classifier: [],
    replayNote: null,
    replay: [],
    offPolicy: { rounds: 0, loggedValue: null, note: null, estimates: [] },
  }
  if (n < 2) {
    const note = `The space '${space}' has only ${n} song; at least 2 are needed to fit the preprocessing.`
    result.classifierNote = note
    result.replayNote = note
    result.offPolicy.note = note
    return result
  }
  // Fit once at full size; a smaller k is the first k coordinates renormalised, which equals
  // PCA to k then L2 (the leading components do not depend on how many are kept).
  const preprocessor = new Preprocessor(dim)
  preprocessor.addVectors(data, n)
  const { k: fullK } = preprocessor.fit(dim)
  const projected = preprocessor.transformAll(data, n, dim)
  const sizes = settings.pcaSizes.map((size) => ({
    size,
    k: size === 'full' ? fullK : Math.min(size, fullK),
  }))
  const vectorsAt = (k: number, trackId: number): Float64Array =>
    truncated(projected, rowOf.get(trackId) as number, fullK, k)

  // 1. Classifier
  if (likes < MIN_SONGS_PER_CLASS || nots < MIN_SONGS_PER_CLASS) {
    result.classifierNote =
      `Need at least ${MIN_SONGS_PER_CLASS} songs of each kind to test the taste model ` +
      `(liked: ${likes}, not for me: ${nots}).`
  } else {
    const folds = Math.min(settings.folds, likes, nots)
    for (const { size, k } of sizes) {
      const vectors = songs.map((s) => vectorsAt(k, s.trackId))
      const labels = songs.map((s) => s.liked)
      const accuracy: number[] = []
      const aucs: number[] = []
      for (let seed = 1; seed <= settings.seeds; seed++) {
        const scores = crossValidatedScores(vectors, labels, folds, seed, settings.lambdas[0] ?? 1)
        let correct = 0
        scores.forEach((score, i) => {
          if (score > 0 === labels[i]) correct += 1
        })
        accuracy.push(correct / scores.length)
        aucs.push(rocAuc(scores, labels))
      }
      result.classifier.push({
        pcaSize: size,
        k,
        folds,
        accuracy: meanAndSpread(accuracy),
        rocAuc: meanAndSpread(aucs),
      })
    }
  }

  // 2. Replay
  if (songs.length < 2) {
    result.replayNote = `Need at least 2 labelled songs with a vector in '${space}' to replay the policies.`
  } else {
    const horizon = Math.min(songs.length, settings.horizon ?? Math.ceil(songs.length / 2))
    for (const { size, k } of sizes) {
      const vectors = songs.map((s) => vectorsAt(k, s.trackId))
      const rewards = songs.map((s) => s.reward)
      for (const config of policyConfigs(k, settings.alphas, settings.lambdas)) {
        const finals = {
          cumulativeReward: [] as number[],
          hitRate: [] as number[],
          regret: [] as number[],
        }
        const runIds: number[] = []
        for (let seed = 1; seed <= settings.seeds; seed++) {
          const curve = replayLabelled(config.make(), vectors, rewards, horizon, seed)
          const last = horizon - 1
          finals.cumulativeReward.push(curve.cumulativeReward[last] as number)
          finals.hitRate.push(curve.hitRate[last] as number)
          finals.regret.push(curve.regret[last] as number)
          if (store) {
            const run = store.createRun({
              name: `replay ${config.label} k=${k} seed ${seed}`,
              kind: config.kind,
              params: { ...config.params, seed, horizon, candidates: songs.length },
              space,
              preprocessing: { pcaDims: size, k, standardise: true, l2: true },
            })
            for (let t = 0; t < horizon; t++) {
              run.log(t + 1, {
                reward: curve.rewards[t] as number,
                cumulativeReward: curve.cumulativeReward[t] as number,
                hitRate: curve.hitRate[t] as number,
                regret: curve.regret[t] as number,
              })
            }
            runIds.push(run.id)
          }
        }
        result.replay.push({
          pcaSize: size,
          k,
          policy: config.label,
          kind: config.kind,
          params: config.params,
          horizon,
          cumulativeReward: meanAndSpread(finals.cumulativeReward),
          hitRate: meanAndSpread(finals.hitRate),
          regret: meanAndSpread(finals.regret),
          runIds,
        })
      }
    }
  }

  // 3. Off-policy estimates from the auto-queue's logged picks
  if (autoOutcomes.length === 0) {
    result.offPolicy.note = 'No auto-queue history yet: let the auto-queue pick some songs first.'
  } else {
    let first = true
    for (const { size, k } of sizes) {
      const rounds: LoggedRound[] = []
      for (const outcome of autoOutcomes) {
        const round = roundFromAutoPick(outcome.data, outcome.trackId, outcome.reward, (id) =>
          rowOf.has(id) ? vectorsAt(k, id) : undefined,
        )
        if (round) rounds.push(round)
      }
      if (first) {
        result.offPolicy.rounds = rounds.length
        result.offPolicy.loggedValue = rounds.length
          ? rounds.reduce((total, r) => total + r.reward, 0) / rounds.length
          : null
        first = false
      }
      if (rounds.length === 0) {
        result.offPolicy.note = `None of the ${autoOutcomes.length} logged auto-picks has vectors in '${space}' for all its candidates.`
        break
      }
      for (const lambda of settings.lambdas) {
        for (const alpha of settings.alphas) {
          const { target, rewardModel } = sequentialLinUcb(rounds, k, alpha, lambda)
          const bootstrap = { resamples: settings.bootstrapResamples }
          result.offPolicy.estimates.push({
            pcaSize: size,
            k,
            policy: `linucb α=${alpha} λ=${lambda}`,
            alpha,
            lambda,
            ips: ips(rounds, target, bootstrap),
            snips: safeSnips(rounds, target, bootstrap),
            doublyRobust: doublyRobust(rounds, target, rewardModel, bootstrap),
          })
        }
      }
    }
  }
  return result
}

/** Row `row` of the projected matrix cut to its first k coordinates and put back on the unit sphere. */
function truncated(projected: Float32Array, row: number, fullK: number, k: number): Float64Array {
  const out = new Float64Array(k)
  let norm = 0
  for (let i = 0; i < k; i++) {
    const value = projected[row * fullK + i] as number
    out[i] = value
    norm += value * value
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm)
    for (let i = 0; i < k; i++) out[i] = (out[i] as number) * scale
  }
  return out
}

/** Out-of-fold ridge scores θ·x̃ (targets +1 like, −1 not), one per song. */
function crossValidatedScores(
  vectors: readonly Float64Array[],
  labels: readonly boolean[],
  folds: number,
  seed: number,
  lambda: number,
): number[] {
  const scores = new Array<number>(vectors.length).fill(0)
  const dimension = vectors[0]?.length ?? 1
  for (const testFold of stratifiedFolds(labels, folds, seed)) {
    const held = new Set(testFold)
    const model = ridgeModel(dimension, lambda)
    vectors.forEach((x, i) => {
      if (!held.has(i)) model.update(x, labels[i] ? 1 : -1)
    })
    for (const i of testFold) scores[i] = model.predict(vectors[i] as Float64Array).mean
  }
  return scores
}

interface PolicyConfig {
  label: string
  kind: string
  params: Record<string, number>
  make: () => ReplayPolicy
}

function policyConfigs(k: number, alphas: number[], lambdas: number[]): PolicyConfig[] {
  const configs: PolicyConfig[] = []
  for (const lambda of lambdas) {
    for (const alpha of alphas) {
      configs.push({
        label: `linucb α=${alpha}` + (lambdas.length > 1 ? ` λ=${lambda}` : ''),
        kind: 'linucb',
        params: { alpha, lambda },
        make: () => new LinUcbPolicy(k, alpha, lambda),
      })
    }
  }
  const lambda = lambdas[0] ?? 1
  configs.push(
    {
      label: 'thompson v=1',
      kind: 'thompson',
      params: { scale: 1, lambda },
      make: () => new ThompsonPolicy(k, 1, lambda),
    },
    {
      label: 'ε-greedy ε=0.1',
      kind: 'epsilon-greedy',
      params: { epsilon: 0.1, lambda },
      make: () => new EpsilonGreedyPolicy(k, 0.1, lambda),
    },
    {
      label: 'cosine centroid',
      kind: 'cosine',
      params: {},
      make: () => new CosineCentroidPolicy(k),
    },
    { label: 'random', kind: 'random', params: {}, make: () => new RandomPolicy() },
  )
  return configs
}

export interface ReplayCurve {
  rewards: number[]
  cumulativeReward: number[]
  hitRate: number[]
  /** Oracle's cumulative reward minus the policy's, per step. */
  regret: number[]
}

/**
 * Replays a policy on labelled songs: each step it picks one of the songs not picked yet, earns
 * that song's label reward and learns from it. The oracle picks the best remaining song every
 * step, so its rewards are the labels sorted best first; regret is its lead. The seed shuffles
 * the candidates' order (argmax policies break ties by position) and drives random choices.
 */
export function replayLabelled(
  policy: ReplayPolicy,
  vectors: readonly Vector[],
  rewards: readonly number[],
  horizon: number,
  seed: number,
): ReplayCurve {
  if (vectors.length !== rewards.length) throw new Error('Replay needs one reward per song.')
  const steps = Math.min(horizon, vectors.length)
  const remaining = shuffleInPlace(
    vectors.map((_, i) => i),
    seededRandom(seed),
  )
  const random = seededRandom(seed * 7919 + 17)
  const oracle = [...rewards].sort((a, b) => b - a).slice(0, steps)
  const earned: number[] = []
  for (let t = 0; t < steps; t++) {
    const pick = policy.choose(
      remaining.map((i) => vectors[i] as Vector),
      random,
    )
    const song = remaining[pick] as number
    remaining.splice(pick, 1)
    const reward = rewards[song] as number
    earned.push(reward)
    policy.update(vectors[song] as Vector, reward)
  }
  return {
    rewards: earned,
    cumulativeReward: cumulativeReward(earned),
    hitRate: hitRate(earned),
    regret: regret(earned, oracle),
  }
}

interface AutoPickOutcome {
  trackId: number
  data: AutoPickData
  reward: number
}

/**
 * Each logged auto-pick with the reward of what happened next to the picked song: the first of
 * (a) a mark of that song (its mark's reward, as `labelRow`) or (b) a finished play of it that
 * says something about taste (`listenRow`: played through, or skipped early or late), logged
 * after the pick and before the song is auto-picked again. Plays that end by "previous", an
 * error or quitting say nothing and are passed over; a pick with no such outcome is left out.
 */
function autoPickOutcomes(events: EventLog): { logged: number; outcomes: AutoPickOutcome[] } {
  // A replacement the player declined never reached the queue: nothing happened to it.
  const declined = events.declinedPickIds()
  const picks = events
    .list({ kinds: ['auto_pick', 'mark'], limit: WHOLE_LOG })
    .filter((e) => e.kind !== 'auto_pick' || !declined.has(e.id))
  const listens = events.listenOutcomes()
  const logged = picks.filter((e) => e.kind === 'auto_pick').length
  if (logged === 0) return { logged, outcomes: [] }
  type Happening =
    | { id: number; kind: 'pick'; trackId: number; data: AutoPickData }
    | { id: number; kind: 'reward'; trackId: number; reward: number | null }
  const timeline: Happening[] = []
  for (const event of picks) {
    if (event.trackId === null) continue
    if (event.kind === 'auto_pick') {
      if (isAutoPickData(event.data)) {
        timeline.push({ id: event.id, kind: 'pick', trackId: event.trackId, data: event.data })
      }
    } else if (event.mark && event.mark !== 'none') {
      const reward = labelRow(event.mark, 'mark').reward
      timeline.push({ id: event.id, kind: 'reward', trackId: event.trackId, reward })
    }
  }
  for (const listen of listens) {
    const row = listenRow(listen)
    timeline.push({
      id: listen.eventId,
      kind: 'reward',
      trackId: listen.trackId,
      reward: row?.reward ?? null,
    })
  }
  timeline.sort((a, b) => a.id - b.id)
  const waiting = new Map<number, { id: number; data: AutoPickData }>()
  const resolved: { id: number; outcome: AutoPickOutcome }[] = []
  for (const happening of timeline) {
    if (happening.kind === 'pick') {
      waiting.set(happening.trackId, { id: happening.id, data: happening.data })
      continue
    }
    const pick = waiting.get(happening.trackId)
    if (!pick || happening.reward === null) continue
    waiting.delete(happening.trackId)
    resolved.push({
      id: pick.id,
      outcome: { trackId: happening.trackId, data: pick.data, reward: happening.reward },
    })
  }
  resolved.sort((a, b) => a.id - b.id) // rounds in the order the picks were made
  return { logged, outcomes: resolved.map((r) => r.outcome) }
}

function isAutoPickData(data: unknown): data is AutoPickData {
  if (typeof data !== 'object' || data === null) return false
  const { candidates, probability } = data as { candidates?: unknown; probability?: unknown }
  return (
    Array.isArray(candidates) &&
    typeof probability === 'number' &&
    candidates.every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as { trackId?: unknown }).trackId === 'number',
    )
  )
}

/**
 * LinUCB (argmax, so π is one-hot) learning along the log as the live model did: at each round
 * its distribution comes from the rounds before, then it learns the logged pick's reward. The
 * doubly robust reward model is the same ridge's mean before the round (never fitted on the
 * reward it predicts).
 */
function sequentialLinUcb(
  rounds: readonly LoggedRound[],
  k: number,
  alpha: number,
  lambda: number,
): {
  target: (round: LoggedRound) => ArrayLike<number>
  rewardModel: (round: LoggedRound, action: number) => number
} {
  const policy = new LinUcbPolicy(k, alpha, lambda)
  const distributions = new Map<LoggedRound, Float64Array>()
  const predictions = new Map<LoggedRound, Float64Array>()
  for (const round of rounds) {
    distributions.set(round, policy.probabilities(round.candidates))
    predictions.set(
      round,
      Float64Array.from(round.candidates, (x) => policy.model.predict(x).mean),
    )
    policy.update(round.candidates[round.action] as Vector, round.reward)
  }
  return {
    target: (round) => distributions.get(round) as Float64Array,
    rewardModel: (round, action) => (predictions.get(round) as Float64Array)[action] as number,
  }
}

/** SNIPS is undefined when the target never agrees with the log; report 0 with no support. */
function safeSnips(
  rounds: readonly LoggedRound[],
  target: (round: LoggedRound) => ArrayLike<number>,
  bootstrap: { resamples: number },
): OffPolicyEstimate {
  try {
    return snips(rounds, target, bootstrap)
  } catch {
    return {
      value: 0,
      standardError: 0,
      effectiveSampleSize: 0,
      interval: { lower: 0, upper: 0, level: 0.95 },
      rounds: rounds.length,
    }
  }
}

function meanAndSpread(values: readonly number[]): MeanAndSpread {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const squares = values.reduce((total, v) => total + (v - mean) ** 2, 0)
  return { mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0 }
}

// ---------------------------------------------------------------------------------------------
// Plain-text report
