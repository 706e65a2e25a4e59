// The Insights calls on a real SQLite file: runs written by another connection (as `attune eval`
// writes them) and by the engine's own buffered store, and the taste model's insights on an
// analysed fixture soundtrack with the live run logged through the real worker; and the tab for
// listeners: what became of the auto-picks, the songs the listener will probably love (never the
// marked or often played ones, ranked by predicted score alone) and the taste as the marked songs
// the model scores highest.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Engine } from '../../src/main/engine'
import { openDatabase } from '../../src/main/db/database'
import { MetricStore } from '../../src/main/db/metric-store'
import { periodStart } from '../../src/main/insights/picks-kept'
import { ContractError, parseArgs } from '../../src/shared/contract'
import { FIXTURES, tempDir } from '../helpers/temp'

let temp: ReturnType<typeof tempDir>
let engines: Engine[] = []
let count = 0

beforeAll(() => {
  temp = tempDir()
})

afterEach(async () => {
  for (const engine of engines) await engine.close()
  engines = []
})

afterAll(() => temp.cleanup())

function freshEngine(): { engine: Engine; dbPath: string } {
  const dbPath = join(temp.dir, `library-${++count}.db`)
  const engine = new Engine({ dbPath })
  engines.push(engine)
  return { engine, dbPath }
}

/** Two runs with different curves, written through a second connection and flushed. */
function writeTwoRuns(dbPath: string, now: () => number): { rising: number; flat: number } {
  const db = openDatabase(dbPath)
  try {
    const store = new MetricStore(db, { now })
    const rising = store.createRun({
      name: 'replay linucb',
      kind: 'linucb',
      space: 'attune-dsp-v1',
    })
    const flat = store.createRun({ name: 'replay random', kind: 'random', params: { seed: 1 } })
    for (let step = 1; step <= 5; step++) {
      rising.log(step, { cumulativeReward: step * 0.5, hitRate: 0.6 })
      flat.log(step, { cumulativeReward: 0.1 })
    }
    store.close()
    return { rising: rising.id, flat: flat.id }
  } finally {
    db.close()
  }
}

describe('listRuns and getMetricSeries', () => {
  it('lists no runs on a new library', async () => {
    const { engine } = freshEngine()
    expect(await engine.handlers.listRuns(undefined)).toEqual([])
  })

  it('lists runs newest first, with their kind, space, time and metric names', async () => {
    const { engine, dbPath } = freshEngine()
    let clock = 1_000
    const { rising, flat } = writeTwoRuns(dbPath, () => (clock += 1_000))
    const runs = await engine.handlers.listRuns(undefined)
    expect(runs.map((r) => r.id)).toEqual([flat, rising])
    expect(runs[0]).toEqual({
      id: flat,
      name: 'replay random',
      kind: 'random',
      params: { seed: 1 },
      space: null,
      createdAt: 3_000,
      metrics: ['cumulativeReward'],
    })
    expect(runs[1]).toMatchObject({
      name: 'replay linucb',
      kind: 'linucb',
      space: 'attune-dsp-v1',
      createdAt: 2_000,
      metrics: ['cumulativeReward', 'hitRate'],
    })
  })

  it('answers one series per run in step order with times, and none for a missing metric', async () => {
    const { engine, dbPath } = freshEngine()
    let clock = 10_000
    const { rising, flat } = writeTwoRuns(dbPath, () => (clock += 1))
    const series = await engine.handlers.getMetricSeries(
      parseArgs('getMetricSeries', { runIds: [rising, flat], name: 'cumulativeReward' }),
    )
    expect(series.map((s) => s.runId)).toEqual([rising, flat])
    expect(series[0]?.points.map((p) => [p.step, p.value])).toEqual([
      [1, 0.5],
      [2, 1],
      [3, 1.5],
      [4, 2],
      [5, 2.5],
    ])
    expect(series[1]?.points.map((p) => p.value)).toEqual([0.1, 0.1, 0.1, 0.1, 0.1])
    // Each point carries the time it was logged at.
    const times = series[0]?.points.map((p) => p.time) ?? []
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] as number))).toBe(true)
    expect(times[0]).toBeGreaterThan(10_000)

    const missing = await engine.handlers.getMetricSeries({ runIds: [flat], name: 'hitRate' })
    expect(missing).toEqual([{ runId: flat, name: 'hitRate', points: [] }])
  })

  it('sees rows the engine has logged but not yet written to the file', async () => {
    const { engine } = freshEngine()
    const run = engine.metrics.createRun({ name: 'live', kind: 'live' })
    run.log(1, { mse: 0.25 })
    run.log(2, { mse: 0.2 })
    expect(engine.metrics.pending).toBe(2)
    const [listed] = await engine.handlers.listRuns(undefined)
    expect(listed?.metrics).toEqual(['mse'])
    const [series] = await engine.handlers.getMetricSeries({ runIds: [run.id], name: 'mse' })
    expect(series?.points.map((p) => p.value)).toEqual([0.25, 0.2])
  })

  it('takes 1 to 12 runs and a metric name, and refuses anything else', () => {
    expect(() => parseArgs('getMetricSeries', { runIds: [], name: 'mse' })).toThrow(ContractError)
    const thirteen = Array.from({ length: 13 }, (_, i) => i + 1)
    expect(() => parseArgs('getMetricSeries', { runIds: thirteen, name: 'mse' })).toThrow(
      ContractError,
    )
    expect(() => parseArgs('getMetricSeries', { runIds: [1], name: '' })).toThrow(ContractError)
    expect(() => parseArgs('getMetricSeries', { runIds: [0], name: 'mse' })).toThrow(ContractError)
    expect(parseArgs('getMetricSeries', { runIds: [1, 2], name: 'mse' })).toEqual({
      runIds: [1, 2],
      name: 'mse',
    })
  })
})

describe('getInsights', () => {
  it('answers null while no song is analysed', async () => {
    const { engine } = freshEngine()
    await engine.handlers.addRoot({ path: join(FIXTURES, 'music', 'muldjord') })
    await engine.scan()
    expect(await engine.handlers.getInsights(undefined)).toBeNull()
  })

  it('describes the model on an analysed soundtrack, and the live run follows every mark', async () => {
    const { engine } = freshEngine()
    await engine.handlers.addRoot({ path: join(FIXTURES, 'music', 'singularity') })
    await engine.scan()
    const analysis = await engine.analyse()
    expect(analysis.failed).toEqual([])
    const ids = engine.tracks
      .listTracks({ limit: 100 })
      .map((t) => t.id)
      .sort((a, b) => a - b)
    expect(ids.length).toBe(7)

    const before = await engine.handlers.getInsights(undefined)
    expect(before).not.toBeNull()
    expect(before?.tracks).toBe(7)
    expect(before?.rows).toBe(0)
    expect(before?.labels).toEqual([])
    // Every analysed song falls in one bin of each histogram.
    expect(before?.predicted.reduce((sum, b) => sum + b.count, 0)).toBe(7)
    expect(before?.bonus.reduce((sum, b) => sum + b.count, 0)).toBe(7)

    const [a, b, c] = ids as [number, number, number]
    await engine.handlers.setMark({ trackId: a, mark: 'love' })
    await engine.handlers.setMark({ trackId: b, mark: 'like' })
    await engine.handlers.setMark({ trackId: c, mark: 'not_for_me' })

    // The live run is read after the running model has learned from the three marks.
    const runs = await engine.handlers.listRuns(undefined)
    const live = runs.find((r) => r.kind === 'live')
    expect(live).toBeDefined()
    expect(live?.metrics).toContain('cumulative_reward')
    // event_id is the live run's bookkeeping, not something to chart.
    expect(live?.metrics).not.toContain('event_id')
    const [rewards] = await engine.handlers.getMetricSeries({
      runIds: [live!.id],
      name: 'reward',
    })
    expect(rewards?.points.map((p) => p.step)).toEqual([1, 2, 3])
    expect(rewards?.points.map((p) => p.value)).toEqual([1, 1, -1])

    const after = await engine.handlers.getInsights(undefined)
    expect(after?.rows).toBe(3)
    expect(after?.labels).toEqual(
      expect.arrayContaining([
        { mark: 'love', origin: 'mark', count: 1 },
        { mark: 'like', origin: 'mark', count: 1 },
        { mark: 'not_for_me', origin: 'mark', count: 1 },
      ]),
    )
    expect(after?.learned.length).toBeGreaterThan(0)
    expect(after?.summary.length).toBeGreaterThan(0)
  }, 180_000)
})

async function analysedEngine(): Promise<{ engine: Engine; ids: number[] }> {
  const { engine } = freshEngine()
  await engine.handlers.addRoot({ path: join(FIXTURES, 'music', 'singularity') })
  await engine.scan()
  expect((await engine.analyse()).failed).toEqual([])
  const ids = engine.tracks
    .listTracks({ limit: 100 })
    .map((t) => t.id)
    .sort((a, b) => a - b)
  expect(ids).toHaveLength(7)
  return { engine, ids }
}

describe('getListenerInsights', () => {
  it('says nothing is analysed on a library without vectors', async () => {
    const { engine } = freshEngine()
    const found = await engine.handlers.getListenerInsights(undefined)
    expect(found).toEqual({
      picksKept: { period: 'day', buckets: [], undecided: 0 },
      probablyLove: [],
      likeSongsLike: [],
      analysed: false,
      learned: false,
    })
  })

  it('counts today’s auto-picks as kept, skipped, turned down or undecided', async () => {
    const { engine } = await analysedEngine()
    const fresh = await engine.handlers.getListenerInsights(undefined)
    expect(fresh).toMatchObject({ analysed: true, learned: false, probablyLove: [] })

    const picked: number[] = []
    for (let i = 0; i < 4; i++) {
      const { entry } = await engine.handlers.autoQueueNext({ exclude: picked })
      expect(entry).not.toBeNull()
      picked.push(entry!.trackId)
    }
    const [kept, turnedDown, skipped] = picked as [number, number, number, number]
    const duration = (id: number) => engine.tracks.getTrack(id)?.duration ?? 100
    const play = async (trackId: number, reason: 'ended' | 'next', fraction: number) => {
      const { playId } = await engine.handlers.playStarted({ trackId })
      const d = duration(trackId)
      await engine.handlers.playEnded({
        trackId,
        playId,
        position: d * fraction,
        duration: d,
        reason,
      })
    }
    await play(kept, 'ended', 1)
    await engine.handlers.setMark({ trackId: turnedDown, mark: 'not_for_me' })
    await play(skipped, 'next', 0.05)

    const found = await engine.handlers.getListenerInsights(undefined)
    expect(found.picksKept).toEqual({
      period: 'day',
      buckets: [{ start: periodStart(Date.now(), 'day'), kept: 1, skipped: 1, turnedDown: 1 }],
      undecided: 1,
    })
    expect(found.learned).toBe(true)
  }, 180_000)

  it('lists unmarked, rarely played songs by predicted score, and the liked songs as the taste', async () => {
    const { engine, ids } = await analysedEngine()
    const [loved, liked, often, once, ...rest] = ids as [
      number,
      number,
      number,
      number,
      ...number[],
    ]
    await engine.handlers.setMark({ trackId: loved, mark: 'love' })
    await engine.handlers.setMark({ trackId: liked, mark: 'like' })
    // Played three times, and once, ten days ago (outside the replay window of three days).
    const longAgo = Date.now() - 10 * 86_400_000
    for (const [trackId, times] of [
      [often, 3],
      [once, 1],
    ] as const) {
      for (let i = 0; i < times; i++) {
        const ts = longAgo + i * 1000
        const playId = engine.events.playStart(trackId, { ts })
        engine.events.playEnd(trackId, playId, {
          position: 100,
          duration: 100,
          reason: 'ended',
          ts,
        })
      }
    }

    const found = await engine.handlers.getListenerInsights(undefined)
    expect(found.learned).toBe(true)
    const love = found.probablyLove.map((s) => s.track?.id)
    expect(new Set(love)).toEqual(new Set([once, ...rest]))
    // By predicted score alone: no exploration bonus in the ranking, best first.
    for (const s of found.probablyLove) expect(s.ucb).toBeCloseTo(s.mean, 12)
    const means = found.probablyLove.map((s) => s.mean)
    expect(means).toEqual([...means].sort((a, b) => b - a))
    for (const s of found.probablyLove) expect(s.why.line.length).toBeGreaterThan(0)

    expect(found.likeSongsLike.map((e) => [e.track.id, e.mark]).sort()).toEqual(
      [
        [loved, 'love'],
        [liked, 'like'],
      ].sort(),
    )

    // The one-off ranking leaves the exploration setting in force for everything else.
    const next = await engine.handlers.recommend({ n: 3 })
    expect(next.some((s) => s.ucb > s.mean + 1e-9)).toBe(true)
  }, 180_000)
})
