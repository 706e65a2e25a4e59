import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/main/db/database'
import {
  EVENTS_FILE_FORMAT,
  EVENTS_FILE_VERSION,
  EventImportError,
  exportEvents,
  importEvents,
} from '../../../src/main/events'
import { EventLog } from '../../../src/main/db/events'
import {
  FIXTURES,
  insertRoot,
  insertTrack,
  tempLibrary,
  type TempLibrary,
} from '../media/library-rows'

const libraries: TempLibrary[] = []
function newLibrary(): TempLibrary {
  const library = tempLibrary()
  libraries.push(library)
  return library
}
afterEach(() => {
  for (const library of libraries.splice(0)) library.cleanUp()
})

const WESNOTH = join(FIXTURES, 'music/wesnoth/northerners.ogg')
const NEXUIZ = join(FIXTURES, 'music/nexuiz/aquaticus.mp3')
const UNICODE = join(FIXTURES, 'broken/Ünïcødé — 曲 (live) ♫.mp3')

let source: TempLibrary
let sourceLog: EventLog

/** A log with every kind of event, odd values included, over three tracks. */
function fillLog(db: Database): EventLog {
  const rootId = insertRoot(db, FIXTURES)
  const a = insertTrack(db, {
    path: WESNOTH,
    rootId,
    title: 'Northerners',
    artist: 'Wesnoth',
    album: 'OST',
    duration: 30,
  })
  const b = insertTrack(db, {
    path: NEXUIZ,
    rootId,
    title: 'Aquaticus',
    artist: 'Nexuiz',
    duration: 30.25,
  })
  const c = insertTrack(db, { path: UNICODE, rootId })
  const log = new EventLog(db)
  const play = log.playStart(a, { source: 'ui', ts: 1_000 })
  log.playProgress(a, play, 10.333333333333334, 11_000)
  log.playEnd(a, play, { position: 12.5, duration: 30, reason: 'next', ts: 12_500 })
  log.mark(a, 'love', 'ui', 14_000)
  log.autoPick(
    b,
    { candidates: [b, a], probability: 0.7312, features: { tempo: 1.2 }, note: 'é "quoted"' },
    'auto-queue',
    15_000,
  )
  const second = log.playStart(b, { source: 'auto-queue', ts: 15_001 })
  log.playEnd(b, second, { position: 30.25, duration: null, reason: 'ended', ts: 45_000 })
  log.importLabel(c, 'not_for_me', 'seed.csv', 50_000)
  log.mark(c, 'like', 'cli', 60_000)
  log.mark(c, 'none', 'ui', 61_000)
  // Two identical events (same millisecond, same everything) must both survive a round trip.
  log.mark(b, 'like', 'ui', 70_000)
  log.mark(b, 'like', 'ui', 70_000)
  return log
}

/** The log as values, with tracks named by path: what a backup must preserve. */
function logValues(db: Database): unknown[] {
  return db
    .prepare(
      `SELECT e.ts, e.kind, t.path, e.play_id, e.position, e.duration, e.reason, e.mark, e.source, e.data
       FROM events e JOIN tracks t ON t.id = e.track_id ORDER BY e.id`,
    )
    .all()
}

function counts(db: Database): { events: number; tracks: number } {
  return db
    .prepare(
      'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM tracks) AS tracks',
    )
    .get() as {
    events: number
    tracks: number
  }
}

async function exportToFile(db: Database, file: string): Promise<number> {
  const out = createWriteStream(file)
  const written = await exportEvents(db, out)
  out.end()
  await finished(out)
  return written
}

function lines(text: string): string {
  return `${text.trim()}\n`
}

beforeEach(() => {
  source = newLibrary()
  sourceLog = fillLog(source.db)
})

describe('event backup: export', () => {
  it('writes a header line with the format version, then one event per line with its track path and tags', async () => {
    const file = join(source.dir, 'events.jsonl')
    const written = await exportToFile(source.db, file)
    const [headerLine, ...eventLines] = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(written).toBe(12)
    expect(JSON.parse(headerLine ?? '')).toMatchObject({
      format: EVENTS_FILE_FORMAT,
      version: EVENTS_FILE_VERSION,
      events: 12,
    })
    expect(eventLines).toHaveLength(12)
    const first = JSON.parse(eventLines[0] ?? '') as Record<string, unknown>
    expect(first).toMatchObject({
      kind: 'play_start',
      ts: 1_000,
      track: { path: WESNOTH, title: 'Northerners', artist: 'Wesnoth', album: 'OST' },
      source: 'ui',
    })
    const pick = JSON.parse(eventLines[4] ?? '') as Record<string, unknown>
    expect(pick.data).toEqual({
      candidates: [2, 1],
      probability: 0.7312,
      features: { tempo: 1.2 },
      note: 'é "quoted"',
    })
  })

  it('streams in pieces and waits for a slow reader instead of building one string', async () => {
    const many = newLibrary()
    const trackId = insertTrack(many.db, { path: WESNOTH })
    const log = new EventLog(many.db)
    many.db.transaction(() => {
      for (let i = 0; i < 5000; i++) log.playProgress(trackId, 'long-play', i, i)
    })()
    const chunks: string[] = []
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString())
        setImmediate(done)
      },
    })
    const written = await exportEvents(many.db, slow)
    expect(written).toBe(5000)
    expect(chunks.length).toBeGreaterThan(3)
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(
      chunks.join('').length / 3,
    )
    expect(chunks.join('').trimEnd().split('\n')).toHaveLength(5001)
  })
})

describe('event backup: import', () => {
  it('round-trips into a fresh database: the same events in the same order with the same values', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const fresh = newLibrary()
    const result = await importEvents(fresh.db, createReadStream(file))
    expect(result).toEqual({ imported: 12, duplicates: 0, createdTracks: 3, errors: [] })
    expect(logValues(fresh.db)).toEqual(logValues(source.db))
    // Labels derived from the restored log match the original's, track by track.
    const pathOf = (db: Database, id: number): string =>
      (db.prepare('SELECT path FROM tracks WHERE id = ?').get(id) as { path: string }).path
    const labelsByPath = (db: Database): unknown[] =>
      [...new EventLog(db).currentLabels().values()].map((label) => ({
        ...label,
        trackId: pathOf(db, label.trackId),
      }))
    expect(labelsByPath(fresh.db)).toEqual(labelsByPath(source.db))
    expect(new EventLog(fresh.db).listenOutcomes().map((o) => o.skip)).toEqual(
      sourceLog.listenOutcomes().map((o) => o.skip),
    )
  })

  it('keeps a declined replacement with its own pick where the ids differ in the database imported into', async () => {
    const [pick] = sourceLog.list({ kinds: ['auto_pick'] })
    sourceLog.pickDeclined({ id: pick!.id, ts: pick!.ts, trackId: pick!.trackId! }, 'started')
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    // The target's own log holds an auto-pick with the id the declined pick has in the source.
    const target = newLibrary()
    const own = insertTrack(target.db, { path: join(FIXTURES, 'music/elsewhere.ogg') })
    const targetLog = new EventLog(target.db)
    for (let i = 1; i < pick!.id; i++) targetLog.mark(own, 'like', 'ui', i)
    const ownPick = targetLog.autoPick(own, { candidates: [], probability: 1 }, 'auto-queue', 100)
    expect(ownPick.id).toBe(pick!.id)
    await importEvents(target.db, createReadStream(file))
    const imported = targetLog
      .list({ kinds: ['auto_pick'], limit: 100 })
      .find((e) => e.ts === pick!.ts)
    expect(imported!.id).not.toBe(pick!.id)
    expect(targetLog.declinedPickIds()).toEqual(new Set([imported!.id]))
  })

  it('remembers unknown paths as placeholder tracks, not yet scanned, so a later scan fills them in', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const fresh = newLibrary()
    const before = Date.now()
    await importEvents(fresh.db, createReadStream(file))
    const rows = fresh.db
      .prepare('SELECT path, root_id, title, added_at, scanned_at FROM tracks ORDER BY id')
      .all() as {
      path: string
      root_id: number | null
      title: string | null
      added_at: number
      scanned_at: number | null
    }[]
    expect(rows.map((row) => row.path)).toEqual([WESNOTH, NEXUIZ, UNICODE])
    for (const row of rows) {
      expect(row).toMatchObject({ root_id: null, title: null, scanned_at: null })
      expect(row.added_at).toBeGreaterThanOrEqual(before)
    }
  })

  it('matches tracks the database already has by path', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const target = newLibrary()
    const known = insertTrack(target.db, { path: NEXUIZ, title: 'Already scanned' })
    const result = await importEvents(target.db, createReadStream(file))
    expect(result.createdTracks).toBe(2)
    expect(new EventLog(target.db).list({ trackId: known, limit: 100 })).toHaveLength(5)
  })

  it('adds nothing when the same file is imported twice', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const fresh = newLibrary()
    await importEvents(fresh.db, createReadStream(file))
    const after = logValues(fresh.db)
    const again = await importEvents(fresh.db, createReadStream(file))
    expect(again).toEqual({ imported: 0, duplicates: 12, createdTracks: 0, errors: [] })
    expect(logValues(fresh.db)).toEqual(after)
  })

  it('adds nothing when a backup is imported into the database it came from', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const result = await importEvents(source.db, createReadStream(file))
    expect(result).toEqual({ imported: 0, duplicates: 12, createdTracks: 0, errors: [] })
    expect(counts(source.db).events).toBe(12)
  })

  it('adds only the events a partial earlier import lacked', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const [header, ...events] = readFileSync(file, 'utf8').trimEnd().split('\n')
    const partial = join(source.dir, 'partial.jsonl')
    // The first seven events (tracks a and b only) and one of the two identical marks at the end.
    // Its header says 8 events, as an export of a log holding only those would.
    const partialHeader = JSON.stringify({ ...(JSON.parse(header ?? '{}') as object), events: 8 })
    writeFileSync(partial, lines([partialHeader, ...events.slice(0, 7), events[11]].join('\n')))
    const fresh = newLibrary()
    expect((await importEvents(fresh.db, createReadStream(partial))).imported).toBe(8)
    const rest = await importEvents(fresh.db, createReadStream(file))
    expect(rest).toMatchObject({ imported: 4, duplicates: 8, createdTracks: 1 })
    expect(counts(fresh.db).events).toBe(12)
  })

  it('reports a malformed line with its number and writes nothing at all', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const text = readFileSync(file, 'utf8').split('\n')
    text[4] = '{"kind": "mark", "ts": 1, "track": {"path": "/x.mp3"}, "mark": "like"' // cut short
    const broken = join(source.dir, 'broken.jsonl')
    writeFileSync(broken, text.join('\n'))
    const fresh = newLibrary()
    const before = counts(fresh.db)

    const error = await importEvents(fresh.db, createReadStream(broken)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EventImportError)
    expect((error as EventImportError).line).toBe(5)
    expect((error as EventImportError).message).toMatch(
      /^Nothing was imported: line 5: This line is not valid JSON/,
    )
    expect(counts(fresh.db)).toEqual(before)

    const reported = await importEvents(fresh.db, createReadStream(broken), { reportErrors: true })
    expect(reported.imported).toBe(0)
    expect(reported.errors.map((e) => e.line)).toEqual([5])
    expect(counts(fresh.db)).toEqual(before)
  })

  it('names every line whose event is invalid, and writes none of the valid ones', async () => {
    const header = JSON.stringify({
      format: EVENTS_FILE_FORMAT,
      version: 1,
      exportedAt: 0,
      events: 4,
    })
    const event = (fields: Record<string, unknown>): string =>
      JSON.stringify({ ts: 5, track: { path: '/music/a.mp3' }, source: 'ui', ...fields })
    const file = join(source.dir, 'invalid.jsonl')
    writeFileSync(
      file,
      lines(
        [
          header,
          event({ kind: 'mark', mark: 'like' }),
          event({ kind: 'mark', mark: 'adore' }),
          '',
          event({ kind: 'play_end', playId: 'p', position: 3, reason: 'bored' }),
          event({ kind: 'skip' }),
          event({ kind: 'mark', mark: 'like', track: { title: 'no path' } }),
          event({ kind: 'mark', mark: 'like', ts: undefined }),
          '[1, 2]',
        ].join('\n'),
      ),
    )
    const fresh = newLibrary()
    const result = await importEvents(fresh.db, createReadStream(file), { reportErrors: true })
    expect(result.errors.map((e) => e.line)).toEqual([3, 5, 6, 7, 8, 9])
    expect(result.errors[0]?.message).toMatch(/Unknown mark "adore"/)
    expect(result.errors[1]?.message).toMatch(/Unknown reason .*"bored"/)
    expect(result.errors[2]?.message).toMatch(/Unknown event kind "skip"/)
    expect(result.errors[3]?.message).toMatch(/does not name its track’s path/)
    expect(result.errors[4]?.message).toMatch(/no time/)
    expect(counts(fresh.db)).toEqual({ events: 0, tracks: 0 })
  })

  it('refuses a file without the events header, and one from a newer Attune', async () => {
    const fresh = newLibrary()
    const noHeader = Readable.from([
      lines(JSON.stringify({ kind: 'mark', ts: 1, track: { path: '/a' }, mark: 'like' })),
    ])
    await expect(importEvents(fresh.db, noHeader)).rejects.toThrow(
      /line 1: This is not an Attune events file/,
    )
    const newer = Readable.from([
      lines(JSON.stringify({ format: EVENTS_FILE_FORMAT, version: 99 })),
    ])
    await expect(importEvents(fresh.db, newer)).rejects.toThrow(/newer Attune/)
    await expect(importEvents(fresh.db, Readable.from(['']))).rejects.toThrow(/empty/)
    expect(counts(fresh.db)).toEqual({ events: 0, tracks: 0 })
  })

  it('reads a file with Windows line endings and a byte-order mark', async () => {
    const file = join(source.dir, 'events.jsonl')
    await exportToFile(source.db, file)
    const windows = join(source.dir, 'windows.jsonl')
    writeFileSync(windows, '\uFEFF' + readFileSync(file, 'utf8').replaceAll('\n', '\r\n'))
    const fresh = newLibrary()
    expect((await importEvents(fresh.db, createReadStream(windows))).imported).toBe(12)
    expect(logValues(fresh.db)).toEqual(logValues(source.db))
  })
})
