// Tag context (src/main/taste/tags.ts): which words a song's tags give, where they land, and how
// long the tag part is. Known answers, computed by hand.
import { describe, expect, it } from 'vitest'
import {
  fnv1a,
  tagDimensionsFor,
  tagMatrix,
  tagWords,
  writeTagVector,
  type SongTags,
} from '../../../src/main/taste/tags'

const NONE: SongTags = { artist: null, albumArtist: null, album: null, genre: null, year: null }

describe('tag words', () => {
  it('names the album with its album artist, the artist, each genre of a list and the decade', () => {
    const tags: SongTags = {
      artist: ' Kevin MacLeod ',
      albumArtist: 'Various',
      album: 'Calm Ant',
      genre: 'Ambient; Piano',
      year: 2014,
    }
    expect(tagWords(tags)).toEqual([
      'album:various/calm ant',
      'artist:kevin macleod',
      'genre:ambient',
      'genre:piano',
      'decade:2010',
    ])
    expect(tagWords(tags, ['decade', 'album'])).toEqual(['decade:2010', 'album:various/calm ant'])
  })

  it('gives no word for missing, empty or "Unknown artist" tags; the album artist stands in for the artist', () => {
    expect(tagWords(NONE)).toEqual([])
    expect(tagWords({ ...NONE, artist: 'Unknown artist', album: '  ', year: 0 })).toEqual([])
    expect(tagWords({ ...NONE, albumArtist: 'Wesnoth', album: 'wesnoth' })).toEqual([
      'album:wesnoth/wesnoth',
      'artist:wesnoth',
    ])
  })
})

describe('tag vectors', () => {
  it('hashes with 32-bit FNV-1a', () => {
    // Reference values of FNV-1a 32 (offset basis 2166136261, prime 16777619).
    expect(fnv1a('')).toBe(2166136261)
    expect(fnv1a('a')).toBe(0xe40c292c)
    expect(fnv1a('foobar')).toBe(0xbf9cf968)
  })

  it('puts 1/√(words) at each word’s dimension: length 1 without collisions, 0 without words', () => {
    const words = ['album:/a', 'artist:b', 'decade:1990']
    const dims = 1024
    const out = new Float32Array(dims + 2).fill(7)
    writeTagVector(words, dims, out, 1)
    expect(out[0]).toBe(7)
    expect(out[dims + 1]).toBe(7)
    const at = words.map((w) => 1 + (fnv1a(w) % dims))
    expect(new Set(at).size).toBe(3)
    for (const i of at) expect(out[i]).toBeCloseTo(1 / Math.sqrt(3), 6)
    let squared = 0
    for (let i = 1; i <= dims; i++) squared += (out[i] as number) ** 2
    expect(squared).toBeCloseTo(1, 6)
    writeTagVector([], dims, out, 1)
    expect(out.subarray(1, dims + 1).every((v) => v === 0)).toBe(true)
  })

  it('adds colliding words in one dimension (2 dimensions, 3 words)', () => {
    const m = tagMatrix([{ ...NONE, artist: 'x', album: 'y', year: 1984 }], 2)
    expect(m[0]! + m[1]!).toBeCloseTo(3 / Math.sqrt(3), 6)
  })

  it('takes half of the model’s dimensions', () => {
    expect(tagDimensionsFor(64)).toBe(32)
    expect(tagDimensionsFor(3)).toBe(1)
    expect(tagDimensionsFor(2)).toBe(1)
  })
})
