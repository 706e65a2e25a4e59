import { describe, expect, it } from 'vitest'
import { TasteLearner, TasteModel, type LearnerEvent } from '../../../src/main/taste/model'
import { TrainingLedger } from '../../../src/main/taste/training'
import { EXTRACTOR, FEATURE_INDEX } from '../../../src/main/analysis/feature-names'
import { describeDimension } from '../../../src/main/taste/explain'
import { seededNormal, seededRandom } from './random'

const SETTINGS = { pcaDims: 8, lambda: 1, alpha: 1, forgettingWindow: null }
const DAY = 86_400_000

/** Three clusters of 20 songs (ids 101…160) in 12 dimensions: 101–120 A, 121–140 B, 141–160 C. */
function clusteredLibrary(seed = 7): { trackIds: Int32Array; data: Float32Array; dim: number } {
  const dim = 12
  const normal = seededNormal(seed)
  const centres = [0, 1, 2].map(() => Array.from({ length: dim }, () => 4 * normal()))
  const n = 60
  const data = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const centre = centres[Math.floor(i / 20)] as number[]
    for (let d = 0; d < dim; d++) data[i * dim + d] = (centre[d] as number) + 0.5 * normal()
  }
  return { trackIds: Int32Array.from({ length: n }, (_, i) => 101 + i), data, dim }
}

const clusterOf = (id: number): string => 'ABC'[Math.floor((id - 101) / 20)] as string

function learnerFor(library = clusteredLibrary()): TasteLearner {
  const model = TasteModel.build('test', library.trackIds, library.data, library.dim, SETTINGS)
  return new TasteLearner(model, new TrainingLedger())
}

function eventsFactory() {
  let id = 0
  const base = { trackId: null, mark: null, reason: null, position: null, duration: null }
  return {
    mark: (trackId: number, mark: LearnerEvent['mark'], ts = 1000): LearnerEvent => ({
      ...base,
      id: ++id,
      ts,
      kind: 'mark',
      trackId,
      mark,
    }),
    imported: (trackId: number, mark: LearnerEvent['mark']): LearnerEvent => ({
      ...base,
      id: ++id,
      ts: 1000,
      kind: 'label_import',
      trackId,
      mark,
    }),
    start: (trackId: number, ts: number): LearnerEvent => ({
      ...base,
      id: ++id,
      ts,
      kind: 'play_start',
      trackId,
      position: 0,
      duration: 200,
    }),
    end: (trackId: number, position: number, reason: 'next' | 'ended', ts: number) => ({
      ...base,
      id: ++id,
      ts,
      kind: 'play_end',
      trackId,
      position,
      duration: 200,
      reason,
    }),
  }
}

/** A mixed log of marks, imports, remarks, plays and skips over the clustered library. */
function mixedLog(count: number, seed = 3): LearnerEvent[] {
  const random = seededRandom(seed)
  const make = eventsFactory()
  const marks = ['like', 'love', 'near_miss', 'not_for_me', 'none'] as const
  const events: LearnerEvent[] = []
  for (let e = 0; e < count; e++) {
    const track = 101 + Math.floor(random() * 60)
    const roll = random()
    const ts = 1000 + e * 60_000
    if (roll < 0.35) events.push(make.mark(track, marks[Math.floor(random() * 5)] ?? 'like', ts))
    else if (roll < 0.45) events.push(make.imported(track, random() < 0.5 ? 'like' : 'not_for_me'))
    else {
      events.push(make.start(track, ts))
      const position = random() * 200
      events.push(make.end(track, position, random() < 0.3 ? 'ended' : 'next', ts + 1000))
    }
  }
  return events
}

function meansOf(learner: TasteLearner): number[] {
  return [...learner.model.trackIds].map((id) => learner.model.score(id)?.mean ?? NaN)
}

describe('TasteModel', () => {
  it('raises every song like a liked one above every song unlike it', () => {
    const learner = learnerFor()
    const make = eventsFactory()
    learner.applyEvents([make.mark(105, 'like')])
    const means = new Map(
      [...learner.model.trackIds].map((id) => [id, learner.model.score(id)?.mean ?? NaN]),
    )
    const lowestA = Math.min(
      ...[...means].filter(([id]) => clusterOf(id) === 'A').map(([, m]) => m),
    )
    const highestOther = Math.max(
      ...[...means].filter(([id]) => clusterOf(id) !== 'A').map(([, m]) => m),
    )
    expect(lowestA).toBeGreaterThan(highestOther)
    // With little exploration the whole top ten comes from the liked song's cluster.
    learner.model.setAlpha(0.1)
    const top = learner.recommend({ n: 10, now: 0, replayWindowDays: 3 })
    expect(top.every((r) => clusterOf(r.trackId) === 'A')).toBe(true)
  })

  it('ranks without words, and words only the songs asked for, as recommend would', () => {
    const learner = learnerFor()
    const make = eventsFactory()
    learner.applyEvents([make.mark(105, 'love'), make.mark(212, 'not_for_me')])
    const options = { n: 8, now: 0, replayWindowDays: 3, titleOf: (id: number) => `Song ${id}` }
    const worded = learner.recommend(options)
    const ranked = learner.rank(options)
    expect(ranked).toEqual(worded.map(({ why: _why, reasons: _reasons, ...scores }) => scores))
    expect(ranked[0]).not.toHaveProperty('why')
    // Two of them worded: the same scores and, when recommend saw no wild card, the same reason.
    const asked = [worded[1]!.trackId, worded[4]!.trackId, 999_999]
    const words = learner.word(asked, options.titleOf)
    expect(words.map((w) => w.trackId)).toEqual(asked.slice(0, 2)) // an unknown song is left out
    for (const w of words) {
      const same = worded.find((r) => r.trackId === w.trackId)!
      expect([w.mean, w.bonus, w.ucb]).toEqual([same.mean, same.bonus, same.ucb])
      if (same.why.wildCard === null) expect(w.why).toEqual(same.why)
    }
  })

  it("keeps the listener's own not-for-me songs out of the recommendations", () => {
    const learner = learnerFor()
    const make = eventsFactory()
    learner.applyEvents([make.mark(105, 'love'), make.mark(106, 'not_for_me')])
    const ids = learner.recommend({ n: 60, now: 0, replayWindowDays: 3 }).map((r) => r.trackId)
    expect(ids).not.toContain(106)
    expect(ids).toHaveLength(59)
  })

  it('still recommends a song with an imported "not" (a weak negative)', () => {
    const learner = learnerFor()
    const make = eventsFactory()
    learner.applyEvents([make.mark(105, 'love'), make.imported(106, 'not_for_me')])
    const ids = learner.recommend({ n: 60, now: 0, replayWindowDays: 3 }).map((r) => r.trackId)
    expect(ids).toContain(106)
  })

  it('leaves out songs started within the replay window and songs already queued', () => {
    const learner = learnerFor()
    const make = eventsFactory()
    const now = 10 * DAY
    learner.applyEvents([make.start(110, now - DAY), make.start(111, now - 5 * DAY)])
    const ids = learner
      .recommend({ n: 60, now, replayWindowDays: 3, exclude: [112] })
      .map((r) => r.trackId)
    expect(ids).not.toContain(110)
    expect(ids).not.toContain(112)
    expect(ids).toContain(111)
    // The pure model also takes a mask over its tracks.
    const mask = new Uint8Array(60)
    mask[5] = mask[30] = 1
    const masked = learner.model.recommend({ n: 10, eligible: mask }).map((r) => r.trackId)
    expect(masked.sort()).toEqual([106, 131])
  })

  it('spreads the first picks across the library before anything is learned', () => {
    const learner = learnerFor()
    const first = learner.recommend({ n: 3, now: 0, replayWindowDays: 3 })
    expect(new Set(first.map((r) => clusterOf(r.trackId)))).toEqual(new Set(['A', 'B', 'C']))
    expect(first[0]?.reasons[0]).toMatch(/spread across your library/)
    // Deterministic: the same picks every time.
    expect(learnerFor().recommend({ n: 3, now: 0, replayWindowDays: 3 })).toEqual(first)
  })

  it('gives the same model when a log is replayed at once or applied event by event', () => {
    const events = mixedLog(400)
    const replayed = learnerFor()
    replayed.applyEvents(events)
    const incremental = learnerFor()
    for (const event of events) {
      incremental.applyEvents([event])
      if (event.id % 37 === 0) incremental.recommend({ n: 5, now: 0, replayWindowDays: 0 })
    }
    const a = meansOf(replayed)
    const b = meansOf(incremental)
    a.forEach((mean, i) => expect(mean).toBeCloseTo(b[i] as number, 9))
    expect(replayed.rows()).toEqual(incremental.rows())
  })

  it('restores from a snapshot and, with the events after it, equals the full replay (1e-9)', () => {
    const library = clusteredLibrary()
    const events = mixedLog(500, 11)
    const full = learnerFor(library)
    full.applyEvents(events)

    const early = learnerFor(library)
    early.applyEvents(events.slice(0, 230))
    const saved = JSON.parse(JSON.stringify(early.toJSON())) as ReturnType<TasteLearner['toJSON']>
    const restored = TasteLearner.fromJSON(saved, library)
    expect(restored.lastEventId).toBe(early.lastEventId)
    restored.applyEvents(events) // the first 230 are skipped by id
    const a = meansOf(full)
    const b = meansOf(restored)
    for (let i = 0; i < a.length; i++)
      expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-9)
    expect(restored.rows()).toEqual(full.rows())
    expect(restored.recommend({ n: 10, now: 0, replayWindowDays: 0 })).toEqual(
      full.recommend({ n: 10, now: 0, replayWindowDays: 0 }),
    )
  })

  it('round-trips the model through JSON', () => {
    const library = clusteredLibrary()
    const learner = learnerFor(library)
    learner.applyEvents(mixedLog(100, 5))
    const json = JSON.parse(JSON.stringify(learner.model.toJSON())) as ReturnType<
      TasteModel['toJSON']
    >
    const restored = TasteModel.fromJSON(json, library.trackIds, library.data, library.dim)
    expect(restored.toJSON()).toEqual(learner.model.toJSON())
    expect(restored.score(120)?.ucb).toBeCloseTo(learner.model.score(120)?.ucb ?? NaN, 12)
  })

  it('explains a score by contributions that add up to the mean minus the intercept', () => {
    const learner = learnerFor()
    const make = eventsFactory()
    learner.applyEvents([make.mark(105, 'love'), make.mark(145, 'not_for_me')])
    const explanation = learner.explain(105)
    expect(explanation?.rows.map((r) => r.kind)).toEqual(['label'])
    expect(explanation?.features).toHaveLength(3)
    expect(explanation?.features[0]?.phrase).toMatch(/^(high|low) on dimension \d+$/)
    const parts = learner.model.contributionsOf(105) ?? new Float64Array()
    const sum = parts.reduce((s, v) => s + v, 0)
    // The model stores its vectors as float32: the sum agrees to float32 precision.
    expect(sum + learner.model.intercept()).toBeCloseTo(explanation?.mean ?? NaN, 5)
  })

  it('names the built-in features in plain words', () => {
    expect(describeDimension(EXTRACTOR.space, FEATURE_INDEX.get('tempo_bpm') as number, 1.5)).toBe(
      'faster tempo (tempo bpm)',
    )
    expect(
      describeDimension(EXTRACTOR.space, FEATURE_INDEX.get('spectral_centroid_mean') as number, 2),
    ).toBe('brighter than most (spectral centroid)')
    expect(describeDimension(EXTRACTOR.space, FEATURE_INDEX.get('onset_rate') as number, -1)).toBe(
      'calmer than most (onset rate)',
    )
    expect(describeDimension('import:clap', 16, -1)).toBe('low on dimension 17')

    const dim = EXTRACTOR.dims
    const normal = seededNormal(2)
    const n = 30
    const data = Float32Array.from({ length: n * dim }, normal)
    const trackIds = Int32Array.from({ length: n }, (_, i) => i + 1)
    const learner = new TasteLearner(
      TasteModel.build(EXTRACTOR.space, trackIds, data, dim, SETTINGS),
    )
    learner.applyEvents([eventsFactory().mark(4, 'love')])
    const features = learner.explain(4)?.features ?? []
    expect(features).toHaveLength(3)
    for (const feature of features) {
      expect(FEATURE_INDEX.get(feature.name)).toBe(feature.dimension)
      expect(feature.phrase).toMatch(/\(.+\)$/)
    }
  })
})
