// Simulated listeners on real audio, shared by `bench/learning.ts` and the learning test.
//
// A listener has a hidden taste (one or two styles of a labelled library). For 30 picks the
// auto-queue chooses a song through the engine's own calls (Engine.handlers.autoQueueNext), and the
// listener reacts through the calls the UI makes: a song of a liked style is loved and played to
// its end; any other song is marked "not for me" (then skipped) or skipped early, drawn with the
// run's seed. The same listener is also served by two simple policies for comparison: random, and
// the unheard song closest (cosine, standardised vectors) to the centroid of the songs loved so far.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { renameSync, rmSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { openDatabase } from '../src/main/db/database'
import { scanLibrary, TrackStore } from '../src/main/library'
import { analyseLibrary } from '../src/main/analysis/pool'
import { EmbeddingStore } from '../src/main/db/embeddings'
import { EXTRACTOR } from '../src/main/analysis/feature-names'
import { Engine } from '../src/main/engine'
import { seededRandom, shuffleInPlace } from '../src/shared/random'
import type { Settings } from '../src/shared/settings'

export const PICKS = 30
/** Reactions the model has had before the measured picks (picks 11–30). */
export const WARMUP = 10

export interface LabelledTrack {
  id: number
  path: string
  style: string
  duration: number
}

export interface AnalysedLibrary {
  name: string
  /** The cached, analysed database (never written to by a run: each run works on a copy). */
  dbPath: string
  tracks: LabelledTrack[]
  /** Standardised (z-scored per dimension) vectors of the built-in space, by track id. */
  vectors: Map<number, Float64Array>
}

export interface Taste {
  name: string
  styles: string[]
}

/** A setting change applied to a run's engine before the first pick (a lever to measure). */
export type Variant = {
  name: string
  settings?: { [K in keyof Settings]?: Partial<Settings[K]> }
}

export type PolicyName = 'attune' | 'random' | 'centroid'

/** One pick and the listener's reaction to it. */
export interface Pick {
  track: LabelledTrack
  notForMe: boolean
  alreadyLoved: boolean
}

export interface RunResult {
  policy: PolicyName
  taste: string
  seed: number
  /** Style of each pick, in order. */
  styles: string[]
  /** Liked-style picks among picks 11–30 that were not already loved. */
  hits: number
  /** The most hits picks 11–30 could have had: min(20, liked songs not yet loved after pick 10). */
  ceiling: number
  /** Picks until the 5th liked song (or all liked songs, when the taste has fewer); null: never. */
  picksToFive: number | null
  /** "Not for me" marks, and how many were followed within 3 picks by a song of the same style. */
  notForMe: number
  cameBack: number
}

/** Where analysed databases are cached between runs (keyed by the extractor's version). */
export function cacheDir(): string {
  return process.env['ATTUNE_BENCH_CACHE'] ?? join(tmpdir(), 'attune-bench-cache')
}

function listAudio(root: string): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.(ogg|mp3|flac|opus|m4a|wav|aiff?)$/i.test(entry.name)) found.push(path)
    }
  }
  walk(root)
  return found.sort()
}

/** Styles by path: `labels.tsv` (path, source, style) when the folder has one, else the parent folder. */
export function styleLabels(root: string): Map<string, string> {
  const labels = new Map<string, string>()
  const tsv = join(root, 'labels.tsv')
  if (existsSync(tsv)) {
    for (const line of readFileSync(tsv, 'utf8').split('\n').slice(1)) {
      const [path, , style] = line.split('\t')
      if (path && style) labels.set(join(root, path), style.trim())
    }
  } else {
    for (const path of listAudio(root)) labels.set(path, basename(dirname(path)))
  }
  return labels
}

/**
 * Scans and analyses `root` into a database cached under `cacheDir()`, keyed by the folder's
 * files (names, sizes, times) and the extractor's space and version; later calls reuse it.
 */
export async function analysedLibrary(
  name: string,
  root: string,
  options: { workers?: number; cache?: string } = {},
): Promise<AnalysedLibrary> {
  const labels = styleLabels(root)
  const files = listAudio(root).filter((p) => labels.has(p))
  const hash = createHash('sha256')
  for (const file of files) {
    const stat = statSync(file)
    hash.update(`${relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`)
  }
  const key = hash.digest('hex').slice(0, 12)
  const dir = options.cache ?? cacheDir()
  mkdirSync(dir, { recursive: true })
  const dbPath = join(dir, `${name}-${EXTRACTOR.space}-v${EXTRACTOR.version}-${key}.db`)
  if (!existsSync(dbPath)) {
    const building = `${dbPath}.${process.pid}.building`
    rmSync(building, { recursive: true, force: true })
    mkdirSync(building)
    try {
      const db = openDatabase(join(building, 'library.db'))
      try {
        await scanLibrary(db, { roots: [root], coversDir: join(building, 'covers') })
        const summary = await analyseLibrary(db, { workers: options.workers ?? 2 })
        if (summary.failed.length > 0)
          throw new Error(`${summary.failed.length} files of ${root} could not be analysed`)
        db.exec(`VACUUM INTO '${`${dbPath}.${process.pid}.tmp`.replace(/'/g, "''")}'`)
      } finally {
        db.close()
      }
      renameSync(`${dbPath}.${process.pid}.tmp`, dbPath)
    } finally {
      rmSync(building, { recursive: true, force: true })
    }
  }
  return loadLibrary(name, dbPath, labels)
}

function loadLibrary(name: string, dbPath: string, labels: Map<string, string>): AnalysedLibrary {
  const db = openDatabase(dbPath, { readonly: true })
  try {
    const store = new TrackStore(db)
    const tracks: LabelledTrack[] = []
    for (const t of store.listTracks({ limit: 1_000_000 })) {
      const style = labels.get(t.path)
      if (style) tracks.push({ id: t.id, path: t.path, style, duration: t.duration ?? 20 })
    }
    const matrix = new EmbeddingStore(db).matrix(EXTRACTOR.space)
    const raw = new Map<number, Float32Array>()
    matrix.trackIds.forEach((id, row) =>
      raw.set(id, matrix.data.subarray(row * matrix.dim, (row + 1) * matrix.dim)),
    )
    const vectors = standardise(raw)
    return { name, dbPath, tracks: tracks.filter((t) => vectors.has(t.id)), vectors }
  } finally {
    db.close()
  }
}

/**
 * The library with every song's vector replaced by the one `byPath` gives for its path (standardised
 * as loadLibrary does), to measure a candidate feature set; a song without one is an error.
 */
export function withVectors(
  library: AnalysedLibrary,
  byPath: ReadonlyMap<string, ArrayLike<number>>,
): AnalysedLibrary {
  const raw = new Map<number, Float32Array>()
  for (const track of library.tracks) {
    const vector = byPath.get(track.path)
    if (!vector) throw new Error(`no vector for ${track.path}`)
    raw.set(track.id, Float32Array.from(vector))
  }
  return { ...library, vectors: standardise(raw) }
}

function standardise(raw: Map<number, Float32Array>): Map<number, Float64Array> {
  const rows = [...raw.values()]
  const d = rows[0]?.length ?? 0
  const mean = new Float64Array(d)
  const sq = new Float64Array(d)
  for (const v of rows) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (v[j] as number)
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / rows.length
  for (const v of rows)
    for (let j = 0; j < d; j++)
      sq[j] = (sq[j] as number) + ((v[j] as number) - (mean[j] as number)) ** 2
  const out = new Map<number, Float64Array>()
  for (const [id, v] of raw) {
    const z = new Float64Array(d)
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt((sq[j] as number) / rows.length)
      z[j] = sd > 0 ? ((v[j] as number) - (mean[j] as number)) / sd : 0
    }
    out.set(id, z)
  }
  return out
}

/**
 * Every style with at least `minSongs` songs, and every pair of them whose share of the library is
 * at most `maxShare` (a taste for most of the library says little about learning).
 */
export function tastesOf(
  library: AnalysedLibrary,
  options: { minSongs?: number; maxShare?: number } = {},
): Taste[] {
  const minSongs = options.minSongs ?? 5
  const maxShare = options.maxShare ?? 0.5
  const counts = new Map<string, number>()
  for (const t of library.tracks) counts.set(t.style, (counts.get(t.style) ?? 0) + 1)
  const styles = [...counts]
    .filter(([, n]) => n >= minSongs)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([s]) => s)
  const tastes: Taste[] = styles.map((s) => ({ name: s, styles: [s] }))
  for (let i = 0; i < styles.length; i++)
    for (let j = i + 1; j < styles.length; j++) {
      const pair = [styles[i] as string, styles[j] as string]
      const n = pair.reduce((sum, s) => sum + (counts.get(s) ?? 0), 0)
      if (n / library.tracks.length <= maxShare)
        tastes.push({ name: pair.join(' + '), styles: pair })
    }
  return tastes
}

/** The liked share of the library: what a random policy scores on average. */
export function baseRate(library: AnalysedLibrary, taste: Taste): number {
  return library.tracks.filter((t) => taste.styles.includes(t.style)).length / library.tracks.length
}

export interface Listener {
  likes(track: LabelledTrack): boolean
  /** For a song not liked: "not for me" (true) or an early skip (false). */
  turnsDown(): boolean
}

/** The hidden taste's reactions; "not for me" or an early skip is drawn from the seed. */
export function listenerFor(taste: Taste, seed: number): Listener {
  const random = seededRandom(seed * 7919 + 17)
  return {
    likes: (track) => taste.styles.includes(track.style),
    turnsDown: () => random() < 0.5,
  }
}

/** One run's figures from its picks (see RunResult). */
export function summarise(
  policy: PolicyName,
  taste: Taste,
  seed: number,
  picks: Pick[],
  liked: number,
): RunResult {
  const styles = picks.map((p) => p.track.style)
  let hits = 0
  let lovedBefore = 0
  let found = 0
  let picksToFive: number | null = null
  const needed = Math.min(5, liked)
  picks.forEach((p, i) => {
    const hit = taste.styles.includes(p.track.style) && !p.alreadyLoved
    if (hit) found++
    if (hit && found === needed && picksToFive === null) picksToFive = i + 1
    if (i < WARMUP && hit) lovedBefore++
    if (i >= WARMUP && hit) hits++
  })
  let notForMe = 0
  let cameBack = 0
  picks.forEach((p, i) => {
    if (!p.notForMe || i + 1 >= picks.length) return
    notForMe++
    if (picks.slice(i + 1, i + 4).some((q) => q.track.style === p.track.style)) cameBack++
  })
  return {
    policy,
    taste: taste.name,
    seed,
    styles,
    hits,
    ceiling: Math.min(PICKS - WARMUP, liked - lovedBefore),
    picksToFive,
    notForMe,
    cameBack,
  }
}

/** One listener served by the engine's auto-queue on a fresh copy of the analysed library. */
export async function runEngine(
  library: AnalysedLibrary,
  taste: Taste,
  seed: number,
  variant: Variant = { name: 'default' },
  workDir: string,
): Promise<RunResult> {
  const dbPath = join(workDir, `run-${process.pid}-${seed}-${taste.name.replace(/\W+/g, '_')}.db`)
  copyFileSync(library.dbPath, dbPath)
  const engine = new Engine({ dbPath, autoQueueSeed: seed })
  const byId = new Map(library.tracks.map((t) => [t.id, t]))
  const listener = listenerFor(taste, seed)
  const loved = new Set<number>()
  const picks: Pick[] = []
  try {
    const h = engine.handlers
    for (const [section, patch] of Object.entries(variant.settings ?? {})) {
      await h.updateSettings({ section, patch } as Parameters<typeof h.updateSettings>[0])
    }
    for (let i = 0; i < PICKS; i++) {
      const { entry, message } = await h.autoQueueNext({})
      if (!entry) throw new Error(`no pick ${i + 1} for ${taste.name}: ${message ?? ''}`)
      const track = byId.get(entry.trackId)
      if (!track) throw new Error(`the engine picked an unknown track ${entry.trackId}`)
      const alreadyLoved = loved.has(track.id)
      const { playId } = await h.playStarted({ trackId: track.id })
      let notForMe = false
      if (listener.likes(track)) {
        await h.setMark({ trackId: track.id, mark: 'love' })
        loved.add(track.id)
        const end = { position: track.duration, duration: track.duration, reason: 'ended' as const }
        await h.playEnded({ trackId: track.id, playId, ...end })
      } else {
        notForMe = listener.turnsDown()
        if (notForMe) await h.setMark({ trackId: track.id, mark: 'not_for_me' })
        const end = { position: 3, duration: track.duration, reason: 'next' as const }
        await h.playEnded({ trackId: track.id, playId, ...end })
      }
      picks.push({ track, notForMe, alreadyLoved })
    }
  } finally {
    await engine.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
  }
  const liked = library.tracks.filter((t) => listener.likes(t)).length
  return summarise('attune', taste, seed, picks, liked)
}

/** The same listener served by random picks or by the centroid of the loved songs. */
export function runBaseline(
  policy: 'random' | 'centroid',
  library: AnalysedLibrary,
  taste: Taste,
  seed: number,
): RunResult {
  const random = seededRandom(seed * 104_729 + (policy === 'random' ? 1 : 2))
  const listener = listenerFor(taste, seed)
  const unheard = shuffleInPlace([...library.tracks], random)
  const lovedVectors: Float64Array[] = []
  const picks: Pick[] = []
  for (let i = 0; i < PICKS && unheard.length > 0; i++) {
    let index = 0
    if (policy === 'centroid' && lovedVectors.length > 0) {
      const d = lovedVectors[0]?.length ?? 0
      const centre = new Float64Array(d)
      for (const v of lovedVectors)
        for (let j = 0; j < d; j++) centre[j] = (centre[j] as number) + (v[j] as number)
      let best = -Infinity
      unheard.forEach((t, position) => {
        const similarity = cosine(centre, library.vectors.get(t.id) as Float64Array)
        if (similarity > best) {
          best = similarity
          index = position
        }
      })
    }
    const [track] = unheard.splice(index, 1) as [LabelledTrack]
    const likes = listener.likes(track)
    if (likes) lovedVectors.push(library.vectors.get(track.id) as Float64Array)
    picks.push({ track, notForMe: !likes && listener.turnsDown(), alreadyLoved: false })
  }
  const liked = library.tracks.filter((t) => listener.likes(t)).length
  return summarise(policy, taste, seed, picks, liked)
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let j = 0; j < a.length; j++) {
    dot += (a[j] as number) * (b[j] as number)
    na += (a[j] as number) ** 2
    nb += (b[j] as number) ** 2
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0
}

/**
 * The mean over every run of hits / what was left: steadier than a median over tastes, which
 * jumps between the large tastes and the small ones (see bench/README.md), so levers are compared
 * on it too.
 */
export function meanShare(runs: readonly RunResult[], policy: PolicyName): number {
  const shares = runs.filter((r) => r.policy === policy && r.ceiling > 0)
  return shares.reduce((sum, r) => sum + r.hits / r.ceiling, 0) / shares.length
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Per taste and policy, over its seeds: the medians of each figure. */
export interface TasteSummary {
  taste: string
  liked: number
  baseRate: number
  policies: Record<
    PolicyName,
    {
      hitRate: number
      hitShareOfCeiling: number
      /** Whether the median run's hits reached 2× the base rate (or every liked song left). */
      twiceBase: boolean
      picksToFive: number
      cameBack: number
    }
  >
}

export function summariseTaste(
  library: AnalysedLibrary,
  taste: Taste,
  runs: readonly RunResult[],
): TasteSummary {
  const of = (policy: PolicyName) => {
    const mine = runs.filter((r) => r.policy === policy && r.taste === taste.name)
    const comebacks = mine.reduce((s, r) => s + r.cameBack, 0)
    const marks = mine.reduce((s, r) => s + r.notForMe, 0)
    const twice = 2 * baseRate(library, taste) * (PICKS - WARMUP)
    return {
      hitRate: median(mine.map((r) => r.hits / (PICKS - WARMUP))),
      twiceBase: median(mine.map((r) => r.hits - Math.min(twice, r.ceiling))) >= 0,
      hitShareOfCeiling: median(mine.map((r) => (r.ceiling > 0 ? r.hits / r.ceiling : NaN))),
      picksToFive: median(mine.map((r) => r.picksToFive ?? PICKS + 1)),
      cameBack: marks > 0 ? comebacks / marks : NaN,
    }
  }
  return {
    taste: taste.name,
    liked: library.tracks.filter((t) => taste.styles.includes(t.style)).length,
    baseRate: baseRate(library, taste),
    policies: { attune: of('attune'), random: of('random'), centroid: of('centroid') },
  }
}
