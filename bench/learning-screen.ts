/**
 * A fast screen of learning levers: the listeners of bench/learning-sim.ts served by the model the
 * app ships (Preprocessor → LinUcb → chooseAutoPick, the same reward rows, farthest-point cold
 * start) without the engine around it (no database, worker, queue or artist spacing), so a lever
 * can be tried over every taste with many seeds in seconds. Levers that look good here are then
 * measured through the engine by bench/learning.ts; the figures of the two differ by the noise of
 * the draws (the engine's pick draws use other random streams).
 *
 *   node bin/run-ts.js bench/learning-screen.ts [--library corpus|fixtures] [--seeds 20] [--first-seed 1] [--lever A,B] [--vectors FILE]
 *
 * --vectors FILE: every song's vector from FILE (JSON, { "<path>": [numbers…] }, as written by
 * `bench/embedding-probe.ts --export SET --out FILE`) instead of the analysed database's, to see
 * what a candidate feature set does to learning before it is built into the extractor.
 *
 * Levers named NAME+tags are NAME as shipped (tags 32 + sound 32) instead of audio only at k = 64.
 * The preprocessing levers (group balance, k by explained variance, no PCA, album weighting, kernel
 * PCA, neighbour smoothing, sound clusters: bench/preprocess-levers.ts) are fitted on the library
 * being screened, as the app would fit them on the listener's library; no style label is read
 * (the clusters' purity against the styles is printed on stderr, for the report only).
 *
 * Prints one line of medians per lever (and random and centroid), in the columns of learning.ts.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openDatabase } from '../src/main/db/database'
import { Preprocessor } from '../src/main/taste/preprocess'
import { LinUcb } from '../src/main/taste/linucb'
import { farthestPointSample } from '../src/main/taste/model'
import { chooseAutoPick, type AutoQueueCandidate } from '../src/shared/auto-queue'
import { DEFAULT_SETTINGS } from '../src/shared/settings'
import { labelRow, listenRow, type RewardRow, type RewardSettings } from '../src/shared/rewards'
import { TasteLibrary, type SongTags } from '../src/main/db/taste-library'
import { tagWords, writeTagVector, type TagField } from '../src/main/taste/tags'
import { seededRandom, shuffleInPlace } from '../src/shared/random'
import {
  albumMember,
  applyAlbumSound,
  fitAlbumSound,
  type AlbumMember,
} from '../src/main/taste/album-sound'
import {
  albumMixed,
  audioCandidates,
  DEFAULT_AUDIO_LEVER,
  unitRows,
  sphericalKMeans,
  type AudioLever,
} from './preprocess-levers'
import {
  analysedLibrary,
  listenerFor,
  meanShare,
  median,
  PICKS,
  runBaseline,
  summarise,
  summariseTaste,
  tastesOf,
  type AnalysedLibrary,
  type Pick,
  type PolicyName,
  type RunResult,
  type Taste,
  type TasteSummary,
  withVectors,
} from './learning-sim'

export interface Lever {
  /** PCA dimensions (k). */
  k: number
  alpha: number
  lambda: number
  temperature: number
  topN: number
  rewards: RewardSettings
  /** Keep the farthest-point spread until the first liked song (not only before the first reward). */
  spreadUntilLiked: boolean
  /** Tag context: fields hashed into `tagDims` extra dimensions of weight `tagWeight` (tags.ts). */
  tags: readonly TagField[]
  tagDims: number
  tagWeight: number
  /** Each PCA dimension divided by its standard deviation before the unit length. */
  whiten: boolean
  /** Another preprocessing of the sound (bench/preprocess-levers.ts) instead of the Preprocessor's. */
  audio: Partial<AudioLever> | null
  /**
   * Clusters of the library's own sound (spherical k-means of the sound vectors, one run per
   * count) appended after the sound as one-hot dimensions of weight `clusterWeight` (split over
   * the counts): the oracle's one-hot of the style, with clusters found without labels.
   */
  clusters: readonly number[]
  clusterWeight: number
  /**
   * After the shipped projection, each song's unit sound vector mixed with the mean of its album's
   * ((1 − β)·u + β·mean, then unit length again; β = `albumMix`, 0: off): the album's average sound
   * as a less noisy estimate of each of its songs'.
   */
  albumMix: number
  /** A control: the album names dealt to the songs at random (the same album sizes). */
  shuffleAlbums: boolean
  /**
   * Before the shipped Preprocessor, each song's vector mixed with its album's mean vector
   * ((1 − β)·x + β·mean; β = `albumSound`, 0: off), as the engine's "album sound" setting does.
   */
  albumSound: number
  /**
   * The engine's album sound (src/main/taste/album-sound.ts) at this weight (0: off): standardised
   * with the library's statistics, mixed, then the Preprocessor without standardisation, as the
   * engine does; `albumSafe` applies its safety rules (no compilations, no album of one song, an
   * album's share scaled by its coherence), else every album at the full weight.
   */
  engineAlbums: number
  albumSafe: boolean
  /** With `albumSafe`: the share scaled by the album's coherence (false: the rules only). */
  albumCoherence: boolean
  /** The coherence of the full weight (album-sound.ts; absent: its default). */
  coherentAt?: number
  /** With `shuffleAlbums`: the artists dropped too (so the compilation rule cannot act). */
  dropArtists: boolean
}

const model = DEFAULT_SETTINGS.model
const exploration = DEFAULT_SETTINGS.exploration
const rewards = DEFAULT_SETTINGS.rewards
export const DEFAULT_LEVER: Lever = {
  k: model.pcaDims,
  alpha: exploration.alpha,
  lambda: model.lambda,
  temperature: exploration.temperature,
  topN: exploration.topN,
  rewards,
  spreadUntilLiked: false,
  tags: [],
  tagDims: 64,
  tagWeight: 0.5,
  whiten: false,
  audio: null,
  clusters: [],
  clusterWeight: 0.5,
  albumMix: 0,
  shuffleAlbums: false,
  albumSound: 0,
  engineAlbums: 0,
  albumSafe: false,
  albumCoherence: true,
  dropArtists: false,
}

const withRewards = (patch: Partial<RewardSettings>): Partial<Lever> => ({
  rewards: { ...rewards, ...patch },
})
/** Levers by name: each a change from the defaults. */
export const LEVERS: Record<string, Partial<Lever>> = {
  default: {},
  'k-16': { k: 16 },
  'k-32': { k: 32 },
  'k-96': { k: 96 },
  'alpha-1': { alpha: 1 },
  argmax: { temperature: 0 },
  'temperature-0.3': { temperature: 0.3 },
  'lambda-0.3': { lambda: 0.3 },
  'love-weight-4': withRewards({ marks: { ...rewards.marks, love: { reward: 1, weight: 4 } } }),
  'not-for-me-weight-1': withRewards({
    marks: { ...rewards.marks, not_for_me: { reward: -1, weight: 1 } },
  }),
  'not-for-me-weight-4': withRewards({
    marks: { ...rewards.marks, not_for_me: { reward: -1, weight: 4 } },
  }),
  'no-implicit': withRewards({
    played: { ...rewards.played, weight: 0 },
    earlySkip: { ...rewards.earlySkip, weight: 0 },
  }),
  'spread-until-liked': { spreadUntilLiked: true },
  'tags-album': { tags: ['album'] },
  'tags-all': { tags: ['album', 'artist', 'genre', 'decade'] },
  'tags-all-weight-1': { tags: ['album', 'artist', 'genre', 'decade'], tagWeight: 1 },
  'tags-all-weight-0.25': { tags: ['album', 'artist', 'genre', 'decade'], tagWeight: 0.25 },
  'tags-album-artist': { tags: ['album', 'artist'] },
  // What the engine ships (tags.ts, tagDimensionsFor): the tags take half of the 64 dimensions.
  'tags-all-k-32-dims-32': { tags: ['album', 'artist', 'genre', 'decade'], k: 32, tagDims: 32 },
  'tags-all-k-48-dims-16': { tags: ['album', 'artist', 'genre', 'decade'], k: 48, tagDims: 16 },
  'tags-all-dims-32': { tags: ['album', 'artist', 'genre', 'decade'], tagDims: 32 },
  whiten: { whiten: true },
  'whiten-k-16': { whiten: true, k: 16 },
  'whiten-tags-all': { whiten: true, tags: ['album', 'artist', 'genre', 'decade'] },
  ...preprocessLevers(),
}

/**
 * The preprocessing levers (bench/preprocess-levers.ts), each audio only at k = 64 (NAME) and as
 * shipped, tags 32 + sound 32 (NAME+tags).
 */
function preprocessLevers(): Record<string, Partial<Lever>> {
  const variants: Record<string, Partial<Lever>> = {
    // The same standardise → PCA → unit length as the Preprocessor, by the lever code: reproduces default.
    pca: { audio: {} },
    'groups-coarse': { audio: { groups: 'coarse' } },
    'groups-fine': { audio: { groups: 'fine' } },
    'share-0.8': { audio: { share: 0.8 } },
    'share-0.9': { audio: { share: 0.9 } },
    'share-0.7': { audio: { share: 0.7 } },
    'groups-fine-share-0.8': { audio: { groups: 'fine', share: 0.8 } },
    'no-pca': { audio: { noPca: true } },
    'no-pca-lambda-3': { audio: { noPca: true }, lambda: 3 },
    'no-pca-lambda-10': { audio: { noPca: true }, lambda: 10 },
    'album-diag': { audio: { album: 'diag' } },
    'album-full-0.2': { audio: { album: 'full', albumShrink: 0.2 } },
    'album-full-0.5': { audio: { album: 'full', albumShrink: 0.5 } },
    'album-full-0.8': { audio: { album: 'full', albumShrink: 0.8 } },
    'smooth-5': { audio: { smooth: 5 } },
    'smooth-10': { audio: { smooth: 10 } },
    'album-mean-0.5': { audio: { albumMean: 0.5 } },
    'album-mean-0.6': { audio: { albumMean: 0.6 } },
    'album-mean-0.75': { audio: { albumMean: 0.75 } },
    'album-mean-0.9': { audio: { albumMean: 0.9 } },
    'album-mean-1': { audio: { albumMean: 1 } },
    'album-mean-0.75-shuffled': { audio: { albumMean: 0.75 }, shuffleAlbums: true },
    'album-sound-0.5': { albumSound: 0.5 },
    'album-sound-0.75': { albumSound: 0.75 },
    'album-sound-0.75-shuffled': { albumSound: 0.75, shuffleAlbums: true },
    'engine-albums-0.75': { engineAlbums: 0.75 },
    'engine-albums-0.75-shuffled': { engineAlbums: 0.75, shuffleAlbums: true },
    'engine-albums-safe-0.5-0.75': { engineAlbums: 0.75, albumSafe: true, coherentAt: 0.5 },
    'engine-albums-safe-0.5-0.75-shuffled': {
      engineAlbums: 0.75,
      albumSafe: true,
      coherentAt: 0.5,
      shuffleAlbums: true,
    },
    'engine-albums-rules-0.75': { engineAlbums: 0.75, albumSafe: true, albumCoherence: false },
    'engine-albums-rules-0.75-shuffled': {
      engineAlbums: 0.75,
      albumSafe: true,
      albumCoherence: false,
      shuffleAlbums: true,
    },
    'engine-albums-safe-0.25-0.75': { engineAlbums: 0.75, albumSafe: true, coherentAt: 0.25 },
    'engine-albums-safe-0.25-0.75-shuffled': {
      engineAlbums: 0.75,
      albumSafe: true,
      coherentAt: 0.25,
      shuffleAlbums: true,
    },
    'engine-albums-safe-0.75': { engineAlbums: 0.75, albumSafe: true },
    'engine-albums-safe-0.75-shuffled': {
      engineAlbums: 0.75,
      albumSafe: true,
      shuffleAlbums: true,
    },
    'engine-albums-safe-0.75-shuffled-no-artists': {
      engineAlbums: 0.75,
      albumSafe: true,
      shuffleAlbums: true,
      dropArtists: true,
    },
    'album-mix-0.5': { albumMix: 0.5 },
    'album-mix-0.6': { albumMix: 0.6 },
    'album-mix-0.75': { albumMix: 0.75 },
    'album-mix-0.75-shuffled': { albumMix: 0.75, shuffleAlbums: true },
    'lambda-3': { lambda: 3 },
    'lambda-10': { lambda: 10 },
    'lambda-30': { lambda: 30 },
    'lambda-100': { lambda: 100 },
    'lambda-10-alpha-1': { lambda: 10, alpha: 1 },
    'lambda-10-temperature-0.03': { lambda: 10, temperature: 0.03 },
    'lambda-30-temperature-0.03': { lambda: 30, temperature: 0.03 },
    'lambda-10-argmax': { lambda: 10, temperature: 0 },
    'alpha-0.25': { alpha: 0.25 },
    'groups-fine-lambda-10': { audio: { groups: 'fine' }, lambda: 10 },
    'clusters-6': { clusters: [6] },
    'clusters-6-weight-1': { clusters: [6], clusterWeight: 1 },
    'clusters-10': { clusters: [10] },
    'clusters-10-weight-1': { clusters: [10], clusterWeight: 1 },
    'clusters-16': { clusters: [16] },
    'clusters-4-8-16': { clusters: [4, 8, 16] },
    'clusters-4-8-16-weight-1': { clusters: [4, 8, 16], clusterWeight: 1 },
    'kernel-0.1': { audio: { kernel: 0.1 } },
    'kernel-0.2': { audio: { kernel: 0.2 } },
    'kernel-0.5': { audio: { kernel: 0.5 } },
    'kernel-1': { audio: { kernel: 1 } },
  }
  const out: Record<string, Partial<Lever>> = {}
  for (const [name, lever] of Object.entries(variants)) {
    out[name] = lever
    out[`${name}+tags`] = {
      ...lever,
      k: 32,
      tags: ['album', 'artist', 'genre', 'decade'],
      tagDims: 32,
    }
  }
  return out
}

/** Every song's tags as the engine reads them (a file without tags: what its folders name). */
function tagsOf(library: AnalysedLibrary): Map<number, SongTags> {
  const db = openDatabase(library.dbPath, { readonly: true })
  try {
    return new TasteLibrary(db).songTags()
  } finally {
    db.close()
  }
}

/**
 * PCA then, per component, division by its standard deviation (√eigenvalue) before the unit
 * length: every kept direction weighs alike ("whitening"), instead of the first few dominating.
 */
function whitened(
  preprocessor: Preprocessor,
  raw: Float64Array,
  n: number,
  d: number,
): Float32Array {
  const means = preprocessor.means()
  const stds = preprocessor.standardDeviations()
  const components = preprocessor.components()
  const scales = Array.from(preprocessor.eigenvalues(), (e) => 1 / Math.sqrt(Math.max(e, 1e-12)))
  const k = components.length
  const out = new Float32Array(n * k)
  const z = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++)
      z[a] = ((raw[i * d + a] as number) - (means[a] as number)) / (stds[a] as number)
    let norm = 0
    const row = components.map((c, j) => {
      let sum = 0
      for (let a = 0; a < d; a++) sum += (c[a] as number) * (z[a] as number)
      const value = sum * (scales[j] as number)
      norm += value * value
      return value
    })
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
    row.forEach((value, j) => (out[i * k + j] = value * scale))
  }
  return out
}

const NO_TAGS: SongTags = { artist: null, albumArtist: null, album: null, genre: null, year: null }

/** The model's candidate vectors for a lever: unit PCA vectors, then the tag dimensions. */
function candidateVectors(
  library: AnalysedLibrary,
  tags: Map<number, SongTags>,
  lever: Lever,
): { vectors: Float32Array; dim: number } {
  const tracks = library.tracks
  const d = library.vectors.get(tracks[0]?.id ?? -1)?.length ?? 0
  const raw = new Float64Array(tracks.length * d)
  tracks.forEach((t, i) => raw.set(library.vectors.get(t.id) as Float64Array, i * d))
  let k: number
  let audio: Float32Array
  const albums = tracks.map((t) => tagWords(tags.get(t.id) ?? NO_TAGS, ['album'])[0] ?? null)
  if (lever.shuffleAlbums) shuffleInPlace(albums, seededRandom(9_001))
  const usesAlbums =
    lever.albumSound > 0 ||
    lever.engineAlbums > 0 ||
    lever.albumMix > 0 ||
    (lever.audio?.albumMean ?? 0) > 0 ||
    (lever.audio?.album ?? 'none') !== 'none'
  if (usesAlbums) {
    const index = new Map<string, number>()
    const groups = Int32Array.from(albums, (album, i) =>
      album === null ? -1 - i : (index.get(album) ?? index.set(album, index.size).get(album)!),
    )
    console.error(`  ${index.size} albums: ${purity(groups, tracks)}`)
  }
  if (lever.audio) {
    const fitted = audioCandidates(
      raw,
      tracks.length,
      d,
      { ...DEFAULT_AUDIO_LEVER, k: lever.k, whiten: lever.whiten, ...lever.audio },
      albums,
    )
    k = fitted.dim
    audio = fitted.vectors
    console.error(
      `  sound: ${k} dimensions, ${(100 * fitted.explained).toFixed(0)} % of the variance`,
    )
  } else {
    if (lever.albumSound > 0) raw.set(albumMixed(raw, d, albums, lever.albumSound))
    if (lever.engineAlbums > 0) {
      const members: AlbumMember[] = tracks.map((t, i) => {
        const member = albumMember(tags.get(t.id))
        return {
          ...member,
          album: albums[i] ?? null,
          artist: lever.dropArtists ? null : member.artist,
        }
      })
      const frame = fitAlbumSound(raw, tracks.length, d, members, lever.engineAlbums, undefined, {
        safe: lever.albumSafe,
        coherence: lever.albumCoherence,
        ...(lever.coherentAt === undefined ? {} : { coherentAt: lever.coherentAt }),
      })
      const mixed = [...frame.albums.values()]
      const mean = (xs: number[]): string =>
        (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(2)
      console.error(
        `  album sound: ${frame.albums.size} albums mixed, mean share ${mean(mixed.map((a) => a.weight))}, ` +
          `coherence ${mixed.map((a) => a.coherence.toFixed(2)).join(' ')}; not mixed: ${JSON.stringify(frame.skipped)}`,
      )
      raw.set(applyAlbumSound(frame, raw, tracks.length, members))
    }
    const preprocessor = new Preprocessor(d, { standardise: lever.engineAlbums === 0 })
    preprocessor.addVectors(raw, tracks.length)
    k = preprocessor.fit(lever.k).k
    audio = lever.whiten
      ? whitened(preprocessor, raw, tracks.length, d)
      : preprocessor.transformAll(raw, tracks.length, d)
  }
  if (lever.albumMix > 0)
    audio = unitRows(albumMixed(audio, k, albums, lever.albumMix), tracks.length, k)
  if (lever.clusters.length > 0) {
    const random = seededRandom(4_242)
    const width = k + lever.clusters.reduce((a, b) => a + b, 0)
    const withClusters = new Float32Array(tracks.length * width)
    for (let i = 0; i < tracks.length; i++)
      withClusters.set(audio.subarray(i * k, (i + 1) * k), i * width)
    let offset = k
    const weight = lever.clusterWeight / Math.sqrt(lever.clusters.length)
    for (const count of lever.clusters) {
      const assignment = sphericalKMeans(audio, tracks.length, k, count, random)
      console.error(`  ${count} clusters: ${purity(assignment, tracks)}`)
      assignment.forEach((c, i) => (withClusters[i * width + offset + c] = weight))
      offset += count
    }
    audio = withClusters
    k = width
  }
  if (lever.tags.length === 0) return { vectors: audio, dim: k }
  const dim = k + lever.tagDims
  const vectors = new Float32Array(tracks.length * dim)
  const none = NO_TAGS
  const tagged = new Float32Array(lever.tagDims)
  tracks.forEach((t, i) => {
    vectors.set(audio.subarray(i * k, (i + 1) * k), i * dim)
    writeTagVector(tagWords(tags.get(t.id) ?? none, lever.tags), lever.tagDims, tagged, 0)
    tagged.forEach((value, j) => (vectors[i * dim + k + j] = value * lever.tagWeight))
  })
  return { vectors, dim }
}

/**
 * How well clusters match the styles (read for this report only): the share of songs whose
 * cluster's most common style is theirs, against the largest style's share.
 */
function purity(assignment: Int32Array, tracks: readonly { style: string }[]): string {
  const counts = new Map<number, Map<string, number>>()
  const styles = new Map<string, number>()
  tracks.forEach((t, i) => {
    const c = assignment[i] as number
    const inCluster = counts.get(c) ?? new Map<string, number>()
    inCluster.set(t.style, (inCluster.get(t.style) ?? 0) + 1)
    counts.set(c, inCluster)
    styles.set(t.style, (styles.get(t.style) ?? 0) + 1)
  })
  let pure = 0
  for (const inCluster of counts.values()) pure += Math.max(...inCluster.values())
  const share = (x: number): string => `${((100 * x) / tracks.length).toFixed(0)} %`
  return `purity ${share(pure)} (largest style ${share(Math.max(...styles.values()))})`
}

/** One listener served by the shipped model for `lever`. */
function runModel(
  library: AnalysedLibrary,
  candidates: { vectors: Float32Array; dim: number },
  taste: Taste,
  seed: number,
  lever: Lever,
): RunResult {
  const { vectors, dim } = candidates
  const tracks = library.tracks
  const n = tracks.length
  const linucb = new LinUcb(dim, { lambda: lever.lambda, alpha: lever.alpha })
  linucb.setCandidates(vectors, n)
  const listener = listenerFor(taste, seed)
  const random = seededRandom(seed * 524_287 + 3)
  const mask = new Uint8Array(n).fill(1)
  const picks: Pick[] = []
  let likedSoFar = 0
  const learn = (i: number, row: RewardRow | null): void => {
    if (row && row.weight > 0)
      linucb.update(vectors.subarray(i * dim, (i + 1) * dim), row.reward, row.weight)
  }
  for (let p = 0; p < PICKS; p++) {
    const spread = linucb.rowCount === 0 || (lever.spreadUntilLiked && likedSoFar === 0)
    const indices = spread
      ? farthestPointSample(vectors, dim, mask, lever.topN)
      : linucb.topK(lever.topN, mask).map((c) => c.index)
    const scored: (AutoQueueCandidate & { index: number })[] = indices.map((i) => ({
      index: i,
      trackId: tracks[i]?.id as number,
      mean: linucb.mean(i),
      bonus: linucb.bonus(i),
      ucb: spread ? 0 : linucb.ucb(i),
      artist: null,
    }))
    const choice = chooseAutoPick(
      scored,
      { temperature: lever.temperature, topN: lever.topN, artistSpacing: 0 },
      [],
      random,
    )
    if (!choice) break
    const i = choice.pick.index
    const track = tracks[i] as (typeof tracks)[number]
    mask[i] = 0
    let notForMe = false
    if (listener.likes(track)) {
      likedSoFar++
      learn(i, labelRow('love', 'mark', lever.rewards))
      learn(
        i,
        listenRow(
          { reason: 'ended', position: track.duration, duration: track.duration },
          lever.rewards,
        ),
      )
    } else {
      notForMe = listener.turnsDown()
      if (notForMe) learn(i, labelRow('not_for_me', 'mark', lever.rewards))
      learn(i, listenRow({ reason: 'next', position: 3, duration: track.duration }, lever.rewards))
    }
    picks.push({ track, notForMe, alreadyLoved: false })
  }
  const liked = tracks.filter((t) => listener.likes(t)).length
  return summarise('attune', taste, seed, picks, liked)
}

const pct = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–')

function line(
  name: string,
  summaries: TasteSummary[],
  runs: readonly RunResult[],
  policy: PolicyName,
): string {
  const med = (pick: (s: TasteSummary) => number) => pct(median(summaries.map(pick)))
  const a = (s: TasteSummary) => s.policies[policy]
  const below = summaries.filter((s) => !a(s).twiceBase).length
  return `| ${name} | ${med((s) => a(s).hitRate)} | ${med((s) => a(s).hitShareOfCeiling)} | ${pct(meanShare(runs, policy))} | ${below} | ${med((s) => a(s).picksToFive)} | ${med((s) => a(s).cameBack)} |`
}

if (process.argv[1]?.endsWith('learning-screen.ts')) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : undefined
  }
  const seeds = Number(arg('seeds') ?? 20)
  /** Seeds first…first + seeds − 1: another range measures the noise of the draws. */
  const first = Number(arg('first-seed') ?? 1)
  const names = (arg('lever') ?? Object.keys(LEVERS).join(',')).split(',')
  for (const name of names) {
    if (!LEVERS[name]) throw new Error(`no lever ${name}; known: ${Object.keys(LEVERS).join(', ')}`)
  }
  const shared = realpathSync(resolve(process.cwd(), '../shared'))
  const libraries = [
    { name: 'corpus-styles', root: join(shared, 'corpus', 'styles') },
    { name: 'fixtures-music', root: join(shared, 'fixtures', 'music') },
  ].filter((l) => !arg('library') || l.name.startsWith(arg('library') as string))
  for (const { name, root } of libraries) {
    const analysed = await analysedLibrary(name, root)
    const vectorsFile = arg('vectors')
    const library = vectorsFile
      ? withVectors(
          analysed,
          new Map(
            Object.entries(
              JSON.parse(readFileSync(vectorsFile, 'utf8')) as Record<string, number[]>,
            ),
          ),
        )
      : analysed
    const tags = tagsOf(library)
    const tastes = tastesOf(library)
    console.log(
      `\n${library.tracks.length} songs, ${tastes.length} tastes × ${seeds} seeds (${first}–${first + seeds - 1}, ${name}); medians over tastes of the medians over seeds:\n`,
    )
    console.log(
      '| lever | hit rate 11–30 | of what was left | of what was left, mean of all runs | tastes below 2× base | picks to 5 liked | style back after "not for me" |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    )
    const baselines: RunResult[] = []
    for (const taste of tastes)
      for (let seed = first; seed < first + seeds; seed++) {
        baselines.push(runBaseline('random', library, taste, seed))
        baselines.push(runBaseline('centroid', library, taste, seed))
      }
    for (const leverName of names) {
      const lever = { ...DEFAULT_LEVER, ...LEVERS[leverName] }
      const candidates = candidateVectors(library, tags, lever)
      const runs = [...baselines]
      for (const taste of tastes)
        for (let seed = first; seed < first + seeds; seed++)
          runs.push(runModel(library, candidates, taste, seed, lever))
      const summaries = tastes.map((t) => summariseTaste(library, t, runs))
      console.log(line(leverName, summaries, runs, 'attune'))
      if (leverName === names[names.length - 1]) {
        console.log(line('random', summaries, runs, 'random'))
        console.log(line('centroid (closest to liked)', summaries, runs, 'centroid'))
      }
    }
  }
}
