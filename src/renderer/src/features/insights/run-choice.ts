// Which runs and which metric the runs chart starts with, and what the metric picker offers.
import type { RunSummary } from '../../../../shared/insights'

/** The contract's limit on runs per series request (and so per chart). */
export const MAX_PLOTTED_RUNS = 12

/**
 * Metrics worth seeing first, best first: how much reward a policy collected (live and offline
 * runs), then how far the live model's predictions were off.
 */
const PREFERRED_METRICS = [
  'cumulativeReward',
  'cumulative_reward',
  'meanSquaredError',
  'mse',
  'hitRate',
  'signAccuracy',
]

/** Every metric of the chosen runs, sorted (a metric only some of them have is still offered). */
export function metricsOf(runs: readonly RunSummary[], chosen: ReadonlySet<number>): string[] {
  const names = new Set<string>()
  for (const run of runs) if (chosen.has(run.id)) for (const name of run.metrics) names.add(name)
  return [...names].sort()
}

/** Keeps the current metric while the chosen runs have it; else a preferred one, else the first. */
export function pickMetric(available: readonly string[], current: string | null): string | null {
  if (current !== null && available.includes(current)) return current
  return PREFERRED_METRICS.find((name) => available.includes(name)) ?? available[0] ?? null
}

/** The newest live run (the model learning from the listener), else the newest run. */
export function initialSelection(runs: readonly RunSummary[]): Set<number> {
  const first = runs.find((r) => r.kind === 'live') ?? runs[0]
  return new Set(first ? [first.id] : [])
}
