// The auto-queue through the engine: a real temp database, a real taste worker, fake vectors.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../src/main/engine'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { DEFAULT_SETTINGS } from '../../../src/shared/settings'
import { tempDir } from '../../helpers/temp'
import { seededNormal } from '../taste/random'

const SPACE = 'import:test'
const DAY = 86_400_000
let temp: ReturnType<typeof tempDir>
let engine: Engine

/** 24 songs in two clusters: ids 1–12 (artists A1–A4) and 13–24 (artists B1–B4). */
function seedLibrary(): void {
  const insert = engine.db.prepare(
    `INSERT INTO tracks (path, duration, added_at, artist, title) VALUES (?, 200, 1, ?, ?)`,
  )
  const normal = seededNormal(11)
  const centres = [0, 1].map(() => Array.from({ length: 8 }, () => 3 * normal()))
  const results = []
  for (let i = 0; i < 24; i++) {
    const cluster = i < 12 ? 0 : 1
    const artist = `${cluster === 0 ? 'A' : 'B'}${(i % 4) + 1}`
    const trackId = Number(insert.run(`/music/${i}.ogg`, artist, `Song ${i + 1}`).lastInsertRowid)
    const vector = Float32Array.from(centres[cluster]!, (c) => c + 0.4 * normal())
    results.push({
      job: { trackId, path: `/music/${i}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector,
    })
  }
  new EmbeddingStore(engine.db).saveMany(SPACE, null, results)
  engine.settings.update('model', { space: SPACE, pcaDims: 4 })
}

beforeEach(() => {
  temp = tempDir()
  engine = new Engine({ dbPath: join(temp.dir, 'attune.db'), autoQueueSeed: 5 })
})

afterEach(async () => {
  await engine.close()
  temp.cleanup()
})

describe('autoQueueNext', () => {
  it('says in plain words when no song is analysed yet', async () => {
    engine.db.prepare(`INSERT INTO tracks (path, duration, added_at) VALUES ('/a.ogg', 1, 1)`).run()
    const result = await engine.handlers.autoQueueNext({})
    expect(result.entry).toBeNull()
    expect(result.message).toMatch(/No song is analysed yet/)
  })

  it('logs every pick with its short-list and probability, and never picks a not-for-me song', async () => {
    seedLibrary()
    for (const id of [1, 2, 3, 4, 5]) engine.events.mark(id, 'love', 'test')
    engine.events.mark(6, 'not_for_me', 'test')
    for (const id of [13, 14]) engine.events.mark(id, 'not_for_me', 'test')
    engine.settings.update('exploration', { temperature: 0.5, topN: 5 })

    const queued: number[] = []
    for (let i = 0; i < 10; i++) {
      const { entry, message } = await engine.handlers.autoQueueNext({ exclude: queued })
      expect(message).toBeNull()
      expect(entry).not.toBeNull()
      expect(entry!.source).toBe('auto')
      expect([6, 13, 14]).not.toContain(entry!.trackId)
      expect(queued).not.toContain(entry!.trackId)
      expect(entry!.reason.probability).toBeGreaterThan(0)
      expect(entry!.reason.probability).toBeLessThanOrEqual(1)
      expect(entry!.reason.reasons.length).toBeGreaterThan(0)
      expect(entry!.track?.id).toBe(entry!.trackId)
      queued.push(entry!.trackId)
    }

    const picks = engine.events.list({ kinds: ['auto_pick'] })
    expect(picks.map((p) => p.trackId)).toEqual(queued)
    for (const pick of picks) {
      const data = pick.data as {
        candidates: { trackId: number; probability: number; ucb: number }[]
        probability: number
        temperature: number
        alpha: number
        mean: number
        bonus: number
      }
      expect(data.temperature).toBe(0.5)
      expect(data.alpha).toBe(DEFAULT_SETTINGS.exploration.alpha)
      expect(data.candidates.length).toBeGreaterThan(0)
      expect(data.candidates.reduce((a, c) => a + c.probability, 0)).toBeCloseTo(1, 9)
      const own = data.candidates.find((c) => c.trackId === pick.trackId)
      expect(own?.probability).toBe(data.probability)
      for (const c of data.candidates) expect([6, 13, 14]).not.toContain(c.trackId)
    }
  })

  it('never picks a song the saved queue holds, even when the caller did not say so', async () => {
    seedLibrary()
    for (const id of [1, 2, 3]) engine.events.mark(id, 'love', 'test')
    engine.settings.update('exploration', { temperature: 0, topN: 10 })
    engine.settings.update('autoQueue', { artistSpacing: 0 })
    // What the model picks first, then that song in the saved queue (as a re-rank would put it
    // there while the player's request, with its older exclude list, is on its way).
    const first = (await engine.handlers.autoQueueNext({})).entry!.trackId
    await engine.handlers.saveQueue({
      entries: [{ trackId: first, source: 'auto' }],
      current: null,
      position: 0,
      shuffle: false,
      repeat: 'off',
      volume: 1,
    })
    const picks = engine.events.list({ kinds: ['auto_pick'] }).length
    const next = (await engine.handlers.autoQueueNext({})).entry!
    expect(next.trackId).not.toBe(first)
    expect(engine.events.list({ kinds: ['auto_pick'] })).toHaveLength(picks + 1)
  })

  it('picks in one round trip that words only the song drawn', async () => {
    seedLibrary()
    for (const id of [1, 2, 3]) engine.events.mark(id, 'love', 'test')
    engine.settings.update('exploration', { temperature: 0.5, topN: 10 })
    const taste = await engine.tasteService()
    const calls: string[] = []
    let drawn: {
      choice: { pick: { trackId: number } } | null
      words: { trackId: number }[]
    } | null = null
    for (const name of ['recommend', 'rank', 'word', 'pick'] as const) {
      const call = taste[name].bind(taste) as (payload: never) => Promise<unknown>
      Object.assign(taste, {
        [name]: async (payload: never) => {
          calls.push(name)
          const answer = await call(payload)
          if (name === 'pick') drawn = answer as typeof drawn
          return answer
        },
      })
    }
    const { entry } = await engine.handlers.autoQueueNext({})
    // One message: the worker learns, ranks the ~30 songs of the short-list by score, draws and
    // words the one drawn (wording all of them cost ~25 ms a pick at 100k songs).
    expect(calls).toEqual(['pick'])
    expect(drawn!.choice!.pick.trackId).toBe(entry!.trackId)
    expect(drawn!.words.map((w) => w.trackId)).toEqual([entry!.trackId])
    const [worded] = await taste.word([entry!.trackId])
    expect(entry!.reason.why?.songs).toEqual(worded!.why.songs)
  })

  it('draws again when a re-rank queued the song drawn during the round trip', async () => {
    seedLibrary()
    for (const id of [1, 2, 3]) engine.events.mark(id, 'love', 'test')
    engine.settings.update('exploration', { temperature: 0, topN: 10 })
    engine.settings.update('autoQueue', { artistSpacing: 0 })
    const taste = await engine.tasteService()
    const pick = taste.pick.bind(taste)
    const word = taste.word.bind(taste)
    let taken: number | null = null
    const worded: number[][] = []
    Object.assign(taste, {
      pick: async (request: Parameters<typeof pick>[0]) => {
        const answer = await pick(request)
        // The re-rank's save lands while the answer is on its way.
        taken = answer.choice!.pick.trackId
        await engine.handlers.saveQueue({
          entries: [{ trackId: taken, source: 'auto' }],
          current: null,
          position: 0,
          shuffle: false,
          repeat: 'off',
          volume: 1,
        })
        return answer
      },
      word: (ids: number[]) => {
        worded.push(ids)
        return word(ids)
      },
    })
    const picks = engine.events.list({ kinds: ['auto_pick'] }).length
    const { entry } = await engine.handlers.autoQueueNext({})
    expect(taken).not.toBeNull()
    expect(entry!.trackId).not.toBe(taken)
    // Drawn again from the same ranking, and only the new song worded.
    expect(worded).toEqual([[entry!.trackId]])
    const logged = engine.events.list({ kinds: ['auto_pick'] })
    expect(logged).toHaveLength(picks + 1)
    expect(logged.at(-1)!.trackId).toBe(entry!.trackId)
  })

  it('keeps the same artist apart across consecutive picks', async () => {
    seedLibrary()
    for (const id of [1, 2, 3]) engine.events.mark(id, 'love', 'test')
    engine.settings.update('exploration', { temperature: 0, topN: 10 })
    engine.settings.update('autoQueue', { artistSpacing: 2 })
    const artists: string[] = []
    const queued: number[] = []
    for (let i = 0; i < 6; i++) {
      const { entry } = await engine.handlers.autoQueueNext({ exclude: queued })
      queued.push(entry!.trackId)
      artists.push(entry!.track!.artist!)
    }
    for (let i = 1; i < artists.length; i++) {
      expect(artists.slice(Math.max(0, i - 2), i)).not.toContain(artists[i])
    }
  })
})

describe('discover and rediscover', () => {
  it('discover lists only songs never played', async () => {
    seedLibrary()
    for (const id of [1, 2, 3, 15]) {
      const playId = engine.events.playStart(id, { ts: Date.now() - 10 * DAY })
      engine.events.playEnd(id, playId, { position: 200, duration: 200, reason: 'ended' })
    }
    const found = await engine.handlers.discover({ n: 30 })
    const ids = found.map((s) => s.track?.id)
    expect(ids).toHaveLength(20)
    for (const id of [1, 2, 3, 15]) expect(ids).not.toContain(id)
  })

  it('rediscover brings back an old "not for me" the model now predicts to please', async () => {
    seedLibrary()
    const old = Date.now() - 40 * DAY
    engine.events.mark(7, 'not_for_me', 'test', old)
    engine.events.mark(20, 'not_for_me', 'test', old)
    engine.events.mark(8, 'near_miss', 'test', Date.now() - DAY)
    for (const id of [1, 2, 3, 4, 5, 9, 10, 11, 12]) engine.events.mark(id, 'love', 'test')
    for (const id of [16, 17, 18]) engine.events.mark(id, 'not_for_me', 'test')
    const found = await engine.handlers.rediscover({})
    const ids = found.map((s) => s.track?.id)
    expect(ids).toContain(7)
    // Too recent, and predicted not to please.
    expect(ids).not.toContain(8)
    expect(ids).not.toContain(20)
    expect(found.find((s) => s.track?.id === 7)?.cause).toMatch(/not for me 40 days ago/)
  })

  it('resetModel rebuilds from the log and keeps the events', async () => {
    seedLibrary()
    engine.events.mark(1, 'love', 'test')
    const before = engine.events.list().length
    const result = await engine.handlers.resetModel(undefined)
    expect(result.tracks).toBe(24)
    expect(result.rows).toBeGreaterThan(0)
    expect(engine.events.list().length).toBe(before)
  })
})
