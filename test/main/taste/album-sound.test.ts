import { describe, expect, it } from 'vitest'
import { albumKey, blendWithAlbums } from '../../../src/main/taste/album-sound'
import { Preprocessor } from '../../../src/main/taste'

describe('the album sound (album-sound.ts)', () => {
  // Four songs, two dimensions: the second dimension is constant (it must stay 0).
  //   x = [0, 5], [2, 5], [4, 5], [6, 5]: mean 3, population spread √5 in the first.
  const matrix = Float32Array.from([0, 5, 2, 5, 4, 5, 6, 5])
  const s = Math.sqrt(5)
  const z = [-3 / s, -1 / s, 1 / s, 3 / s]

  it('standardises over the library and leaves songs as they are at weight 0', () => {
    const out = blendWithAlbums(matrix, 4, 2, ['a', 'a', 'b', null], 0)
    z.forEach((value, i) => {
      expect(out[i * 2]).toBeCloseTo(value, 6)
      expect(out[i * 2 + 1]).toBe(0)
    })
  })

  it("mixes each song with its album's mean: (1 − β)·z + β·mean", () => {
    // Album a = songs 0 and 1 (mean −2/√5), album b = song 2 alone, song 3 has none.
    const out = blendWithAlbums(matrix, 4, 2, ['a', 'a', 'b', null], 0.75)
    expect(out[0]).toBeCloseTo(0.25 * (-3 / s) + 0.75 * (-2 / s), 6)
    expect(out[2]).toBeCloseTo(0.25 * (-1 / s) + 0.75 * (-2 / s), 6)
    expect(out[4]).toBeCloseTo(1 / s, 6) // alone in its album: its own mean
    expect(out[6]).toBeCloseTo(3 / s, 6) // no album: unchanged
    // At weight 1 an album's songs are one point.
    const whole = blendWithAlbums(matrix, 4, 2, ['a', 'a', 'b', null], 1)
    expect(whole[0]).toBeCloseTo(-2 / s, 6)
    expect(whole[2]).toBeCloseTo(-2 / s, 6)
  })

  it('says what is wrong with a weight out of range or albums of another count', () => {
    expect(() => blendWithAlbums(matrix, 4, 2, ['a', 'a', 'b', null], 1.5)).toThrow(
      /between 0 and 1/,
    )
    expect(() => blendWithAlbums(matrix, 4, 2, ['a'], 0.5)).toThrow(/one per song/)
  })

  it('keys albums by album artist and album, as the tags do, and a song without one by null', () => {
    const tags = { artist: 'X', albumArtist: 'Band', album: 'First', genre: null, year: null }
    expect(albumKey(tags)).toBe('album:band/first')
    expect(albumKey({ ...tags, album: null })).toBeNull()
    expect(albumKey(undefined)).toBeNull()
  })
})

describe('Preprocessor without standardisation (vectors already standardised)', () => {
  it('only centres: the PCA is that of the covariance, not of the correlation', () => {
    // Two independent dimensions of variance 4 and 1 (population): standardised, both weigh the
    // same (explained 0.5 / 0.5); only centred, the first explains 4 / 5.
    const rows = [
      [2, 1],
      [-2, 1],
      [2, -1],
      [-2, -1],
    ]
    const data = Float64Array.from(rows.flat())
    const plain = new Preprocessor(2, { standardise: false })
    plain.addVectors(data, 4)
    plain.fit(2, { method: 'covariance' })
    expect(plain.explainedVariance()[0]).toBeCloseTo(0.8, 9)
    expect(Array.from(plain.standardDeviations())).toEqual([1, 1])
    const standard = new Preprocessor(2)
    standard.addVectors(data, 4)
    standard.fit(2, { method: 'covariance' })
    expect(standard.explainedVariance()[0]).toBeCloseTo(0.5, 9)
    // The flag survives a save and restore (and a save without it reads as standardising).
    const restored = Preprocessor.fromJSON(plain.toJSON())
    expect(restored.standardise).toBe(false)
    expect(Array.from(restored.transform([2, 1]))).toEqual(Array.from(plain.transform([2, 1])))
    expect(standard.toJSON().standardise).toBeUndefined()
    expect(Preprocessor.fromJSON(standard.toJSON()).standardise).toBe(true)
  })
})
