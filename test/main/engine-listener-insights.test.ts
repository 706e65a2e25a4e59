// The Insights tab for listeners on a real SQLite file and an analysed fixture soundtrack, through
// the engine's handler and the real taste worker: what became of the auto-picks, the songs the
// listener will probably love (never the marked or often played ones, ranked by predicted score
// alone) and the taste as the marked songs the model scores highest.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Engine } from '../../src/main/engine'
import { periodStart } from '../../src/main/insights/picks-kept'
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

async function analysedEngine(): Promise<{ engine: Engine; ids: number[] }> {
  const engine = new Engine({ dbPath: join(temp.dir, `library-${++count}.db`) })
  engines.push(engine)
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
    const engine = new Engine({ dbPath: join(temp.dir, `library-${++count}.db`) })
    engines.push(engine)
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
