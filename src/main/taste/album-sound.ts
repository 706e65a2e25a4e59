// The album's sound (issue 10, item 5; docs/learning.md, "How the model sees the vectors"): each
// song's standardised vector mixed with the mean of its album's, z' = (1 − β)·z + β·(album mean),
// before the PCA. Songs of an album mostly share a style, so the album's average is a less noisy
// estimate of it than one song's analysis, and a like carries to other albums of a similar sound.
// The vectors come out standardised (per dimension, before the mixing), so the Preprocessor must
// not standardise them again (`standardise: false`): dividing by the mixed vectors' spread would
// give the dimensions that vary mostly within albums their weight back.
//
// The statistics (each dimension's mean and spread, each album's mean) are a frame fitted on the
// songs the PCA was fitted on and kept until its next re-fit, as the PCA's basis is: a song added
// since is standardised with them and mixed with its album's mean as it was at the fit (an album
// new since then is not mixed until the re-fit), so a batch of new songs changes no other song's
// vector and the model extends instead of replaying its history.
//
// Albums that do not hold one sound are not mixed: no album, an album of one song, a compilation
// (album artist "Various Artists", or most songs by different artists), or an album whose songs
// spread as much as the library's do (its coherence, 1 − its spread ÷ the library's, ≤ 0).
import { tagWords, type SongTags } from './tags'

/** The album a song belongs to for the mixing (the tag, or the folder a scan stores); null: none. */
export function albumKey(tags: SongTags | undefined | null): string | null {
  return tags ? (tagWords(tags, ['album'])[0] ?? null) : null
}

/** z-scores per dimension over the n rows (population spread; a constant dimension becomes 0). */
export function standardisedColumns(matrix: ArrayLike<number>, n: number, d: number): Float64Array {
  const frame = fitAlbumSound(matrix, n, d, noAlbums(n), 0)
  const z = new Float64Array(n * d)
  const row = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    standardiseRow(frame, matrix, i, row)
    z.set(row, i * d)
  }
  return z
}

function noAlbums(n: number): AlbumMember[] {
  return Array.from({ length: n }, () => ({ album: null, artist: null, various: false }))
}

/** What the mixing reads of a song's tags. */
export interface AlbumMember {
  album: string | null
  artist: string | null
  /** The album artist says "Various Artists" (or "VA"). */
  various: boolean
}

const VARIOUS = /^\s*(various(\s+artists?)?|va|v\.a\.)\s*$/i

export function albumMember(tags: SongTags | undefined | null): AlbumMember {
  return {
    album: albumKey(tags),
    artist: tags?.artist?.trim().toLowerCase() || null,
    various: VARIOUS.test(tags?.albumArtist ?? ''),
  }
}

/** A string that changes whenever what the mixing reads of a song changes (a re-tag). */
export function memberSignature(member: AlbumMember): string {
  return `${member.album ?? ''}\u0000${member.artist ?? ''}\u0000${member.various ? 1 : 0}`
}

/**
 * What the mixing read of each song (its signature), by track id, kept to notice a re-tag. Each
 * song holds a small code of its signature: a library's songs share far fewer signatures than it
 * has songs (a string per song was ~100 MB at a million).
 */
export class AlbumSignatures {
  private readonly codes = new Map<number, number>()
  private readonly table = new Map<string, number>()

  set(trackId: number, member: AlbumMember): void {
    const signature = memberSignature(member)
    let code = this.table.get(signature)
    if (code === undefined) {
      code = this.table.size
      this.table.set(signature, code)
    }
    this.codes.set(trackId, code)
  }

  clear(): void {
    this.codes.clear()
    this.table.clear()
  }

  /** Whether a song kept here reads differently now (another album, artist or compilation). */
  moved(tagsOf: (trackId: number) => SongTags | undefined): boolean {
    for (const [trackId, code] of this.codes)
      if (this.table.get(memberSignature(albumMember(tagsOf(trackId)))) !== code) return true
    return false
  }
}

/** The frozen statistics: standardisation and each mixed album's mean and share. */
export interface AlbumSoundFrame {
  dim: number
  /** β, the setting. */
  weight: number
  mean: Float64Array
  /** Each dimension's population spread; 0: constant (the dimension becomes 0). */
  spread: Float64Array
  /** The albums that are mixed: their mean z and their share (0..β). */
  albums: Map<string, { mean: Float64Array; weight: number; coherence: number }>
  /** Albums of the fit left unmixed, by reason. */
  skipped: { single: number; compilation: number; spread: number }
}

export interface FrameOptions {
  /**
   * The safety rules (no mixing for compilations and albums of one song; an album's share scaled
   * by how much less its songs spread than the library's). Default true; false: every album mixed
   * at the full weight (the form first screened).
   */
  safe?: boolean
  /** With `safe`: scale each album's share by its coherence (default true). */
  coherence?: boolean
  /**
   * The coherence (1 − the album's spread ÷ the library's) from which an album gets the full
   * weight, its share shrinking in proportion below; 0 (the default): the full weight for any
   * album that spreads less than the library, none for the others. In the screen the
   * proportional forms (0.25, 0.5) lost most of the real albums' gain (docs/learning.md).
   */
  coherentAt?: number
}

/**
 * Fits the frame on the rows `fitted` marks (all when absent): each dimension's mean and spread
 * over them, then each album's mean of their standardised rows.
 */
export function fitAlbumSound(
  matrix: ArrayLike<number>,
  n: number,
  d: number,
  members: readonly AlbumMember[],
  weight: number,
  fitted?: (row: number) => boolean,
  options: FrameOptions = {},
): AlbumSoundFrame {
  if (!(weight >= 0 && weight <= 1))
    throw new Error(`The album's share of a song's sound must be between 0 and 1, got ${weight}.`)
  if (members.length !== n)
    throw new Error(`Expected ${n} albums, one per song, got ${members.length}.`)
  const safe = options.safe ?? true
  const rows: number[] = []
  for (let i = 0; i < n; i++) if (!fitted || fitted(i)) rows.push(i)
  const mean = new Float64Array(d)
  const spread = new Float64Array(d)
  const m = Math.max(1, rows.length)
  for (const i of rows) for (let a = 0; a < d; a++) mean[a]! += matrix[i * d + a] as number
  for (let a = 0; a < d; a++) mean[a]! /= m
  for (const i of rows)
    for (let a = 0; a < d; a++) spread[a]! += ((matrix[i * d + a] as number) - mean[a]!) ** 2
  let usable = 0
  for (let a = 0; a < d; a++) {
    const s = Math.sqrt(spread[a]! / m)
    spread[a] = s > Math.max(1e-12, 1e-9 * Math.abs(mean[a]!)) ? s : 0
    if (spread[a]! > 0) usable++
  }
  const frame: AlbumSoundFrame = {
    dim: d,
    weight,
    mean,
    spread,
    albums: new Map(),
    skipped: { single: 0, compilation: 0, spread: 0 },
  }
  const groups = new Map<string, number[]>()
  for (const i of rows) {
    const album = members[i]!.album
    if (album === null) continue
    const list = groups.get(album)
    if (list) list.push(i)
    else groups.set(album, [i])
  }
  const z = new Float64Array(d)
  for (const [album, songs] of groups) {
    if (safe && songs.length < 2) {
      frame.skipped.single++
      continue
    }
    if (safe && compilation(songs.map((i) => members[i]!))) {
      frame.skipped.compilation++
      continue
    }
    const albumMean = new Float64Array(d)
    for (const i of songs) {
      standardiseRow(frame, matrix, i, z)
      for (let a = 0; a < d; a++) albumMean[a]! += z[a]!
    }
    for (let a = 0; a < d; a++) albumMean[a]! /= songs.length
    let share = weight
    let coherence = 1
    if (safe && usable > 0) {
      // The songs' spread around the album's mean against the library's (1 per dimension): an
      // album dealt at random spreads as the library does (coherence 0), one sound less.
      let within = 0
      for (const i of songs) {
        standardiseRow(frame, matrix, i, z)
        for (let a = 0; a < d; a++) within += (z[a]! - albumMean[a]!) ** 2
      }
      coherence = 1 - within / Math.max(1, songs.length - 1) / usable
      const at = options.coherentAt ?? 0
      if (options.coherence ?? true)
        share =
          at > 0 ? weight * Math.min(1, Math.max(0, coherence / at)) : coherence > 0 ? weight : 0
    }
    if (share > 0) frame.albums.set(album, { mean: albumMean, weight: share, coherence })
    else frame.skipped.spread++
  }
  return frame
}

/** Most songs by different artists, or the album artist says so: a compilation. */
function compilation(songs: readonly AlbumMember[]): boolean {
  if (songs.some((s) => s.various)) return true
  const artists = new Set(songs.map((s) => s.artist).filter((a) => a !== null))
  return songs.length >= 3 && artists.size > songs.length / 2
}

function standardiseRow(
  frame: AlbumSoundFrame,
  matrix: ArrayLike<number>,
  i: number,
  out: Float64Array,
): void {
  const d = frame.dim
  for (let a = 0; a < d; a++) {
    const s = frame.spread[a]!
    out[a] = s > 0 ? ((matrix[i * d + a] as number) - frame.mean[a]!) / s : 0
  }
}

/**
 * n rows standardised with the frame and mixed with their album's frozen mean (n × d), into `out`
 * (a new array unless given).
 */
export function applyAlbumSound(
  frame: AlbumSoundFrame,
  matrix: ArrayLike<number>,
  n: number,
  members: readonly AlbumMember[],
  out: Float32Array = new Float32Array(n * frame.dim),
): Float32Array {
  const d = frame.dim
  if (members.length !== n)
    throw new Error(`Expected ${n} albums, one per song, got ${members.length}.`)
  if (out.length < n * d)
    throw new Error(`Expected room for ${n} × ${d} values, got ${out.length}.`)
  // Row by row, each read whole before it is written: `out` may be `matrix` itself (mixed in
  // place, no second copy of the library: 256 MB at 1M songs × 64 dimensions).
  const z = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    standardiseRow(frame, matrix, i, z)
    const album = members[i]!.album
    const mix = album === null ? undefined : frame.albums.get(album)
    if (mix === undefined) out.set(z, i * d)
    else
      for (let a = 0; a < d; a++)
        out[i * d + a] = (1 - mix.weight) * z[a]! + mix.weight * mix.mean[a]!
  }
  return out
}

/**
 * n vectors (row-major n × d) standardised per dimension over all n, then each mixed with its
 * album's mean: (1 − β)·z + β·mean of the album's z (β = `weight`, 0..1), every album at the full
 * weight. `albums[i]` is song i's album (null: none, kept as it is).
 */
export function blendWithAlbums(
  matrix: ArrayLike<number>,
  n: number,
  d: number,
  albums: readonly (string | null)[],
  weight: number,
): Float32Array {
  const members = albums.map((album) => ({ album, artist: null, various: false }))
  const frame = fitAlbumSound(matrix, n, d, members, weight, undefined, { safe: false })
  return applyAlbumSound(frame, matrix, n, members)
}
