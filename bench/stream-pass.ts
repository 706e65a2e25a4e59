/**
 * The floor any O(N·k) update can reach, which the reward path is compared with: one streaming
 * pass over an N×k float32 matrix, one dot product per row, the results stored (as a cache
 * would be). bench/linucb.ts's (b) and bench/taste-worker.ts's "one pass".
 */
export function plainPass(
  matrix: Float32Array,
  n: number,
  k: number,
  weights: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0, rowStart = 0; i < n; i++, rowStart += k) {
    let sum = 0
    for (let j = 0; j < k; j++) sum += (matrix[rowStart + j] as number) * (weights[j] as number)
    out[i] = sum
  }
}
