import { describe, expect, it } from 'vitest'
import { foldOfEach, stratifiedFolds } from '../../src/shared/folds'

describe('stratifiedFolds', () => {
  it('keeps each class’s share in every fold and uses every item exactly once', () => {
    const labels = [...Array<string>(10).fill('like'), ...Array<string>(20).fill('not')]
    const folds = stratifiedFolds(labels, 5, 3)
    expect(folds).toHaveLength(5)
    for (const fold of folds) {
      expect(fold.filter((i) => labels[i] === 'like')).toHaveLength(2)
      expect(fold.filter((i) => labels[i] === 'not')).toHaveLength(4)
    }
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i))
  })

  it('is reproducible for a seed and balanced within one item when classes do not divide', () => {
    const labels = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1]
    expect(stratifiedFolds(labels, 3, 9)).toEqual(stratifiedFolds(labels, 3, 9))
    const sizes = stratifiedFolds(labels, 3, 9).map((f) => f.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
  })

  it('refuses fewer than 2 folds or more folds than items', () => {
    expect(() => stratifiedFolds([0, 1], 1)).toThrow(/k ≥ 2/)
    expect(() => stratifiedFolds([0, 1], 3)).toThrow(/Cannot split 2 items into 3 folds/)
  })
})

describe('foldOfEach', () => {
  it('gives each item the fold stratifiedFolds put it in', () => {
    const labels = Int32Array.from({ length: 23 }, (_, i) => (i < 13 ? 0 : 1))
    const folds = stratifiedFolds(labels, 5, 9)
    const of = foldOfEach(labels, 5, 9)
    folds.forEach((members, f) => {
      for (const i of members) expect(of[i]).toBe(f)
    })
  })

  it('deals numeric classes in numeric order and others by their text', () => {
    // 10 sorts after 2 as a number: the class of 2 is dealt first, starting at fold 0.
    const labels = [10, 2]
    expect(stratifiedFolds(labels, 2, 1)).toEqual([[1], [0]])
    expect(stratifiedFolds([true, false], 2, 1)).toEqual([[1], [0]])
  })
})
