import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { scanLibrary, TrackStore } from '../../../src/main/library'
import { analyseLibrary } from '../../../src/main/analysis/pool'
import { FIXTURES, tempDir } from '../../helpers/temp'

let db: Database
let cleanup: () => void

beforeAll(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  const library = join(t.dir, 'library')
  mkdirSync(library)
  for (const f of ['s16.wav', 'vorbis.ogg', 'vbr.mp3'])
    cpSync(join(FIXTURES, 'formats', f), join(library, f))
  db = openDatabase(join(t.dir, 'library.db'))
  new TrackStore(db).addRoot(library)
  await scanLibrary(db, { roots: [library], coversDir: join(t.dir, 'covers') })
})

afterAll(() => {
  db.close()
  cleanup()
})

describe('analysis pool yielding to playback', () => {
  it('runs on fewer workers while asked to, and still finishes every file', async () => {
    let asked = 0
    const summary = await analyseLibrary(db, {
      workers: 2,
      activeWorkers: () => {
        asked++
        return 1
      },
    })
    expect(summary.analysed).toBe(3)
    expect(summary.failed).toEqual([])
    expect(asked).toBeGreaterThanOrEqual(3)
  }, 120_000)
})
