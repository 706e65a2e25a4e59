import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase } from '../../../src/main/db/database'
import { MetricStore, NonFiniteMetricError } from '../../../src/main/db/metric-store'
import { tempDir } from '../../helpers/temp'

let cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.forEach((c) => c())
  cleanups = []
})
function open() {
  const t = tempDir()
  const db = openDatabase(join(t.dir, 'library.db'))
  cleanups.push(() => {
    db.close()
    t.cleanup()
  })
  return db
}
function countRows(db: ReturnType<typeof openDatabase>): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM metrics`).get() as { n: number }).n
}

describe('MetricStore', () => {
  it('creates runs with their parameters and lists them back', () => {
    const db = open()
    const store = new MetricStore(db, { now: () => 1234 })
    const run = store.createRun({
      name: 'alpha 0.5',
      kind: 'linucb',
      params: { alpha: 0.5, lambda: 1 },
      space: 'attune-dsp-v1',
      preprocessing: { pcaDims: 32 },
    })
    store.createRun({ name: 'baseline', kind: 'random' })
    expect(store.listRuns()).toEqual([
      {
        id: run.id,
        name: 'alpha 0.5',
        kind: 'linucb',
        params: { alpha: 0.5, lambda: 1 },
        space: 'attune-dsp-v1',
        preprocessing: { pcaDims: 32 },
        createdAt: 1234,
      },
      expect.objectContaining({ name: 'baseline', kind: 'random', params: {}, space: null }),
    ])
    expect(store.run(run.id)?.info.name).toBe('alpha 0.5')
    expect(store.run(999)).toBeNull()
  })

  it('buffers logged metrics and writes them on flush, then reads a series in step order', () => {
    const db = open()
    let clock = 100
    const store = new MetricStore(db, { now: () => clock++ })
    const run = store.createRun({ name: 'live', kind: 'live' })
    run.log(2, { reward: 0.3, squaredError: 0.01 })
    run.log(1, { reward: -1 })
    expect(countRows(db)).toBe(0)
    expect(store.pending).toBe(3)
    store.flush()
    expect(countRows(db)).toBe(3)
    expect(store.series(run.id, 'reward')).toEqual([
      { step: 1, value: -1, ts: 102 },
      { step: 2, value: 0.3, ts: 101 },
    ])
    expect(store.metricNames(run.id)).toEqual(['reward', 'squaredError'])
    store.close()
  })

  it('replaces a metric logged twice for the same step', () => {
    const db = open()
    const store = new MetricStore(db)
    const run = store.createRun({ name: 'r', kind: 'live' })
    run.log(1, { reward: 1 })
    store.flush()
    run.log(1, { reward: -1 })
    run.log(1, { reward: 0.3 })
    expect(store.series(run.id, 'reward').map((p) => p.value)).toEqual([0.3])
    store.close()
  })

  it('keeps one run’s metrics apart from another’s', () => {
    const db = open()
    const store = new MetricStore(db)
    const a = store.createRun({ name: 'a', kind: 'linucb' })
    const b = store.createRun({ name: 'b', kind: 'random' })
    a.log(1, { reward: 1 })
    b.log(1, { reward: -1 })
    expect(store.series(a.id, 'reward').map((p) => p.value)).toEqual([1])
    expect(store.series(b.id, 'reward').map((p) => p.value)).toEqual([-1])
    store.close()
  })

  it('writes a full batch as soon as it reaches the batch size', () => {
    const db = open()
    const store = new MetricStore(db, { batchSize: 10 })
    const run = store.createRun({ name: 'r', kind: 'live' })
    for (let step = 0; step < 4; step++) run.log(step, { a: step, b: step })
    expect(countRows(db)).toBe(0)
    for (let step = 4; step < 5; step++) run.log(step, { a: step, b: step })
    expect(countRows(db)).toBe(10)
    expect(store.pending).toBe(0)
    store.close()
  })

  it('writes a partial batch after the flush interval without being asked', async () => {
    const db = open()
    const store = new MetricStore(db, { flushIntervalMs: 20 })
    const run = store.createRun({ name: 'r', kind: 'live' })
    run.log(1, { reward: 1 })
    expect(countRows(db)).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(countRows(db)).toBe(1)
    store.close()
  })

  it('writes what is left on close and refuses new metrics afterwards', () => {
    const db = open()
    const store = new MetricStore(db)
    const run = store.createRun({ name: 'r', kind: 'live' })
    run.log(1, { reward: 1 })
    store.close()
    expect(countRows(db)).toBe(1)
    expect(() => run.log(2, { reward: 1 })).toThrow(/closed/)
  })

  it('rejects a NaN or infinite value with a clear error and records nothing of that step', () => {
    const db = open()
    const store = new MetricStore(db)
    const run = store.createRun({ name: 'r', kind: 'live' })
    expect(() => run.log(1, { reward: 1, squaredError: Number.NaN })).toThrow(NonFiniteMetricError)
    expect(() => run.log(1, { reward: Number.POSITIVE_INFINITY })).toThrow(
      /"reward" at step 1 is Infinity, not a finite number/,
    )
    expect(() => run.log(1.5, { reward: 1 })).toThrow(/whole number/)
    expect(store.pending).toBe(0)
    store.close()
    expect(countRows(db)).toBe(0)
  })

  it('logging 10,000 steps of 4 metrics writes them in batches of 500, with no statement prepared per step', () => {
    const db = open()
    const store = new MetricStore(db)
    const run = store.createRun({ name: 'r', kind: 'live' })
    // Operation counts, not a stopwatch: how often the buffer was written (it empties) and how
    // many statements were prepared while logging (the inserts are prepared once, up front).
    let prepared = 0
    const prepare = db.prepare.bind(db)
    db.prepare = (source: string) => {
      prepared++
      return prepare(source)
    }
    let batches = 0
    let largest = 0
    try {
      for (let step = 0; step < 10_000; step++) {
        const before = store.pending
        run.log(step, { reward: 0.3, squaredError: 0.1, meanSquaredError: 0.2, accuracy: 0.7 })
        if (store.pending < before + 4) batches++
        largest = Math.max(largest, store.pending)
      }
      store.flush()
    } finally {
      delete (db as { prepare?: unknown }).prepare // the prototype's method again
    }
    expect(countRows(db)).toBe(40_000)
    expect(batches).toBe(40_000 / 500)
    expect(largest).toBeLessThan(500)
    expect(prepared).toBe(0)
    store.close()
  })
})
