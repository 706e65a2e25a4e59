// Engine-level learning on real audio. Simulated listeners with hidden tastes (every other style
// and pair of styles of the styles corpus) react to the auto-queue through the engine's handlers;
// the median taste must beat random and closest-to-liked picks (bench/learning.ts measures all
// tastes with more seeds). Then the CLI flow: feedback, recommend and explain on the fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { scanLibrary, TrackStore } from '../../../src/main/library'
import { analyseLibrary } from '../../../src/main/analysis/pool'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { FIXTURES, tempDir } from '../../helpers/temp'
import {
  analysedLibrary,
  meanShare,
  median,
  runBaseline,
  runEngine,
  summariseTaste,
  tastesOf,
  type AnalysedLibrary,
  type PolicyName,
  type RunResult,
} from '../../../bench/learning-sim'

const MUSIC = join(FIXTURES, 'music')
const STYLES = join(FIXTURES, '..', 'corpus', 'styles')
// Wesnoth (12 of 40 songs: 30 %) must fill at least 6 of the next 10 picks. Measured with the
// defaults (α = 1): 7 of 10; with α = 0.1 ("safe bets"): 9. (Loving 3 of Singularity's 7 songs
// gives only 1 of 10 at α = 1: after six rows the exploration bonus, ≈ 1.2, still outweighs the
// differences in mean, ≈ 0.5, so a small soundtrack is a test of α rather than of learning.)
const LOVED = 'wesnoth'
const SKIPPED = 'drascula'

let temp: ReturnType<typeof tempDir>
/** The styles corpus, analysed once for this file (in its temp folder). */
let corpus: Promise<AnalysedLibrary>
let db: Database
let dbPath: string
let cliDbPath: string

function soundtrackOf(path: string): string {
  return path.slice(MUSIC.length + 1).split(/[\\/]/)[0] ?? ''
}

function tracksOf(store: TrackStore, soundtrack: string): { id: number; path: string }[] {
  return store
    .listTracks({ limit: 1000 })
    .filter((t) => soundtrackOf(t.path) === soundtrack)
    .sort((a, b) => (a.path < b.path ? -1 : 1))
}

beforeAll(async () => {
  temp = tempDir()
  corpus = analysedLibrary('corpus-styles', STYLES, { cache: temp.dir })
  await corpus
  dbPath = join(temp.dir, 'attune.db')
  cliDbPath = join(temp.dir, 'cli.db')
  db = openDatabase(dbPath)
  await scanLibrary(db, { roots: [MUSIC], coversDir: join(temp.dir, 'covers') })
  const summary = await analyseLibrary(db, { workers: 2 })
  expect(summary.failed).toEqual([])
  // A second copy of the analysed library for the CLI run, before any feedback.
  db.exec(`VACUUM INTO '${cliDbPath.replace(/'/g, "''")}'`)
}, 900_000)

afterAll(() => {
  db?.close()
  temp?.cleanup()
})

describe('learning from feedback over many hidden tastes (bench/learning-sim.ts)', () => {
  it('beats random and closest-to-liked picks on the median taste of the styles corpus', async () => {
    // Every style of the corpus with ≥ 5 songs and every pair up to half the library is a taste;
    // the test runs every other one (one seed: the engine's draws are seeded, so it is
    // deterministic), the bench all of them with more seeds.
    const library = await corpus
    const tastes = tastesOf(library).filter((_, i) => i % 2 === 0)
    expect(tastes.length).toBeGreaterThanOrEqual(5)
    const runs: RunResult[] = []
    const audioOnly: RunResult[] = []
    // The sound alone: no tag context and no album sound (both on by default).
    const soundAlone = {
      name: 'sound-alone',
      settings: { model: { useTags: false, albumSound: 0 } },
    }
    for (const taste of tastes) {
      runs.push(await runEngine(library, taste, 1, { name: 'default' }, temp.dir))
      runs.push(runBaseline('random', library, taste, 1))
      runs.push(runBaseline('centroid', library, taste, 1))
      audioOnly.push(await runEngine(library, taste, 1, soundAlone, temp.dir))
    }
    const summaries = tastes.map((t) => summariseTaste(library, t, runs))
    const med = (
      policy: PolicyName,
      figure: 'hitRate' | 'hitShareOfCeiling' | 'picksToFive' | 'cameBack',
    ) => median(summaries.map((s) => s.policies[policy][figure]))
    // Liked-style picks among picks 11–30 (a loved song picked again is not a hit), as a share of
    // the 20 picks and of what was left to find: far above random. Measured (v4 features, k = 64,
    // α = 0.5, tags on: 32 + 32 dimensions, album sound 0.75, 2026-12-05): attune 0.575 and 0.64
    // (0.60 and 0.68 with the tags alone, 0.525 and 0.59 with neither), random 0.275 and 0.275,
    // centroid 0.25 and 0.25. Against the centroid only "at least as many": over 20 seeds it is as good as Attune
    // on the large tastes, so its one-seed median jumps between 0.25 and 0.5 (bench/README.md).
    expect(med('attune', 'hitRate')).toBeGreaterThanOrEqual(med('random', 'hitRate') + 0.2)
    expect(med('attune', 'hitShareOfCeiling')).toBeGreaterThanOrEqual(
      med('random', 'hitShareOfCeiling') + 0.25,
    )
    expect(med('attune', 'hitRate')).toBeGreaterThanOrEqual(med('centroid', 'hitRate'))
    // The first 5 liked songs: after 13 picks (random 24, centroid 23; 14 with the tags alone, 11
    // with neither: the tag directions are explored too, docs/learning.md).
    expect(med('attune', 'picksToFive')).toBeLessThanOrEqual(med('centroid', 'picksToFive') - 3)
    expect(med('attune', 'picksToFive')).toBeLessThanOrEqual(med('random', 'picksToFive') - 6)
    // "Not for me" steers away from the style: it comes back within 3 picks after 33 % of the
    // marks (random 65 %, centroid 46 %; 33 % with the tags alone, 35 % with neither).
    expect(med('attune', 'cameBack')).toBeLessThanOrEqual(med('random', 'cameBack') - 0.1)
    // The context (tag context and album sound, both on by default): the mean over the tastes of
    // hits / what was left is above the same listeners served on the sound alone (measured 0.5725
    // against 0.512; 0.562 with the tags alone; the corpus files are mostly untagged, so the
    // folder names stand in). Equal would mean the context did nothing. (With the album sound on,
    // the tags themselves add nothing visible here: 0.623 without them in this one-seed sample,
    // equal in the 2 × 20-seed screen; docs/learning.md.)
    expect(meanShare(runs, 'attune')).toBeGreaterThan(meanShare(audioOnly, 'attune'))
    // No stopwatch: analysing the corpus and ~10 simulated listeners take ~30 s on an idle
    // 2-core machine and several times that at load 8; the limit only catches a hang.
  }, 900_000)
})

describe('learning through the CLI on the fixture library', () => {
  it('learns the same through the CLI: feedback, recommend and explain', async () => {
    const cli = async (...args: string[]) => {
      const capture = memoryIo()
      const code = await main([...args, '--db', cliDbPath], capture.io)
      return { code, out: capture.out(), err: capture.err() }
    }
    const cliDb = openDatabase(cliDbPath)
    const store = new TrackStore(cliDb)
    const all = store.listTracks({ limit: 1000 })
    const loved = tracksOf(store, LOVED)
    const skipped = tracksOf(store, SKIPPED)
    cliDb.close()

    for (const track of loved.slice(0, 3)) {
      expect((await cli('feedback', track.path, 'love')).code).toBe(0)
    }
    for (const track of skipped.slice(0, 3)) {
      const result = await cli('feedback', String(track.id), 'skip@3')
      expect(result.out).toMatch(/^Logged a skip of .* at 0:03\.\n$/)
    }
    const result = await cli('recommend', '--n', '10', '--json')
    expect(result.code).toBe(0)
    const picks = JSON.parse(result.out) as {
      trackId: number
      path: string
      mean: number
      bonus: number
      ucb: number
      reasons: string[]
    }[]
    expect(picks).toHaveLength(10)
    const lovedPicks = picks.filter((p) => soundtrackOf(p.path) === LOVED).length
    expect(lovedPicks).toBeGreaterThanOrEqual(Math.ceil(2 * (loved.length / all.length) * 10))
    for (const pick of picks) {
      expect(pick.ucb).toBeCloseTo(pick.mean + pick.bonus, 12)
      expect(pick.reasons.length).toBeGreaterThan(0)
    }

    const table = await cli('recommend', '--n', '3')
    expect(table.out).toMatch(/score\s+bonus\s+ucb\s+why/)

    const explained = await cli('explain', String(loved[0]?.id))
    expect(explained.code).toBe(0)
    expect(explained.out).toMatch(/score \(mean\) -?\d\.\d{3}, bonus \d\.\d{3}, ucb -?\d\.\d{3}/)
    expect(explained.out).toContain('label: love (your mark)')
    expect(explained.out).toMatch(/raised by: .+ \(.+\)/)

    const unknown = await cli('explain', '/no/such/song.mp3')
    expect(unknown.code).toBe(1)
    expect(unknown.err).toContain("There is no track '/no/such/song.mp3' in the library.")
  })

  it('says in plain words when nothing is analysed yet', async () => {
    const empty = join(temp.dir, 'empty.db')
    openDatabase(empty).close()
    const capture = memoryIo()
    expect(await main(['recommend', '--db', empty], capture.io)).toBe(1)
    expect(capture.err()).toBe('attune recommend: No song is analysed yet. Run: attune analyze\n')
  })
})
