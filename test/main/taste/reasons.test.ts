// Reasons in a listener's words (issue 10, item 3): the songs that pushed a score up are found by
// an exact decomposition of the mean, the feature phrase is everyday words, and "a wild card" is
// said only when the exploration bonus changed the pick.
import { describe, expect, it } from 'vitest'
import { TasteLearner, TasteModel, type LearnerEvent } from '../../../src/main/taste/model'
import { TrainingLedger } from '../../../src/main/taste/training'
import { EXTRACTOR, FEATURES, type FeatureGroup } from '../../../src/main/analysis/feature-names'
import { everydayWords, featureWords } from '../../../src/main/taste/explain'
import { seededNormal, seededRandom } from './random'

const DAY = 86_400_000

/** Three clusters of 20 songs (ids 101…160) in 12 dimensions: 101–120 A, 121–140 B, 141–160 C. */
function clusteredLibrary(seed = 7): { trackIds: Int32Array; data: Float32Array; dim: number } {
  const dim = 12
  const normal = seededNormal(seed)
  const centres = [0, 1, 2].map(() => Array.from({ length: dim }, () => 4 * normal()))
  const data = new Float32Array(60 * dim)
  for (let i = 0; i < 60; i++) {
    const centre = centres[Math.floor(i / 20)] as number[]
    for (let d = 0; d < dim; d++) data[i * dim + d] = (centre[d] as number) + 0.5 * normal()
  }
  return { trackIds: Int32Array.from({ length: 60 }, (_, i) => 101 + i), data, dim }
}

function learnerFor(settings: { alpha?: number; forgettingWindow?: number | null } = {}) {
  const library = clusteredLibrary()
  const model = TasteModel.build('test', library.trackIds, library.data, library.dim, {
    pcaDims: 8,
    lambda: 1,
    alpha: settings.alpha ?? 1,
    forgettingWindow: settings.forgettingWindow ?? null,
  })
  return new TasteLearner(model, new TrainingLedger())
}

let nextId = 0
const base = { trackId: null, mark: null, reason: null, position: null, duration: null }
const mark = (trackId: number, value: LearnerEvent['mark']): LearnerEvent => ({
  ...base,
  id: ++nextId,
  ts: 1000,
  kind: 'mark',
  trackId,
  mark: value,
})
const playEnd = (trackId: number, position: number): LearnerEvent => ({
  ...base,
  id: ++nextId,
  ts: 1000,
  kind: 'play_end',
  trackId,
  position,
  duration: 200,
  reason: position >= 200 ? 'ended' : 'next',
})

const titleOf = (id: number): string => `Song ${String.fromCharCode(64 + ((id - 100) % 26))}`
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0)
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Array.from(a).reduce((s, v, i) => s + v * (b[i] as number), 0)

describe("the marked songs' shares of a song's score", () => {
  it('are w·r·(x·x₀)/(1 + 2w) for one loved song (a known answer), beyond the baseline', () => {
    const learner = learnerFor()
    learner.applyEvents([mark(101, 'love')])
    const x0 = learner.model.vectorOf(101)!
    for (const id of [102, 130, 155]) {
      const x = learner.model.vectorOf(id)!
      // One row (w = 2, r = 1) on a unit vector with the intercept: ‖x̃₀‖² = 2, so
      // A⁻¹x̃₀ = x̃₀ / (1 + 2w), the mean is w·r·(x·x₀ + 1) / (1 + 2w) and the baseline (x = 0)
      // w·r / (1 + 2w): the loved song's share beyond it is w·r·x·x₀ / (1 + 2w).
      const expected = (2 * 1 * dot(x, x0)) / (1 + 2 * 2)
      const shares = learner.model.songContributions(id, learner.rows())!
      expect([...shares.keys()]).toEqual([101])
      expect(shares.get(101)).toBeCloseTo(expected, 6)
      expect(learner.model.predict(id)!.mean).toBeCloseTo(expected + 2 / 5, 6)
      expect(learner.model.intercept()).toBeCloseTo(2 / 5, 6)
    }
  })

  it('add up to the mean minus the baseline over a mixed log of marks, plays and skips', () => {
    for (const window of [null, 12]) {
      const learner = learnerFor({ forgettingWindow: window })
      const random = seededRandom(window ?? 5)
      const marks = ['like', 'love', 'near_miss', 'not_for_me', 'none'] as const
      const events: LearnerEvent[] = []
      for (let e = 0; e < 80; e++) {
        const id = 101 + Math.floor(random() * 60)
        events.push(
          random() < 0.6
            ? mark(id, marks[Math.floor(random() * marks.length)]!)
            : playEnd(id, Math.floor(random() * 201)),
        )
      }
      learner.applyEvents(events)
      for (const id of [101, 117, 133, 160]) {
        const shares = learner.model.songContributions(id, learner.rows())!
        const baseline = learner.model.intercept()
        expect(sum(shares.values()) + baseline).toBeCloseTo(learner.model.predict(id)!.mean, 9)
        expect(sum(shares.values()) + baseline).toBeCloseTo(learner.model.score(id)!.mean, 6)
      }
    }
  })
})

describe('the reason line of a pick', () => {
  it('names the loved songs of its own cluster, and no song of another', () => {
    const learner = learnerFor({ alpha: 0.1 })
    learner.applyEvents([mark(101, 'love'), mark(102, 'love'), mark(150, 'not_for_me')])
    const picks = learner.recommend({ n: 5, now: 10 * DAY, replayWindowDays: 0, titleOf })
    for (const pick of picks) {
      expect(pick.trackId).toBeLessThanOrEqual(120)
      const close = pick.why.songs.filter((s) => s.relation === 'close')
      expect(close.map((s) => s.trackId).sort()).toEqual([101, 102])
      expect(close.every((s) => s.feeling === 'loved')).toBe(true)
      expect(pick.why.line).toMatch(/^Close to Song [AB] and Song [AB], which you loved\./)
      expect(pick.reasons).toEqual([pick.why.line])
      // The numbers are one click away, and add up.
      expect(pick.why.details.mean).toBeCloseTo(pick.mean, 9)
      expect(pick.why.details.songs.map((s) => s.trackId)).toContain(101)
    }
  })

  it('says "far from" a turned-down song unlike the pick', () => {
    const learner = learnerFor({ alpha: 0 })
    learner.applyEvents([mark(141, 'not_for_me'), mark(142, 'not_for_me'), mark(143, 'not_for_me')])
    const picks = learner.recommend({ n: 3, now: 0, replayWindowDays: 0, titleOf })
    for (const pick of picks) {
      expect(pick.trackId).toBeLessThanOrEqual(140)
      expect(pick.why.songs[0]?.relation).toBe('far')
      expect(pick.why.line).toMatch(/^Far from .*, which you turned down\./)
    }
  })

  it('has no digits, feature ids or symbols besides its titles, and at most one feature phrase', () => {
    const learner = learnerFor()
    learner.applyEvents([mark(101, 'love'), mark(125, 'like'), playEnd(150, 20), playEnd(140, 200)])
    for (const pick of learner.recommend({ n: 30, now: 0, replayWindowDays: 0, titleOf })) {
      let words = pick.why.line
      for (const song of pick.why.songs) words = words.split(song.title).join('')
      expect(words, pick.why.line).not.toMatch(/[0-9_+=%()[\]{}<>:/\\#*&^$@~|·±]/)
      expect(words, pick.why.line).not.toMatch(/mfcc|chroma|spectral|dimension|score|bonus/i)
      expect(words.match(/than most of your songs|It has /g)?.length ?? 0).toBeLessThanOrEqual(1)
    }
  })

  it('says "a wild card" only when, without the bonus, another song would hold its place', () => {
    for (const alpha of [0, 0.3, 3]) {
      const learner = learnerFor({ alpha })
      learner.applyEvents([mark(101, 'love'), mark(130, 'like'), mark(150, 'not_for_me')])
      const eligible = Array.from({ length: 60 }, (_, i) => 101 + i).filter(
        (id) => id !== 150 && learner.isEligible(id, 0, 0),
      )
      const means = eligible.map((id) => learner.model.score(id)!.mean)
      const picks = learner.recommend({ n: 10, now: 0, replayWindowDays: 0, titleOf })
      let wild = 0
      picks.forEach((pick, place) => {
        const better = means.filter((m) => m > pick.mean + 1e-12).length
        const changed = better > place
        expect(pick.why.wildCard !== null, `α ${alpha}, place ${place}`).toBe(changed)
        if (changed) {
          wild++
          expect(pick.why.line).toMatch(/A wild card, as the model hasn't heard songs like this/)
        } else expect(pick.why.line).not.toMatch(/wild card/)
      })
      if (alpha === 0) expect(wild).toBe(0)
      if (alpha === 3) expect(wild).toBeGreaterThan(0)
    }
  })

  it('before anything is learned, says the pick spreads across the library', () => {
    const picks = learnerFor().recommend({ n: 2, now: 0, replayWindowDays: 0, titleOf })
    for (const pick of picks) {
      expect(pick.why.coldStart).toBe(true)
      expect(pick.why.line).toBe(
        'A first pick spread across your library, since nothing is learned yet.',
      )
    }
  })
})

describe('everyday words for features', () => {
  it('exist for both directions of every built-in feature, in plain lower-case words', () => {
    for (let d = 0; d < FEATURES.length; d++) {
      for (const z of [1.5, -1.5]) {
        const words = everydayWords(EXTRACTOR.space, d, z)!
        expect(words.phrase, FEATURES[d]!.name).toMatch(/^[a-z][a-z -]*[a-z]$/)
      }
    }
    expect(everydayWords('import:mine', 3, 1)).toBeNull()
  })

  it('say what a listener hears for the features they recognise', () => {
    const words = (name: string, z: number, group: FeatureGroup = 'rhythm'): string =>
      featureWords({ name, group }, z).phrase
    expect(words('onset_rate', -1)).toBe('calmer')
    expect(words('onset_strength_mean', 1)).toBe('more percussive')
    expect(words('spectral_centroid_mean', 1, 'spectral')).toBe('brighter')
    expect(words('key_mode', -1, 'harmony')).toBe('a minor-key feel')
    expect(words('tempo_bpm', 1)).toBe('faster')
  })

  it('come from the name for features a newer extractor adds, with a plain fallback', () => {
    const words = (name: string, z: number, group: FeatureGroup) => featureWords({ name, group }, z)
    expect(words('mfcc4_delta_mean', 1, 'timbre').phrase).toBe('more restless')
    expect(words('onset_rate_std', 1, 'rhythm').phrase).toBe('a more varied rhythm')
    expect(words('spectral_flux_std', -1, 'spectral').phrase).toBe('a steadier sound')
    expect(words('tempo_stability', 1, 'rhythm').phrase).toBe('a steadier beat')
    expect(words('loudness_range_db', 1, 'loudness').phrase).toBe('more dynamic')
    expect(words('chroma_rotated_3', 1, 'harmony').phrase).toBe('a minor-key feel')
    expect(words('spectral_contrast_2_mean', 1, 'spectral').phrase).toBe('crisper')
    const unknown = words('mfcc7_mean', 1, 'timbre')
    expect(unknown).toEqual({ phrase: 'a familiar tone colour', specific: false })
  })
})
