// The live model's metrics and Insights through the real taste worker, on a real SQLite file
// analysed from the shared fixtures (two soundtracks, to keep the analysis short).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { scanLibrary, TrackStore } from '../../../src/main/library'
import { analyseLibrary } from '../../../src/main/analysis/pool'
import { EXTRACTOR, FEATURE_INDEX } from '../../../src/main/analysis/feature-names'
import { EventLog } from '../../../src/main/db/events'
import { MetricStore } from '../../../src/main/db/metric-store'
import { LIVE_METRICS } from '../../../src/main/taste/online'
import { SettingsStore } from '../../../src/main/db/settings'
import { TasteService } from '../../../src/main/taste/service'
import { NOTHING_LEARNED } from '../../../src/main/taste/insights'
import type { Mark } from '../../../src/shared/domain'
import { FIXTURES, tempDir } from '../../helpers/temp'

const SOUNDTRACKS = ['singularity', 'drascula']
const DAY = 86_400_000

let temp: ReturnType<typeof tempDir>
let analysedPath: string
let copies = 0
let db: Database | null = null
let services: TasteService[] = []

beforeAll(async () => {
  temp = tempDir()
  analysedPath = join(temp.dir, 'analysed.db')
  const analysed = openDatabase(analysedPath)
  try {
    await scanLibrary(analysed, {
      roots: SOUNDTRACKS.map((s) => join(FIXTURES, 'music', s)),
      coversDir: join(temp.dir, 'covers'),
    })
    const summary = await analyseLibrary(analysed, { workers: 2 })
    expect(summary.failed).toEqual([])
  } finally {
    analysed.close()
  }
}, 300_000)

afterEach(async () => {
  for (const service of services) await service.close()
  services = []
  db?.close()
  db = null
})

afterAll(() => temp?.cleanup())

/** A fresh copy of the analysed library, so each test starts with no events. */
function freshLibrary(): { db: Database; dbPath: string; trackIds: number[] } {
  const dbPath = join(temp.dir, `library-${++copies}.db`)
  const source = openDatabase(analysedPath)
  source.exec(`VACUUM INTO '${dbPath.replace(/'/g, "''")}'`)
  source.close()
  db = openDatabase(dbPath)
  const trackIds = new TrackStore(db)
    .listTracks({ limit: 1000 })
    .map((t) => t.id)
    .sort((a, b) => a - b)
  return { db, dbPath, trackIds }
}

async function start(db: Database, dbPath: string, metrics: MetricStore): Promise<TasteService> {
  const service = await TasteService.start({ db, dbPath, metrics })
  services.push(service)
  return service
}

async function stop(service: TasteService): Promise<void> {
  services = services.filter((s) => s !== service)
  await service.close()
}

describe('the live model logs online metrics at every reward (real worker, real library)', () => {
  it('logs one point per reward, continues its steps after a restart and never logs twice', async () => {
    const { db, dbPath, trackIds } = freshLibrary()
    const [a, b, c, d, e] = trackIds as [number, number, number, number, number]
    const events = new EventLog(db)
    const t0 = Date.UTC(2026, 10, 1)
    const firstStore = new MetricStore(db)
    let service = await start(db, dbPath, firstStore)
    expect(service.liveRun()).toBeNull()

    const rewarded = [events.mark(a, 'love', 'test', t0), events.mark(b, 'like', 'test', t0 + 1000)]
    events.playStart(c, { ts: t0 + 2000 }) // no reward
    events.mark(b, 'none', 'test', t0 + 3000) // removes a row, adds none: no reward
    rewarded.push(events.mark(c, 'not_for_me', 'test', t0 + 4000))
    expect((await service.update()).appliedEvents).toBe(5)

    const run = service.liveRun()
    expect(run).toMatchObject({
      kind: 'live',
      space: EXTRACTOR.space,
      name: `live · ${EXTRACTOR.space} · k=64 · λ=1`,
      preprocessing: { pcaDims: 64 },
    })
    const runId = run?.id as number
    expect(run?.params).toMatchObject({ modelKey: service.status.key, lambda: 1, pcaDims: 64 })
    const reward = firstStore.series(runId, 'reward')
    expect(reward.map((p) => [p.step, p.value, p.ts])).toEqual([
      [1, 1, t0],
      [2, 1, t0 + 1000],
      [3, -1, t0 + 4000],
    ])
    expect(firstStore.series(runId, 'event_id').map((p) => p.value)).toEqual(
      rewarded.map((r) => r.id),
    )
    for (const name of LIVE_METRICS) {
      const points = firstStore.series(runId, name)
      expect(points.length, name).toBe(3)
      for (const point of points) expect(Number.isFinite(point.value), name).toBe(true)
    }
    // Nothing learned before the first reward: its prediction was 0, so its error is 1.
    expect(firstStore.series(runId, 'squared_error')[0]?.value).toBe(1)
    expect(firstStore.series(runId, 'cumulative_reward').map((p) => p.value)).toEqual([1, 2, 1])
    const before = firstStore.series(runId, 'mse')
    await stop(service)

    // Restart: the snapshot saved at the first start predates every mark, so the worker replays
    // and observes all three again; they must not be logged twice.
    events.mark(d, 'like', 'test', t0 + 5000)
    const playId = events.playStart(e, { ts: t0 + 6000 })
    events.playEnd(e, playId, { position: 10, duration: 200, reason: 'next', ts: t0 + 7000 })
    const secondStore = new MetricStore(db)
    service = await start(db, dbPath, secondStore)
    expect(service.liveRun()?.id).toBe(runId)
    const steps = secondStore.series(runId, 'event_id')
    expect(steps.map((p) => p.step)).toEqual([1, 2, 3, 4, 5])
    expect(new Set(steps.map((p) => p.value)).size).toBe(5)
    expect(secondStore.series(runId, 'reward').map((p) => p.value)).toEqual([1, 1, -1, 1, -1])
    expect(secondStore.series(runId, 'mse').slice(0, 3)).toEqual(before)

    // A forced replay of the same parameter set logs nothing new either.
    await service.rebuild({ force: true })
    expect(secondStore.series(runId, 'reward')).toHaveLength(5)

    // New settings: the whole history is replayed into a run of their own.
    new SettingsStore(db).update('model', { pcaDims: 8 })
    await service.update()
    const runs = secondStore.listRuns().filter((r) => r.kind === 'live')
    expect(runs).toHaveLength(2)
    const newRun = service.liveRun()
    expect(newRun?.id).not.toBe(runId)
    expect(newRun?.name).toBe(`live · ${EXTRACTOR.space} · k=8 · λ=1`)
    expect(secondStore.series(newRun?.id as number, 'reward').map((p) => p.value)).toEqual([
      1, 1, -1, 1, -1,
    ])
  }, 60_000)

  it('hands a long replay over in pages and logs every reward of it in order', async () => {
    const { db, dbPath, trackIds } = freshLibrary()
    const events = new EventLog(db)
    const marks = ['like', 'not_for_me', 'near_miss'] as const
    const total = 6001 // several pages of 1,000
    db.transaction(() => {
      for (let i = 0; i < total; i++) {
        events.mark(trackIds[i % trackIds.length] as number, marks[i % 3] as Mark, 'test', i)
      }
    })()
    const store = new MetricStore(db)
    const service = await start(db, dbPath, store)
    const eventIds = store.series(service.liveRun()?.id as number, 'event_id')
    expect(eventIds).toHaveLength(total)
    eventIds.forEach((point, i) => {
      expect(point.step).toBe(i + 1)
      if (i > 0) expect(point.value).toBeGreaterThan((eventIds[i - 1] as { value: number }).value)
    })
  }, 60_000)

  it('writes buffered metrics on close when the service owns its metric store', async () => {
    const { db, dbPath, trackIds } = freshLibrary()
    const service = await TasteService.start({ db, dbPath })
    services.push(service)
    new EventLog(db).mark(trackIds[0] as number, 'like')
    await service.update()
    const count = () =>
      (db.prepare(`SELECT COUNT(*) AS n FROM metrics WHERE name = 'reward'`).get() as { n: number })
        .n
    await stop(service)
    expect(count()).toBe(1)
  }, 60_000)
})

describe('TasteService.insights (real worker, real library)', () => {
  it('reports the library, the labels and what the model learned, consistently', async () => {
    const { db, dbPath, trackIds } = freshLibrary()
    const service = await start(db, dbPath, new MetricStore(db))
    const cold = await service.insights()
    expect(cold).toMatchObject({ rows: 0, labels: [], learned: [], summary: NOTHING_LEARNED })

    const events = new EventLog(db)
    const [first, second, third, fourth] = trackIds as [number, number, number, number]
    events.mark(first, 'love')
    events.mark(second, 'like')
    events.importLabel(third, 'like', 'liked.m3u')
    events.mark(fourth, 'not_for_me')
    const playId = events.playStart(second, { ts: Date.now() - DAY })
    events.playEnd(second, playId, { position: 200, duration: 200, reason: 'ended' })

    const insights = await service.insights()
    const tracks = trackIds.length
    expect(insights).toMatchObject({
      space: EXTRACTOR.space,
      tracks,
      inputDims: EXTRACTOR.dims,
      k: Math.min(32, tracks - 1),
      rows: 5,
    })
    expect(insights.predicted.reduce((s, bin) => s + bin.count, 0)).toBe(tracks)
    expect(insights.bonus.reduce((s, bin) => s + bin.count, 0)).toBe(tracks)
    expect(insights.predicted.length).toBeGreaterThan(1)
    const shares = insights.explainedVariance
    expect(shares).toHaveLength(insights.k)
    shares.slice(1).forEach((share, i) => expect(share).toBeLessThanOrEqual(shares[i] as number))
    expect(shares.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(1 + 1e-9)
    expect(insights.labels).toEqual([
      { mark: 'like', origin: 'mark', count: 1 },
      { mark: 'love', origin: 'mark', count: 1 },
      { mark: 'not_for_me', origin: 'mark', count: 1 },
      { mark: 'like', origin: 'import', count: 1 },
    ])
    expect(insights.learned.length).toBeGreaterThan(0)
    expect(insights.learned.length).toBeLessThanOrEqual(8)
    for (const feature of insights.learned) expect(FEATURE_INDEX.has(feature.name)).toBe(true)
    const strengths = insights.learned.map((f) => Math.abs(f.weight))
    strengths.slice(1).forEach((s, i) => expect(s).toBeLessThanOrEqual(strengths[i] as number))
    expect(insights.summary).toMatch(/^You lean towards .+ tracks?\b.*\.$/)
  }, 60_000)
})
