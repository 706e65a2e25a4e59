/**
 * A path between two songs through the model's space: `steps` songs that move evenly from A to
 * B. Step i aims at the point a + t·(b − a), t = i / (steps + 1), and takes the eligible song
 * nearest to it (squared distance over the k PCA coordinates, the space the taste model scores
 * in), never one already on the path. So each song is close to the straight line, and their
 * positions along it grow from A to B.
 *
 * `vectors` is N × k row-major (the model's unit vectors); `mask[i]` non-zero = row i may be on
 * the path. Returns row indices, or fewer than `steps` when the eligible songs run out. O(steps·N·k).
 */
export function pathBetween(
  vectors: Float32Array,
  k: number,
  count: number,
  from: number,
  to: number,
  steps: number,
  mask: Uint8Array,
): number[] {
  const a = vectors.subarray(from * k, from * k + k)
  const b = vectors.subarray(to * k, to * k + k)
  const taken = new Set<number>([from, to])
  const target = new Float64Array(k)
  const path: number[] = []
  for (let step = 1; step <= steps; step++) {
    const t = step / (steps + 1)
    for (let d = 0; d < k; d++) target[d] = (1 - t) * (a[d] as number) + t * (b[d] as number)
    let best = -1
    let bestDistance = Infinity
    for (let i = 0; i < count; i++) {
      if (mask[i] === 0 || taken.has(i)) continue
      let distance = 0
      const row = i * k
      for (let d = 0; d < k; d++) {
        const diff = (vectors[row + d] as number) - (target[d] as number)
        distance += diff * diff
        if (distance >= bestDistance) break
      }
      if (distance < bestDistance) {
        bestDistance = distance
        best = i
      }
    }
    if (best < 0) break
    taken.add(best)
    path.push(best)
  }
  return path
}

/** Where row `i` lies along the line from row `from` to row `to` (0 at A, 1 at B). */
export function positionAlong(
  vectors: Float32Array,
  k: number,
  from: number,
  to: number,
  i: number,
): number {
  let along = 0
  let length = 0
  for (let d = 0; d < k; d++) {
    const ab = (vectors[to * k + d] as number) - (vectors[from * k + d] as number)
    along += ((vectors[i * k + d] as number) - (vectors[from * k + d] as number)) * ab
    length += ab * ab
  }
  return length === 0 ? 0 : along / length
}
