// The engine's calls as the listener makes them, at 100,000 songs (issue 14: the figures of the
// worker and of LinUCB said nothing of the SQL and the wording around them, and the next auto-pick
// took 93 ms there: a count of every vector before each pick, and the reasons of all ~30 songs of
// the short-list worded to use one). Through the real engine, its database and taste worker, with
// 1,000 marks logged first. Side by side in the same run:
//   - reward → next pick through the engine: a mark logged, then `autoQueueNext` (what the player
//     asks when the queue runs low: the worker learns the mark, ranks, the engine draws, the worker
//     words the song drawn, the pick is logged);
//   - one reward's worker round trip as bench/taste-worker.ts and bench/live-queue.ts measure it:
//     a mark logged, then the worker's `pick` (bench/next-pick.ts).
// Both rewards are on songs the engine has not prepared (docs/live-queue.md, "Prepared songs"): the
// bench saves no queue, so the engine names no songs coming up and each reward takes the full pass.
// Then the median time of each frequent call (the status bar, the queue, marks, reasons, Insights).
// Synthetic 160-dim vectors (12 clusters) in an imported space, pcaDims 128 (and their first
// dimensions as the built-in extractor's, so the status bar counts analysed songs).
// Run: node bin/run-ts.js bench/engine-calls.ts [--sizes 100000] [--trials 30]
//      (--check: the checker's run, 10 trials)
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { Engine } from '../src/main/engine'
import { seededRandom } from '../src/shared/random'
import { checking, listFlag, median, percentile, report } from './report'
import { buildSyntheticLibrary } from './synthetic-library'
import { nextPick } from './next-pick'

const sizes = listFlag('--sizes', [100_000])
const trials = listFlag('--trials', [checking ? 10 : 30])[0] as number
const SPACE = 'import:bench-calls'
const MARKS = 1000
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1))

interface Row {
  n: number
  load: [number, number]
  nextPick: number[]
  roundTrip: number[]
  calls: { name: string; times: number[] }[]
}

async function benchSize(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'attune-bench-calls-'))
  const dbPath = join(dir, 'attune.db')
  const load: [number, number] = [loadavg()[0] as number, 0]
  buildSyntheticLibrary(dbPath, { n, space: SPACE, dims: 160, clusters: 12, analysed: true })
  const engine = new Engine({ dbPath, autoQueueSeed: 1 })
  try {
    engine.settings.update('model', { space: SPACE, pcaDims: 128 })
    const random = seededRandom(7)
    for (let i = 0; i < MARKS; i++) {
      const id = 1 + Math.floor(random() * n)
      engine.events.mark(id, id % 12 < 4 ? 'love' : 'not_for_me', 'bench')
    }
    const taste = await engine.tasteService()
    await taste.recommend({ n: 2 }) // the candidates are scored once, lazily
    await engine.autoQueueNext()

    const row: Row = { n, load, nextPick: [], roundTrip: [], calls: [] }
    let next = 1
    for (let t = 0; t < trials; t++) {
      let started = performance.now()
      engine.events.mark(next++, 'like', 'bench')
      const { entry } = await engine.autoQueueNext()
      if (!entry) throw new Error('The engine picked nothing.')
      row.nextPick.push(performance.now() - started)

      started = performance.now()
      engine.events.mark(next++, 'like', 'bench')
      await nextPick(taste, random())
      row.roundTrip.push(performance.now() - started)
    }
    await engine.settled()

    const handlers = engine.handlers as unknown as Record<
      string,
      (payload: unknown) => Promise<unknown>
    >
    const calls: [string, string, () => unknown][] = [
      ['getStatus', 'the status bar (songs, analysed)', () => ({})],
      ['getQueue', 'the saved queue', () => ({})],
      ['listTracks', 'a page of the library, sorted', () => ({ limit: 100 })],
      ['listTracks', 'a search', () => ({ limit: 100, search: 'Song 4242' })],
      ['setMark', 'a mark', () => ({ trackId: next++, mark: 'like', source: 'bench' })],
      ['playStarted', 'a song starts', () => ({ trackId: next++ })],
      ['explain', 'why a song was picked', () => ({ trackId: 5 })],
      ['listLabels', 'every mark (the library view)', () => ({})],
      ['getInsights', 'Insights, the model', () => ({})],
      ['getListenerInsights', 'Insights, for listeners', () => ({})],
    ]
    for (const [name, label, payload] of calls) {
      const times: number[] = []
      for (let r = 0; r < Math.min(trials, 10); r++) {
        const started = performance.now()
        await (handlers[name] as (payload: unknown) => Promise<unknown>)(payload())
        times.push(performance.now() - started)
        await engine.settled()
      }
      row.calls.push({ name: `${label} (\`${name}\`)`, times })
    }
    row.load[1] = loadavg()[0] as number
    return row
  } finally {
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const rows: Row[] = []
for (const n of sizes) rows.push(await benchSize(n))

console.log(
  `Reward → next pick through the engine beside one reward's worker round trip, k = 128 (from 160-dim vectors), ` +
    `${MARKS} marks logged first, ${trials} rewards each, ms: median (p95)\n`,
)
console.log(
  '| N | load average | mark → next auto-pick (engine) | mark → pick (worker round trip) | **next pick ÷ round trip** (≤ 1.25) |',
)
console.log('|---|---|---|---|---|')
for (const row of rows) {
  const pick = median(row.nextPick)
  const trip = median(row.roundTrip)
  console.log(
    `| ${row.n.toLocaleString('en')} | ${row.load[0].toFixed(1)} → ${row.load[1].toFixed(1)} | ` +
      `${ms(pick)} (${ms(percentile(row.nextPick, 0.95))}) | ${ms(trip)} (${ms(percentile(row.roundTrip, 0.95))}) | ` +
      `**${(pick / trip).toFixed(2)}×** |`,
  )
}
for (const row of rows) {
  console.log(`\nThe listener's other frequent calls at ${row.n.toLocaleString('en')} songs, ms\n`)
  console.log('| call | median | max |')
  console.log('|---|---|---|')
  for (const call of row.calls)
    console.log(`| ${call.name} | ${ms(median(call.times))} | ${ms(Math.max(...call.times))} |`)
}
const largest = rows[rows.length - 1]
if (largest) {
  report('engineCalls.nextPickOverRoundTrip', median(largest.nextPick) / median(largest.roundTrip))
}
