import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { EventLog } from '../../../src/main/db/events'
import { SettingsStore } from '../../../src/main/db/settings'
import { TasteService } from '../../../src/main/taste/service'
import { tempDir } from '../../helpers/temp'
import { errorCodeOf, UserError } from '../../../src/shared/errors'
import { seededNormal } from './random'

const SPACE = 'import:test'
let temp: ReturnType<typeof tempDir>
let db: Database
let dbPath: string
let service: TasteService | null = null
let logLines: string[] = []

/** 30 songs in two clusters: ids 1–15 (A) and 16–30 (B), 8-dim vectors in an imported space. */
function seedLibrary(): void {
  const insert = db.prepare(`INSERT INTO tracks (path, duration, added_at) VALUES (?, 200, 1)`)
  const normal = seededNormal(5)
  const centres = [0, 1].map(() => Array.from({ length: 8 }, () => 3 * normal()))
  const results = []
  for (let i = 0; i < 30; i++) {
    const trackId = Number(insert.run(`/music/${i}.ogg`).lastInsertRowid)
    const centre = centres[i < 15 ? 0 : 1] as number[]
    const vector = Float32Array.from(centre, (c) => c + 0.4 * normal())
    results.push({
      job: { trackId, path: `/music/${i}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector,
    })
  }
  new EmbeddingStore(db).saveMany(SPACE, null, results)
  new SettingsStore(db).update('model', { space: SPACE, pcaDims: 4 })
}

const start = () =>
  TasteService.start({ db, dbPath, log: (level, message) => logLines.push(`${level}: ${message}`) })

beforeEach(() => {
  temp = tempDir()
  dbPath = join(temp.dir, 'attune.db')
  db = openDatabase(dbPath)
  logLines = []
})

afterEach(async () => {
  await service?.close()
  service = null
  db.close()
  temp.cleanup()
})

describe('TasteService (a real worker on a real SQLite file)', () => {
  it('does the exact refresh in slices in its idle time, never on a reward, and stays exact', async () => {
    seedLibrary()
    service = await start()
    await service.recommend({ n: 1 }) // the candidates are scored: a refresh now needs slices
    const events = new EventLog(db)
    const marks = ['like', 'not_for_me', 'love'] as const
    let status = service.status
    // Each mark after the first 30 replaces a different one (a downdate and an update): 610
    // rank-one changes, past the refresh interval of 500 about 55 rewards before the end.
    for (let r = 0; r < 320; r++) {
      events.mark(1 + (r % 30), marks[(r + Math.floor(r / 30)) % 3]!)
      await service.update()
      await service.recommend({ n: 2 })
    }
    status = await service.update() // nothing new: the status after the last idle slices
    // The worker ran slices between answers (it gets a turn after every answer; a reward never
    // runs one, see linucb.test.ts), so the refresh completed, and no slice recomputed more than
    // 16 songs (the smallest slice; this library has 30).
    expect(status.refresh.cycles).toBeGreaterThanOrEqual(1)
    expect(status.refresh.slices).toBeGreaterThanOrEqual(2)
    expect(status.refresh.maxSliceRows).toBeLessThanOrEqual(16)
    const live = await service.recommend({ n: 30 })
    await service.rebuild({ force: true })
    const fresh = new Map((await service.recommend({ n: 30 })).map((r) => [r.trackId, r]))
    for (const pick of live) {
      expect(Math.abs(pick.mean - fresh.get(pick.trackId)!.mean)).toBeLessThan(1e-9)
      expect(Math.abs(pick.bonus - fresh.get(pick.trackId)!.bonus)).toBeLessThan(1e-9)
    }
  })

  it('with trace on (benchmarks), times each request apart; off, records nothing', async () => {
    seedLibrary()
    service = await TasteService.start({ db, dbPath, trace: true })
    await service.trace() // what the start left
    const events = new EventLog(db)
    events.mark(3, 'love')
    const picks = await service.recommend({ n: 2 })
    const trace = await service.trace()
    expect(trace.requests.map((r) => r.type)).toEqual(['recommend'])
    const [request] = trace.requests
    expect(request!.received).toBeLessThanOrEqual(request!.applied)
    expect(request!.applied).toBeLessThanOrEqual(request!.answered)
    // Taken once (an idle slice may have run since: the worker waits a moment after an answer).
    expect((await service.trace()).requests).toEqual([])
    await service.close()

    service = await start()
    events.mark(4, 'like')
    expect((await service.recommend({ n: 2 })).length).toBe(picks.length)
    expect(await service.trace()).toEqual({ requests: [], slices: [], gcs: [] })
  })

  it('builds the model in its worker, learns from new events and explains a song', async () => {
    seedLibrary()
    service = await start()
    expect(service.status).toMatchObject({
      space: SPACE,
      tracks: 30,
      k: 2, // 4 model dimensions: 2 for the sound, 2 for the tags (on by default)
      rows: 0,
      source: 'replay',
    })
    expect(logLines.some((l) => l.startsWith('info: taste model rebuilt'))).toBe(true)

    const events = new EventLog(db)
    events.mark(3, 'love')
    events.mark(4, 'like')
    events.mark(20, 'not_for_me')
    const ids = (await service.recommend({ n: 30 })).map((r) => r.trackId)
    expect(ids).not.toContain(20)
    expect(ids.slice(0, 5).every((id) => id <= 15)).toBe(true)

    const explanation = await service.explain(3)
    expect(explanation?.rows).toMatchObject([{ kind: 'label', reward: 1, weight: 2 }])
    expect(explanation?.label).toEqual({ mark: 'love', origin: 'mark' })
    expect(explanation?.features[0]?.phrase).toMatch(/dimension \d+/)
    expect(await service.explain(999)).toBeNull()
  })

  it('restarts from its saved snapshot and replays only the newer events', async () => {
    seedLibrary()
    const events = new EventLog(db)
    events.mark(2, 'love')
    events.mark(18, 'not_for_me')
    service = await start()
    await service.saveSnapshot()
    await service.close()

    events.mark(5, 'like')
    const playId = events.playStart(22)
    events.playEnd(22, playId, { position: 10, duration: 200, reason: 'next' })
    service = await start()
    expect(service.status).toMatchObject({ source: 'snapshot', appliedEvents: 3, rows: 4 })
    const restored = await service.recommend({ n: 10, now: 0 })

    const full = await service.rebuild({ force: true })
    expect(full).toMatchObject({ source: 'replay', rows: 4 })
    const replayed = await service.recommend({ n: 10, now: 0 })
    expect(restored.map((r) => r.trackId)).toEqual(replayed.map((r) => r.trackId))
    restored.forEach((r, i) =>
      expect(Math.abs(r.ucb - (replayed[i]?.ucb ?? NaN))).toBeLessThan(1e-9),
    )
  })

  it('replays everything when a setting that shapes the model changes', async () => {
    seedLibrary()
    new EventLog(db).mark(2, 'love')
    service = await start()
    const before = service.status.key
    new SettingsStore(db).update('model', { pcaDims: 3 })
    const after = await service.update()
    expect(after.key).not.toBe(before)
    // 3 model dimensions: 2 for the sound, 1 for the tags.
    expect(after).toMatchObject({ source: 'replay', k: 2, rows: 1, appliedEvents: 1 })
  })

  it('leaves out songs queued or started within the replay window', async () => {
    seedLibrary()
    service = await start()
    const events = new EventLog(db)
    events.playStart(7, { ts: Date.now() - 3600_000 })
    const ids = (await service.recommend({ n: 30, exclude: [8] })).map((r) => r.trackId)
    expect(ids).toHaveLength(28)
    expect(ids).not.toContain(7)
    expect(ids).not.toContain(8)
  })

  it('reports "nothing analysed yet" from the real worker with its code, in no front end\'s words', async () => {
    db.prepare(`INSERT INTO tracks (path, added_at) VALUES ('/music/a.ogg', 1)`).run()
    const error = await start().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect(error).toMatchObject({ code: 'not-analysed', message: 'No song is analysed yet.' })
  })

  it('reports an imported space without vectors as no-vectors, across the worker boundary', async () => {
    seedLibrary()
    new SettingsStore(db).update('model', { space: 'import:clap' })
    const error = await start().catch((e: unknown) => e)
    expect(errorCodeOf(error)).toBe('no-vectors')
    expect((error as Error).message).toBe("There are no vectors in space 'import:clap'.")
  })
})
