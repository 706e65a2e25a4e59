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
 * Prints one line of medians per lever (and random and centroid), in the columns of learning.ts.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openDatabase } from '../src/main/db/database'
import { Preprocessor } from '../src/main/taste/preprocess'
import { LinUcb } from '../src/main/taste/linucb'
import { farthestPointSample } from '../src/main/taste/model'
import { chooseAutoPick, type AutoQueueCandidate } from '../src/main/queue/auto-queue'
import { DEFAULT_SETTINGS } from '../src/shared/settings'
import { labelRow, listenRow, type RewardRow, type RewardSettings } from '../src/shared/rewards'
import { TasteLibrary, type SongTags } from '../src/main/db/taste-library'
import { tagWords, writeTagVector, type TagField } from '../src/main/taste/tags'
import { seededRandom } from '../src/shared/random'
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
  'alpha-0.25': { alpha: 0.25 },
  'alpha-1': { alpha: 1 },
  argmax: { temperature: 0 },
  'temperature-0.3': { temperature: 0.3 },
  'lambda-0.3': { lambda: 0.3 },
  'lambda-3': { lambda: 3 },
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
  const preprocessor = new Preprocessor(d)
  preprocessor.addVectors(raw, tracks.length)
  const { k } = preprocessor.fit(lever.k)
  const audio = lever.whiten
    ? whitened(preprocessor, raw, tracks.length, d)
    : preprocessor.transformAll(raw, tracks.length, d)
  if (lever.tags.length === 0) return { vectors: audio, dim: k }
  const dim = k + lever.tagDims
  const vectors = new Float32Array(tracks.length * dim)
  const none: SongTags = { artist: null, albumArtist: null, album: null, genre: null, year: null }
  const tagged = new Float32Array(lever.tagDims)
  tracks.forEach((t, i) => {
    vectors.set(audio.subarray(i * k, (i + 1) * k), i * dim)
    writeTagVector(tagWords(tags.get(t.id) ?? none, lever.tags), lever.tagDims, tagged, 0)
    tagged.forEach((value, j) => (vectors[i * dim + k + j] = value * lever.tagWeight))
  })
  return { vectors, dim }
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
