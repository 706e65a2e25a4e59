// `attune feedback TRACK skip@N` writes the play's start and end in one transaction: when the end
// cannot be written, no play is left started and never ended.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/main/db/database'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { tempDir } from '../../helpers/temp'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

describe('feedback on the command line', () => {
  it('writes a skip as one transaction: a failing end leaves no dangling start', async () => {
    const { dir, cleanup } = tempDir('attune-feedback-')
    cleanups.push(cleanup)
    const dbPath = join(dir, 'library.db')
    const db = openDatabase(dbPath)
    db.prepare('INSERT INTO tracks (path, duration, added_at) VALUES (?, ?, 1)').run(
      '/m/a.mp3',
      200,
    )
    // A fault between the two writes: the end of a play cannot be written.
    db.exec(`CREATE TRIGGER no_end BEFORE INSERT ON events WHEN NEW.kind = 'play_end'
             BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`)
    db.close()

    const failing = memoryIo()
    expect(await main(['feedback', '1', 'skip@12', '--db', dbPath], failing.io)).toBe(1)
    expect(await main(['feedback', '1', 'played', '--db', dbPath], memoryIo().io)).toBe(1)
    const check = openDatabase(dbPath)
    expect(check.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0)
    check.exec('DROP TRIGGER no_end')
    check.close()

    expect(await main(['feedback', '1', 'skip@12', '--db', dbPath], memoryIo().io)).toBe(0)
    const after = openDatabase(dbPath)
    expect(after.prepare('SELECT kind FROM events ORDER BY id').pluck().all()).toEqual([
      'play_start',
      'play_end',
    ])
    after.close()
  })
})
