// Progressive validation (Blum, Kalai & Langford 1999): each reward is first scored against the
// prediction the model made BEFORE learning from it, so the running error is an honest estimate
// of out-of-sample error with no held-out set.
import type { MetricStore, Run, RunInfo, RunSpec } from '../db/metric-store'

export interface OnlineObservation {
  /** The model's predicted mean θ·x for the rewarded song, before the update. */
  mean: number
  /** The exploration bonus α·sqrt(xᵀA⁻¹x) at that moment, before the update. */
  bonus: number
  /** The reward that arrived. */
  reward: number
  /** ‖θ‖ after the update (the caller has the model). */
  modelNorm: number
}

export interface OnlineStepMetrics {
  /** 1-based count of rewards seen. */
  step: number
  squaredError: number
  meanSquaredError: number
  /** 1 if sign(mean) = sign(reward), 0 if not; absent when the reward is 0 (no sign to match). */
  signCorrect?: number
  /** Share of signed rewards whose sign was predicted; absent until one signed reward arrived. */
  signAccuracy?: number
  reward: number
  cumulativeReward: number
  bonus: number
  meanBonus: number
  modelNorm: number
}

/** The running sums behind the metrics: enough to continue a run exactly where it stopped. */
export interface OnlineMetricsState {
  count: number
  squaredErrorSum: number
  signedCount: number
  signCorrectCount: number
  rewardSum: number
  bonusSum: number
}

export class OnlineMetrics {
  private count = 0
  private squaredErrorSum = 0
  private signedCount = 0
  private signCorrectCount = 0
  private rewardSum = 0
  private bonusSum = 0

  get steps(): number {
    return this.count
  }

  /** Continues from saved running sums (e.g. read back from a run's last logged step). */
  static resume(state: OnlineMetricsState): OnlineMetrics {
    const counts = [state.count, state.signedCount, state.signCorrectCount]
    if (
      !counts.every((c) => Number.isInteger(c) && c >= 0) ||
      state.signCorrectCount > state.signedCount ||
      state.signedCount > state.count ||
      ![state.squaredErrorSum, state.rewardSum, state.bonusSum].every(Number.isFinite)
    ) {
      throw new Error(`These running sums cannot continue a run: ${JSON.stringify(state)}.`)
    }
    const online = new OnlineMetrics()
    online.count = state.count
    online.squaredErrorSum = state.squaredErrorSum
    online.signedCount = state.signedCount
    online.signCorrectCount = state.signCorrectCount
    online.rewardSum = state.rewardSum
    online.bonusSum = state.bonusSum
    return online
  }

  get state(): OnlineMetricsState {
    return {
      count: this.count,
      squaredErrorSum: this.squaredErrorSum,
      signedCount: this.signedCount,
      signCorrectCount: this.signCorrectCount,
      rewardSum: this.rewardSum,
      bonusSum: this.bonusSum,
    }
  }

  /** Scores one reward against the prediction made before it and returns the step's metrics. */
  observe(observation: OnlineObservation): OnlineStepMetrics {
    const { mean, bonus, reward, modelNorm } = observation
    for (const [name, value] of Object.entries(observation)) {
      if (!Number.isFinite(value)) {
        throw new Error(`Online metrics need finite numbers; ${name} was ${String(value)}.`)
      }
    }
    this.count += 1
    const squaredError = (mean - reward) ** 2
    this.squaredErrorSum += squaredError
    this.rewardSum += reward
    this.bonusSum += bonus
    const metrics: OnlineStepMetrics = {
      step: this.count,
      squaredError,
      meanSquaredError: this.squaredErrorSum / this.count,
      reward,
      cumulativeReward: this.rewardSum,
      bonus,
      meanBonus: this.bonusSum / this.count,
      modelNorm,
    }
    if (reward !== 0) {
      // A prediction of exactly 0 commits to no sign, so it counts as wrong.
      const correct = Math.sign(mean) === Math.sign(reward) ? 1 : 0
      this.signedCount += 1
      this.signCorrectCount += correct
      metrics.signCorrect = correct
    }
    if (this.signedCount > 0) metrics.signAccuracy = this.signCorrectCount / this.signedCount
    return metrics
  }

  /** The step's metrics as a flat name → value record, ready for `Run.log` (step omitted). */
  static toRecord(metrics: OnlineStepMetrics): Record<string, number> {
    const record: Record<string, number> = {}
    for (const [name, value] of Object.entries(metrics)) {
      if (name !== 'step' && typeof value === 'number') record[name] = value
    }
    return record
  }
}

/** ‖θ‖₂, for the model-norm metric. */
export function euclideanNorm(vector: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += (vector[i] as number) ** 2
  return Math.sqrt(sum)
}

// ---------------------------------------------------------------------------------------------
// The live model's runs: one run per model parameter set, one step per reward, continued across
// restarts and never logging an event twice.

export const LIVE_RUN_KIND = 'live'

/** Metric names of a live run; `event_id` ties each step to the event that brought its reward. */
export const LIVE_METRICS = [
  'squared_error',
  'mse',
  'sign_accuracy',
  'reward',
  'cumulative_reward',
  'bonus',
  'mean_bonus',
  'model_norm',
  'event_id',
] as const

/** One observed reward of the live model: the prediction before it, and which event it was. */
export interface LiveObservation extends OnlineObservation {
  eventId: number
  /** The event's time (ms since the epoch): the metric's time. */
  ts: number
}

/** A model parameter set: its key (e.g. the model_state key) and how to describe its run. */
export interface LiveModel {
  key: string
  spec: RunSpec
}

interface LiveRunState {
  run: Run
  online: OnlineMetrics
  /** Events up to this id are logged already. */
  lastEventId: number
}

/** The step's metrics under the live run's names. */
export function liveRecord(metrics: OnlineStepMetrics, eventId: number): Record<string, number> {
  const record: Record<string, number> = {
    squared_error: metrics.squaredError,
    mse: metrics.meanSquaredError,
    reward: metrics.reward,
    cumulative_reward: metrics.cumulativeReward,
    bonus: metrics.bonus,
    mean_bonus: metrics.meanBonus,
    model_norm: metrics.modelNorm,
    event_id: eventId,
  }
  if (metrics.signAccuracy !== undefined) record.sign_accuracy = metrics.signAccuracy
  return record
}

export class LiveMetricsLog {
  private readonly runs = new Map<string, LiveRunState>()

  constructor(private readonly store: MetricStore) {}

  /**
   * Scores and logs observed rewards in order into the parameter set's run (created on first
   * use, else continued from its last step). Events at or below the last one logged are skipped:
   * a replay after a restart or a snapshot restore logs nothing twice. A non-finite observation is
   * left out and counted as rejected.
   */
  record(
    model: LiveModel,
    observations: readonly LiveObservation[],
  ): { logged: number; rejected: number } {
    let logged = 0
    let rejected = 0
    if (observations.length === 0) return { logged, rejected }
    const live = this.runFor(model)
    for (const observation of observations) {
      if (observation.eventId <= live.lastEventId) continue
      const { mean, bonus, reward, modelNorm } = observation
      if (![mean, bonus, reward, modelNorm, observation.ts].every(Number.isFinite)) {
        rejected++
        continue
      }
      const metrics = live.online.observe({ mean, bonus, reward, modelNorm })
      live.run.log(metrics.step, liveRecord(metrics, observation.eventId), observation.ts)
      live.lastEventId = observation.eventId
      logged++
    }
    return { logged, rejected }
  }

  /** The run of a parameter set, or null when none was logged yet. */
  runOf(key: string): RunInfo | null {
    return this.runs.get(key)?.run.info ?? findLiveRun(this.store, key)
  }

  private runFor(model: LiveModel): LiveRunState {
    const known = this.runs.get(model.key)
    if (known) return known
    const info = findLiveRun(this.store, model.key)
    const state = info ? this.resume(info) : null
    const live = state ?? {
      run: this.store.createRun({
        ...model.spec,
        kind: LIVE_RUN_KIND,
        params: { ...model.spec.params, modelKey: model.key },
      }),
      online: new OnlineMetrics(),
      lastEventId: 0,
    }
    this.runs.set(model.key, live)
    return live
  }

  /** Rebuilds the running sums from the run's last step (mean × steps gives back each sum). */
  private resume(info: RunInfo): LiveRunState | null {
    const run = this.store.run(info.id)
    if (!run) return null
    const last = this.store.latest(info.id, LIVE_METRICS)
    if (!last) return { run, online: new OnlineMetrics(), lastEventId: 0 }
    const values = last.values
    const signedCount = this.store.countNonZero(info.id, 'reward')
    const online = OnlineMetrics.resume({
      count: last.step,
      squaredErrorSum: (values.mse ?? 0) * last.step,
      signedCount,
      signCorrectCount: Math.round((values.sign_accuracy ?? 0) * signedCount),
      rewardSum: values.cumulative_reward ?? 0,
      bonusSum: (values.mean_bonus ?? 0) * last.step,
    })
    return { run, online, lastEventId: values.event_id ?? 0 }
  }
}

/** The latest live run logged for a parameter set's key. */
function findLiveRun(store: MetricStore, key: string): RunInfo | null {
  const runs = store.listRuns().filter((r) => r.kind === LIVE_RUN_KIND && r.params.modelKey === key)
  return runs[runs.length - 1] ?? null
}
