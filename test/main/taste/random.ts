import { seededRandom } from '../../../src/shared/random'

export { seededRandom }
// Seeded random numbers for reproducible property tests (mulberry32 + Box–Muller).

export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed)
  return () => {
    const u = Math.max(uniform(), 1e-300)
    const v = uniform()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

/** n × d standard-normal values, row-major. */
export function randomMatrix(n: number, d: number, seed: number): Float64Array {
  const normal = seededNormal(seed)
  return Float64Array.from({ length: n * d }, normal)
}

/**
 * n × d correlated data with a spread-out spectrum and large, unequal means and scales:
 * latent z with decreasing variances, mixed by a random matrix, then shifted and scaled.
 */
export function correlatedData(n: number, d: number, seed: number): Float64Array {
  const normal = seededNormal(seed)
  const mixing = Float64Array.from({ length: d * d }, normal)
  const offsets = Float64Array.from({ length: d }, () => normal() * 1000)
  const scales = Float64Array.from({ length: d }, (_, a) => 0.01 + a * 3)
  const data = new Float64Array(n * d)
  const latent = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) latent[c] = normal() * Math.pow(0.8, c)
    for (let a = 0; a < d; a++) {
      let sum = 0
      for (let c = 0; c < d; c++) sum += (mixing[a * d + c] as number) * (latent[c] as number)
      data[i * d + a] = (offsets[a] as number) + (scales[a] as number) * sum
    }
  }
  return data
}
