// The library commands on the command line, each through the Engine's contract calls, on a real
// database of the shared fixtures: what they print, what they refuse, and what they leave behind.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { FIXTURES, tempDir } from '../../helpers/temp'

const MUSIC = join(FIXTURES, 'music')
let dir: string
let cleanup: () => void
let dbPath: string

/** Runs one command; its exit code, stdout and stderr. */
async function attune(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { io, out, err } = memoryIo()
  const code = await main([...args, '--db', dbPath], io)
  return { code, out: out(), err: err() }
}

async function json<T>(...args: string[]): Promise<T> {
  const { code, out, err } = await attune(...args, '--json')
  expect(code, err).toBe(0)
  return JSON.parse(out) as T
}

interface TrackRow {
  id: number
  path: string
}

beforeAll(async () => {
  ;({ dir, cleanup } = tempDir('attune-cli-'))
  dbPath = join(dir, 'library.db')
  const scanned = await json<{ roots: string[]; seen: number; tracks: number }>('scan', MUSIC)
  expect(scanned.roots).toEqual([MUSIC])
  expect(scanned.tracks).toBe(scanned.seen)
}, 120_000)

afterAll(() => cleanup())

describe('the library on the command line', () => {
  it('counts, lists and searches the tracks the scan found', async () => {
    const stats = await json<{ database: string; tracks: number; events: object }>('stats')
    expect(stats).toMatchObject({ database: dbPath, tracks: 40, missing: 0, events: {} })
    const all = await json<TrackRow[]>('tracks')
    expect(all).toHaveLength(40)
    expect(await json<TrackRow[]>('tracks', '--limit', '3')).toEqual(all.slice(0, 3))
    expect((await attune('tracks', '--search', 'nothing-is-called-this')).out).toBe(
      'No track matches that search.\n',
    )
  })

  it('lists the folders, and names the command that lists them when one is not there', async () => {
    expect((await json<{ path: string }[]>('roots')).map((r) => r.path)).toEqual([MUSIC])
    const gone = await attune('roots', 'remove', join(dir, 'elsewhere'))
    expect(gone.code).toBe(1)
    expect(gone.err).toBe(
      `attune roots: ${join(dir, 'elsewhere')} is not one of the library's folders. List them with: attune roots\n`,
    )
  })

  it('logs feedback from the command line as such, and exports and imports the log', async () => {
    const [first] = await json<TrackRow[]>('tracks', '--limit', '1')
    const marked = await json<{ eventIds: number[]; playId: null }>(
      'feedback',
      `${first!.id}`,
      'love',
    )
    expect(marked.eventIds).toHaveLength(1)
    const skipped = await json<{ eventIds: number[]; playId: string }>(
      'feedback',
      first!.path,
      'skip@1',
    )
    expect(skipped.playId).toMatch(/\S/)
    expect((await json<{ events: Record<string, number> }>('stats')).events).toEqual({
      mark: 1,
      play_start: 1,
      play_end: 1,
    })

    const backup = join(dir, 'events.jsonl')
    expect(await json('export', backup)).toEqual({ file: backup, events: 3 })
    const lines = readFileSync(backup, 'utf8').trim().split('\n')
    // The mark and the play's start say where they came from (a play's end belongs to its start).
    expect(lines.slice(1).map((l) => (JSON.parse(l) as { source: string }).source)).toEqual([
      'cli',
      'cli',
      null,
    ])
    const stdout = await attune('export')
    expect(stdout.out.trim().split('\n').slice(1)).toEqual(lines.slice(1))

    const other = join(dir, 'other.db')
    const { io } = memoryIo()
    expect(await main(['import', backup, '--db', other, '--json'], io)).toBe(0)
    const again = memoryIo()
    expect(await main(['import', backup, '--db', other, '--json'], again.io)).toBe(0)
    expect(JSON.parse(again.out())).toMatchObject({ imported: 0, duplicates: 3 })
  })

  it('imports vectors and compares how well they separate the folders', async () => {
    const tracks = await json<TrackRow[]>('tracks')
    const folders = [...new Set(tracks.map((t) => t.path.slice(MUSIC.length + 1).split('/')[0]))]
    // Each folder's songs near their own corner of the space, so the folders separate.
    const csv = tracks
      .map((t, i) => {
        const corner = folders.indexOf(t.path.slice(MUSIC.length + 1).split('/')[0])
        const vector = folders.map((_, d) => (d === corner ? 5 : 0) + ((i * 7 + d * 3) % 5) / 10)
        return [t.path, ...vector].join(',')
      })
      .join('\n')
    writeFileSync(join(dir, 'vectors.csv'), csv + '\n')
    const imported = await json<{ space: string; imported: number }>(
      'import-embeddings',
      join(dir, 'vectors.csv'),
      '--space',
      'corners',
    )
    expect(imported).toMatchObject({ space: 'import:corners', imported: 40 })
    const report = await json<{ linearAccuracy: number; majorityBaseline: number }>(
      'eval-embedding',
      '--space',
      'import:corners',
      '--folds',
      '2',
      '--repeats',
      '1',
    )
    expect(report.linearAccuracy).toBeGreaterThan(report.majorityBaseline)

    const broken = join(dir, 'broken.csv')
    writeFileSync(broken, `${tracks[0]!.path},1,2\n${tracks[1]!.path},1\n`)
    const refused = await attune('import-embeddings', broken, '--space', 'broken')
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(/Nothing was imported\.\n$/)
  })

  it('says which command computes the built-in space when nothing is analysed', async () => {
    const refused = await attune('eval-embedding')
    expect(refused.code).toBe(1)
    expect(refused.err).toBe(
      'attune eval-embedding: No song is analysed yet. Run: attune analyze\n',
    )
  })
})
