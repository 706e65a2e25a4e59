// "Never play" follows the library: a song re-tagged (and nothing else changed) to an excluded
// artist or genre, or moved into an excluded folder, is covered after the rescan; the rules are
// cached between picks (src/main/db/exclusions.ts), so the cache must notice such a change.
import { copyFileSync, mkdirSync, renameSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine'
import type { ExclusionRule } from '../../src/shared/exclusions'
import { writeFlacWithComments } from '../helpers/tag-writers'
import { FIXTURES, tempDir } from '../helpers/temp'

const temp = tempDir('attune-exclusions-retag-')
const music = join(temp.dir, 'music')
let engine: Engine

beforeAll(async () => {
  mkdirSync(join(music, 'band'), { recursive: true })
  for (const name of ['chaos_god.flac', 'armygeddon.flac'])
    copyFileSync(join(FIXTURES, 'music', 'muldjord', name), join(music, 'band', name))
  engine = new Engine({ dbPath: join(temp.dir, 'library.db'), watch: false })
  await engine.handlers.addRoot({ path: music })
  await engine.scan()
  const analysis = await engine.analyse()
  expect(analysis.failed).toEqual([])
}, 120_000)

afterAll(async () => {
  await engine?.close()
  temp.cleanup()
})

/** The songs the auto-queue may pick (recommend is what it draws from), by file name. */
const picks = async (): Promise<string[]> =>
  (await engine.handlers.recommend({ n: 50 })).map((s) => s.track!.path.replace(/^.*\//, '')).sort()

/** Rewrites the file's tags in place, as a tag editor would, and rescans. */
async function retag(path: string, tags: Record<string, string>): Promise<void> {
  writeFlacWithComments(path, path, tags)
  // A tag editor's save: the scanner sees a new modification time (and size) and reads the tags.
  const later = new Date(Date.now() + 5_000)
  utimesSync(path, later, later)
  const summary = await engine.scan()
  expect(summary.updated).toBe(1)
}

async function expectRuleFollows(rule: ExclusionRule, change: () => Promise<void>): Promise<void> {
  expect(await picks()).toEqual(['armygeddon.flac', 'chaos_god.flac'])
  // The rule covers nothing yet, and the cache is warm.
  await engine.handlers.addExclusion({ rule })
  expect(await picks()).toEqual(['armygeddon.flac', 'chaos_god.flac'])
  await change()
  expect(await picks()).toEqual(['armygeddon.flac'])
  // The song is still analysed and pickable: it is the rule that keeps it out.
  await engine.handlers.removeExclusion({ rule })
  expect(await picks()).toEqual(['armygeddon.flac', 'chaos_god.flac'])
}

describe('never play after a change to one song', () => {
  it('covers a song re-tagged to an excluded artist', async () => {
    const path = join(music, 'band', 'chaos_god.flac')
    await expectRuleFollows({ kind: 'artist', artist: 'Newly Named Band' }, () =>
      retag(path, { ARTIST: 'Newly Named Band' }),
    )
  })

  it('covers a song re-tagged to an excluded genre', async () => {
    const path = join(music, 'band', 'chaos_god.flac')
    await expectRuleFollows({ kind: 'genre', genre: 'Polka' }, () =>
      retag(path, { GENRE: 'Polka' }),
    )
  })

  it('covers a song moved into an excluded folder', async () => {
    const away = join(music, 'away')
    mkdirSync(away)
    await expectRuleFollows({ kind: 'folder', path: away }, async () => {
      renameSync(join(music, 'band', 'chaos_god.flac'), join(away, 'chaos_god.flac'))
      const summary = await engine.scan()
      expect(summary.moved).toBe(1)
    })
  })
})
