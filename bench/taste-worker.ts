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
//
// First, THE STALL TABLE (issue 14): the shipped defaults (exact refresh on, every 500 rank-one
// changes, done in slices in the worker's idle time; forgetting window on, W = 1000, full), 2,000
// consecutive rewards 50 ms apart, each a new mark logged and then the next pick as the engine asks
// for it (`pick`: the worker applies the mark, ranks the short-list of the default settings, draws
// one song and words it; AutoPicker.next): p50, p99 and the maximum, beside one streaming pass over an N×k float32
// matrix timed in the main thread in the same run (only while the worker is idle: no refresh
// pending, nothing to prepare). At 100,000 × 128 and 1,000,000 × 32; the process's peak memory
// with it. The rewarded songs are not in a queue, so none is prepared; but between two rewards
// the worker prepares the row the full window forgets next (linucb.ts, prepared songs), so a
// reward after enough idle time needs one dot product per row, not two: the table counts the
// rank-one changes learned each way.
// Run: node bin/run-ts.js bench/taste-worker.ts [--quick] [--sizes 10000,100000] [--rewards 50]
//        [--stall 100000x128,1000000x32] [--stall-rewards 2000] [--stall-gap-ms 50] [--stall-only]
//        [--trace] [--wal-autocheckpoint N]
//      (--check: the stall table only, for `npm run bench -- --check`; --trace: each round trip
//      split into its parts, see printBreakdown; --wal-autocheckpoint: SQLite's checkpoint interval
//      of the bench's writing connection, in pages)
import { performance, PerformanceObserver } from 'node:perf_hooks'
import { join } from 'node:path'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { openDatabase, type Database } from '../src/main/db/database'
import { EmbeddingStore } from '../src/main/db/embeddings'
import { EventLog } from '../src/main/db/events'
import { SettingsStore } from '../src/main/db/settings'
import { MetricStore } from '../src/main/db/metric-store'
import { TasteCore, type TasteStatus } from '../src/main/taste/core'
import { TasteService, type TasteTrace } from '../src/main/taste/service'
import { LinUcb } from '../src/main/taste/linucb'
import { seededRandom } from '../src/shared/random'
import { standardNormal } from '../src/main/insights/evaluation'
import { checking, listFlag, median, percentile, report } from './report'
import { plainPass } from './stream-pass'
import { NEXT_PICK_N, nextPick } from './next-pick'
import { STALL_1M_MEMORY_MB } from './targets'

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

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1))

/**
 * Songs trackIds first…last with 160-dim vectors: 24 latent factors with decreasing variance
 * mixed into 160 dimensions, plus noise, with unequal means and scales (as audio features have).
 */
function vectors(
  first: number,
  last: number,
  mixing: Float64Array,
  inputDims = INPUT_DIMS,
): Float32Array {
  const random = seededRandom(first)
  const normal = (): number => standardNormal(random)
  const n = last - first + 1
  const data = new Float32Array(n * inputDims)
  const latent = new Float64Array(LATENT_DIMS)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < LATENT_DIMS; c++) latent[c] = normal() * Math.pow(0.9, c)
    for (let a = 0; a < inputDims; a++) {
      let sum = 0.3 * normal()
      for (let c = 0; c < LATENT_DIMS; c++)
        sum += (mixing[a * LATENT_DIMS + c] as number) * (latent[c] as number)
      data[i * inputDims + a] = 100 * (a % 7) + (1 + (a % 5)) * sum
    }
  }
  return data
}

function storeVectors(
  db: Database,
  first: number,
  last: number,
  mixing: Float64Array,
  inputDims = INPUT_DIMS,
): void {
  const store = new EmbeddingStore(db)
  const batch = 20_000
  for (let start = first; start <= last; start += batch) {
    const end = Math.min(last, start + batch - 1)
    const data = vectors(start, end, mixing, inputDims)
    const results = []
    for (let trackId = start; trackId <= end; trackId++) {
      const offset = (trackId - start) * inputDims
      results.push({
        job: { trackId, path: `/music/${trackId}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
        vector: data.subarray(offset, offset + inputDims),
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
      status: `k = ${service.status.k} (+ ${service.status.width - service.status.k} tag dims), ${service.status.rows} rows`,
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

/** One reward of the stall run, for `--trace`: ms since the epoch (as the worker's trace). */
interface RewardTimes {
  started: number
  marked: number
  /** The last message from the worker before `done` (its answer). */
  replied: number
  done: number
  /** ms the main thread waited for a core during the round trip. */
  mainWaited: number
}

interface StallRow {
  n: number
  k: number
  inputDims: number
  /** Reward → pick, wall ms. */
  rewards: number[]
  /** With `--trace`: each reward's timestamps, the worker's trace, the main thread's GCs. */
  times: RewardTimes[]
  trace: TasteTrace
  mainGcs: TasteTrace['gcs']
  /** With `--trace`: each write of the live metrics (MetricStore.flush) on the main thread. */
  flushes: { start: number; end: number }[]
  passes: number[]
  refresh: TasteStatus['refresh']
  refreshesBefore: number
  /** Rank-one changes during the run learned from prepared products, and with a full pass. */
  changes: { prepared: number; pass: number }
  peakRssMb: number
  load: [number, number]
}

const STALL_WINDOW = 1000
const STALL_REFRESH_EVERY = 500
/**
 * The pause between two rewards: a listener's marks come seconds apart; this leaves the worker a
 * little idle time (where the exact refresh runs) and no more. Back to back (0), no refresh work
 * is done at all until the rewards pause (it never runs on a reward; the drift it bounds stays
 * within 1e-9 meanwhile, see linucb.ts).
 */
const stallGapMs = listFlag('--stall-gap-ms', [50])[0] as number

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/**
 * `--trace`: the worker records where its time goes (TasteServiceOptions.trace: a request applies
 * its new events on their own first, so learning and answering are timed apart), the main thread
 * its GCs and each reward's timestamps; a breakdown of the round trip is printed per size.
 */
const tracing = process.argv.includes('--trace')
/**
 * `--wal-autocheckpoint N`: SQLite's automatic checkpoint of the bench's writing connection every
 * N pages of WAL (its default 1000; 0 = never), to see whether a checkpoint landing on a mark or a
 * metrics write makes part of the tail.
 */
const walAutocheckpoint = listFlag('--wal-autocheckpoint', [-1])[0] as number
const clock = (): number => performance.timeOrigin + performance.now()
/** ms the main thread has waited for a core (Linux's schedstat run_delay; 0 where unknown). */
const mainWaited = (): number => {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6 || 0
  } catch {
    return 0
  }
}

/**
 * Reward → next pick with the shipped defaults at N × k: 2,000 consecutive marks, each logged then
 * answered by the engine's request for the next pick (`pick`, which applies it first), beside
 * streaming passes timed in the pauses while the worker had nothing to do.
 */
async function benchStall(n: number, k: number, count: number): Promise<StallRow> {
  const inputDims = k >= 64 ? k + 32 : 2 * k
  const setupStarted = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'attune-bench-stall-'))
  const dbPath = join(dir, 'attune.db')
  const db = openDatabase(dbPath)
  try {
    const insert = db.prepare(`INSERT INTO tracks (path, duration, added_at) VALUES (?, 200, 1)`)
    db.transaction(() => {
      for (let id = 1; id <= n; id++) insert.run(`/music/${id}.ogg`)
    })()
    const mixingRandom = seededRandom(11)
    const mixing = Float64Array.from(
      { length: inputDims * LATENT_DIMS },
      () => mixingRandom() * 2 - 1,
    )
    storeVectors(db, 1, n, mixing, inputDims)
    if (walAutocheckpoint >= 0) db.pragma(`wal_autocheckpoint = ${walAutocheckpoint}`)
    const settings = new SettingsStore(db)
    settings.update('model', { space: SPACE, pcaDims: k, forgettingWindow: STALL_WINDOW })
    const events = new EventLog(db)
    // A full window before measuring: every reward adds a row and forgets the oldest.
    const prefill = STALL_WINDOW + 50
    for (let id = 1; id <= prefill; id++) events.mark(id, markOf(id), 'bench')
    // The service's metric store, as it would make it, with its writes timed (--trace).
    const metrics = new MetricStore(db)
    const flushes: StallRow['flushes'] = []
    if (tracing) {
      const flush = metrics.flush.bind(metrics)
      metrics.flush = () => {
        const start = clock()
        flush()
        flushes.push({ start, end: clock() })
      }
    }
    const service = await TasteService.start({
      db,
      dbPath,
      metrics,
      ...(tracing ? { trace: true } : {}),
    })
    let replied = 0
    // Reading a private field: the bench's own view of when the worker's answers arrive.
    if (tracing) service['client'].worker.on('message', () => (replied = clock()))
    const mainGcs: TasteTrace['gcs'] = []
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const { detail } = entry as { detail?: { kind?: number } }
        mainGcs.push({
          start: performance.timeOrigin + entry.startTime,
          duration: entry.duration,
          kind: detail?.kind ?? 0,
        })
      }
    })
    if (tracing) gcObserver.observe({ entryTypes: ['gc'] })
    try {
      // With the shipped tag context, k counts the sound and the tags share the vector's width
      // (all zero here: the bench's songs have no tags); the kernel's cost follows the width.
      const { width } = service.status
      if (width !== k) throw new Error(`expected vectors of ${k} dimensions, got ${width}`)
      await service.recommend({ n: 2 }) // the candidates are scored once, lazily
      const before = await service.update()
      console.error(
        `stall ${n} × ${k}: ready in ${((performance.now() - setupStarted) / 1000).toFixed(0)} s`,
      )
      const random = seededRandom(n + k)
      const matrix = new Float32Array(n * k)
      for (let i = 0; i < matrix.length; i++) matrix[i] = (random() * 2 - 1) / Math.sqrt(k)
      const weights = Float64Array.from({ length: k }, () => random())
      const out = new Float64Array(n)
      plainPass(matrix, n, k, weights, out) // warm-up (JIT)
      const row: StallRow = {
        n,
        k,
        inputDims,
        rewards: [],
        times: [],
        trace: { requests: [], slices: [], gcs: [] },
        mainGcs,
        flushes,
        passes: [],
        refresh: before.refresh,
        refreshesBefore: before.refresh.cycles,
        changes: { prepared: 0, pass: 0 },
        peakRssMb: 0,
        load: [loadavg()[0] as number, 0],
      }
      const takeTrace = async (): Promise<void> => {
        if (!tracing) return
        const taken = await service.trace()
        row.trace.requests.push(...taken.requests)
        row.trace.slices.push(...taken.slices)
        row.trace.gcs.push(...taken.gcs)
      }
      await takeTrace() // what set-up left behind
      row.trace = { requests: [], slices: [], gcs: [] }
      mainGcs.length = 0
      flushes.length = 0
      const workBefore = await service.idleWork()
      for (let r = 0; r < count; r++) {
        const trackId = prefill + 1 + (r % (n - prefill))
        const started = performance.now()
        const startedAt = clock()
        const waitedBefore = tracing ? mainWaited() : 0
        events.mark(trackId, markOf(trackId), 'bench')
        const marked = clock()
        await nextPick(service, random())
        row.rewards.push(performance.now() - started)
        if (tracing) {
          const done = clock()
          row.times.push({
            started: startedAt,
            marked,
            replied,
            done,
            mainWaited: mainWaited() - waitedBefore,
          })
        }
        if (stallGapMs > 0) await pause(stallGapMs)
        if (r % 10 === 9) {
          await takeTrace()
          // No new event: a cheap answer with the refresh's state. The pass runs only while the
          // worker is idle (no refresh, nothing to prepare), so the two never share the cores.
          const status = await service.update()
          if (!status.refresh.pending && !(await service.idleWork()).pending) {
            weights[r % k] = random()
            const at = performance.now()
            plainPass(matrix, n, k, weights, out)
            row.passes.push(performance.now() - at)
          }
        }
      }
      row.refresh = (await service.update()).refresh
      const workAfter = await service.idleWork()
      row.changes = {
        prepared: workAfter.fastChanges - workBefore.fastChanges,
        pass: workAfter.passChanges - workBefore.passChanges,
      }
      await takeTrace()
      gcObserver.disconnect()
      // The kernel's peak resident set of the whole process (main thread, worker, SQLite),
      // set-up included.
      row.peakRssMb = process.resourceUsage().maxRSS / 1024
      row.load[1] = loadavg()[0] as number
      return row
    } finally {
      await service.close()
      metrics.close()
    }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function stallSizes(): [number, number][] {
  const position = process.argv.indexOf('--stall')
  const value = position > 0 ? process.argv[position + 1] : undefined
  // The checker's sizes fit its budget: setting up 1M songs (SQLite, the worker's fit) alone took
  // ~9 minutes at load 15, so it runs the narrow case at 250k (the full run: 1M).
  const list =
    value ?? (quick ? '100000x128' : checking ? '100000x128,250000x32' : '100000x128,1000000x32')
  return list.split(',').map((size) => {
    const [n, k] = size.split('x').map(Number)
    return [n as number, k as number]
  })
}

const stallRewards = listFlag('--stall-rewards', [2000])[0] as number
const stallRows: StallRow[] = []
for (const [n, k] of stallSizes()) stallRows.push(await benchStall(n, k, stallRewards))

console.log(
  `Reward → next pick with the shipped defaults (exact refresh every ${STALL_REFRESH_EVERY} changes, ` +
    `in idle-time slices; forgetting window on, W = ${STALL_WINDOW}, full), ${stallRewards} consecutive ` +
    `rewards ${stallGapMs} ms apart (mark logged + the next pick through the worker: rank ${NEXT_PICK_N}, draw, word 1), ms, wall clock, ` +
    'beside one streaming pass over the N×k float32 matrix (median of the passes timed while the ' +
    'worker was idle), with the load average at the start and the end of each run\n',
)
console.log(
  '| N × k (input dims) | load average | p50 | p99 | max | one pass: median (max), passes | p50 ÷ pass | **p99 ÷ pass** (≤ 2) | **max ÷ pass** (≤ 5) | exact refreshes done / slices / cut short for a request | rank-one changes: from prepared products / with a pass | peak RSS MB |',
)
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|')
for (const row of stallRows) {
  const pass = median(row.passes)
  const p50 = percentile(row.rewards, 0.5)
  const p99 = percentile(row.rewards, 0.99)
  const max = Math.max(...row.rewards)
  console.log(
    `| ${row.n.toLocaleString('en')} × ${row.k} (${row.inputDims}) | ${row.load[0].toFixed(1)} → ${row.load[1].toFixed(1)} | ` +
      `${ms(p50)} | ${ms(p99)} | ${ms(max)} | ` +
      `${ms(pass)} (${ms(Math.max(...row.passes))}), ${row.passes.length} | ${(p50 / pass).toFixed(2)}× | **${(p99 / pass).toFixed(2)}×** | ` +
      `**${(max / pass).toFixed(2)}×** | ${row.refresh.cycles - row.refreshesBefore} / ${row.refresh.slices} / ` +
      `${row.refresh.interruptedSlices} | ${row.changes.prepared} / ${row.changes.pass} | ${row.peakRssMb.toFixed(0)} |`,
  )
  // Reported by shape (k = 128: the wide case, k = 32: the long one), whatever the N of the run.
  const tag = row.k >= 64 ? `wide` : `long`
  report(`taste-worker.stall.${tag}.p99OverPass`, p99 / pass)
  report(`taste-worker.stall.${tag}.maxOverPass`, max / pass)
  report(`taste-worker.stall.${tag}.refreshes`, row.refresh.cycles - row.refreshesBefore)
  if (row.n === 1_000_000 && row.k === 32) {
    console.log(
      `\n1,000,000 × 32: peak RSS ${row.peakRssMb.toFixed(0)} MB for the whole process, against the ` +
        `${STALL_1M_MEMORY_MB} MB bench/README.md states: ${row.peakRssMb <= STALL_1M_MEMORY_MB ? 'within' : 'OVER'}`,
    )
  }
}

/** V8's GC kinds (perf_hooks constants): 1 scavenge, 2 minor mark-sweep, 4 major, 8 incremental, 16 weak callbacks. */
const MAJOR_GC = 4

/**
 * `--trace`: each reward's round trip split into its parts, median over all rewards and mean over
 * the slowest 1 % (and the slowest one), to show which part makes the tail.
 */
function printBreakdown(row: StallRow): void {
  const requests = row.trace.requests.filter((r) => r.type === 'pick')
  const parts = row.times.map((t) => {
    const request = requests.find((r) => r.received >= t.marked && r.answered <= t.done)
    const received = request?.received ?? t.marked
    const applied = request?.applied ?? received
    const answered = request?.answered ?? t.done
    const overlap = (start: number, end: number, from: number, to: number): number =>
      Math.max(0, Math.min(end, to) - Math.max(start, from))
    const slices = row.trace.slices.filter((s) => s.end > t.marked && s.start < received)
    const workerGcs = row.trace.gcs.filter(
      (g) => g.start + g.duration > t.marked && g.start < answered,
    )
    const mainGcs = row.mainGcs.filter((g) => g.start + g.duration > t.started && g.start < t.done)
    return {
      total: t.done - t.started,
      mark: t.marked - t.started,
      toWorker: received - t.marked,
      behindSlice: slices.reduce((sum, s) => sum + overlap(s.start, s.end, t.marked, received), 0),
      apply: applied - received,
      waited: request?.waited ?? 0,
      mainWaited: t.mainWaited,
      pick: answered - applied,
      transit: t.replied - answered,
      resolve: t.done - t.replied,
      flush: row.flushes.reduce((sum, f) => sum + overlap(f.start, f.end, t.started, t.done), 0),
      workerGc: workerGcs.reduce(
        (sum, g) => sum + overlap(g.start, g.start + g.duration, t.marked, answered),
        0,
      ),
      workerMajor: workerGcs.some((g) => g.kind === MAJOR_GC),
      mainGc: mainGcs.reduce(
        (sum, g) => sum + overlap(g.start, g.start + g.duration, t.started, t.done),
        0,
      ),
      matched: request !== undefined,
      /** Whether the worker ran idle slices while its answer travelled to the main thread. */
      slicedMeanwhile: row.trace.slices.some(
        (s) => s.end - s.start > 0.05 && s.start < t.replied && s.end > answered,
      ),
    }
  })
  type Part = Exclude<keyof (typeof parts)[number], 'workerMajor' | 'matched' | 'slicedMeanwhile'>
  const names: [Part, string][] = [
    ['total', 'round trip'],
    ['mark', 'mark logged (main, SQLite)'],
    ['toWorker', 'post → worker handles it'],
    ['behindSlice', '  of which behind an idle slice (refresh or preparing)'],
    ['apply', 'apply the event (read, Sherman–Morrison, pass)'],
    ['pick', 'pick (settings, exclusions, top-k, reasons)'],
    ['waited', '  of apply + pick: the worker waiting for a core (Linux run_delay)'],
    ['transit', 'answer → its message reaches the main thread'],
    ['resolve', 'message → main resolves (observations logged)'],
    ['flush', '  of which live metrics written (MetricStore.flush)'],
    ['mainWaited', 'the main thread waiting for a core during the trip (Linux run_delay)'],
    ['workerGc', 'worker GC inside the trip'],
    ['mainGc', 'main-thread GC inside the trip'],
  ]
  const sorted = [...parts].sort((a, b) => b.total - a.total)
  const tail = sorted.slice(0, Math.max(1, Math.ceil(parts.length / 100)))
  const slowest = sorted[0]
  const mean = (list: typeof parts, part: Part): number =>
    list.reduce((sum, p) => sum + p[part], 0) / Math.max(1, list.length)
  const sliceDurations = row.trace.slices.map((s) => s.end - s.start)
  const workSlices = sliceDurations.filter((d) => d > 0.05)
  console.log(
    `\nWhere the round trip goes, ${row.n.toLocaleString('en')} × ${row.k} (--trace; ${parts.filter((p) => p.matched).length} of ${parts.length} rewards matched to the worker's request), ms\n`,
  )
  console.log(
    '| part | median | p99 | max (each part on its own) | mean over the slowest 1 % of round trips | in the slowest round trip |',
  )
  console.log('|---|---|---|---|---|---|')
  for (const [part, label] of names) {
    const values = parts.map((p) => p[part])
    console.log(
      `| ${label} | ${ms(median(values))} | ${ms(percentile(values, 0.99))} | ${ms(Math.max(...values))} | ` +
        `${ms(mean(tail, part))} | ${ms(slowest?.[part] ?? 0)} |`,
    )
  }
  const majors = row.trace.gcs.filter((g) => g.kind === MAJOR_GC)
  console.log(
    `\nIdle slices that did work (the exact refresh, preparing the row the window forgets next): ${workSlices.length}, longest ${ms(Math.max(0, ...workSlices))} ms, ` +
      `median ${ms(workSlices.length ? median(workSlices) : 0)} ms; worker GCs: ${row.trace.gcs.length} ` +
      `(${majors.length} major, longest ${ms(Math.max(0, ...row.trace.gcs.map((g) => g.duration)))} ms); ` +
      `metric flushes: ${row.flushes.length} (longest ${ms(Math.max(0, ...row.flushes.map((f) => f.end - f.start)))} ms); ` +
      `main GCs: ${row.mainGcs.length} (longest ${ms(Math.max(0, ...row.mainGcs.map((g) => g.duration)))} ms); ` +
      `slowest 1 %: ${tail.filter((p) => p.workerMajor).length} of ${tail.length} with a major GC in the worker; ` +
      `marks over 3 ms: ${parts.filter((p) => p.mark > 3).length}, metric writes over 3 ms: ${row.flushes.filter((f) => f.end - f.start > 3).length}`,
  )
  const sliced = parts.filter((p) => p.slicedMeanwhile).map((p) => p.transit)
  const unsliced = parts.filter((p) => !p.slicedMeanwhile).map((p) => p.transit)
  if (sliced.length > 0 && unsliced.length > 0) {
    console.log(
      `Answer → main thread while the worker ran idle slices: ${sliced.length} rewards, median ${ms(median(sliced))}, ` +
        `p99 ${ms(percentile(sliced, 0.99))} ms; with the worker idle: ${unsliced.length}, median ${ms(median(unsliced))}, ` +
        `p99 ${ms(percentile(unsliced, 0.99))} ms`,
    )
  }
}

if (tracing) for (const row of stallRows) printBreakdown(row)

if (checking || process.argv.includes('--stall-only')) process.exit(0)

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
