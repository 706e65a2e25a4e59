// Progressive validation (Blum, Kalai & Langford 1999): each reward is first scored against the
// prediction the model made BEFORE learning from it, so the running error is an honest estimate
// of out-of-sample error with no held-out set.

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
