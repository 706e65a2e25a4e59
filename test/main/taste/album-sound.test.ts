import { describe, expect, it } from 'vitest'
import {
  albumKey,
  albumMember,
  AlbumSignatures,
  applyAlbumSound,
  blendWithAlbums,
  fitAlbumSound,
  type AlbumMember,
} from '../../../src/main/taste/album-sound'
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

  it('mixes only albums that hold one sound: not compilations, albums of one song, or spread ones', () => {
    // One dimension. "tight": two songs close together (spread far below the library's: the full
    // weight); "loose": two songs at the library's ends (spread above it: not mixed); "various"
    // (album artist Various Artists) and "many" (three songs, three artists) are compilations;
    // "solo" has one song; the last song has no album.
    const values = [0, 0.1, -10, 10, 5, 5.1, 3, 3.1, 3.2, 7, 1]
    const song = (album: string | null, artist: string, albumArtist: string | null = null) =>
      albumMember({ artist, albumArtist, album, genre: null, year: null })
    const members: AlbumMember[] = [
      song('tight', 'a'),
      song('tight', 'a'),
      song('loose', 'a'),
      song('loose', 'a'),
      song('various', 'b', 'Various Artists'),
      song('various', 'c', 'Various Artists'),
      song('many', 'd'),
      song('many', 'e'),
      song('many', 'f'),
      song('solo', 'g'),
      song(null, 'h'),
    ]
    const n = values.length
    const frame = fitAlbumSound(Float32Array.from(values), n, 1, members, 0.75)
    expect([...frame.albums.keys()]).toEqual([members[0]?.album])
    expect(frame.albums.get(members[0]?.album as string)?.weight).toBeCloseTo(0.75, 9)
    // The unsafe form (as first screened) mixes every album at the full weight.
    const all = fitAlbumSound(Float32Array.from(values), n, 1, members, 0.75, undefined, {
      safe: false,
    })
    expect(all.albums.size).toBe(5)
    expect([...all.albums.values()].every((album) => album.weight === 0.75)).toBe(true)
  })

  it("shrinks an album's share in proportion as its songs spread more, when asked to", () => {
    // Library spread 1 per dimension; an album of two songs at distance 2·g has a within-album
    // spread of 2·g² (unbiased) against the library's 1, so its coherence is 1 − 2·g².
    const g = 0.8
    const values = [-g, g, -1.5, 1.5, -1.2, 1.2]
    const members = values.map((_, i) =>
      albumMember({
        artist: 'x',
        albumArtist: null,
        album: i < 2 ? 'a' : null,
        genre: null,
        year: null,
      }),
    )
    const frame = fitAlbumSound(
      Float32Array.from(values),
      values.length,
      1,
      members,
      0.6,
      undefined,
      {
        coherentAt: 0.5,
      },
    )
    // By default any album that spreads less than the library gets the full weight.
    expect(
      fitAlbumSound(Float32Array.from(values), values.length, 1, members, 0.6).albums.get(
        'album:/a',
      )?.weight,
    ).toBe(0.6)
    const spread = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length)
    const ratio = (2 * (g / spread) ** 2) / 1
    expect(ratio).toBeGreaterThan(0.5) // below the full weight (coherence 0.5), above none
    expect(ratio).toBeLessThan(1)
    expect(frame.albums.get('album:/a')?.weight).toBeCloseTo(0.6 * ((1 - ratio) / 0.5), 6)
  })

  it("keeps the fit's statistics for songs added later (a frozen frame)", () => {
    // Fitted on the first four songs (mean 3, spread √5); a fifth song of album a, x = 8, is
    // standardised with those and mixed with a's mean as fitted (−2/√5), not one of its own.
    const members = ['a', 'a', 'b', null, 'a'].map((album) => ({
      album,
      artist: null,
      various: false,
    }))
    const rows = Float32Array.from([0, 2, 4, 6, 8])
    const frame = fitAlbumSound(rows, 5, 1, members, 0.75, (i) => i < 4, { safe: false })
    const out = applyAlbumSound(frame, Float32Array.from([8]), 1, [members[4] as AlbumMember])
    expect(out[0]).toBeCloseTo(0.25 * (5 / s) + 0.75 * (-2 / s), 6)
    // A song of an album the fit did not see is standardised only.
    const unseen = applyAlbumSound(frame, Float32Array.from([8]), 1, [
      { album: 'new', artist: null, various: false },
    ])
    expect(unseen[0]).toBeCloseTo(5 / s, 6)
  })

  it('notices a song whose album, artist or compilation reads differently, and only then', () => {
    const tags = (album: string | null, artist = 'X', albumArtist: string | null = 'Band') => ({
      artist,
      albumArtist,
      album,
      genre: null,
      year: null,
    })
    const now = new Map([
      [1, tags('First')],
      [2, tags('First')],
      [3, tags(null)],
    ])
    const signatures = new AlbumSignatures()
    for (const [id, t] of now) signatures.set(id, albumMember(t))
    signatures.set(4, albumMember(undefined))
    expect(signatures.moved((id) => now.get(id))).toBe(false)
    for (const changed of [
      tags('Second'),
      tags('First', 'Y'),
      tags('First', 'X', 'Various Artists'),
    ]) {
      expect(signatures.moved((id) => (id === 2 ? changed : now.get(id)))).toBe(true)
    }
    // A song without tags that gains an album moved too; after clear() nothing is kept.
    expect(signatures.moved((id) => (id === 4 ? tags('First') : now.get(id)))).toBe(true)
    signatures.clear()
    expect(signatures.moved(() => tags('Other'))).toBe(false)
  })

  it('mixes into the matrix itself when asked, as into a new one', () => {
    const members = ['a', 'a', 'b', null, 'b', 'a'].map((album) => ({
      album,
      artist: null,
      various: false,
    }))
    const rows = Float32Array.from({ length: 6 * 3 }, (_, i) => Math.sin(i * 1.7) * 5 + (i % 3))
    const frame = fitAlbumSound(rows, 6, 3, members, 0.75, undefined, { safe: false })
    const copy = applyAlbumSound(frame, rows, 6, members)
    const inPlace = Float32Array.from(rows)
    expect(applyAlbumSound(frame, inPlace, 6, members, inPlace)).toBe(inPlace)
    expect([...inPlace]).toEqual([...copy])
    expect([...copy]).not.toEqual([...rows])
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
