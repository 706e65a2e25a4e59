// The album's sound (issue 10, item 5; docs/learning.md, "How the model sees the vectors"): each
// song's standardised vector mixed with the mean of its album's, z' = (1 − β)·z + β·(album mean),
// before the PCA. Songs of an album mostly share a style, so the album's average is a less noisy
// estimate of it than one song's analysis, and a like carries to other albums of a similar sound.
// The vectors come out standardised (per dimension, over the whole library, before the mixing),
// so the Preprocessor must not standardise them again (`standardise: false`): dividing by the
// mixed vectors' spread would give the dimensions that vary mostly within albums their weight back.
import { tagWords, type SongTags } from './tags'

/** The album a song belongs to for the mixing (the tag, or the folder a scan stores); null: none. */
export function albumKey(tags: SongTags | undefined): string | null {
  return tags ? (tagWords(tags, ['album'])[0] ?? null) : null
}

/** z-scores per dimension over the n rows (population spread; a constant dimension becomes 0). */
export function standardisedColumns(matrix: ArrayLike<number>, n: number, d: number): Float64Array {
  const z = new Float64Array(n * d)
  for (let a = 0; a < d; a++) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += matrix[i * d + a] as number
    const mean = sum / n
    let squares = 0
    for (let i = 0; i < n; i++) squares += ((matrix[i * d + a] as number) - mean) ** 2
    const spread = Math.sqrt(squares / n)
    const usable = spread > Math.max(1e-12, 1e-9 * Math.abs(mean))
    for (let i = 0; i < n; i++)
      z[i * d + a] = usable ? ((matrix[i * d + a] as number) - mean) / spread : 0
  }
  return z
}

/**
 * n vectors (row-major n × d) standardised per dimension over all n (population spread; a
 * constant dimension becomes 0), then each mixed with its album's mean: (1 − β)·z + β·mean of the
 * album's z (β = `weight`, 0..1). `albums[i]` is song i's album (null: none, kept as it is).
 */
export function blendWithAlbums(
  matrix: ArrayLike<number>,
  n: number,
  d: number,
  albums: readonly (string | null)[],
  weight: number,
): Float32Array {
  if (!(weight >= 0 && weight <= 1))
    throw new Error(`The album's share of a song's sound must be between 0 and 1, got ${weight}.`)
  if (albums.length !== n)
    throw new Error(`Expected ${n} albums, one per song, got ${albums.length}.`)
  const z = standardisedColumns(matrix, n, d)
  const members = new Map<string, number[]>()
  albums.forEach((album, i) => {
    if (album === null) return
    const list = members.get(album)
    if (list) list.push(i)
    else members.set(album, [i])
  })
  const out = Float32Array.from(z)
  const mean = new Float64Array(d)
  for (const songs of members.values()) {
    mean.fill(0)
    for (const i of songs)
      for (let a = 0; a < d; a++) mean[a] = (mean[a] as number) + (z[i * d + a] as number)
    for (let a = 0; a < d; a++) mean[a] = (mean[a] as number) / songs.length
    for (const i of songs)
      for (let a = 0; a < d; a++)
        out[i * d + a] = (1 - weight) * (z[i * d + a] as number) + weight * (mean[a] as number)
  }
  return out
}
