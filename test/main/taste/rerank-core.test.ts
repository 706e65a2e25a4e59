// The re-rank of the waiting auto-picks in the taste worker's one round trip (TasteCore.rerank):
// the worker learns, ranks, reads the artists itself, draws with the engine's seed and words the
// songs drawn and kept. Real SQLite files, synthetic vectors stored through the embedding store,
// events through the event log; the draw is checked against planReplacements run on its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/main/db/database'
import { EventLog } from '../../../src/main/db/events'
import { PickHistory } from '../../../src/main/db/pick-history'
import type { TasteCore, RerankRequest } from '../../../src/main/taste/core'
import { chooseAutoPick, planReplacements } from '../../../src/shared/auto-queue'
import { seededRandom } from '../../../src/shared/random'
import { coreLibrary, type CoreLibrary } from './core-library'

const SPACE = 'import:rerank'
const DIM = 10
const SONGS = 300
/** Ten songs an artist; every 7th song names only its album artist. */
const artistOf = (trackId: number): string => `Artist ${Math.ceil(trackId / 10)}`

let library: CoreLibrary
let db: Database

beforeEach(() => {
  library = coreLibrary({ space: SPACE, songs: SONGS, dim: DIM, artistOf })
  db = library.db
})

afterEach(() => library.cleanUp())

const workerCore = (): ReturnType<CoreLibrary['workerCore']> => library.workerCore()

/** Two picks waiting: the model's best song (kept) and a song it turned down (replaced). */
function request(core: TasteCore, seed: number, artistSpacing = 3): RerankRequest {
  core.rebuild()
  const [best] = core.rank({ n: 1 })
  return {
    n: 20,
    exclude: [],
    waiting: [
      { trackId: best!.trackId, ucb: best!.ucb },
      { trackId: 3, ucb: null },
    ],
    policy: { temperature: 0.5, topN: 8, artistSpacing },
    seed,
  }
}

describe('TasteCore.rerank (the re-rank in one round trip)', () => {
  it('draws reproducibly with the seed it is given, and another seed can draw otherwise', () => {
    const { core, close } = workerCore()
    try {
      const first = core.rerank(request(core, 11))
      const again = core.rerank(request(core, 11))
      expect(again).toEqual(first)
      // The kept pick stays, the song turned down is replaced by a draw from the short-list.
      expect(first.plan.map((p) => p.index)).toEqual([1])
      const drawn = new Set(
        Array.from(
          { length: 20 },
          (_, seed) => core.rerank(request(core, seed)).plan[0]?.choice.pick.trackId,
        ),
      )
      expect(drawn.size).toBeGreaterThan(1)
    } finally {
      close()
    }
  })

  it('is the plan of planReplacements on the ranked songs, their artists and the latest picks’ artists', () => {
    // The latest auto-picks: songs of the artists the model likes best, so spacing blocks some.
    const setup = workerCore()
    const ranked = (setup.core.rebuild(), setup.core.rank({ n: 30 }))
    setup.close()
    const events = new EventLog(db)
    const recentSongs = ranked.slice(0, 3).map((r) => r.trackId)
    for (const trackId of recentSongs) events.autoPick(trackId, { candidates: [] })
    const { core, close } = workerCore()
    try {
      for (const seed of [1, 2, 3, 4, 5]) {
        const asked = request(core, seed)
        const answer = core.rerank(asked)
        // Every candidate's artist as the library says it (the album artist when no artist).
        for (const c of answer.candidates) expect(c.artist).toBe(artistOf(c.trackId))
        const recent = new PickHistory(db).recentAutoPickArtists(3)
        expect(recent).toEqual(recentSongs.map(artistOf))
        const expected = planReplacements(
          asked.waiting,
          answer.candidates,
          asked.policy,
          recent,
          seededRandom(seed),
        )
        expect(answer.plan).toEqual(expected)
        // Spacing had songs to keep out: the model's best songs are of the latest picks' artists.
        expect(answer.candidates.slice(0, 3).map((c) => c.artist)).toEqual(recent)
        for (const { choice } of answer.plan) {
          expect(recent).not.toContain(choice.pick.artist)
          expect(choice.spacingApplied).toBe(3)
        }
        // Worded: the songs drawn and the pick kept, nothing else.
        expect(answer.words.map((w) => w.trackId).sort((a, b) => a - b)).toEqual(
          [...answer.plan.map((p) => p.choice.pick.trackId), asked.waiting[0]!.trackId].sort(
            (a, b) => a - b,
          ),
        )
        for (const word of answer.words) expect(word.why.line).not.toBe('')
      }
    } finally {
      close()
    }
  })

  it('learns the events logged since its last request before it ranks', () => {
    const { core, close } = workerCore()
    try {
      const asked = request(core, 1)
      const kept = asked.waiting[0]!.trackId
      expect(core.rerank(asked).plan.map((p) => p.index)).toEqual([1])
      new EventLog(db).mark(kept, 'not_for_me')
      const after = core.rerank(asked)
      // The pick kept a moment ago is turned down now: both waiting picks are replaced.
      expect(after.plan.map((p) => p.index)).toEqual([0, 1])
      expect(after.candidates.map((c) => c.trackId)).not.toContain(kept)
    } finally {
      close()
    }
  })

  it('draws the next pick with the engine’s number, as the policy draws on the same ranking, and words only it', () => {
    const events = new EventLog(db)
    for (const trackId of [41, 52, 63]) events.autoPick(trackId, { candidates: [] })
    const { core, close } = workerCore()
    try {
      core.rebuild()
      const policy = { temperature: 0.5, topN: 8, artistSpacing: 2 }
      const recent = new PickHistory(db).recentAutoPickArtists(2)
      for (const draw of [0, 0.3, 0.7, 0.999]) {
        const answer = core.pick({ n: 20, exclude: [], policy, draw })
        const same = chooseAutoPick(answer.candidates, policy, recent, () => draw)
        expect(answer.choice!.pick.trackId).toBe(same!.pick.trackId)
        expect(answer.choice!.probability).toBe(same!.probability)
        // Spacing: not an artist of the two latest auto-picks.
        expect(recent).toHaveLength(2)
        expect(recent).not.toContain(answer.choice!.pick.artist)
        expect(answer.words.map((w) => w.trackId)).toEqual([answer.choice!.pick.trackId])
        expect(answer.words[0]!.why.line).not.toBe('')
      }
      // Everything excluded: nothing drawn, nothing worded.
      const everything = Array.from({ length: SONGS }, (_, i) => i + 1)
      expect(core.pick({ n: 20, exclude: everything, policy, draw: 0.5 })).toMatchObject({
        choice: null,
        words: [],
      })
    } finally {
      close()
    }
  })
})
