// The library's folders: the rules for adding one (real paths, plain-word refusals) and what
// removing one keeps (see library/track-store.ts over db/roots.ts).
import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LibraryFolderError, scanLibrary, TrackStore } from '../../../src/main/library'
import { copyFixture, sandbox, type Sandbox } from './library-helpers'

describe('library folders', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  it('stores the real path of a folder reached through a symlink, once', () => {
    box = sandbox()
    const store = new TrackStore(box.db)
    symlinkSync(box.music, join(box.dir, 'link'))
    const root = store.addRoot(join(box.dir, 'link'))
    expect(root.path).toBe(realpathSync(box.music))
    expect(store.addRoot(box.music).id).toBe(root.id)
    expect(store.listRoots()).toEqual([root])
  })

  it('refuses, in plain words, a folder that does not exist or is a file', () => {
    box = sandbox()
    const store = new TrackStore(box.db)
    expect(() => store.addRoot(join(box.dir, 'nope'))).toThrow(/does not exist/)
    writeFileSync(join(box.dir, 'file.txt'), 'x')
    expect(() => store.addRoot(join(box.dir, 'file.txt'))).toThrow(LibraryFolderError)
    expect(() => store.addRoot(join(box.dir, 'file.txt'))).toThrow(/is a file, not a folder/)
  })

  it('removing a folder keeps its tracks and their events, marked missing and detached', async () => {
    box = sandbox()
    mkdirSync(join(box.music, 'a'))
    copyFixture('formats/vbr.mp3', join(box.music, 'a', 'x.mp3'))
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    const store = new TrackStore(box.db)
    const track = store.listTracks()[0]
    box.db
      .prepare(`INSERT INTO events (ts, kind, track_id, mark) VALUES (1, 'mark', ?, 'like')`)
      .run(track?.id)
    expect(store.removeRoot(box.music)).toBe(true)
    expect(store.listRoots()).toEqual([])
    const kept = store.getTrack(track?.id ?? -1)
    expect(kept).toMatchObject({ rootId: null })
    expect(kept?.missingSince).not.toBeNull()
    expect(
      box.db.prepare('SELECT COUNT(*) FROM events WHERE track_id = ?').pluck().get(track?.id),
    ).toBe(1)
    expect(store.removeRoot(box.music)).toBe(false)

    // Adding the folder back and scanning finds the same track again.
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    expect(store.getTrack(track?.id ?? -1)).toMatchObject({ missingSince: null })
    expect(store.getTrack(track?.id ?? -1)?.rootId).not.toBeNull()
  })
})
