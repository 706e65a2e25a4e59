import { describe, expect, it } from 'vitest'
import { EXTRACTOR, FEATURES } from '../../../src/main/analysis/feature-names'
import { describeDimension } from '../../../src/main/taste/explain'

describe('the words for every named feature', () => {
  const phrases = FEATURES.flatMap((_, dimension) => [
    describeDimension(EXTRACTOR.space, dimension, 1),
    describeDimension(EXTRACTOR.space, dimension, -1),
  ])

  it('are balanced, short sentences without raw definitions', () => {
    for (const phrase of phrases) {
      expect(phrase.split('(').length, phrase).toBe(phrase.split(')').length)
      expect(phrase, phrase).not.toMatch(/how much|positive|varied .*variety/)
      expect(phrase.length, phrase).toBeLessThan(90)
    }
  })

  it('differ between the two directions of a feature', () => {
    for (let dimension = 0; dimension < FEATURES.length; dimension++) {
      expect(describeDimension(EXTRACTOR.space, dimension, 1)).not.toBe(
        describeDimension(EXTRACTOR.space, dimension, -1),
      )
    }
  })

  it('say major or minor for the key-mode clarity', () => {
    const dimension = FEATURES.findIndex((feature) => feature.name === 'key_mode_clarity')
    expect(describeDimension(EXTRACTOR.space, dimension, 2)).toBe(
      'more clearly major than most (key mode clarity)',
    )
    expect(describeDimension(EXTRACTOR.space, dimension, -2)).toBe(
      'more clearly minor than most (key mode clarity)',
    )
  })
})
