import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkWritable, openDatabase, type Database } from '../../../src/main/db/database'
import { EventLog } from '../../../src/main/db/events'
import { OtherWriters } from '../../../src/main/db/other-writers'
import { insertTrack, tempLibrary, type TempLibrary } from '../media/library-rows'

let library: TempLibrary
let other: Database
let track = 0

beforeEach(() => {
  library = tempLibrary()
  track = insertTrack(library.db, { path: '/music/a.ogg' })
  // A second connection to the same file: another process (the CLI) writing beside the app.
  other = openDatabase(join(library.dir, 'library.db'))
})
afterEach(() => {
  other.close()
  library.cleanUp()
})

describe('other writers (the CLI writing to the database the app has open)', () => {
  it("notices another connection's commit once, and not its own writes", () => {
    const watch = new OtherWriters(library.db)
    expect(watch.committedSince()).toBe(false)
    new EventLog(library.db).mark(track, 'like')
    expect(watch.committedSince()).toBe(false)
    new EventLog(other).mark(track, 'love')
    expect(watch.committedSince()).toBe(true)
    expect(watch.committedSince()).toBe(false)
  })

  it('tells whether the events after an id teach the model', () => {
    const watch = new OtherWriters(library.db)
    const log = new EventLog(other)
    const start = log.lastId()
    expect(watch.taughtAfter(start)).toBe(false)
    const playId = log.playStart(track)
    expect(watch.taughtAfter(start)).toBe(false)
    log.playEnd(track, playId, { position: 10, duration: 100, reason: 'next' })
    expect(watch.taughtAfter(start)).toBe(true)
    expect(watch.taughtAfter(log.lastId())).toBe(false)
    log.mark(track, 'not_for_me')
    expect(watch.taughtAfter(log.lastId() - 1)).toBe(true)
  })

  it('checkWritable throws the busy error while another connection holds the write lock', () => {
    expect(() => checkWritable(library.db)).not.toThrow()
    other.pragma('busy_timeout = 0')
    library.db.pragma('busy_timeout = 0')
    other.prepare('BEGIN IMMEDIATE').run()
    expect(() => checkWritable(library.db)).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY' }),
    )
    other.prepare('ROLLBACK').run()
    expect(() => checkWritable(library.db)).not.toThrow()
    expect(library.db.inTransaction).toBe(false)
  })

  it('counts the events of each kind, kinds in alphabetical order', () => {
    const log = new EventLog(library.db)
    expect(log.countsByKind()).toEqual({})
    log.mark(track, 'like')
    log.mark(track, 'love')
    log.playStartAndEnd(track, { position: 5, duration: 100, reason: 'next' })
    const counts = log.countsByKind()
    expect(counts).toEqual({ mark: 2, play_end: 1, play_start: 1 })
    expect(Object.keys(counts)).toEqual(['mark', 'play_end', 'play_start'])
  })
})
