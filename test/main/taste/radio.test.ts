// The radio's seed term on numbers whose answer is known: the seed direction, every song's
// closeness to it, the term on the taste score's scale, the listener's control, the ranking with
// the term (LinUcb.topK) and the reason that names the seed when the seed decided the pick.
import { describe, expect, it } from 'vitest'
import { LinUcb } from '../../../src/main/taste'
import { seedDirection, seedSimilarities, seedTerms } from '../../../src/main/taste/radio'
import { radioContext } from '../../../src/main/queue/radio'
import { closenessWords, radioWeight, seedSentence } from '../../../src/shared/radio'
import { withPickContext, type PickReason } from '../../../src/shared/reasons'
import { seededNormal } from './random'

const rows = (points: number[][]) => Float32Array.from(points.flat())

describe('the seed', () => {
  it('is the mean of the seed songs’ vectors, made a unit vector', () => {
    const vectors = rows([
      [1, 0],
      [0, 1],
      [-1, 0],
    ])
    const seed = seedDirection(vectors, 2, [0, 1])!
    expect(seed[0]).toBeCloseTo(Math.SQRT1_2, 12)
    expect(seed[1]).toBeCloseTo(Math.SQRT1_2, 12)
    expect([...seedDirection(vectors, 2, [1])!]).toEqual([0, 1])
  })

  it('has no direction without songs, or when they cancel out', () => {
    const vectors = rows([
      [1, 0],
      [-1, 0],
    ])
    expect(seedDirection(vectors, 2, [])).toBeNull()
    expect(seedDirection(vectors, 2, [0, 1])).toBeNull()
  })

  it('gives every song its cosine to the seed (0 for a zero vector)', () => {
    const vectors = rows([
      [1, 0],
      [0, 2],
      [3, 4],
      [0, 0],
      [-2, 0],
    ])
    const similarities = seedSimilarities(vectors, 2, 5, Float64Array.from([1, 0]))
    expect([...similarities].map((c) => Math.round(c * 1e9) / 1e9)).toEqual([1, 0, 0.6, 0, -1])
  })
})

describe('the seed term', () => {
  it('is w · σ_taste · (c − c̄) / σ_c over the songs that may be picked', () => {
    // c = 1, 0, 0.5 (mean 0.5, σ = 0.408…); taste 2, 0, 1 (σ = 0.816…): scale = 2 · 2 = 4.
    // The fourth song may not be picked: it changes no statistic and gets no term.
    const terms = seedTerms(
      Float64Array.from([1, 0, 0.5, -1]),
      Float64Array.from([2, 0, 1, 100]),
      Uint8Array.from([1, 1, 1, 0]),
      2,
    )
    expect([...terms].map((t) => Math.round(t * 1e9) / 1e9)).toEqual([2, -2, 0, 0])
  })

  it('orders by the seed alone before anything is learned (every taste score the same)', () => {
    const terms = seedTerms(
      Float64Array.from([1, 0, 0.5]),
      Float64Array.from([1, 1, 1]),
      Uint8Array.from([1, 1, 1]),
      2,
    )
    // σ_taste = 0 counts as 1: 2 · (c − 0.5) / 0.408…
    expect(terms[0]).toBeCloseTo(2 * 0.5 * Math.sqrt(6), 9)
    expect(terms[1]).toBeCloseTo(-2 * 0.5 * Math.sqrt(6), 9)
    expect(terms[2]).toBeCloseTo(0, 12)
    // Scores that differ by float32 rounding alone are the same scores.
    const rounded = seedTerms(
      Float64Array.from([1, 0, 0.5]),
      Float64Array.from([0.70710677, 0.70710678, 0.70710679]),
      Uint8Array.from([1, 1, 1]),
      2,
    )
    expect(rounded[0]).toBeCloseTo(2 * 0.5 * Math.sqrt(6), 9)
  })

  it('orders by the seed alone before anything is learned, though tags make the bonus differ', () => {
    // With tag context a song's vector length depends on its tags, so before any reaction the
    // taste scores (the exploration bonus alone) differ by ~0.02: that is not taste, and the spread
    // still counts as 1 (scaled by it, the term would be ~0.01 and the bonus would decide).
    const cold = seedTerms(
      Float64Array.from([1, 0, 0.5]),
      Float64Array.from([0.75, 0.77, 0.75]),
      Uint8Array.from([1, 1, 1]),
      2,
      false,
    )
    expect(cold[0]).toBeCloseTo(2 * 0.5 * Math.sqrt(6), 9)
    expect(cold[1]).toBeCloseTo(-2 * 0.5 * Math.sqrt(6), 9)
    // Once something is learned the same scores' spread (0.00943) is the taste's scale.
    const learned = seedTerms(
      Float64Array.from([1, 0, 0.5]),
      Float64Array.from([0.75, 0.77, 0.75]),
      Uint8Array.from([1, 1, 1]),
      2,
      true,
    )
    expect(learned[0]).toBeCloseTo(((2 * (0.02 * Math.SQRT2)) / 3) * 0.5 * Math.sqrt(6), 9)
  })

  it('is 0 for every song when all are equally close to the seed, or none may be picked', () => {
    const same = seedTerms(
      Float64Array.from([0.3, 0.3]),
      Float64Array.from([1, 2]),
      Uint8Array.from([1, 1]),
      4,
    )
    expect([...same]).toEqual([0, 0])
    const none = seedTerms(Float64Array.from([1, 0]), [1, 2], Uint8Array.from([0, 0]), 4)
    expect([...none]).toEqual([0, 0])
  })

  it('has a weight from 0.25 ("wander") through 1 to 4 ("close to the seed")', () => {
    expect(radioWeight(0)).toBeCloseTo(0.25, 12)
    expect(radioWeight(0.5)).toBeCloseTo(1, 12)
    expect(radioWeight(1)).toBeCloseTo(4, 12)
    expect(radioWeight(7)).toBeCloseTo(4, 12)
    expect(closenessWords(0)).toBe('Wander')
    expect(closenessWords(0.5)).toBe('A balance')
    expect(closenessWords(1)).toBe('Close to the seed')
  })
})

describe('ranking with the seed term (LinUcb.topK)', () => {
  it('ranks by UCB + term, and keeps the best taste scores and means beside', () => {
    const normal = seededNormal(5)
    const k = 4
    const n = 40
    const model = new LinUcb(k, { alpha: 0.7 })
    model.setCandidates(
      Float32Array.from({ length: n * k }, () => normal()),
      n,
    )
    for (let i = 0; i < 12; i++) {
      model.update(
        Array.from({ length: k }, () => normal()),
        normal(),
      )
    }
    const terms = Float64Array.from({ length: n }, () => normal())
    const plain = Array.from({ length: n }, (_, i) => ({
      i,
      ucb: model.ucb(i),
      mean: model.mean(i),
    }))
    const bestMeans = { values: [] as number[] }
    const extra = { terms, bestTaste: { values: [] as number[] } }
    const top = model.topK(5, undefined, bestMeans, extra)
    const expected = [...plain].sort((a, b) => b.ucb + terms[b.i]! - (a.ucb + terms[a.i]!))
    expect(top.map((c) => c.index)).toEqual(expected.slice(0, 5).map((c) => c.i))
    for (const c of top) {
      expect(c.ucb).toBeCloseTo(model.ucb(c.index) + terms[c.index]!, 12)
      expect(c.mean + c.bonus).toBeCloseTo(model.ucb(c.index), 12)
    }
    const tasteBest = plain.map((p) => p.ucb).sort((a, b) => b - a)
    expect(extra.bestTaste.values).toEqual(tasteBest.slice(0, 5))
    const meanBest = plain.map((p) => p.mean + terms[p.i]!).sort((a, b) => b - a)
    expect(bestMeans.values).toEqual(meanBest.slice(0, 5))
    // Without the term: the plain ranking.
    expect(model.topK(5).map((c) => c.index)).toEqual(
      [...plain]
        .sort((a, b) => b.ucb - a.ucb)
        .slice(0, 5)
        .map((c) => c.i),
    )
  })
})

describe('the reason on a radio', () => {
  const reason: PickReason = {
    line: 'Close to Battle Music, which you loved.',
    songs: [{ trackId: 1, title: 'Battle Music', feeling: 'loved', relation: 'close' }],
    feature: null,
    wildCard: null,
    coldStart: false,
    details: {
      mean: 0.4,
      bonus: 0.1,
      ucb: 0.5,
      probability: null,
      baseline: 0,
      songs: [],
      features: [],
    },
  }
  const current = {
    seed: { kind: 'track' as const, trackId: 3 },
    label: 'Northerners',
    trackIds: [3],
    startedAt: 0,
  }

  it('names the seed first when the seed decided the pick', () => {
    // By taste alone a song scoring 0.7 would hold this place: the seed put this one here.
    const radio = radioContext(current, { mean: 0.4, bonus: 0.1, seed: 0.3 }, 0.7)
    expect(radio).toEqual({ label: 'Northerners', term: 0.3, decided: true })
    const why = withPickContext(reason, { wildCard: false, radio })
    expect(why.line).toBe(`${seedSentence('Northerners')} Close to Battle Music, which you loved.`)
    expect(why.line.startsWith('Close to Northerners, where this radio started.')).toBe(true)
    expect(why.details.seedTerm).toBe(0.3)
  })

  it('keeps the taste’s words when the taste alone would have picked it, or it is far from the seed', () => {
    const tasteWon = radioContext(current, { mean: 0.4, bonus: 0.1, seed: 0.3 }, 0.5)
    expect(tasteWon?.decided).toBe(false)
    expect(withPickContext(reason, { wildCard: false, radio: tasteWon }).line).toBe(reason.line)
    const far = radioContext(current, { mean: 0.4, bonus: 0.1, seed: -0.2 }, 0.9)
    expect(far?.decided).toBe(false)
    // No radio: no seed and no seed term, even on a reason that had them.
    const before = withPickContext(reason, {
      wildCard: false,
      radio: { label: 'Northerners', term: 0.3, decided: true },
    })
    const after = withPickContext(before, { wildCard: false })
    expect(after.line).toBe(reason.line)
    expect(after.seed).toBeUndefined()
    expect(after.details.seedTerm).toBeUndefined()
    expect(radioContext(null, { mean: 0, bonus: 0, seed: 1 }, 2)).toBeNull()
  })

  it('names the seed when nothing is learned yet: the seed alone ordered the songs', () => {
    const cold = { mean: 0, bonus: 1, seed: 0.5, why: { coldStart: true } }
    expect(radioContext(current, cold, 1)?.decided).toBe(true)
    expect(radioContext(current, { ...cold, seed: -0.5 }, 1)?.decided).toBe(false)
    const why = withPickContext(
      { ...reason, coldStart: true },
      { wildCard: false, radio: radioContext(current, cold, 1) },
    )
    expect(why.line).toBe(seedSentence('Northerners'))
  })
})
