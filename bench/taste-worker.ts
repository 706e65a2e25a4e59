// Reward → next pick as the listener experiences it, through the REAL taste worker (issue 5):
// the main thread logs a mark in SQLite, asks the worker to `update()` (it reads the new event from
// its own read-only connection and applies it: Sherman–Morrison + one O(N·k) pass), then asks for
// `recommend({ n: 2 })`. Side by side, the same reward:
//   - in process: TasteCore on the same database file (SQLite + learner, no worker messages),
//   - LinUcb alone: update + top-2 over the same N × k candidates (the algorithm's floor),
// so the worker, messaging and SQLite overhead shows as a ratio. With the forgetting window off,
// and with a FULL window (W = 200, ≥ 200 rows in it: each reward adds a row and forgets one).
// Then the library grows: 1 % new songs extend the model (no re-fit), +10 % re-fit it from the
// running sums and replay its rows, versus a full rebuild (fit from the vectors + replay of the log).
// Synthetic 160-dim vectors in an imported space, pcaDims 128 (k = 128).
// Run: node bin/run-ts.js bench/taste-worker.ts [--quick] [--sizes 10000,100000] [--rewards 50]
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { openDatabase, type Database } from '../src/main/db/database'
import { EmbeddingStore } from '../src/main/analysis/embedding-store'
import { EventLog } from '../src/main/events'
import { SettingsStore } from '../src/main/settings-store'
import { TasteCore } from '../src/main/taste/core'
import { TasteService } from '../src/main/taste/service'
import { LinUcb } from '../src/main/taste/linucb'
import { seededRandom } from '../src/shared/random'

function listFlag(name: string, fallback: number[]): number[] {
  const position = process.argv.indexOf(name)
  const value = position > 0 ? process.argv[position + 1] : undefined
  return value === undefined ? fallback : value.split(',').map(Number)
}
const quick = process.argv.includes('--quick')
const sizes = listFlag('--sizes', quick ? [10_000] : [10_000, 100_000])
const rewardCount = listFlag('--rewards', [quick ? 20 : 50])[0] as number
const SPACE = 'import:bench'
const INPUT_DIMS = 160
const PCA_DIMS = 128
const WINDOW = 200
/** Rewards logged before measuring, so a window of 200 is full. */
const PREFILL = 220
const LATENT_DIMS = 24

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((p, q) => p - q)
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] as number
}
const median = (values: number[]): number => percentile(values, 0.5)
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1))

/**
 * Songs trackIds first…last with 160-dim vectors: 24 latent factors with decreasing variance
 * mixed into 160 dimensions, plus noise, with unequal means and scales (as audio features have).
 */
function vectors(first: number, last: number, mixing: Float64Array): Float32Array {
  const random = seededRandom(first)
  const normal = (): number => {
    const u = Math.max(random(), 1e-300)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  const n = last - first + 1
  const data = new Float32Array(n * INPUT_DIMS)
  const latent = new Float64Array(LATENT_DIMS)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < LATENT_DIMS; c++) latent[c] = normal() * Math.pow(0.9, c)
    for (let a = 0; a < INPUT_DIMS; a++) {
      let sum = 0.3 * normal()
      for (let c = 0; c < LATENT_DIMS; c++)
        sum += (mixing[a * LATENT_DIMS + c] as number) * (latent[c] as number)
      data[i * INPUT_DIMS + a] = 100 * (a % 7) + (1 + (a % 5)) * sum
    }
  }
  return data
}

function storeVectors(db: Database, first: number, last: number, mixing: Float64Array): void {
  const data = vectors(first, last, mixing)
  const store = new EmbeddingStore(db)
  const batch = 5000
  for (let start = first; start <= last; start += batch) {
    const end = Math.min(last, start + batch - 1)
    const results = []
    for (let trackId = start; trackId <= end; trackId++) {
      const offset = (trackId - first) * INPUT_DIMS
      results.push({
        job: { trackId, path: `/music/${trackId}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
        vector: data.subarray(offset, offset + INPUT_DIMS),
      })
    }
    store.saveMany(SPACE, null, results)
  }
}

interface Latencies {
  total: number[]
  update: number[]
  recommend: number[]
}

const markOf = (trackId: number): 'like' | 'not_for_me' => (trackId % 2 ? 'like' : 'not_for_me')

async function measure(
  count: number,
  nextTrack: () => number,
  reward: (trackId: number) => void,
  update: () => unknown,
  recommend: () => unknown,
): Promise<Latencies> {
  const result: Latencies = { total: [], update: [], recommend: [] }
  for (let r = 0; r < count; r++) {
    const started = performance.now()
    reward(nextTrack())
    await update()
    const updated = performance.now()
    await recommend()
    const done = performance.now()
    result.total.push(done - started)
    result.update.push(updated - started)
    result.recommend.push(done - updated)
  }
  return result
}

/** LinUcb alone: the same reward (update + top-2 under an all-eligible mask) on N × k candidates. */
function linUcbAlone(n: number, windowSize: number, count: number): number[] {
  const random = seededRandom(n + windowSize)
  const candidates = new Float32Array(n * PCA_DIMS)
  for (let i = 0; i < n; i++) {
    let squared = 0
    for (let j = 0; j < PCA_DIMS; j++) {
      const value = random() * 2 - 1
      candidates[i * PCA_DIMS + j] = value
      squared += value * value
    }
    const scale = 1 / Math.sqrt(squared)
    for (let j = 0; j < PCA_DIMS; j++)
      candidates[i * PCA_DIMS + j] = (candidates[i * PCA_DIMS + j] as number) * scale
  }
  const model = new LinUcb(PCA_DIMS, { lambda: 1, alpha: 1, windowSize })
  model.setCandidates(candidates, n)
  const mask = new Uint8Array(n).fill(1)
  const rowOf = (i: number) => candidates.subarray(i * PCA_DIMS, (i + 1) * PCA_DIMS)
  for (let r = 0; r < PREFILL; r++) model.update(rowOf(r), r % 2 ? 1 : -1, 2)
  const times: number[] = []
  for (let r = 0; r < count; r++) {
    const started = performance.now()
    model.update(rowOf(PREFILL + r), r % 2 ? 1 : -1, 2)
    model.topK(2, mask)
    times.push(performance.now() - started)
  }
  return times
}

interface RewardRow {
  n: number
  window: string
  worker: Latencies
  inProcess: number[]
  alone: number[]
}
interface GrowthRow {
  n: number
  what: string
  ms: number
  status: string
}

async function benchSize(n: number, rewardRows: RewardRow[], growthRows: GrowthRow[]) {
  const dir = mkdtempSync(join(tmpdir(), 'attune-bench-taste-'))
  const dbPath = join(dir, 'attune.db')
  const db = openDatabase(dbPath)
  try {
    const onePercent = Math.ceil(n / 100)
    const tenPercent = Math.ceil(n / 10)
    const insert = db.prepare(`INSERT INTO tracks (path, duration, added_at) VALUES (?, 200, 1)`)
    db.transaction(() => {
      for (let id = 1; id <= n + onePercent + tenPercent; id++) insert.run(`/music/${id}.ogg`)
    })()
    const mixingRandom = seededRandom(7)
    const mixing = Float64Array.from(
      { length: INPUT_DIMS * LATENT_DIMS },
      () => mixingRandom() * 2 - 1,
    )
    let started = performance.now()
    storeVectors(db, 1, n, mixing)
    console.error(`N = ${n}: ${n} vectors stored in ${ms(performance.now() - started)} ms`)
    const settings = new SettingsStore(db)
    settings.update('model', { space: SPACE, pcaDims: PCA_DIMS, forgettingWindow: null })
    const events = new EventLog(db)
    for (let id = 1; id <= PREFILL; id++) events.mark(id, markOf(id), 'bench')
    let nextTrack = PREFILL + 1
    const takeTrack = () => nextTrack++
    const reward = (trackId: number) => void events.mark(trackId, markOf(trackId), 'bench')

    started = performance.now()
    const service = await TasteService.start({ db, dbPath })
    const startMs = performance.now() - started
    growthRows.push({
      n,
      what: `worker start: fit + replay of ${PREFILL} marks + snapshot`,
      ms: startMs,
      status: `k = ${service.status.k}, ${service.status.rows} rows`,
    })
    const worker = new Map<number | null, Latencies>()
    try {
      for (const windowSize of [null, WINDOW]) {
        settings.update('model', { forgettingWindow: windowSize })
        await service.update() // a new parameter set: replays the log
        await service.recommend({ n: 2 }) // the candidates are scored once, lazily
        worker.set(
          windowSize,
          await measure(
            rewardCount,
            takeTrack,
            reward,
            () => service.update(),
            () => service.recommend({ n: 2 }),
          ),
        )
      }
    } finally {
      await service.close()
    }

    const core = new TasteCore(db)
    const inProcess = new Map<number | null, number[]>()
    // Window off last: the growth runs below continue from that model.
    for (const windowSize of [WINDOW, null]) {
      settings.update('model', { forgettingWindow: windowSize })
      core.rebuild()
      core.recommend({ n: 2 })
      const result = await measure(
        rewardCount,
        takeTrack,
        reward,
        () => core.update(),
        () => core.recommend({ n: 2 }),
      )
      inProcess.set(windowSize, result.total)
    }
    for (const windowSize of [null, WINDOW]) {
      rewardRows.push({
        n,
        window: windowSize === null ? 'off' : `full, W = ${windowSize}`,
        worker: worker.get(windowSize) as Latencies,
        inProcess: inProcess.get(windowSize) as number[],
        alone: linUcbAlone(n, windowSize ?? 0, rewardCount),
      })
    }

    // Growth, in process (window off): 1 % new songs, then up to +10 % (a re-fit), then a rebuild.
    const events0 = nextTrack - 1
    storeVectors(db, n + 1, n + onePercent, mixing)
    started = performance.now()
    let status = core.update()
    growthRows.push({
      n,
      what: `+1 % songs (${onePercent}): extend`,
      ms: performance.now() - started,
      status: `${status.libraryChange}, fitted on ${status.fittedOn}, ${status.tracks} songs`,
    })
    started = performance.now()
    core.recommend({ n: 2 })
    growthRows.push({
      n,
      what: 'next pick after the extension',
      ms: performance.now() - started,
      status: 'new songs scored in the extension',
    })
    storeVectors(db, n + onePercent + 1, n + onePercent + tenPercent, mixing)
    started = performance.now()
    status = core.update()
    core.recommend({ n: 2 })
    growthRows.push({
      n,
      what: `+10 % more (${tenPercent}): re-fit from the running sums + replay of ${status.rows} rows + first pick`,
      ms: performance.now() - started,
      status: `${status.libraryChange}, fitted on ${status.fittedOn}`,
    })
    started = performance.now()
    status = core.rebuild({ force: true })
    core.recommend({ n: 2 })
    growthRows.push({
      n,
      what: `full rebuild: fit from the vectors + replay of the log (${events0} marks) + first pick`,
      ms: performance.now() - started,
      status: `${status.source}, ${status.tracks} songs`,
    })
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const rewardRows: RewardRow[] = []
const growthRows: GrowthRow[] = []
for (const n of sizes) await benchSize(n, rewardRows, growthRows)

console.log(
  `Reward → next pick, k = ${PCA_DIMS} (from ${INPUT_DIMS}-dim vectors), ${rewardCount} rewards ` +
    `(each a new mark), ms: median (p95)\n`,
)
console.log(
  '| N | forgetting window | worker: mark + update + recommend(2) | of which update | of which recommend | in process (TasteCore) | LinUcb alone (update + top 2) | worker ÷ LinUcb |',
)
console.log('|---|---|---|---|---|---|---|---|')
for (const row of rewardRows) {
  const workerMedian = median(row.worker.total)
  console.log(
    `| ${row.n.toLocaleString('en')} | ${row.window} | ${ms(workerMedian)} (${ms(percentile(row.worker.total, 0.95))}) | ` +
      `${ms(median(row.worker.update))} | ${ms(median(row.worker.recommend))} | ` +
      `${ms(median(row.inProcess))} (${ms(percentile(row.inProcess, 0.95))}) | ` +
      `${ms(median(row.alone))} (${ms(percentile(row.alone, 0.95))}) | ` +
      `${(workerMedian / median(row.alone)).toFixed(1)}× |`,
  )
}
console.log('\nLibrary growth (in process, window off), one run each, ms\n')
console.log('| N | what | ms | result |')
console.log('|---|---|---|---|')
for (const row of growthRows)
  console.log(`| ${row.n.toLocaleString('en')} | ${row.what} | ${ms(row.ms)} | ${row.status} |`)
