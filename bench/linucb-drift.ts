// How far LinUCB's incremental caches drift without any exact refresh (issue 14: the refresh never
// runs on a reward, so a listener who marks faster than the worker's idle time keeps the model
// on its rank-one updates alone for a while). A full forgetting window of 1,000 rows (every reward
// adds a row and forgets one), weighted rewards, no refresh at all; at four points the caches are
// compared with a from-scratch computation (the same model refreshed).
// Run: node bin/run-ts.js bench/linucb-drift.ts
import { LinUcb } from '../src/main/taste/linucb'
import { seededRandom } from '../src/shared/random'

console.log(
  'Drift of the incremental caches without any exact refresh, window 1,000 (full), 2,000 songs\n',
)
console.log('| k | rank-one changes | largest mean error | largest variance error (relative) |')
console.log('|---|---|---|---|')
for (const [k, rewards] of [
  [32, 40_000],
  [128, 12_000],
] as const) {
  const n = 2000
  const random = seededRandom(k)
  const candidates = new Float32Array(n * k)
  for (let i = 0; i < candidates.length; i++) candidates[i] = (random() * 2 - 1) * (1 + (i % k) / 4)
  const model = new LinUcb(k, { windowSize: 1000, refreshEvery: 0 })
  model.setCandidates(candidates, n)
  for (let step = 1; step <= rewards; step++) {
    const i = Math.floor(random() * n)
    const weight = [0.5, 1, 2, 4][step % 4] as number
    model.update(candidates.subarray(i * k, (i + 1) * k), random() < 0.5 ? 1 : -0.5, weight)
    if (step % (rewards / 4) !== 0) continue
    const exact = LinUcb.fromJSON(model.toJSON())
    exact.setCandidates(candidates, n)
    exact.refresh()
    let meanError = 0
    let varianceError = 0
    for (let j = 0; j < n; j++) {
      meanError = Math.max(meanError, Math.abs(model.mean(j) - exact.mean(j)))
      varianceError = Math.max(
        varianceError,
        Math.abs(model.variance(j) - exact.variance(j)) / exact.variance(j),
      )
    }
    console.log(
      `| ${k} | ${(2 * step).toLocaleString('en')} | ${meanError.toExponential(1)} | ${varianceError.toExponential(1)} |`,
    )
  }
}
