// The live model's online metrics on a real SQLite file (no worker): one run per parameter set,
// one step per reward, continued exactly across restarts and never logging an event twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { MetricStore } from '../../../src/main/db/metric-store'
import {
  LiveMetricsLog,
  OnlineMetrics,
  type LiveModel,
  type LiveObservation,
} from '../../../src/main/taste/online'
import { tempDir } from '../../helpers/temp'
import { seededNormal } from './random'

let temp: ReturnType<typeof tempDir>
let db: Database

beforeEach(() => {
  temp = tempDir()
  db = openDatabase(join(temp.dir, 'attune.db'))
})
afterEach(() => {
  db.close()
  temp.cleanup()
})

const MODEL: LiveModel = {
  key: 'attune-dsp-v1:aaaa',
  spec: { name: 'live · attune-dsp-v1 · k=32 · λ=1', kind: 'live', params: { lambda: 1 } },
}

/** `count` observations for events 10, 20, 30, … with rewards of both signs and some zeros. */
function observations(count: number, seed = 1): LiveObservation[] {
  const normal = seededNormal(seed)
  const rewards = [1, -1, 0.3, -0.3, 0]
  return Array.from({ length: count }, (_, i) => ({
    eventId: 10 * (i + 1),
    ts: 1_700_000_000_000 + i * 60_000,
    mean: 0.5 * normal(),
    bonus: Math.abs(normal()),
    reward: rewards[i % rewards.length] as number,
    modelNorm: Math.abs(normal()),
  }))
}

const seriesOf = (store: MetricStore, runId: number, name: string) =>
  store.series(runId, name).map((p) => [p.step, p.value])

describe('LiveMetricsLog', () => {
  it('logs one step per reward with the event’s time, under the live metric names', () => {
    const store = new MetricStore(db)
    const log = new LiveMetricsLog(store)
    const batch = observations(3)
    expect(log.record(MODEL, batch)).toEqual({ logged: 3, rejected: 0 })
    const run = log.runOf(MODEL.key)
    expect(run).toMatchObject({ kind: 'live', name: MODEL.spec.name })
    expect(run?.params).toEqual({ lambda: 1, modelKey: MODEL.key })
    const id = run?.id as number
    expect(store.metricNames(id)).toEqual([
      'bonus',
      'cumulative_reward',
      'event_id',
      'mean_bonus',
      'model_norm',
      'mse',
      'reward',
      'sign_accuracy',
      'squared_error',
    ])
    expect(store.series(id, 'reward').map((p) => [p.step, p.value, p.ts])).toEqual(
      batch.map((o, i) => [i + 1, o.reward, o.ts]),
    )
    expect(seriesOf(store, id, 'event_id')).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ])
    const first = batch[0] as LiveObservation
    expect(store.series(id, 'squared_error')[0]?.value).toBeCloseTo((first.mean - 1) ** 2, 12)
  })

  it('continues a run after a restart exactly as if it had never stopped', () => {
    const all = observations(23)
    const straight = new OnlineMetrics()
    const expected = all.map((o) => straight.observe(o))

    const store = new MetricStore(db)
    new LiveMetricsLog(store).record(MODEL, all.slice(0, 9))
    store.close()

    // A new process: a new store and log on the same file; the replay repeats events 1–9.
    const reopened = new MetricStore(db)
    const log = new LiveMetricsLog(reopened)
    expect(log.record(MODEL, all.slice(4))).toEqual({ logged: 14, rejected: 0 })
    const id = log.runOf(MODEL.key)?.id as number
    expect(reopened.listRuns()).toHaveLength(1)
    const mse = reopened.series(id, 'mse')
    expect(mse.map((p) => p.step)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1))
    const check = (name: string, pick: (m: (typeof expected)[number]) => number | undefined) =>
      reopened.series(id, name).forEach((point, i) => {
        expect(point.value).toBeCloseTo(pick(expected[i] as (typeof expected)[number]) ?? NaN, 12)
      })
    check('mse', (m) => m.meanSquaredError)
    check('cumulative_reward', (m) => m.cumulativeReward)
    check('mean_bonus', (m) => m.meanBonus)
    // Rewards of 0 have no sign, so the resumed run must count the signed ones, not all steps.
    const signed = expected.filter((m) => m.signAccuracy !== undefined)
    expect(reopened.series(id, 'sign_accuracy').map((p) => p.value)).toEqual(
      signed.map((m) => m.signAccuracy),
    )
  })

  it('never logs an event twice, and a new parameter set gets a run of its own', () => {
    const store = new MetricStore(db)
    const log = new LiveMetricsLog(store)
    const all = observations(6)
    log.record(MODEL, all)
    expect(log.record(MODEL, all)).toEqual({ logged: 0, rejected: 0 })
    const other: LiveModel = { key: 'attune-dsp-v1:bbbb', spec: { ...MODEL.spec, name: 'k=8' } }
    expect(log.record(other, all)).toEqual({ logged: 6, rejected: 0 })
    const runs = store.listRuns()
    expect(runs.map((r) => r.params.modelKey)).toEqual([MODEL.key, other.key])
    for (const run of runs) expect(store.series(run.id, 'reward')).toHaveLength(6)
  })

  it('leaves out a non-finite prediction without stopping the run', () => {
    const store = new MetricStore(db)
    const log = new LiveMetricsLog(store)
    const [a, b, c] = observations(3)
    const result = log.record(
      MODEL,
      [a, { ...(b as LiveObservation), mean: NaN }, c].map((o) => o as LiveObservation),
    )
    expect(result).toEqual({ logged: 2, rejected: 1 })
    const id = log.runOf(MODEL.key)?.id as number
    expect(seriesOf(store, id, 'event_id')).toEqual([
      [1, 10],
      [2, 30],
    ])
  })
})

describe('OnlineMetrics.resume', () => {
  it('refuses running sums that cannot be', () => {
    const sums = {
      count: 2,
      squaredErrorSum: 1,
      signedCount: 3,
      signCorrectCount: 1,
      rewardSum: 0,
      bonusSum: 0,
    }
    expect(() => OnlineMetrics.resume(sums)).toThrow(/cannot continue a run/)
    expect(OnlineMetrics.resume({ ...sums, signedCount: 2 }).state).toEqual({
      ...sums,
      signedCount: 2,
    })
  })
})
