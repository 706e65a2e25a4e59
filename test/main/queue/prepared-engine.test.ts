// Prepared songs through the engine: after each change of the saved queue the engine tells a
// running taste worker the songs coming up (the song playing and the next two), the worker
// prepares them in idle time, and a mark on a waiting auto-pick is then learned from the prepared
// products, with the same re-rank as without them. A real temp database, a real taste worker,
// fake vectors.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine, type EngineOptions } from '../../../src/main/engine'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import type { TasteService } from '../../../src/main/taste/service'
import type { EngineEvent, QueueEntry } from '../../../src/shared/contract'
import { tempDir } from '../../helpers/temp'
import { seededNormal } from '../taste/random'

const SPACE = 'import:prepared'
const SONGS = 90
let temp: ReturnType<typeof tempDir>
const engines: Engine[] = []

beforeEach(() => {
  temp = tempDir()
})

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()))
  temp.cleanup()
})

/**
 * An engine on a fresh database of SONGS songs in three clusters (nine artists), with a few marks:
 * every engine made with the same arguments holds the same library and history.
 */
function start(
  name: string,
  options: Partial<EngineOptions> = {},
): {
  engine: Engine
  log: string[]
} {
  const log: string[] = []
  const engine = new Engine({
    dbPath: join(temp.dir, `${name}.db`),
    autoQueueSeed: 5,
    log: (_level, message) => log.push(message),
    ...options,
  })
  engines.push(engine)
  const insert = engine.db.prepare(
    `INSERT INTO tracks (path, duration, added_at, artist, title) VALUES (?, 200, 1, ?, ?)`,
  )
  const normal = seededNormal(11)
  const centres = [0, 1, 2].map(() => Array.from({ length: 8 }, () => 3 * normal()))
  const results = []
  for (let i = 0; i < SONGS; i++) {
    const cluster = i % 3
    const trackId = Number(
      insert.run(`/music/${i}.ogg`, `A${i % 9}`, `Song ${i + 1}`).lastInsertRowid,
    )
    results.push({
      job: { trackId, path: `/music/${i}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector: Float32Array.from(centres[cluster]!, (c) => c + 0.6 * normal()),
    })
  }
  new EmbeddingStore(engine.db).saveMany(SPACE, null, results)
  engine.settings.update('model', { space: SPACE, pcaDims: 6 })
  engine.settings.update('exploration', { temperature: 0.5, topN: 8 })
  for (const id of [1, 4, 7]) engine.events.mark(id, 'love', 'test')
  for (const id of [2, 5]) engine.events.mark(id, 'not_for_me', 'test')
  return { engine, log }
}

const player = { position: 0, shuffle: false, repeat: 'off', volume: 1 } as const

function save(engine: Engine, entries: QueueEntry[], current: number | null): void {
  void engine.handlers.saveQueue({
    entries: [...entries],
    current,
    ...player,
  })
}

/** The songs each `prepareSongs` the worker received named (the real call still goes through). */
function hints(taste: TasteService): number[][] {
  const sent: number[][] = []
  const call = taste.prepareSongs.bind(taste)
  Object.assign(taste, {
    prepareSongs: (trackIds: readonly number[]) => {
      sent.push([...trackIds])
      return call(trackIds)
    },
  })
  return sent
}

/** Asks the worker until its idle work is done (a deadline only stops a hung test). */
async function prepared(
  taste: TasteService,
): Promise<Awaited<ReturnType<TasteService['idleWork']>>> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const work = await taste.idleWork()
    if (!work.pending) return work
    if (Date.now() > deadline) throw new Error('the worker never finished its idle work')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A playing auto-pick and two waiting, drawn by the engine, saved as the player would. */
async function queueOfThree(engine: Engine): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = []
  for (let i = 0; i < 3; i++) {
    const { entry } = await engine.handlers.autoQueueNext({
      exclude: entries.map((e) => e.trackId),
    })
    entries.push(entry!)
  }
  save(engine, entries, 0)
  await engine.settled()
  return entries
}

function replacementsOf(events: EngineEvent[]): { from: number; to: number }[] {
  return events
    .filter((e) => e.name === 'queueChanged')
    .flatMap((e) => e.payload.replaced)
    .map((r) => ({ from: r.trackId, to: r.entry.trackId }))
}

describe('the songs coming up are prepared in the taste worker', () => {
  it('never starts the worker to say which songs come up', async () => {
    const { engine, log } = start('idle')
    save(
      engine,
      [10, 11, 12].map((trackId) => ({ trackId, source: 'user' as const })),
      0,
    )
    await engine.settled()
    expect(log.filter((line) => /taste model/.test(line))).toEqual([])
  })

  it('tells a running worker the song playing and the next two after a save, once per change', async () => {
    const { engine, log } = start('saves')
    const taste = await engine.tasteService()
    expect(log.filter((line) => /taste model/.test(line))).not.toEqual([]) // what a start logs
    const sent = hints(taste)
    await taste.rank({ n: 5 }) // the candidates are scored at the first query
    const entries = [10, 11, 12, 13, 14].map((trackId) => ({ trackId, source: 'user' as const }))
    save(engine, entries, 1)
    await engine.settled()
    expect(sent).toEqual([[11, 12, 13]])
    expect(await prepared(taste)).toMatchObject({ ready: 3, wanted: 3 })

    // The same songs coming up (the position moved): nothing is sent.
    void engine.handlers.saveQueue({ entries, current: 1, ...player, position: 42 })
    await engine.settled()
    expect(sent).toHaveLength(1)

    // The next song starts: the list moves on.
    save(engine, entries, 2)
    await engine.settled()
    expect(sent).toEqual([
      [11, 12, 13],
      [12, 13, 14],
    ])
    expect(await prepared(taste)).toMatchObject({ ready: 3, wanted: 3 })
  })

  it('learns a mark on a waiting pick from prepared products, and re-ranks as without them', async () => {
    const runs = await Promise.all(
      [true, false].map(async (prepareSongs) => {
        const { engine } = start(prepareSongs ? 'prepared' : 'plain', { prepareSongs })
        const taste = await engine.tasteService()
        const sent = hints(taste)
        const entries = await queueOfThree(engine)
        const before = await prepared(taste)
        const events: EngineEvent[] = []
        engine.subscribe((e) => events.push(e))
        void engine.handlers.setMark({ trackId: entries[1]!.trackId, mark: 'not_for_me' })
        await engine.settled()
        const after = await taste.idleWork()
        return { engine, taste, sent, entries, before, after, events }
      }),
    )
    const [withPrepared, plain] = runs as [(typeof runs)[0], (typeof runs)[0]]
    // The same queue was drawn, and prepared only where the engine said which songs come up.
    expect(withPrepared.entries.map((e) => e.trackId)).toEqual(plain.entries.map((e) => e.trackId))
    expect(withPrepared.before).toMatchObject({ ready: 3, wanted: 3 })
    expect(plain.before).toMatchObject({ ready: 0, wanted: 0 })
    expect(plain.sent).toEqual([])

    // The mark: one change learned from prepared products; without them, a full pass.
    expect(withPrepared.after.fastChanges).toBe(withPrepared.before.fastChanges + 1)
    expect(withPrepared.after.passChanges).toBe(withPrepared.before.passChanges)
    expect(plain.after.fastChanges).toBe(0)
    expect(plain.after.passChanges).toBe(plain.before.passChanges + 1)

    // The same re-rank: the pick turned down is replaced by the same song in both.
    const replaced = replacementsOf(withPrepared.events)
    expect(replaced.map((r) => r.from)).toContain(withPrepared.entries[1]!.trackId)
    expect(replaced).toEqual(replacementsOf(plain.events))
    const queue = (e: Engine): number[] => e.queue.load().entries.map((entry) => entry.trackId)
    expect(queue(withPrepared.engine)).toEqual(queue(plain.engine))

    // The re-rank changed the queue: the worker hears of the new pick and prepares it.
    const upcoming = withPrepared.engine.queue.upcoming(3)
    expect(upcoming[1]).toBe(replaced[0]!.to)
    expect(withPrepared.sent.at(-1)).toEqual(upcoming)
    expect(await prepared(withPrepared.taste)).toMatchObject({ ready: 3, wanted: 3 })
  })
})
