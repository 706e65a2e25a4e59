import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MetricRepository } from '../../../src/main/db/metrics'
import { tempLibrary, type TempLibrary } from '../media/library-rows'

let library: TempLibrary
let rows: MetricRepository
beforeEach(() => {
  library = tempLibrary()
  rows = new MetricRepository(library.db)
})
afterEach(() => library.cleanUp())

const spec = {
  name: 'live',
  kind: 'linucb',
  params: { alpha: 0.5, tags: ['a', 'b'] },
  space: 'attune-dsp-v1',
  preprocessing: null,
  createdAt: 1000,
}

describe('metric repository', () => {
  it('adds runs and reads them back, their JSON parsed, oldest first', () => {
    const first = rows.createRun(spec)
    const second = rows.createRun({ ...spec, name: 'replay', preprocessing: { pca: 16 } })
    expect(second.id).toBeGreaterThan(first.id)
    expect(rows.run(first.id)).toEqual(first)
    expect(rows.run(999)).toBeNull()
    expect(rows.listRuns()).toEqual([first, second])
    expect(rows.listRuns()[1]?.preprocessing).toEqual({ pca: 16 })
  })

  it('writes columnar points; the same step and name again replaces the value', () => {
    const run = rows.createRun(spec).id
    rows.insertPoints([run, 2, 0.5, 20, run, 1, -1, 10, run, 1, 0, 11], ['reward', 'reward', 'hit'])
    rows.insertPoints([run, 2, 0.25, 21], ['reward'])
    expect(rows.series(run, 'reward')).toEqual([
      { step: 1, value: -1, ts: 10 },
      { step: 2, value: 0.25, ts: 21 },
    ])
    expect(rows.metricNames(run)).toEqual(['hit', 'reward'])
    expect(rows.lastStep(run, 'reward')).toBe(2)
    expect(rows.lastStep(run, 'none')).toBeNull()
    expect(rows.pointAt(run, 'hit', 1)).toEqual({ value: 0, ts: 11 })
    expect(rows.pointAt(run, 'hit', 2)).toBeNull()
    expect(rows.countNonZero(run, 'reward')).toBe(2)
    expect(rows.countNonZero(run, 'hit')).toBe(0)
  })

  it('writes a batch all or nothing: a point of a run that does not exist leaves none', () => {
    const run = rows.createRun(spec).id
    expect(() =>
      rows.insertPoints([run, 1, 1, 10, run + 100, 1, 1, 10], ['reward', 'reward']),
    ).toThrow(/FOREIGN KEY/)
    expect(rows.series(run, 'reward')).toEqual([])
  })

  it('lists a run’s metric names by seeking the key, not scanning every point', () => {
    const run = rows.createRun(spec).id
    const plan = (
      library.db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT (SELECT MIN(name) FROM metrics WHERE run_id = ? AND name > ?)`,
        )
        .all(run, 'a') as { detail: string }[]
    ).map((p) => p.detail)
    expect(plan.join(' | ')).toMatch(/SEARCH metrics USING (COVERING )?(INDEX|PRIMARY KEY)/)
    expect(rows.metricNames(run)).toEqual([])
  })
})
