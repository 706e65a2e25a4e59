// PCA fit for the taste model's preprocessing (DESIGN.md performance target): 100k × 150
// correlated data to 32 dims, ml-pca's SVD vs our covariance (running Σx, Σxxᵀ) + symmetric
// eigendecomposition, side by side in one run, and against ml-pca's own covariance method
// (`method: 'covarianceMatrix'`, the same idea as ours in ml-matrix). Target: ≤ 1/5 of ml-pca's
// fit (its default, SVD). Run: node bin/run-ts.js bench/pca.ts [--rows N]
import { performance } from 'node:perf_hooks'
import { Matrix } from 'ml-matrix'
import { PCA } from 'ml-pca'
import { Preprocessor } from '../src/main/taste'
import { report } from './report'

const rowsFlag = process.argv.indexOf('--rows')
const n = rowsFlag > 0 ? Number(process.argv[rowsFlag + 1]) : 100_000
const d = 150
const k = 32
const latentDimensions = 40

function seededNormal(seed: number): () => number {
  let state = seed >>> 0
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () =>
    Math.sqrt(-2 * Math.log(Math.max(uniform(), 1e-300))) * Math.cos(2 * Math.PI * uniform())
}

/** x = offset + scale ⊙ (M·z + noise): correlated features with unequal means and scales. */
function correlatedData(): Float64Array {
  const normal = seededNormal(2026)
  const mixing = Float64Array.from({ length: d * latentDimensions }, normal)
  const offsets = Float64Array.from({ length: d }, () => normal() * 100)
  const scales = Float64Array.from({ length: d }, (_, a) => 0.1 + (a % 10))
  const data = new Float64Array(n * d)
  const latent = new Float64Array(latentDimensions)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < latentDimensions; c++) latent[c] = normal() * Math.pow(0.9, c)
    for (let a = 0; a < d; a++) {
      let sum = 0.3 * normal()
      for (let c = 0; c < latentDimensions; c++) {
        sum += (mixing[a * latentDimensions + c] as number) * (latent[c] as number)
      }
      data[i * d + a] = (offsets[a] as number) + (scales[a] as number) * sum
    }
  }
  return data
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000
}

const data = correlatedData()

// Ours: accumulate the running sums, then fit (covariance + symmetric EVD), then project.
let start = performance.now()
const preprocessor = new Preprocessor(d, { svdMaxRows: 0 })
preprocessor.addVectors(data, n)
const accumulateSeconds = seconds(start)
start = performance.now()
preprocessor.fit(k, { method: 'covariance' })
const refitSeconds = seconds(start)
const oursFitSeconds = accumulateSeconds + refitSeconds
start = performance.now()
preprocessor.transformAll(data, n, d)
const oursProjectSeconds = seconds(start)

// ml-pca: SVD of the standardised data (scale: true, as our preprocessing standardises).
// The Matrix is built outside the timing, to be fair to ml-pca.
const rows: number[][] = Array.from({ length: n }, (_, i) =>
  Array.from(data.subarray(i * d, (i + 1) * d)),
)
const matrix = new Matrix(rows)
start = performance.now()
const pca = new PCA(matrix, { center: true, scale: true })
const mlPcaFitSeconds = seconds(start)
start = performance.now()
pca.predict(matrix, { nComponents: k })
const mlPcaProjectSeconds = seconds(start)
start = performance.now()
const covariancePca = new PCA(matrix, { center: true, scale: true, method: 'covarianceMatrix' })
const mlCovarianceFitSeconds = seconds(start)
start = performance.now()
covariancePca.predict(matrix, { nComponents: k })
const mlCovarianceProjectSeconds = seconds(start)

// Agreement: explained variance per component and the |cosine| between components.
const ours = preprocessor.explainedVariance()
const theirs = pca.getExplainedVariance()
const eigenvectors = pca.getEigenvectors()
const components = preprocessor.components()
let largestShareGap = 0
let smallestCosine = 1
for (let c = 0; c < k; c++) {
  largestShareGap = Math.max(largestShareGap, Math.abs((ours[c] as number) - (theirs[c] as number)))
  const component = components[c] as Float64Array
  let dot = 0
  for (let a = 0; a < d; a++) dot += (component[a] as number) * eigenvectors.get(a, c)
  smallestCosine = Math.min(smallestCosine, Math.abs(dot))
}
let explained = 0
for (const share of ours) explained += share

console.log(`## PCA fit: ${n.toLocaleString('en-US')} × ${d} → ${k} dims (seconds, one run each)\n`)
console.log('| method | fit | projection of all rows | fit vs ml-pca |')
console.log('|---|---|---|---|')
console.log(
  `| ml-pca 4.1 (SVD, scale: true) | ${mlPcaFitSeconds.toFixed(2)} | ${mlPcaProjectSeconds.toFixed(2)} | 1 |`,
)
console.log(
  `| ml-pca 4.1 (covariance method, scale: true) | ${mlCovarianceFitSeconds.toFixed(2)} | ${mlCovarianceProjectSeconds.toFixed(2)} | 1/${(mlPcaFitSeconds / mlCovarianceFitSeconds).toFixed(1)} |`,
)
console.log(
  `| covariance + symmetric EVD (Σx, Σxxᵀ accumulation + EVD) | ${oursFitSeconds.toFixed(2)} | ${oursProjectSeconds.toFixed(2)} (+ L2 norm) | 1/${(mlPcaFitSeconds / oursFitSeconds).toFixed(1)} |`,
)
console.log(
  `| re-fit from the running sums (EVD only) | ${refitSeconds.toFixed(3)} | | 1/${(mlPcaFitSeconds / refitSeconds).toFixed(0)} |`,
)
console.log(
  `\nAgreement over the ${k} components: largest explained-variance gap ${largestShareGap.toExponential(1)}, ` +
    `smallest |cosine| ${smallestCosine.toFixed(9)}; ${(explained * 100).toFixed(1)} % of the variance kept. ` +
    'Target: fit ≤ 1/5 of ml-pca.',
)
console.log(
  `Ours vs ml-pca's covariance method: 1/${(mlCovarianceFitSeconds / oursFitSeconds).toFixed(1)} of its fit.`,
)
report('pca.oursOverMlPcaSvd', oursFitSeconds / mlPcaFitSeconds)
report('pca.oursOverMlPcaCovariance', oursFitSeconds / mlCovarianceFitSeconds)
