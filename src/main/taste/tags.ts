// Tag context for the taste model (issue 10 item 5; Li et al. 2010's hybrid LinUCB): a song's
// artist, album, genre and decade as hashed one-hot dimensions beside its audio vector, so "songs
// of this album" and "this artist" are learned as well as "songs that sound like this". A file
// without tags still has an artist and an album: the scanner stores those its folders name
// (folder-tags.ts), and they are what is hashed here.
import { UNKNOWN_ARTIST } from '../../shared/folder-tags'
import type { SongTags } from '../db/taste-library'

export type { SongTags }

/** Which tags become dimensions. */
export type TagField = 'album' | 'artist' | 'genre' | 'decade'

/** The fields the engine uses (docs/learning.md says why these). */
export const ENGINE_TAG_FIELDS: readonly TagField[] = ['album', 'artist', 'genre', 'decade']

/**
 * How many of the model's dimensions (the "PCA dimensions" setting) the tags take when they are
 * on: half, so the model is no wider, and no slower, than without tags (the sound keeps the other
 * half; 32 + 32 at the default 64 measured best, docs/learning.md).
 */
export function tagDimensionsFor(modelDims: number): number {
  return Math.floor(modelDims / 2)
}

const tidy = (value: string | null): string | null => {
  const text = value?.trim().toLowerCase() ?? ''
  return text.length > 0 && text !== UNKNOWN_ARTIST.toLowerCase() ? text : null
}

/**
 * The words a song's tags hash: `album:<album artist>/<album>` (two albums of one name by
 * different artists stay apart), `artist:…`, one `genre:…` per genre of a list ("Rock; Pop"),
 * `decade:1990`. Missing or empty tags give no word.
 */
export function tagWords(
  tags: SongTags,
  fields: readonly TagField[] = ENGINE_TAG_FIELDS,
): string[] {
  const words: string[] = []
  const artist = tidy(tags.artist) ?? tidy(tags.albumArtist)
  for (const field of fields) {
    if (field === 'album') {
      const album = tidy(tags.album)
      if (album) words.push(`album:${tidy(tags.albumArtist) ?? ''}/${album}`)
    } else if (field === 'artist') {
      if (artist) words.push(`artist:${artist}`)
    } else if (field === 'genre') {
      for (const genre of (tags.genre ?? '').split(/[;/,]/)) {
        const g = tidy(genre)
        if (g) words.push(`genre:${g}`)
      }
    } else if (tags.year !== null && Number.isFinite(tags.year) && tags.year > 0) {
      words.push(`decade:${Math.floor(tags.year / 10) * 10}`)
    }
  }
  return words
}

/** FNV-1a (32 bits) of a string: which tag dimension a word lands in. */
export function fnv1a(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0
  return h
}

/**
 * Writes a song's tag dimensions into `out` at `offset`: each word adds 1/√(words) at its hashed
 * dimension, so a song with any tags has a tag part of length ≈ 1 (exactly 1 without collisions)
 * and one without tags a zero part. The model scales it by the tag weight.
 */
export function writeTagVector(
  words: readonly string[],
  dims: number,
  out: Float32Array,
  offset: number,
): void {
  out.fill(0, offset, offset + dims)
  if (words.length === 0) return
  const share = 1 / Math.sqrt(words.length)
  for (const word of words) {
    const at = offset + (fnv1a(word) % dims)
    out[at] = (out[at] as number) + share
  }
}

/** n songs' tag dimensions, row-major n × dims. */
export function tagMatrix(
  songs: readonly SongTags[],
  dims: number,
  fields: readonly TagField[] = ENGINE_TAG_FIELDS,
): Float32Array {
  const out = new Float32Array(songs.length * dims)
  songs.forEach((tags, i) => writeTagVector(tagWords(tags, fields), dims, out, i * dims))
  return out
}
