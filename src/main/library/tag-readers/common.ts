// Shared by the fast tag readers (see ../fast-tags.ts): byte access, and music-metadata's rules for the
// common fields, so each container's reader gives exactly what music-metadata would.
import type { ICommonTagsResult, IFormat, IPicture } from 'music-metadata'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The subset of music-metadata's result that the library stores (see toInfo in file-reader.ts). */
export interface ParsedAudio {
  format: Mutable<
    Pick<
      IFormat,
      | 'codec'
      | 'bitsPerSample'
      | 'lossless'
      | 'bitrate'
      | 'sampleRate'
      | 'numberOfChannels'
      | 'duration'
      | 'hasAudio'
    >
  >
  common: Pick<
    ICommonTagsResult,
    | 'title'
    | 'artist'
    | 'artists'
    | 'album'
    | 'albumartist'
    | 'genre'
    | 'year'
    | 'track'
    | 'disk'
    | 'replaygain_track_gain'
    | 'replaygain_track_peak'
    | 'replaygain_album_gain'
    | 'replaygain_album_peak'
    | 'picture'
  >
}

/** Random access to the file's bytes through the reader's block cache. */
export interface ByteSource {
  readonly size: number
  /** Makes [start, end) available to view(). */
  load(start: number, end: number): Promise<void>
  /** The bytes [start, end) (fewer at the end of the file); load() them first. */
  view(start: number, end: number): Uint8Array
}

/** The fast path met something it does not handle exactly like music-metadata. */
export class NotSure extends Error {}

export function unsure(): never {
  throw new NotSure()
}

export const utf8 = new TextDecoder('utf-8')

export { hasAscii as ascii } from '../../media-formats'

export function u8(bytes: Uint8Array, at: number): number {
  const value = bytes[at]
  return value === undefined ? unsure() : value
}

export function u24be(bytes: Uint8Array, at: number): number {
  return (u8(bytes, at) << 16) | (u8(bytes, at + 1) << 8) | u8(bytes, at + 2)
}

export function u32be(bytes: Uint8Array, at: number): number {
  return (
    u8(bytes, at) * 2 ** 24 +
    ((u8(bytes, at + 1) << 16) | (u8(bytes, at + 2) << 8) | u8(bytes, at + 3))
  )
}

export function u32le(bytes: Uint8Array, at: number): number {
  return (
    u8(bytes, at + 3) * 2 ** 24 +
    ((u8(bytes, at + 2) << 16) | (u8(bytes, at + 1) << 8) | u8(bytes, at))
  )
}

/** Reads [start, end) through the cache; unsure when the file ends before `end`. */
export async function bytesAt(source: ByteSource, start: number, end: number): Promise<Uint8Array> {
  if (start < 0 || end > source.size || end < start) unsure()
  await source.load(start, end)
  const bytes = source.view(start, end)
  return bytes.length === end - start ? bytes : unsure()
}

/** music-metadata's CommonTagMapper.normalizeTrack ("3/12" → 3 of 12). */
export function normalizeTrack(value: string): { no: number | null; of: number | null } {
  const split = value.split('/')
  return {
    no: Number.parseInt(split[0] ?? '', 10) || null,
    of: Number.parseInt(split[1] ?? '', 10) || null,
  }
}

export function toIntOrNull(value: string): number | null {
  const parsed = Number.parseInt(value, 10)
  return Number.isNaN(parsed) ? null : parsed
}

/** music-metadata's toRatio: "-7.5 dB" is a gain in decibels, a bare number a ratio. */
export function toRatio(value: string): { dB: number; ratio: number } {
  const parts = value.split(' ').map((p) => p.trim().toLowerCase())
  const v = Number.parseFloat(parts[0] ?? '')
  return parts.length === 2 && parts[1] === 'db'
    ? { dB: v, ratio: 10 ** (v / 10) }
    : { dB: 10 * Math.log10(v), ratio: v }
}

export type CommonId =
  | 'title'
  | 'artist'
  | 'artists'
  | 'albumartist'
  | 'album'
  | 'date'
  | 'year'
  | 'track'
  | 'disk'
  | 'totaltracks'
  | 'totaldiscs'
  | 'genre'
  | 'replaygain_track_gain'
  | 'replaygain_track_peak'
  | 'replaygain_album_gain'
  | 'replaygain_album_peak'
  | 'picture'

/**
 * Collects the common fields of ONE tag format the way music-metadata's MetadataCollector does (single
 * values: the last one wins; genres: distinct, in order; track "no/of" merged with the totals), for the
 * fields the library stores. What would need its artist-joining rules (a second artist, an ARTISTS field)
 * is left to music-metadata.
 */
export class CommonCollector {
  readonly common: ParsedAudio['common'] = {
    track: { no: null, of: null },
    disk: { no: null, of: null },
  }

  add(id: CommonId, value: string): void {
    const common = this.common
    switch (id) {
      case 'title':
        common.title = value
        return
      case 'album':
        common.album = value
        return
      case 'artist':
        if (common.artist !== undefined) unsure()
        common.artist = value
        common.artists = [value]
        return
      case 'albumartist':
        if (common.albumartist !== undefined) unsure()
        common.albumartist = value
        return
      case 'artists':
        return unsure()
      case 'date': {
        const year = Number.parseInt(value.substring(0, 4), 10)
        if (!Number.isNaN(year)) common.year = year
        return
      }
      case 'year':
        common.year = Number.parseInt(value, 10)
        return
      case 'track':
      case 'disk': {
        const of = common[id].of
        const parsed = normalizeTrack(value)
        common[id] = { no: parsed.no, of: of ?? parsed.of }
        return
      }
      case 'totaltracks':
        common.track.of = toIntOrNull(value)
        return
      case 'totaldiscs':
        common.disk.of = toIntOrNull(value)
        return
      case 'genre':
        if (!common.genre) common.genre = [value]
        else if (!common.genre.includes(value)) common.genre.push(value)
        return
      case 'replaygain_track_gain':
      case 'replaygain_track_peak':
      case 'replaygain_album_gain':
      case 'replaygain_album_peak':
        common[id] = toRatio(value)
        return
      case 'picture':
        return unsure() // pictures go through addPicture
    }
  }

  addPicture(picture: IPicture): void {
    if (picture.data.length === 0) return // music-metadata drops empty pictures too
    // Without a MIME type music-metadata sniffs the image bytes; leave that to it.
    if (!picture.format) unsure()
    let format = picture.format.toLocaleLowerCase()
    if (format === 'image/jpg') format = 'image/jpeg'
    ;(this.common.picture ??= []).push({ ...picture, format })
  }
}

/** ID3v2 / FLAC picture types; only "front" matters to the library (it prefers a front cover). */
export function pictureTypeName(type: number): string | undefined {
  return type === 3 ? 'Cover (front)' : type <= 20 ? 'other' : undefined
}
