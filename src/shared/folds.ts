// Stratified k-fold cross-validation, the one split used by the linear probe
// (analysis/linear-probe.ts) and the offline evaluation of the taste model (insights/offline-eval.ts).
import { seededRandom, shuffleInPlace } from './random'

/**
 * Splits item indices 0…n−1 into k folds that keep each label's share: each class is shuffled
 * (seeded) and dealt round-robin, continuing where the previous class stopped, so every fold gets
 * about 1/k of each class and fold sizes differ by at most one. Classes are dealt in a fixed order
 * (numbers ascending, anything else by its text), so a seed always gives the same folds.
 * Returns the folds, each a list of indices in ascending order.
 */
export function stratifiedFolds(
  labels: ArrayLike<number | string | boolean>,
  k: number,
  seed = 1,
): number[][] {
  if (!Number.isInteger(k) || k < 2)
    throw new Error(`Cross-validation needs k ≥ 2 folds, got ${k}.`)
  if (k > labels.length) throw new Error(`Cannot split ${labels.length} items into ${k} folds.`)
  const random = seededRandom(seed)
  const byClass = new Map<number | string | boolean, number[]>()
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index] as number | string | boolean
    const members = byClass.get(label)
    if (members) members.push(index)
    else byClass.set(label, [index])
  }
  const classes = [...byClass.keys()].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  )
  const folds: number[][] = Array.from({ length: k }, () => [])
  let next = 0
  for (const label of classes) {
    for (const index of shuffleInPlace(byClass.get(label) as number[], random)) {
      ;(folds[next] as number[]).push(index)
      next = (next + 1) % k
    }
  }
  return folds.map((fold) => fold.sort((a, b) => a - b))
}

/** The fold of each item under `stratifiedFolds` (the same split, indexed by item). */
export function foldOfEach(
  labels: ArrayLike<number | string | boolean>,
  k: number,
  seed = 1,
): Int32Array {
  const fold = new Int32Array(labels.length)
  stratifiedFolds(labels, k, seed).forEach((members, f) => {
    for (const index of members) fold[index] = f
  })
  return fold
}
