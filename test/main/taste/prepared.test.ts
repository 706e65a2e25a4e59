// Prepared songs around LinUCB (its math: linucb.test.ts): the model keeps the songs whose rewards
// are likely next by id and hands LinUCB their vectors whenever its vectors or its LinUCB change;
// the worker's core keeps them across rebuilds and does the exact refresh before preparing.
// Real SQLite files for the core, synthetic vectors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TasteLearner, TasteModel, type LearnerEvent } from '../../../src/main/taste/model'
import { TrainingLedger } from '../../../src/main/taste/training'
import type { EventLog } from '../../../src/main/db/events'
import { seededNormal } from './random'
import { coreLibrary, type CoreLibrary } from './core-library'

const SETTINGS = { pcaDims: 6, lambda: 1, alpha: 1, forgettingWindow: null }
const DIM = 10

/** `n` songs (ids from `first`) in DIM dimensions. */
function songs(
  n: number,
  first: number,
  seed: number,
): { trackIds: Int32Array; data: Float32Array } {
  const normal = seededNormal(seed)
  return {
    trackIds: Int32Array.from({ length: n }, (_, i) => first + i),
    data: Float32Array.from({ length: n * DIM }, () => 3 * normal()),
  }
}

function learnerOf(n = 60): TasteLearner {
  const { trackIds, data } = songs(n, 1, 7)
  return new TasteLearner(
    TasteModel.build('test', trackIds, data, DIM, SETTINGS),
    new TrainingLedger(),
  )
}

let eventId = 0
function mark(trackId: number, value: LearnerEvent['mark']): LearnerEvent {
  const id = ++eventId
  return {
    id,
    ts: 1000 + id,
    kind: 'mark',
    trackId,
    mark: value,
    reason: null,
    position: null,
    duration: null,
  }
}

/** Runs idle time to its end (bounded: a loop that never ends fails the test). */
function prepareAll(model: TasteModel): number {
  let slices = 0
  while (model.prepareStep()) if (++slices > 1000) throw new Error('preparing never ends')
  return slices
}

const meansOf = (model: TasteModel): number[] =>
  [...model.trackIds].map((id) => model.score(id)?.mean ?? NaN)

describe('TasteModel.prepareSongs', () => {
  it('resolves songs to their vectors, skips unknown ones, and learns a reward on one in O(N)', () => {
    const prepared = learnerOf()
    const plain = learnerOf()
    const start = [mark(3, 'love'), mark(40, 'not_for_me'), mark(12, 'like')]
    prepared.applyEvents(start)
    plain.applyEvents(start)
    meansOf(prepared.model) // the candidates are set at the first query
    meansOf(plain.model)

    prepared.model.prepareSongs([5, 999_999, 30])
    expect(prepared.model.prepared).toEqual([5, 999_999, 30])
    expect(prepared.model.preparedStats()).toMatchObject({ ready: 0, wanted: 2 })
    expect(prepared.model.preparePending).toBe(true)
    expect(prepareAll(prepared.model)).toBeGreaterThan(0)
    expect(prepared.model.preparePending).toBe(false)
    expect(prepared.model.preparedStats()).toMatchObject({ ready: 2, wanted: 2 })

    const before = prepared.model.preparedStats()
    const reward = mark(5, 'like')
    prepared.applyEvents([reward])
    plain.applyEvents([reward])
    const after = prepared.model.preparedStats()
    expect(after.fastChanges).toBe(before.fastChanges + 1)
    expect(after.passChanges).toBe(before.passChanges)
    // The same model within rounding: every song's mean, and the ranking.
    const a = meansOf(prepared.model)
    const b = meansOf(plain.model)
    a.forEach((mean, i) => expect(mean).toBeCloseTo(b[i] as number, 9))
    const top = (l: TasteLearner): number[] =>
      l.rank({ n: 10, now: 0, replayWindowDays: 3 }).map((s) => s.trackId)
    expect(top(prepared)).toEqual(top(plain))

    // A reward on a song not prepared takes the full pass.
    prepared.applyEvents([mark(50, 'like')])
    expect(prepared.model.preparedStats().passChanges).toBe(after.passChanges + 1)
  })

  it('keeps its songs across an extension and a re-fit, and takes up a song once it has a vector', () => {
    const learner = learnerOf(60)
    learner.applyEvents([mark(3, 'love'), mark(40, 'not_for_me')])
    meansOf(learner.model)
    learner.model.prepareSongs([5, 61])
    expect(learner.model.preparedStats().wanted).toBe(1) // song 61 has no vector yet

    // One song more: an extension (below 11/10 of the songs fitted on); song 61 is prepared now.
    const one = songs(1, 61, 8)
    expect(learner.addSongs(one.trackIds, one.data)).toBe('extended')
    meansOf(learner.model)
    expect(learner.model.prepared).toEqual([5, 61])
    expect(learner.model.preparedStats().wanted).toBe(2)
    prepareAll(learner.model)
    expect(learner.model.preparedStats().ready).toBe(2)

    // Ten more: the PCA is re-fitted, every vector moves and the LinUCB is new.
    const more = songs(10, 62, 9)
    expect(learner.addSongs(more.trackIds, more.data)).toBe('refitted')
    meansOf(learner.model)
    expect(learner.model.preparedStats()).toMatchObject({ ready: 0, wanted: 2 })
    prepareAll(learner.model)
    expect(learner.model.preparedStats()).toMatchObject({ ready: 2, wanted: 2, fastChanges: 0 })
    learner.applyEvents([mark(61, 'like')])
    expect(learner.model.preparedStats().fastChanges).toBe(1)
  })
})

describe('TasteCore and prepared songs', () => {
  let library: CoreLibrary
  let events: EventLog

  beforeEach(() => {
    library = coreLibrary({ space: 'import:prepared', songs: 300, dim: DIM })
    events = library.events
  })

  afterEach(() => library.cleanUp())

  const workerCore = (): ReturnType<CoreLibrary['workerCore']> => library.workerCore()

  it('keeps the songs to prepare across a rebuild and a restore', () => {
    const { core, close } = workerCore()
    try {
      core.prepareSongs([100, 200, 300])
      expect(core.idleWork()).toMatchObject({ pending: false, wanted: 0 }) // no model yet
      core.rank({ n: 5 }) // builds the model and sets its candidates
      expect(core.idleWork()).toMatchObject({ pending: true, ready: 0, wanted: 3 })
      while (core.idleStep());
      expect(core.idleWork()).toMatchObject({ pending: false, ready: 3, wanted: 3 })

      core.rebuild({ force: true }) // a new model, replayed from the log
      core.rank({ n: 5 })
      expect(core.idleWork()).toMatchObject({ pending: true, ready: 0, wanted: 3 })
      while (core.idleStep());
      const before = core.idleWork()
      events.mark(200, 'like')
      core.update()
      expect(core.idleWork()).toMatchObject({
        fastChanges: before.fastChanges + 1,
        passChanges: before.passChanges,
      })

      core.prepareSongs([100])
      expect(core.idleWork()).toMatchObject({ wanted: 1 })
    } finally {
      close()
    }
  })

  it('runs the exact refresh before any preparing, one slice per call', () => {
    const { core, close } = workerCore()
    try {
      core.rank({ n: 5 })
      // 600 changes with the candidates set: the exact refresh (every 500) falls due.
      for (let i = 0; i < 300; i++) events.mark(41 + (i % 50), i % 2 === 0 ? 'like' : 'love')
      expect(core.update().refresh.pending).toBe(true)
      core.prepareSongs([100, 200])
      const order: ('refresh' | 'prepare')[] = []
      let slices = 0
      for (;;) {
        const refreshing = core.update().refresh.pending
        const ready = core.idleWork().ready
        const more = core.idleStep()
        slices++
        const readyNow = core.idleWork().ready
        if (refreshing) expect(readyNow).toBe(0) // nothing is prepared while a refresh is due
        order.push(refreshing ? 'refresh' : 'prepare')
        expect(readyNow - ready).toBeLessThanOrEqual(1) // one slice per call
        if (!more) break
        expect(slices).toBeLessThan(10_000)
      }
      expect(order[0]).toBe('refresh')
      expect(order.lastIndexOf('refresh')).toBeLessThan(order.indexOf('prepare'))
      expect(core.update().refresh.pending).toBe(false)
      expect(core.idleWork()).toMatchObject({ pending: false, ready: 2, wanted: 2 })
    } finally {
      close()
    }
  })
})
