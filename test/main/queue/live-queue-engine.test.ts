// The learning loop reacts at once (issue 10): an event reaches the taste worker without any read
// of the model, and the auto-picks still waiting in the queue are re-ranked. Real SQLite files, the
// real fixture library scanned and analysed once, a real taste worker.
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/main/db/database'
import { scanLibrary } from '../../../src/main/library'
import { analyseLibrary } from '../../../src/main/analysis/pool'
import { Engine } from '../../../src/main/engine'
import { EventLog } from '../../../src/main/db/events'
import { PickHistory } from '../../../src/main/db/pick-history'
import type { EngineEvent, EngineEvents, QueueEntry } from '../../../src/shared/contract'
import type { Track } from '../../../src/shared/domain'
import { FIXTURES, tempDir } from '../../helpers/temp'

const MUSIC = join(FIXTURES, 'music')
let temp: ReturnType<typeof tempDir>
let analysed: string
let copies = 0
let engine: Engine | null = null

beforeAll(async () => {
  temp = tempDir()
  analysed = join(temp.dir, 'analysed.db')
  const db = openDatabase(analysed)
  await scanLibrary(db, { roots: [MUSIC], coversDir: join(temp.dir, 'covers') })
  const summary = await analyseLibrary(db, { workers: 2 })
  expect(summary.failed).toEqual([])
  db.close()
}, 300_000)

afterEach(async () => {
  await engine?.close()
  engine = null
})

afterAll(() => temp?.cleanup())

/** A fresh engine on a copy of the analysed library, recording the events it pushes. */
function start(options: { watch?: boolean } = {}): { engine: Engine; events: EngineEvent[] } {
  const path = join(temp.dir, `copy-${++copies}.db`)
  const db = openDatabase(analysed)
  db.exec(`VACUUM INTO '${path.replace(/'/g, "''")}'`)
  db.close()
  engine = new Engine({ dbPath: path, autoQueueSeed: 7, ...options })
  const events: EngineEvent[] = []
  engine.subscribe((e) => events.push(e))
  return { engine, events }
}

function ofKind<K extends keyof EngineEvents>(events: EngineEvent[], name: K): EngineEvents[K][] {
  return events.filter((e) => e.name === name).map((e) => e.payload as EngineEvents[K])
}

function soundtrack(track: Pick<Track, 'path'>): string {
  return track.path.slice(MUSIC.length + 1).split(/[\\/]/)[0] ?? ''
}

function allTracks(e: Engine): Track[] {
  return e.tracks.listTracks({ limit: 1000 }).sort((a, b) => a.id - b.id)
}

/** Polls until `ok` holds (behaviour, not a stopwatch: the deadline only stops a hung test). */
async function until(ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('events reach the taste worker at once', () => {
  it('learns from a mark without any read of the model, and never makes the caller wait', async () => {
    const { engine, events } = start()
    const taste = await engine.tasteService()
    const before = taste.status.lastEventId
    const [song] = allTracks(engine)
    const returned: unknown = engine.handlers.setMark({ trackId: song!.id, mark: 'love' })
    const logged = engine.events.list({ sinceId: before })
    expect(logged).toHaveLength(1)
    // The logged event's id at once, not a promise: nothing waits on the worker.
    expect(returned).toEqual({ eventId: logged[0]!.id })
    await until(() => ofKind(events, 'modelUpdated').length > 0, 'the model update')
    expect(ofKind(events, 'modelUpdated')[0]).toEqual({ lastEventId: logged[0]!.id })
    // The service learned it from the notification alone: its last status is the update's.
    expect(taste.status.lastEventId).toBe(logged[0]!.id)
    expect(taste.status.rows).toBe(1)
  })

  it('turns a burst of events into one update', async () => {
    const { engine, events } = start()
    await engine.tasteService()
    const songs = allTracks(engine).slice(0, 5)
    // Handlers of these calls answer synchronously: the loop runs them in one tick.
    for (const song of songs) void engine.handlers.setMark({ trackId: song.id, mark: 'like' })
    const started = engine.handlers.playStarted({ trackId: songs[0]!.id }) as { playId: string }
    const playId = started.playId
    void engine.handlers.playEnded({
      trackId: songs[0]!.id,
      playId,
      position: 5,
      duration: songs[0]!.duration,
      reason: 'next',
    })
    await engine.settled()
    const updates = ofKind(events, 'modelUpdated')
    expect(updates).toHaveLength(1)
    expect(updates[0]!.lastEventId).toBe(engine.events.list().at(-1)!.id)
  })

  it('learns from events another process writes (the CLI’s feedback) while it runs', async () => {
    const { engine, events } = start({ watch: true })
    await engine.tasteService()
    const [song] = allTracks(engine)
    const other = openDatabase(engine.dbPath)
    try {
      new EventLog(other).mark(song!.id, 'not_for_me', 'cli')
    } finally {
      other.close()
    }
    await until(() => ofKind(events, 'modelUpdated').length > 0, 'the model update')
    expect((await engine.tasteService()).status.rows).toBe(1)
    expect(ofKind(events, 'labelsChanged')).toContainEqual({ trackId: null })
  })
})

describe('waiting auto-picks are re-ranked when the model changes its mind', () => {
  it('replaces the waiting untouched picks of a style turned down, and nothing else', async () => {
    const { engine, events } = start()
    const tracks = allTracks(engine)
    const of = (name: string) => tracks.filter((t) => soundtrack(t) === name)
    const [playing, waiting1, manual, moved, waiting2, rejected1, rejected2] = of('drascula') as [
      Track,
      Track,
      Track,
      Track,
      Track,
      Track,
      Track,
    ]
    const auto = (t: Track, extra: Partial<QueueEntry> = {}): QueueEntry => ({
      trackId: t.id,
      source: 'auto',
      reason: { mean: 0, bonus: 1, ucb: 1, probability: 0.1, reasons: [] },
      ...extra,
    })
    const queued: QueueEntry[] = [
      auto(playing),
      auto(waiting1, { pickId: 1001 }),
      { trackId: manual.id, source: 'user' },
      auto(moved, { touched: true }),
      auto(waiting2),
    ]
    void engine.handlers.saveQueue({
      entries: queued,
      current: 0,
      position: 12,
      shuffle: false,
      repeat: 'off',
      volume: 1,
      revision: 0,
    })
    // "Not for me" on two other songs of the same soundtrack.
    void engine.handlers.setMark({ trackId: rejected1.id, mark: 'not_for_me' })
    void engine.handlers.setMark({ trackId: rejected2.id, mark: 'not_for_me' })
    await engine.settled()

    const after = await engine.handlers.getQueue({})
    expect(after.revision).toBe(1)
    expect(after.current).toBe(0)
    // The playing pick, the manual entry and the pick the listener moved stay as they were.
    for (const i of [0, 2, 3]) {
      expect([after.entries[i]!.trackId, after.entries[i]!.source]).toEqual([
        queued[i]!.trackId,
        queued[i]!.source,
      ])
    }
    expect(after.entries[3]!.touched).toBe(true)
    const replacements = [after.entries[1]!, after.entries[4]!]
    // Entry 1 was replaced, entry 4 too: both were waiting, untouched and of the turned-down style.
    expect(replacements.map((e) => e.trackId)).not.toContain(waiting1.id)
    expect(replacements.map((e) => e.trackId)).not.toContain(waiting2.id)
    for (const entry of replacements) {
      expect(entry.source).toBe('auto')
      expect(soundtrack(entry.track!)).not.toBe('drascula')
      expect(entry.pickId).toBeGreaterThan(0)
    }
    // Each replacement is logged as the auto-queue logs its picks, naming the pick it replaces.
    const picks = engine.events.list({ kinds: ['auto_pick'] })
    expect(picks.map((p) => p.id)).toEqual(replacements.map((e) => e.pickId))
    expect(picks.map((p) => (p.data as { replaces: unknown }).replaces)).toEqual([
      { pickId: 1001, trackId: waiting1.id },
      { pickId: null, trackId: waiting2.id },
    ])
    for (const pick of picks) {
      const data = pick.data as { candidates: { trackId: number; probability: number }[] }
      expect(data.candidates.reduce((a, c) => a + c.probability, 0)).toBeCloseTo(1, 9)
      for (const id of [rejected1.id, rejected2.id, playing.id, manual.id, moved.id])
        expect(data.candidates.map((c) => c.trackId)).not.toContain(id)
    }
    const changed = ofKind(events, 'queueChanged').filter((c) => c.replaced.length > 0)
    expect(changed).toHaveLength(1)
    expect(changed[0]!.revision).toBe(1)
    expect(changed[0]!.replaced.map((r) => [r.pickId, r.trackId, r.entry.trackId])).toEqual([
      [1001, waiting1.id, replacements[0]!.trackId],
      [null, waiting2.id, replacements[1]!.trackId],
    ])

    // A save from a renderer that had not seen the replacements yet does not undo them.
    void engine.handlers.saveQueue({
      entries: queued,
      current: 0,
      position: 20,
      shuffle: false,
      repeat: 'off',
      volume: 1,
      revision: 0,
    })
    const resaved = await engine.handlers.getQueue({})
    expect(resaved.entries.map((e) => e.trackId)).toEqual(after.entries.map((e) => e.trackId))
    expect(resaved.position).toBe(20)
  })

  it('keeps waiting picks the model still stands behind, and never cuts the song playing', async () => {
    const { engine, events } = start()
    engine.settings.update('exploration', { temperature: 0 })
    const first = await engine.autoQueueNext()
    const second = await engine.autoQueueNext([first.entry!.trackId])
    const third = await engine.autoQueueNext([first.entry!.trackId, second.entry!.trackId])
    const entries = [first, second, third].map(({ entry }) => ({
      trackId: entry!.trackId,
      source: 'auto' as const,
      pickId: entry!.pickId,
    }))
    const state = { current: 0, position: 3, shuffle: false, repeat: 'off' as const, volume: 1 }
    void engine.handlers.saveQueue({ entries, ...state, revision: 0 })
    // The playing pick turned down: it is not cut. A play of it to its end changes little.
    void engine.handlers.setMark({ trackId: first.entry!.trackId, mark: 'not_for_me' })
    await engine.settled()
    const after = await engine.handlers.getQueue({})
    expect(after.entries[0]!.trackId).toBe(first.entry!.trackId)
    expect(after.current).toBe(0)
    // The others were the model's first choices and stay in its short-list unless it changed its
    // mind about them; whichever stayed keeps its pick id.
    for (const [i, entry] of after.entries.entries()) {
      if (entry.trackId === entries[i]!.trackId) expect(entry.pickId).toBe(entries[i]!.pickId)
    }
    expect(ofKind(events, 'modelUpdated')).toHaveLength(1)
  })

  it('gives the picks it keeps their reason as the model sees them after the mark', async () => {
    const { engine, events } = start()
    // Safe bets: a loved song's score rises with its mean (the bonus barely counts).
    engine.settings.update('exploration', { temperature: 0, alpha: 0.1 })
    const first = await engine.autoQueueNext()
    const second = await engine.autoQueueNext([first.entry!.trackId])
    const entries = [first, second].map(({ entry }) => ({
      trackId: entry!.trackId,
      source: 'auto' as const,
      pickId: entry!.pickId,
      reason: entry!.reason,
    }))
    const state = { current: 0, position: 3, shuffle: false, repeat: 'off' as const, volume: 1 }
    void engine.handlers.saveQueue({ entries, ...state, revision: 0 })
    const picksBefore = engine.events.list({ kinds: ['auto_pick'] }).length
    const waiting = second.entry!
    void engine.handlers.setMark({ trackId: waiting.trackId, mark: 'love' })
    await engine.settled()
    const after = await engine.handlers.getQueue({})
    const kept = after.entries[1]!
    // Kept (its score rose), same pick, no new pick logged…
    expect([kept.trackId, kept.pickId]).toEqual([waiting.trackId, waiting.pickId])
    expect(engine.events.list({ kinds: ['auto_pick'] })).toHaveLength(picksBefore)
    // …and its reason now is the model's after the mark, not the one it was drawn with.
    const [now] = await (await engine.tasteService()).word([waiting.trackId])
    const reason = kept.reason as { ucb: number; mean: number; probability: number }
    expect(reason.ucb).toBeGreaterThan((waiting.reason as { ucb: number }).ucb)
    expect(reason.ucb).toBeCloseTo(now!.ucb, 12)
    expect(reason.mean).toBeCloseTo(now!.mean, 12)
    expect(reason.probability).toBe((waiting.reason as { probability: number }).probability)
    // Announced as a replacement by the same song, with a new revision, for the renderer.
    const changed = ofKind(events, 'queueChanged').filter((c) => c.replaced.length > 0)
    expect(changed).toHaveLength(1)
    expect(after.revision).toBe(changed[0]!.revision)
    expect(changed[0]!.replaced).toContainEqual(
      expect.objectContaining({ pickId: waiting.pickId, trackId: waiting.trackId }),
    )
    const refreshed = changed[0]!.replaced.find((r) => r.trackId === waiting.trackId)!
    expect(refreshed.entry.trackId).toBe(waiting.trackId)
    // A save from a renderer that had not seen it yet keeps the fresh reason.
    void engine.handlers.saveQueue({ entries, ...state, revision: 0 })
    const resaved = await engine.handlers.getQueue({})
    expect((resaved.entries[1]!.reason as { ucb: number }).ucb).toBe(reason.ucb)
  })
})

describe('a seeded engine re-ranks reproducibly', () => {
  it('draws the same replacements for the same mark (the worker draws with the engine’s seed)', async () => {
    const queueAfterMark = async (): Promise<{ before: number[]; after: number[] }> => {
      const started = start()
      started.engine.settings.update('exploration', { temperature: 1 })
      const picked: QueueEntry[] = []
      for (let i = 0; i < 4; i++) {
        const { entry } = await started.engine.autoQueueNext(picked.map((e) => e.trackId))
        picked.push({ trackId: entry!.trackId, source: 'auto', pickId: entry!.pickId })
      }
      const state = { current: 0, position: 3, shuffle: false, repeat: 'off' as const, volume: 1 }
      void started.engine.handlers.saveQueue({ entries: picked, ...state, revision: 0 })
      for (const entry of picked.slice(1, 3))
        void started.engine.handlers.setMark({ trackId: entry.trackId, mark: 'not_for_me' })
      await started.engine.settled()
      const after = await started.engine.handlers.getQueue({})
      await started.engine.close()
      engine = null
      return { before: picked.map((e) => e.trackId), after: after.entries.map((e) => e.trackId) }
    }
    const first = await queueAfterMark()
    const second = await queueAfterMark()
    expect(second).toEqual(first)
    // The two picks turned down were replaced (so the worker drew).
    expect(first.after[1]).not.toBe(first.before[1])
    expect(first.after[2]).not.toBe(first.before[2])
  })
})

describe('saves from the player are never refused for an older queue revision', () => {
  it('keeps what the player saved (an emptied Up next stays empty) across a re-rank it had not seen', async () => {
    const { engine } = start()
    engine.settings.update('exploration', { temperature: 0 })
    const tracks = allTracks(engine)
    // A double-clicked table: the playing song and a long list of songs after it, then two picks.
    const [playing, ...listed] = tracks.slice(0, 16)
    const first = await engine.autoQueueNext(tracks.slice(0, 16).map((t) => t.id))
    const second = await engine.autoQueueNext([
      ...tracks.slice(0, 16).map((t) => t.id),
      first.entry!.trackId,
    ])
    const picks = [first, second].map(({ entry }) => ({
      trackId: entry!.trackId,
      source: 'auto' as const,
      pickId: entry!.pickId,
      reason: entry!.reason,
    }))
    const state = { current: 0, position: 3, shuffle: false, repeat: 'off' as const, volume: 1 }
    const long: QueueEntry[] = [
      { trackId: playing!.id, source: 'user' },
      ...listed.map((t) => ({ trackId: t.id, source: 'user' as const })),
      ...picks,
    ]
    void engine.handlers.saveQueue({ entries: long, ...state, revision: 0 })
    // Both waiting picks turned down: the re-rank replaces them (revision 1)…
    for (const pick of picks)
      void engine.handlers.setMark({ trackId: pick.trackId, mark: 'not_for_me' })
    await engine.settled()
    const reranked = await engine.handlers.getQueue({})
    expect(reranked.revision).toBe(1)
    expect(reranked.entries.slice(-2).map((e) => e.trackId)).not.toContain(picks[0]!.trackId)
    // …while the player, which had not heard of it yet, cleared Up next and saves on revision 0.
    void engine.handlers.saveQueue({ entries: [long[0]!], ...state, revision: 0 })
    const saved = await engine.handlers.getQueue({})
    expect(saved.entries.map((e) => e.trackId)).toEqual([playing!.id])
    // The player's revision-1 save (after the event) is stored as it is too.
    void engine.handlers.saveQueue({ entries: long.slice(0, 3), ...state, revision: 1 })
    expect((await engine.handlers.getQueue({})).entries.map((e) => e.trackId)).toEqual(
      long.slice(0, 3).map((e) => e.trackId),
    )
    // No long list left behind in the saved queue: the next auto-pick may be any listed song.
    void engine.handlers.saveQueue({ entries: [long[0]!], ...state, revision: 1 })
    const excluded = new Set([playing!.id, ...picks.map((p) => p.trackId)])
    const next = await engine.autoQueueNext([...excluded])
    expect(next.entry).not.toBeNull()
    expect(excluded.has(next.entry!.trackId)).toBe(false)
  })
})

describe('a waiting auto-pick never outlives a mark that makes the model prefer another song', () => {
  it('after every mark of a series, the waiting picks are the model’s best songs, and no pick makes way for a worse one', async () => {
    const { engine } = start()
    // Greedy picks and no artist spacing: the picks the policy stands behind are exactly the
    // model's best eligible songs, so any pick a mark leaves behind shows.
    engine.settings.update('exploration', { temperature: 0, topN: 1 })
    engine.settings.update('autoQueue', { artistSpacing: 0 })
    const queued: number[] = []
    const entries: QueueEntry[] = []
    for (let i = 0; i < 4; i++) {
      const { entry } = await engine.autoQueueNext(queued)
      queued.push(entry!.trackId)
      entries.push({ trackId: entry!.trackId, source: 'auto', pickId: entry!.pickId })
    }
    const state = { current: 0, position: 3, shuffle: false, repeat: 'off' as const, volume: 1 }
    void engine.handlers.saveQueue({ entries, ...state, revision: 0 })
    const taste = await engine.tasteService()
    const songs = allTracks(engine)
    const marks = [
      'love',
      'not_for_me',
      'like',
      'not_for_me',
      'love',
      'not_for_me',
      'like',
    ] as const
    let changed = 0
    let before = queued.slice(1)
    for (const [i, mark] of marks.entries()) {
      // Now a waiting pick, now another song of the library.
      const queue = await engine.handlers.getQueue({})
      const target =
        i % 2 === 1 ? queue.entries[1 + (i % 3)]!.trackId : songs[(i * 7 + 3) % songs.length]!.id
      const lastEvent = engine.events.lastId()
      void engine.handlers.setMark({ trackId: target, mark })
      await engine.settled()
      const after = await engine.handlers.getQueue({})
      const waiting = after.entries.slice(1).map((e) => e.trackId)
      const eligible = await taste.rank({ n: 200, exclude: [after.entries[0]!.trackId] })
      const ucb = new Map(eligible.map((s) => [s.trackId, s.ucb]))
      // No song the model prefers is left out while a song it likes less waits…
      const best = eligible.slice(0, waiting.length).map((s) => s.trackId)
      expect(
        [...waiting].sort((p, q) => p - q),
        `after ${mark} on ${target}`,
      ).toEqual([...best].sort((p, q) => p - q))
      // …and no pick still eligible made way for a song the model likes less.
      for (const pick of engine.events.list({ sinceId: lastEvent, kinds: ['auto_pick'] })) {
        const replaced = (pick.data as { replaces?: { trackId: number } }).replaces?.trackId
        if (replaced === undefined || !ucb.has(replaced)) continue
        expect(ucb.get(pick.trackId!)!).toBeGreaterThanOrEqual(ucb.get(replaced)! - 1e-12)
      }
      if (waiting.join() !== before.join()) changed++
      before = waiting
    }
    // The series did change the model's mind (a re-rank that went missing would show above).
    expect(changed).toBeGreaterThanOrEqual(3)
  })
})

describe('a re-rank never logs a replacement for a pick that started playing', () => {
  /** Three greedy auto-picks after a song playing, saved by the player at revision 0. */
  async function playingThenPicks(e: Engine) {
    e.settings.update('exploration', { temperature: 0, topN: 1 })
    e.settings.update('autoQueue', { artistSpacing: 0 })
    const [playing] = allTracks(e)
    const picks: { trackId: number; pickId: number }[] = []
    for (let i = 0; i < 3; i++) {
      const { entry } = await e.autoQueueNext([playing!.id, ...picks.map((p) => p.trackId)])
      picks.push({ trackId: entry!.trackId, pickId: entry!.pickId })
    }
    const entries: QueueEntry[] = [
      { trackId: playing!.id, source: 'user' },
      ...picks.map((p) => ({ ...p, source: 'auto' as const })),
    ]
    const state = { position: 3, shuffle: false, repeat: 'off' as const, volume: 1 }
    void e.handlers.saveQueue({ entries, current: 0, ...state, revision: 0 })
    return { playing: playing!, picks, entries, state }
  }

  /** The replacements the pick log holds: logged naming the pick replaced, and not declined. */
  function loggedReplacements(e: Engine): { pickId: number; replaces: number | null }[] {
    const declined = e.events.declinedPickIds()
    return e.events.list({ kinds: ['auto_pick'] }).flatMap((p) => {
      const replaces = (p.data as { replaces?: { pickId: number | null } }).replaces
      return replaces && !declined.has(p.id) ? [{ pickId: p.id, replaces: replaces.pickId }] : []
    })
  }

  /** Every replacement in the pick log is in the saved queue: the log holds only applied ones. */
  async function expectOnlyAppliedReplacements(e: Engine): Promise<void> {
    const queued = new Set((await e.handlers.getQueue({})).entries.map((x) => x.pickId))
    for (const r of loggedReplacements(e))
      expect(queued.has(r.pickId), `pick ${r.pickId}`).toBe(true)
  }

  /** The first pick turned down before the engine hears that it started: it is replaced. */
  async function turnedDownBeforeTheStart(e: Engine) {
    const { picks, entries, state } = await playingThenPicks(e)
    const next = picks[0]!
    void e.handlers.setMark({ trackId: next.trackId, mark: 'not_for_me' })
    await e.settled()
    const made = loggedReplacements(e).find((r) => r.replaces === next.pickId)
    expect(made).toBeDefined()
    return { next, made: made!, entries, state }
  }

  it('knows from the play start that the player moved on, though its save still shows the pick waiting', async () => {
    const { engine, events } = start()
    const { picks } = await playingThenPicks(engine)
    const next = picks[0]!
    // The player advanced onto the first pick and reported the start; its save has not come yet.
    void engine.handlers.playStarted({ trackId: next.trackId, pickId: next.pickId })
    // The listener turns the song that just started down: the model no longer stands behind it.
    void engine.handlers.setMark({ trackId: next.trackId, mark: 'not_for_me' })
    await engine.settled()
    expect(ofKind(events, 'modelUpdated').length).toBeGreaterThan(0)
    expect(loggedReplacements(engine).map((r) => r.replaces)).not.toContain(next.pickId)
    const after = await engine.handlers.getQueue({})
    expect(after.entries[1]!.pickId).toBe(next.pickId)
    for (const changed of ofKind(events, 'queueChanged'))
      expect(changed.replaced.map((r) => r.pickId)).not.toContain(next.pickId)
    await expectOnlyAppliedReplacements(engine)
    // No decline was needed: nothing was logged for it in the first place.
    expect(engine.events.list({ kinds: ['pick_declined'] })).toEqual([])
  })

  it('declines a replacement made before the play start reached it, and gives the pick its place back', async () => {
    const { engine, events } = start()
    // The mark arrives first: the engine still sees the first pick waiting and replaces it…
    const { next, made, entries, state } = await turnedDownBeforeTheStart(engine)
    const changed = ofKind(events, 'queueChanged').filter((c) => c.replaced.length > 0)
    expect(changed.at(-1)!.revision).toBe(1)
    // …while the player had started it: its play start arrives, then the player, hearing of the
    // replacement with the pick playing, reports it declined (it never cuts the song playing).
    void engine.handlers.playStarted({ trackId: next.trackId, pickId: next.pickId })
    void engine.handlers.declineReplacements({
      declined: [{ pickId: made.pickId, reason: 'started' }],
    })
    const declined = engine.events.list({ kinds: ['pick_declined'] })
    expect(declined.map((d) => d.data)).toEqual([
      expect.objectContaining({ pickId: made.pickId, reason: 'started' }),
    ])
    expect(declined[0]!.source).toBe('engine') // the play start told it first; once is enough
    expect(loggedReplacements(engine).map((r) => r.replaces)).not.toContain(next.pickId)
    expect((await engine.handlers.getQueue({})).entries[1]!.pickId).toBe(next.pickId)
    // The player's save from before it heard of the replacement does not bring it back (the
    // replacements of the picks still waiting it missed are re-applied, as ever).
    void engine.handlers.saveQueue({ entries, current: 1, ...state, revision: 0 })
    const resaved = (await engine.handlers.getQueue({})).entries.map((e) => e.pickId)
    expect(resaved[1]).toBe(next.pickId)
    expect(resaved).not.toContain(made.pickId)
    await expectOnlyAppliedReplacements(engine)
    // Artist spacing reads the pick log without it.
    const other = openDatabase(engine.dbPath)
    try {
      expect(new PickHistory(other).recentAutoPickArtists(10)).toHaveLength(
        engine.events.list({ kinds: ['auto_pick'] }).length - 1,
      )
    } finally {
      other.close()
    }
  })

  it('declines on a save that shows the pick at the player’s current entry, before the player hears of it', async () => {
    const { engine } = start()
    const { next, made, entries, state } = await turnedDownBeforeTheStart(engine)
    // The player's save based on revision 0 says it plays the first pick (index 1) now.
    void engine.handlers.saveQueue({ entries, current: 1, ...state, revision: 0 })
    const saved = await engine.handlers.getQueue({})
    expect(saved.entries[1]!.pickId).toBe(next.pickId)
    expect(saved.current).toBe(1)
    expect(engine.events.list({ kinds: ['pick_declined'] }).map((d) => d.data)).toEqual([
      expect.objectContaining({ pickId: made.pickId, reason: 'started' }),
    ])
    await expectOnlyAppliedReplacements(engine)
    // The player reporting it too logs nothing more.
    void engine.handlers.declineReplacements({
      declined: [{ pickId: made.pickId, reason: 'started' }],
    })
    expect(engine.events.list({ kinds: ['pick_declined'] })).toHaveLength(1)
  })

  it('refuses to decline a pick that is no replacement, and writes nothing', async () => {
    const { engine } = start()
    const { picks } = await playingThenPicks(engine)
    const before = engine.events.lastId()
    expect(() =>
      engine.handlers.declineReplacements({
        declined: [{ pickId: picks[0]!.pickId, reason: 'started' }],
      }),
    ).toThrow(/not a replacement/)
    expect(engine.events.lastId()).toBe(before)
  })
})
