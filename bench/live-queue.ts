// Mark → re-ranked waiting auto-picks (issue 10), through the real engine and its taste worker:
// the listener marks the first waiting auto-pick "not for me" (engine.handlers.setMark, as the UI
// does); the engine tells the worker at once, the worker learns, ranks, draws a replacement and
// words it (one round trip), the engine logs it, saves the queue and pushes `queueChanged`. Timed from the mark to that event (what
// the renderer applies on arrival).
//
// What it is compared with, side by side in the same run, on the same worker: one reward's round
// trip as bench/taste-worker.ts measures it (log a mark, then the engine's `pick` request: the
// worker learns, ranks, draws and words; bench/next-pick.ts), in two kinds:
//   - cold: a reward on a song NOT in the queue, so the worker learns it with a full O(N·k) pass.
//     This is DESIGN.md's "round trip of one reward", the target's denominator:
//     mark → waiting picks re-ranked ≤ that round trip, at 100k × 128.
//   - prepared: a reward on the song playing (each trial a new song is made the playing entry and
//     saved, as the player does when a song starts). The engine names the songs coming up (the one
//     playing and the next two) to the worker after every change of the saved queue, and the
//     worker computes their products with every song in idle time ("prepared songs",
//     docs/live-queue.md), so such a reward, and a mark on a waiting pick, is learned in O(N).
// Both rewards are one new label row (one rank-one change), so they differ only in preparation.
// Before each measured mark and each measured reward the bench waits until the worker reports no
// idle work left (the exact refresh, preparing; polled every few ms, given up after 3 s and said
// so): the listener's mark comes seconds after the queue changed, never within milliseconds.
// The table says how many of the re-ranks and rewards were learned from prepared products.
// `--no-prepare`: the engine names no songs (prepareSongs: false), so every change takes the full
// pass: the same tree without preparation, for a side-by-side.
// Synthetic 160-dim vectors (12 clusters) in an imported space, pcaDims 128.
// Run: node bin/run-ts.js bench/live-queue.ts [--quick] [--sizes 10000,100000] [--trials 30] [--trace] [--no-prepare]
// (--check: the checker's run; the ratio at the largest size, re-rank ÷ cold round trip, is reported to it.)
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { Engine } from '../src/main/engine'
import { seededRandom } from '../src/shared/random'
import type { EngineEvent, QueueEntry } from '../src/shared/contract'
import type { TasteService } from '../src/main/taste/service'
import { checking, listFlag, median, percentile, report } from './report'
import { nextPick } from './next-pick'
import { buildSyntheticLibrary } from './synthetic-library'

const quick = process.argv.includes('--quick') || checking
const sizes = listFlag('--sizes', quick ? [10_000] : [10_000, 100_000])
const trials = listFlag('--trials', [quick ? 10 : 30])[0] as number
const SPACE = 'import:bench-live'
const DIMS = 160
const CLUSTERS = 12
const PCA_DIMS = 128
/** Marks logged before measuring, so the model is past its cold start. */
const PRIOR_MARKS = 60

/** Without the engine naming the songs coming up: every change takes the full pass. */
const prepareSongs = !process.argv.includes('--no-prepare')
/** How long the bench waits for the worker's idle work before it measures anyway (and says so). */
const IDLE_WAIT_MS = 3000
const IDLE_POLL_MS = 3

const p95 = (values: number[]): number => percentile(values, 0.95)
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1))

/**
 * `--trace`: where the re-rank's time goes, from the main thread: the taste service's `rerank`
 * call is timed by wrapping it on the bench's instance (ms after the mark).
 */
const tracing = process.argv.includes('--trace')

interface RerankParts {
  /** The mark → the re-rank asked for (the mark logged, the engine's turn, queue and settings read). */
  toAsk: number
  /** The re-rank's round trip (the worker learns the mark, ranks, draws and words). */
  rerank: number
  /** Answered → queueChanged (the new pick logged, the queue saved, the event sent). */
  toQueue: number
}

interface Row {
  n: number
  replaced: number
  parts: RerankParts[]
  markToQueueChanged: number[]
  markToModelUpdated: number[]
  /** A reward on a song not in the queue (a full pass), + the next pick. */
  roundTrip: number[]
  /** A reward on the song playing (prepared), + the next pick. */
  preparedTrip: number[]
  /** How many of the measured changes were learned from prepared products. */
  fast: { rerank: number; cold: number; prepared: number }
  /** Waits for the worker's idle work that gave up after IDLE_WAIT_MS. */
  gaveUp: number
}

/**
 * Waits until the worker reports no idle work left (polled every few ms); false when it gave up
 * after IDLE_WAIT_MS. The engine sends its hint a turn of the event loop after a queue change:
 * `engine.settled()` waits for it first.
 */
async function idle(engine: Engine, taste: TasteService): Promise<boolean> {
  await engine.settled()
  const deadline = performance.now() + IDLE_WAIT_MS
  for (;;) {
    if (!(await taste.idleWork()).pending) return true
    if (performance.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS))
  }
}

/** Changes learned from prepared products so far. */
const fastChanges = async (taste: TasteService): Promise<number> =>
  (await taste.idleWork()).fastChanges

/** Saves `entries` as the player does, the first one playing. */
function saveQueue(engine: Engine, entries: readonly QueueEntry[]): void {
  void engine.handlers.saveQueue({
    entries: [...entries],
    current: 0,
    position: 0,
    shuffle: false,
    repeat: 'off',
    volume: 1,
  })
}

/** The saved queue with `trackId` as the song playing (entry 0, current), as the player saves it. */
function startPlaying(engine: Engine, trackId: number): void {
  saveQueue(engine, [{ trackId, source: 'user' }, ...engine.queue.load().entries.slice(1)])
}

async function benchSize(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'attune-bench-live-'))
  const dbPath = join(dir, 'attune.db')
  let started = performance.now()
  buildSyntheticLibrary(dbPath, { n, space: SPACE, dims: DIMS, clusters: CLUSTERS, albums: false })
  console.error(`N = ${n}: library built in ${ms(performance.now() - started)} ms`)
  const engine = new Engine({ dbPath, autoQueueSeed: 1, prepareSongs })
  try {
    engine.settings.update('model', { space: SPACE, pcaDims: PCA_DIMS })
    const random = seededRandom(3)
    for (let i = 0; i < PRIOR_MARKS; i++) {
      const id = 1 + Math.floor(random() * n)
      engine.events.mark(id, id % CLUSTERS < 4 ? 'love' : 'not_for_me', 'bench')
    }
    started = performance.now()
    const taste = await engine.tasteService()
    await taste.recommend({ n: 2 }) // the candidates are scored once, lazily
    console.error(`N = ${n}: taste worker ready in ${ms(performance.now() - started)} ms`)

    // The queue: one song playing, two auto-picks waiting.
    const playing = (await engine.autoQueueNext()).entry!
    const entries: QueueEntry[] = [playing]
    for (let i = 0; i < 2; i++) {
      const { entry } = await engine.autoQueueNext(entries.map((e) => e.trackId))
      entries.push(entry!)
    }
    saveQueue(engine, entries)

    const calls: { name: 'rerank'; start: number; end: number }[] = []
    if (tracing) {
      for (const name of ['rerank'] as const) {
        const call = taste[name].bind(taste) as (payload: never) => Promise<unknown>
        Object.assign(taste, {
          [name]: async (payload: never) => {
            const start = performance.now()
            try {
              return await call(payload)
            } finally {
              calls.push({ name, start, end: performance.now() })
            }
          },
        })
      }
    }
    const row: Row = {
      n,
      replaced: 0,
      parts: [],
      markToQueueChanged: [],
      markToModelUpdated: [],
      roundTrip: [],
      preparedTrip: [],
      fast: { rerank: 0, cold: 0, prepared: 0 },
      gaveUp: 0,
    }
    let next = 1
    /** A song in no queue and never rewarded by the bench. */
    const fresh = (): number => {
      while (engine.queue.load().entries.some((e) => e.trackId === next)) next++
      return next++
    }
    for (let t = 0; t < trials; t++) {
      // Mark → queueChanged, through the engine.
      if (!(await idle(engine, taste))) row.gaveUp++
      let fastBefore = await fastChanges(taste)
      const queue = engine.queue.load()
      const target = queue.entries[1]!.trackId
      let modelAt: number | null = null
      let queueAt: number | null = null
      const off = engine.subscribe((event: EngineEvent) => {
        if (event.name === 'modelUpdated') modelAt ??= performance.now()
        if (
          event.name === 'queueChanged' &&
          (event.payload as { replaced: unknown[] }).replaced.length
        )
          queueAt ??= performance.now()
      })
      calls.length = 0
      const marked = performance.now()
      void engine.handlers.setMark({ trackId: target, mark: 'not_for_me' })
      await engine.settled()
      off()
      if (queueAt !== null) {
        row.replaced++
        row.markToQueueChanged.push(queueAt - marked)
        const rerank = calls.find((c) => c.name === 'rerank')
        if (rerank) {
          row.parts.push({
            toAsk: rerank.start - marked,
            rerank: rerank.end - rerank.start,
            toQueue: queueAt - rerank.end,
          })
        }
      }
      if (modelAt !== null) row.markToModelUpdated.push(modelAt - marked)
      if ((await fastChanges(taste)) > fastBefore) row.fast.rerank++

      // One reward's worker round trip, as bench/taste-worker.ts measures it: cold, on a song
      // not in the queue (the target's denominator).
      const cold = fresh()
      if (!(await idle(engine, taste))) row.gaveUp++
      fastBefore = await fastChanges(taste)
      let begun = performance.now()
      engine.events.mark(cold, 'like', 'bench')
      await nextPick(taste, random())
      row.roundTrip.push(performance.now() - begun)
      if ((await fastChanges(taste)) > fastBefore) row.fast.cold++

      // The same on the song playing: a new song starts, the player saves, the worker prepares.
      const song = fresh()
      startPlaying(engine, song)
      if (!(await idle(engine, taste))) row.gaveUp++
      fastBefore = await fastChanges(taste)
      begun = performance.now()
      engine.events.mark(song, 'like', 'bench')
      await nextPick(taste, random())
      row.preparedTrip.push(performance.now() - begun)
      if ((await fastChanges(taste)) > fastBefore) row.fast.prepared++
    }
    return row
  } finally {
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const rows: Row[] = []
const loadBefore = loadavg()[0] as number
for (const n of sizes) rows.push(await benchSize(n))
const loadAfter = loadavg()[0] as number

console.log(
  `Mark → re-ranked waiting auto-picks, k = ${PCA_DIMS} (from ${DIMS}-dim vectors), ${trials} marks per size, ms: median (p95); ` +
    `${prepareSongs ? 'the engine names the songs coming up (prepared songs)' : '--no-prepare: no song prepared'}; ` +
    `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}\n`,
)
console.log(
  '| N | picks replaced | mark → queueChanged (re-ranked, logged, saved) | mark → modelUpdated | ' +
    'reward round trip, cold: song not in the queue (mark + pick) | ' +
    `reward round trip, song playing (${prepareSongs ? 'prepared' : 'not prepared: --no-prepare'}) (mark + pick) | ` +
    're-rank ÷ cold round trip (the target) | re-rank ÷ song-playing round trip |',
)
console.log('|---|---|---|---|---|---|---|---|')
for (const row of rows) {
  const rerank = median(row.markToQueueChanged)
  const trip = median(row.roundTrip)
  const prepared = median(row.preparedTrip)
  console.log(
    `| ${row.n.toLocaleString('en')} | ${row.replaced} of ${trials} | ${ms(rerank)} (${ms(p95(row.markToQueueChanged))}) | ` +
      `${ms(median(row.markToModelUpdated))} | ${ms(trip)} (${ms(p95(row.roundTrip))}) | ` +
      `${ms(prepared)} (${ms(p95(row.preparedTrip))}) | ${(rerank / trip).toFixed(2)}× | ${(rerank / prepared).toFixed(2)}× |`,
  )
}
console.log(
  '\nLearned from prepared products (O(N), no pass over the N×k vectors), of the changes measured\n',
)
console.log(
  '| N | re-ranks (mark on a waiting pick) | cold rewards | prepared rewards | waits for idle work given up (after 3 s) |',
)
console.log('|---|---|---|---|---|')
for (const row of rows) {
  console.log(
    `| ${row.n.toLocaleString('en')} | ${row.fast.rerank} of ${trials} | ${row.fast.cold} of ${trials} | ` +
      `${row.fast.prepared} of ${trials} | ${row.gaveUp} of ${3 * trials} |`,
  )
}
if (tracing) {
  console.log('\nWhere the re-rank goes (--trace), ms after the mark, median (max)\n')
  console.log(
    '| N | mark → re-rank asked | re-rank (learn, rank, draw, word) | → queueChanged (log, save, send) |',
  )
  console.log('|---|---|---|---|')
  for (const row of rows) {
    const cell = (part: keyof RerankParts): string => {
      const values = row.parts.map((p) => p[part])
      return `${ms(median(values))} (${ms(Math.max(...values))})`
    }
    console.log(
      `| ${row.n.toLocaleString('en')} | ${cell('toAsk')} | ${cell('rerank')} | ${cell('toQueue')} |`,
    )
  }
}
const largest = rows[rows.length - 1]
if (largest) {
  report(
    'liveQueue.rerankOverRoundTrip',
    median(largest.markToQueueChanged) / median(largest.roundTrip),
  )
}
