import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/main/db/database'
import { scanLibrary, type LibraryScanSummary } from '../../../src/main/library'
import { BlockingIoGuard } from '../../../src/main/library/file-reader'
import { FIXTURES, sandbox, type Sandbox } from './library-helpers'

/** Every stored column of every track, by path, without the ids and times that differ between scans. */
function storedRows(db: Database): Map<string, Record<string, unknown>> {
  const rows = db.prepare('SELECT * FROM tracks ORDER BY path').all() as Record<string, unknown>[]
  const byPath = new Map<string, Record<string, unknown>>()
  for (const row of rows) {
    const { id: _id, added_at: _added, scanned_at: _scanned, root_id: _root, ...stored } = row
    byPath.set(row['path'] as string, stored)
  }
  return byPath
}

/** Equal, with duration and bitrate within 1 % (music-metadata derives them in floating point). */
function expectSameRows(
  actual: Map<string, Record<string, unknown>>,
  expected: Map<string, Record<string, unknown>>,
): void {
  expect([...actual.keys()]).toEqual([...expected.keys()])
  for (const [path, row] of actual) {
    const reference = expected.get(path) as Record<string, unknown>
    const { duration, bitrate, ...rest } = row
    const { duration: refDuration, bitrate: refBitrate, ...refRest } = reference
    expect(rest, path).toEqual(refRest)
    for (const [value, refValue, name] of [
      [duration, refDuration, 'duration'],
      [bitrate, refBitrate, 'bitrate'],
    ] as const) {
      if (refValue === null) expect(value, `${path} ${name}`).toBeNull()
      else
        expect(
          Math.abs((value as number) - (refValue as number)),
          `${path} ${name}`,
        ).toBeLessThanOrEqual(0.01 * Math.abs(refValue as number))
    }
  }
}

const byPath = <T extends { path: string }>(list: readonly T[]): T[] =>
  [...list].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))

describe('scanning with the tag fast path', () => {
  let reference: Sandbox
  let fast: Sandbox
  let pooled: Sandbox
  let summaries: LibraryScanSummary[]

  beforeAll(async () => {
    reference = sandbox()
    fast = sandbox()
    pooled = sandbox()
    summaries = [
      await scanLibrary(reference.db, {
        roots: [FIXTURES],
        coversDir: reference.coversDir,
        workers: 0,
        fastTags: false,
        blockingReads: false,
      }),
      await scanLibrary(fast.db, { roots: [FIXTURES], coversDir: fast.coversDir, workers: 0 }),
      await scanLibrary(pooled.db, { roots: [FIXTURES], coversDir: pooled.coversDir, workers: 1 }),
    ]
  }, 60_000)
  afterAll(() => {
    reference.cleanup()
    fast.cleanup()
    pooled.cleanup()
  })

  it('reports the same counts and the same failed files as music-metadata alone', () => {
    const [before, ...after] = summaries as [LibraryScanSummary, ...LibraryScanSummary[]]
    for (const summary of after) {
      expect(summary.added).toBe(before.added)
      expect(summary.read).toBe(before.read)
      // In the order files finished, which differs between blocking and promise reads: compare by path.
      expect(byPath(summary.failed)).toEqual(byPath(before.failed))
    }
  })

  it('stores the same rows (tags, stream properties, covers, errors) as music-metadata alone', () => {
    expectSameRows(storedRows(fast.db), storedRows(reference.db))
  })

  it('stores the same rows when a read worker parses the files', () => {
    expectSameRows(storedRows(pooled.db), storedRows(reference.db))
  })

  it('stores the same cover images', () => {
    const covers = (db: Database) =>
      db.prepare('SELECT id, mime, bytes FROM covers ORDER BY id').all()
    expect(covers(fast.db)).toEqual(covers(reference.db))
    expect(covers(pooled.db)).toEqual(covers(reference.db))
  })
})

describe('the blocking I/O guard', () => {
  /** Really takes this long (a real slow operation, not a mocked clock). */
  const busyFor = (ms: number) => () => {
    const end = performance.now() + ms
    while (performance.now() < end);
    return ms
  }

  it('keeps blocking through a few slow operations, as a loaded machine causes', () => {
    const guard = new BlockingIoGuard()
    for (let i = 0; i < 640; i++) guard.time(busyFor(i % 100 === 0 ? 6 : 0))
    expect(guard.allowed).toBe(true)
  })

  it('stops blocking when many operations are slow, as on a spinning disk or a network share', () => {
    const guard = new BlockingIoGuard()
    for (let i = 0; i < 7; i++) guard.time(busyFor(6))
    expect(guard.allowed).toBe(true)
    expect(guard.time(busyFor(6))).toBe(6) // the operation's own result comes back
    expect(guard.allowed).toBe(false)
    for (let i = 0; i < 200; i++) guard.time(busyFor(0))
    expect(guard.allowed).toBe(false) // for good
  })
})
