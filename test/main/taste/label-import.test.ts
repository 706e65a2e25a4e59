import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EventLog } from '../../../src/main/db/events'
import { importLabels } from '../../../src/main/taste/label-import'
import { excludesFromAutoQueue } from '../../../src/shared/rewards'
import { tempDir } from '../../helpers/temp'

let db: Database
let dir: string
let cleanup: () => void

beforeEach(() => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  db = openDatabase(join(dir, 'library.db'))
  db.prepare(`INSERT INTO roots (path, added_at) VALUES (?, 1)`).run('/music')
  const insert = db.prepare(
    `INSERT INTO tracks (root_id, path, album, artist, added_at, scanned_at) VALUES (1, ?, ?, ?, 1, 1)`,
  )
  insert.run('/music/wesnoth/northerners.ogg', 'Wesnoth', 'Frank')
  insert.run('/music/wesnoth/loyalists.ogg', 'Wesnoth', 'Frank')
  insert.run('/music/wesnoth/elf-land.ogg', 'Wesnoth', 'Frank')
  insert.run('/music/nexuiz/infight.mp3', 'Nexuiz', 'Zombie')
  insert.run('/music/loose/untagged.flac', null, null)
})
afterEach(() => {
  db.close()
  cleanup()
})

describe('label import', () => {
  it('labels every playlist entry, and reports entries it cannot find', async () => {
    const playlist = join(dir, 'liked.m3u8')
    writeFileSync(playlist, '#EXTM3U\n/music/wesnoth/northerners.ogg\n/music/nowhere.mp3\n')
    const result = await importLabels(db, { file: playlist, as: 'like' })
    expect(result.labelled).toBe(1)
    expect(result.unmatched).toEqual([{ line: 3, path: '/music/nowhere.mp3' }])
    const label = new EventLog(db).labelOf(1)
    expect(label).toMatchObject({ mark: 'like', origin: 'import' })
  })

  it('can label every other track of the same albums as not, and that "not" does not exclude', async () => {
    const playlist = join(dir, 'liked.m3u')
    writeFileSync(playlist, '/music/wesnoth/northerners.ogg\n')
    const result = await importLabels(db, { file: playlist, as: 'love', othersInAlbumsNot: true })
    expect(result.byMark).toEqual({ love: 1, not_for_me: 2 })
    const labels = new EventLog(db).currentLabels()
    expect(labels.get(4)).toBeUndefined()
    const weak = labels.get(2)!
    expect(weak).toMatchObject({ mark: 'not_for_me', origin: 'import' })
    expect(excludesFromAutoQueue(weak.mark, weak.origin)).toBe(false)
  })

  it('reads CSV labels and matches paths relative to a library folder', async () => {
    const csv = join(dir, 'labels.csv')
    writeFileSync(csv, 'path,label\nnexuiz/infight.mp3,not\n/music/loose/untagged.flac,near-miss\n')
    // Relative entries resolve against the CSV's folder first; here that is the temp dir, so the
    // match comes from the library folder.
    const result = await importLabels(db, { file: csv })
    expect(result.unmatched).toEqual([])
    expect(result.byMark).toEqual({ not_for_me: 1, near_miss: 1 })
  })

  it('writes nothing when told to try it first, or when a CSV label is unknown', async () => {
    const csv = join(dir, 'labels.csv')
    writeFileSync(csv, '/music/wesnoth/loyalists.ogg,like\n')
    await importLabels(db, { file: csv, dryRun: true })
    expect(new EventLog(db).currentLabels().size).toBe(0)
    writeFileSync(csv, '/music/wesnoth/loyalists.ogg,like\n/music/nexuiz/infight.mp3,meh\n')
    await expect(importLabels(db, { file: csv })).rejects.toThrow(/Line 2/)
    expect(new EventLog(db).currentLabels().size).toBe(0)
  })

  it('asks for --as when a playlist gives no label', async () => {
    const playlist = join(dir, 'x.m3u')
    writeFileSync(playlist, '/music/wesnoth/loyalists.ogg\n')
    await expect(importLabels(db, { file: playlist })).rejects.toThrow(/--as/)
  })
})
