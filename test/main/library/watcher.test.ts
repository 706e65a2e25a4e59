import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, renameSync, unlinkSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import {
  scanLibrary,
  watchLibrary,
  type LibraryChange,
  type LibraryWatcher,
} from '../../../src/main/library'
import { copyFixture, rowByPath, sandbox, type Sandbox } from './library-helpers'

/** Resolves with the first batch that `accept`s, or fails after `ms`. */
function nextChange(
  changes: LibraryChange[],
  accept: (c: LibraryChange) => boolean,
  ms = 15_000,
): Promise<LibraryChange> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const found = changes.find(accept)
      if (found) return resolve(found)
      if (Date.now() - started > ms)
        return reject(new Error(`no matching change within ${ms} ms: ${JSON.stringify(changes)}`))
      setTimeout(poll, 50)
    }
    poll()
  })
}

describe('watching the library folders', () => {
  let box: Sandbox
  let watcher: LibraryWatcher | null = null
  afterEach(async () => {
    await watcher?.close()
    watcher = null
    box.cleanup()
  })

  async function startWatching(): Promise<LibraryChange[]> {
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    const changes: LibraryChange[] = []
    watcher = watchLibrary(box.db, {
      roots: [box.music],
      coversDir: box.coversDir,
      debounceMs: 150,
      onChange: (c) => changes.push(c),
    })
    await watcher.ready
    return changes
  }

  it('picks up an added, a changed and a removed file', async () => {
    box = sandbox()
    const kept = copyFixture('formats/vbr.mp3', join(box.music, 'kept.mp3'))
    const doomed = copyFixture('formats/cd.flac', join(box.music, 'doomed.flac'))
    const changes = await startWatching()
    const keptId = rowByPath(box.db, kept)?.id

    const added = copyFixture('formats/vorbis.ogg', join(box.music, 'new album', 'new.ogg'))
    await nextChange(changes, (c) => c.added === 1)
    expect(rowByPath(box.db, added)).toMatchObject({ title: 'Northerners', format: 'ogg' })

    const later = new Date(Date.now() + 60_000)
    utimesSync(kept, later, later)
    copyFixture('formats/mono-22k.mp3', kept) // new content under the same name
    await nextChange(changes, (c) => c.updated === 1)
    expect(rowByPath(box.db, kept)).toMatchObject({ id: keptId, sample_rate: 22050 })

    unlinkSync(doomed)
    await nextChange(changes, (c) => c.missing === 1)
    expect(rowByPath(box.db, doomed)?.missing_since).not.toBeNull()
  })

  it('recognises a rename within the debounce window as a move that keeps the track id', async () => {
    box = sandbox()
    const old = copyFixture('formats/vbr.mp3', join(box.music, 'old name.mp3'))
    const changes = await startWatching()
    const id = rowByPath(box.db, old)?.id
    mkdirSync(join(box.music, 'sorted'))
    const moved = join(box.music, 'sorted', 'new name.mp3')
    renameSync(old, moved)
    await nextChange(changes, (c) => c.moved === 1)
    expect(rowByPath(box.db, moved)?.id).toBe(id)
    expect(rowByPath(box.db, old)).toBeUndefined()
  })
})
