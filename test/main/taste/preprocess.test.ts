import { describe, expect, it } from 'vitest'
import { Preprocessor } from '../../../src/main/taste'
import type { PreprocessorJson } from '../../../src/main/taste'
import { correlatedData, randomMatrix, seededNormal } from './random'

function cosine(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let dot = 0
  let pp = 0
  let qq = 0
  for (let i = 0; i < p.length; i++) {
    dot += p[i]! * q[i]!
    pp += p[i]! ** 2
    qq += q[i]! ** 2
  }
  return dot / Math.sqrt(pp * qq)
}

function fitted(data: Float64Array, n: number, d: number, k: number, method: 'svd' | 'covariance') {
  const preprocessor = new Preprocessor(d)
  preprocessor.addVectors(data, n)
  preprocessor.fit(k, { method })
  return preprocessor
}

describe('Preprocessor fitting paths', () => {
  it('SVD (ml-pca) and covariance + symmetric EVD give the same explained variance and subspace', () => {
    const n = 600
    const d = 24
    const k = 10
    // Large, unequal means and scales: the covariance path must not lose digits to cancellation.
    const data = correlatedData(n, d, 123)
    const bySvd = fitted(data, n, d, k, 'svd')
    const byEvd = fitted(data, n, d, k, 'covariance')
    expect(bySvd.fit(k, { method: 'svd' }).method).toBe('svd')

    const svdShares = bySvd.explainedVariance()
    const evdShares = byEvd.explainedVariance()
    for (let c = 0; c < k; c++) expect(Math.abs(svdShares[c]! - evdShares[c]!)).toBeLessThan(1e-6)
    const svdComponents = bySvd.components()
    const evdComponents = byEvd.components()
    for (let c = 0; c < k; c++) {
      expect(Math.abs(cosine(svdComponents[c]!, evdComponents[c]!))).toBeGreaterThan(1 - 1e-6)
    }
    // With the same sign convention, the transformed vectors agree too.
    const first = data.subarray(0, d)
    const fromSvd = bySvd.transform(first)
    const fromEvd = byEvd.transform(first)
    for (let c = 0; c < k; c++) expect(fromEvd[c]).toBeCloseTo(fromSvd[c]!, 5)
  })

  it('on data lying on a line, the first component is that line and explains ~100 %', () => {
    const n = 200
    const d = 5
    const direction = [3, -1, 0.5, 2, -4]
    const origin = [100, 20, -7, 0, 55]
    const normal = seededNormal(5)
    const data = new Float64Array(n * d)
    for (let i = 0; i < n; i++) {
      const t = normal() * 10
      for (let a = 0; a < d; a++) data[i * d + a] = origin[a]! + t * direction[a]!
    }
    for (const method of ['svd', 'covariance'] as const) {
      const preprocessor = fitted(data, n, d, 3, method)
      expect(preprocessor.explainedVariance()[0]).toBeGreaterThan(1 - 1e-9)
      // In standardised space the line's direction is direction / σ, i.e. sign(direction) / √D.
      const stds = preprocessor.standardDeviations()
      const lineInStandardSpace = direction.map((value, a) => value / stds[a]!)
      expect(Math.abs(cosine(preprocessor.components()[0]!, lineInStandardSpace))).toBeGreaterThan(
        1 - 1e-9,
      )
      // Every point on the line maps to ±e₁ on the unit sphere.
      const projected = preprocessor.transform(data.subarray(0, d))
      expect(Math.abs(projected[0]!)).toBeCloseTo(1, 5)
    }
  })

  it('auto uses SVD while the raw vectors are kept and the covariance path beyond', () => {
    const d = 6
    const small = new Preprocessor(d, { svdMaxRows: 100 })
    small.addVectors(randomMatrix(80, d, 1), 80)
    expect(small.fit(4).method).toBe('svd')
    small.addVectors(randomMatrix(80, d, 2), 80)
    expect(small.fit(4).method).toBe('covariance')
    expect(() => small.fit(4, { method: 'svd' })).toThrow(/raw vectors/)
  })
})

describe('Preprocessor output', () => {
  const n = 300
  const d = 12
  const data = correlatedData(n, d, 77)

  it('transforms each vector to a unit vector of k = min(setting, N − 1, D) dimensions', () => {
    const preprocessor = new Preprocessor(d)
    preprocessor.addVectors(data, n)
    expect(preprocessor.fit(5).k).toBe(5)
    expect(preprocessor.fit(32).k).toBe(d)
    const few = new Preprocessor(d)
    few.addVectors(data, 4)
    expect(few.fit(32).k).toBe(3)

    preprocessor.fit(5)
    const all = preprocessor.transformAll(data, n, d)
    expect(all).toHaveLength(n * 5)
    for (let i = 0; i < n; i++) {
      const one = preprocessor.transform(data.subarray(i * d, (i + 1) * d))
      let norm = 0
      for (let c = 0; c < 5; c++) {
        norm += one[c]! ** 2
        expect(all[i * 5 + c]).toBe(one[c])
      }
      expect(Math.sqrt(norm)).toBeCloseTo(1, 6)
    }
  })

  it('the explained variance shares are sorted and sum to at most 1', () => {
    const preprocessor = new Preprocessor(d)
    preprocessor.addVectors(data, n)
    preprocessor.fit(d)
    const shares = preprocessor.explainedVariance()
    let total = 0
    for (let c = 0; c < d; c++) {
      total += shares[c]!
      if (c > 0) expect(shares[c]).toBeLessThanOrEqual(shares[c - 1]!)
    }
    expect(total).toBeCloseTo(1, 12)
  })

  it('a constant dimension does not blow up the projection', () => {
    const withConstant = new Float64Array(n * (d + 1))
    for (let i = 0; i < n; i++) {
      withConstant.set(data.subarray(i * d, (i + 1) * d), i * (d + 1))
      withConstant[i * (d + 1) + d] = 440
    }
    const preprocessor = new Preprocessor(d + 1)
    preprocessor.addVectors(withConstant, n)
    preprocessor.fit(4, { method: 'covariance' })
    for (const component of preprocessor.components())
      expect(Math.abs(component[d]!)).toBeLessThan(1e-9)
    const projected = preprocessor.transformAll(withConstant, n, d + 1)
    for (const value of projected) expect(Number.isFinite(value)).toBe(true)
  })

  it('a re-fit after the library grows equals a fit on everything at once', () => {
    const grown = new Preprocessor(d, { svdMaxRows: 0 })
    grown.addVectors(data.subarray(0, 100 * d), 100)
    grown.fit(6)
    grown.addVectors(data.subarray(100 * d), n - 100)
    grown.fit(6)
    const whole = fitted(data, n, d, 6, 'covariance')
    const grownShares = grown.explainedVariance()
    const wholeShares = whole.explainedVariance()
    for (let c = 0; c < 6; c++) expect(grownShares[c]).toBeCloseTo(wholeShares[c]!, 10)
    const a = grown.transform(data.subarray(0, d))
    const b = whole.transform(data.subarray(0, d))
    for (let c = 0; c < 6; c++) expect(a[c]).toBeCloseTo(b[c]!, 6)
  })

  it('counts the vectors a fit was made on apart from those added since, across a save', () => {
    const preprocessor = new Preprocessor(d)
    expect(preprocessor.fittedCount).toBe(0)
    preprocessor.addVectors(data.subarray(0, 200 * d), 200)
    preprocessor.fit(6)
    const components = preprocessor.components()
    preprocessor.addVectors(data.subarray(200 * d, 220 * d), 20)
    expect(preprocessor.count).toBe(220)
    expect(preprocessor.fittedCount).toBe(200)
    // Adding to the sums leaves the fitted transform exactly as it was.
    expect(preprocessor.components()).toEqual(components)
    const restored = Preprocessor.fromJSON(
      JSON.parse(JSON.stringify(preprocessor.toJSON())) as PreprocessorJson,
    )
    expect(restored.fittedCount).toBe(200)
    restored.fit(6)
    expect(restored.fittedCount).toBe(220)
  })

  it('a toJSON/fromJSON round trip transforms identically and keeps the running sums', () => {
    const preprocessor = new Preprocessor(d)
    preprocessor.addVectors(data.subarray(0, 200 * d), 200)
    preprocessor.fit(6)
    const restored = Preprocessor.fromJSON(
      JSON.parse(JSON.stringify(preprocessor.toJSON())) as PreprocessorJson,
    )
    expect(restored.outputDimension).toBe(6)
    expect(Array.from(restored.transformAll(data, n, d))).toEqual(
      Array.from(preprocessor.transformAll(data, n, d)),
    )
    expect(Array.from(restored.explainedVariance())).toEqual(
      Array.from(preprocessor.explainedVariance()),
    )
    // Growing both gives the same fit: the sums survived the round trip.
    preprocessor.addVectors(data.subarray(200 * d), n - 200)
    restored.addVectors(data.subarray(200 * d), n - 200)
    preprocessor.fit(6, { method: 'covariance' })
    restored.fit(6)
    expect(Array.from(restored.explainedVariance())).toEqual(
      Array.from(preprocessor.explainedVariance()),
    )
  })
})

describe('Preprocessor guards', () => {
  it('rejects NaN and Infinity with a clear error and leaves the sums untouched', () => {
    const preprocessor = new Preprocessor(3)
    preprocessor.addVectors([1, 2, 3, 4, 5, 6], 2)
    expect(() => preprocessor.addVectors([1, 2, 3, 4, Number.NaN, 6], 2)).toThrow(
      /Embedding 1 .* not a finite number at dimension 1/,
    )
    expect(() => preprocessor.addVector([Number.POSITIVE_INFINITY, 0, 0])).toThrow(
      /not a finite number/,
    )
    expect(preprocessor.count).toBe(2)
    preprocessor.addVectors([0, 1, 0, 2, 2, 9], 2)
    preprocessor.fit(2)
    expect(() => preprocessor.transform([1, Number.NaN, 3])).toThrow(/not a finite number/)
    expect(() =>
      preprocessor.transformAll([1, 2, 3, 4, 5, Number.NEGATIVE_INFINITY], 2, 3),
    ).toThrow(/Embedding 1 .* dimension 2/)
  })

  it('explains what is missing before a fit is possible', () => {
    const preprocessor = new Preprocessor(4)
    expect(() => preprocessor.transform([1, 2, 3, 4])).toThrow(/not been fitted/)
    preprocessor.addVector([1, 2, 3, 4])
    expect(() => preprocessor.fit(2)).toThrow(/At least two/)
    expect(() => preprocessor.addVector([1, 2, 3])).toThrow(/4 values/)
  })
})
