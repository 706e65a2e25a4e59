// One seedable generator for everything that must be reproducible: shuffle orders, auto-queue
// draws, cross-validation folds, tests and benchmarks.

/** One step of mulberry32 (Tommy Ettinger's public-domain 32-bit generator): a value in [0, 1) and the next state. */
export function mulberry32Step(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) >>> 0
  let t = next
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: next }
}

/** A seeded source of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    const step = mulberry32Step(state)
    state = step.state
    return step.value
  }
}

/** Fisher–Yates shuffle in place, drawing from `random` (values in [0, 1)); returns `items`. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = items[i] as T
    items[i] = items[j] as T
    items[j] = swap
  }
  return items
}
