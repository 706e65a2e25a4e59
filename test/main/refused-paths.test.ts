// Paths the engine refuses (issue 15): system folders as library folders, devices and other
// people's files as label lists, symlink loops for the watcher, and CLI paths that do not exist.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine'
import { openDatabase, type Database } from '../../src/main/db/database'
import { watchLibrary, type LibraryWatcher } from '../../src/main/library'
import { main } from '../../src/main/cli/main'
import { memoryIo } from '../helpers/io'
import { UserError } from '../../src/shared/errors'
import { FIXTURES, tempDir } from '../helpers/temp'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function box(): string {
  const { dir, cleanup } = tempDir('attune-paths-')
  cleanups.push(cleanup)
  return realpathSync(dir)
}

function newEngine(dir: string, watch = false): Engine {
  const engine = new Engine({ dbPath: join(dir, 'library.db'), watch })
  cleanups.push(() => engine.close())
  return engine
}

describe('library folders the engine refuses', () => {
  it('refuses the root of the disk, system folders and /proc/self, and keeps none of them', async () => {
    const engine = newEngine(box())
    for (const path of ['/', '/etc', '/proc/self', '/usr/share', '/dev', '/sys', '/boot']) {
      if (!existsSync(path)) continue
      const error = await Promise.resolve()
        .then(() => engine.handlers.addRoot({ path }))
        .catch((e: unknown) => e)
      expect(error, path).toBeInstanceOf(UserError)
      expect((error as Error).message, path).toMatch(/whole disk|system folder/)
    }
    expect(engine.handlers.listRoots({})).toEqual([])
  })

  it('refuses a file, and a folder that does not exist, in words', async () => {
    const dir = box()
    const engine = newEngine(dir)
    writeFileSync(join(dir, 'song.txt'), 'x')
    await expect(async () =>
      engine.handlers.addRoot({ path: join(dir, 'song.txt') }),
    ).rejects.toThrow(/is a file, not a folder/)
    await expect(async () => engine.handlers.addRoot({ path: join(dir, 'nope') })).rejects.toThrow(
      /does not exist/,
    )
  })

  it('takes the whole home folder only when confirmed', async () => {
    const dir = box()
    const home = join(dir, 'home')
    mkdirSync(join(home, 'Music'), { recursive: true })
    const saved = process.env.HOME
    process.env.HOME = home
    cleanups.push(() => {
      process.env.HOME = saved
    })
    const engine = newEngine(dir)
    await expect(async () => engine.handlers.addRoot({ path: home })).rejects.toThrow(
      /whole home folder/,
    )
    await expect(async () => engine.handlers.addRoot({ path: dir })).rejects.toThrow(
      /whole home folder/,
    )
    expect(engine.handlers.addRoot({ path: join(home, 'Music') })).toMatchObject({
      path: join(home, 'Music'),
    })
    expect(engine.handlers.addRoot({ path: home, confirm: true })).toMatchObject({ path: home })
  })

  it('says so when asked to remove a folder that is not a library folder', async () => {
    const dir = box()
    const engine = newEngine(dir)
    await expect(async () => engine.handlers.removeRoot({ path: '/not-a-root' })).rejects.toThrow(
      /not one of the library's folders/,
    )
    const { io, err } = memoryIo()
    expect(
      await main(['roots', 'remove', '/not-a-root', '--db', join(dir, 'library.db')], io),
    ).toBe(1)
    expect(err()).toMatch(/not one of the library's folders/)
  })
})

describe('label lists and playlists the engine refuses', () => {
  it('refuses /dev/zero at once instead of reading it forever', async () => {
    const engine = newEngine(box())
    await expect(
      Promise.resolve(engine.handlers.importLabels({ path: '/dev/zero', as: 'like' })),
    ).rejects.toThrow(/\.m3u, \.m3u8 and \.csv/)
    const dir = box()
    const device = join(dir, 'zero.m3u')
    symlinkSync('/dev/zero', device)
    await expect(
      Promise.resolve(engine.handlers.importLabels({ path: device, as: 'like' })),
    ).rejects.toThrow(/not an ordinary file/)
  })

  it('never echoes the lines of a file that is not a playlist', async () => {
    const dir = box()
    const engine = newEngine(dir)
    const secret = join(dir, 'notes.txt')
    writeFileSync(secret, 'password: hunter2\nbank pin 1234\nroot:x:0:0:root:/root:/bin/bash\n')
    const error = await Promise.resolve(engine.handlers.importLabels({ path: secret, as: 'like' }))
      .then(() => null)
      .catch((e: unknown) => e as Error)
    expect(error?.message).toMatch(/does not look like a playlist/)
    expect(error?.message).not.toMatch(/hunter2|1234|root:x/)
  })

  it('lists at most 100 unmatched songs and counts the rest', async () => {
    const dir = box()
    const engine = newEngine(dir)
    const playlist = join(dir, 'big.m3u8')
    writeFileSync(
      playlist,
      Array.from({ length: 250 }, (_, i) => `/nowhere/${i}.mp3`).join('\n') + '\n',
    )
    const result = await engine.handlers.importLabels({ path: playlist, as: 'like' })
    expect(result.unmatched).toHaveLength(100)
    expect(result.unmatchedCount).toBe(250)
  })

  it('keeps web addresses in an M3U as addresses, never as paths beside the playlist', async () => {
    const dir = box()
    const engine = newEngine(dir)
    const playlist = join(dir, 'radio.m3u')
    writeFileSync(
      playlist,
      '#EXTM3U\nhttp://radio.example/stream.mp3\n/nowhere/a.mp3\n/nowhere/b.mp3\n',
    )
    const result = await engine.handlers.importLabels({ path: playlist, as: 'like' })
    expect(result.unmatched.map((u) => u.path)).toEqual(['/nowhere/a.mp3', '/nowhere/b.mp3'])
    expect(result.ignored).toBe(1)
    expect(JSON.stringify(result)).not.toContain(join(dir, 'http:'))
  })

  it('refuses UTF-16, Latin-1 and binary playlists with what to do, and exits non-zero', async () => {
    const dir = box()
    const dbPath = join(dir, 'library.db')
    openDatabase(dbPath).close()
    const files: [string, Buffer, RegExp][] = [
      ['utf16.m3u', Buffer.from('\uFEFF/music/a.mp3\n/music/b.mp3\n', 'utf16le'), /UTF-16/],
      ['latin1.m3u', Buffer.from('/music/Café del Mar.mp3\n', 'latin1'), /not UTF-8.*Latin-1/],
      ['binary.m3u', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0x0a]), /not a text file/],
    ]
    for (const [name, bytes, words] of files) {
      writeFileSync(join(dir, name), bytes)
      const { io, err, out } = memoryIo()
      const code = await main(
        ['import-labels', join(dir, name), '--as', 'like', '--db', dbPath],
        io,
      )
      expect(code, name).toBe(1)
      expect(err(), name).toMatch(words)
      expect(out(), name).toBe('')
    }
  })
})

/** Flushes the watcher until the library holds a track (or ten seconds pass). */
async function untilTracks(db: Database, watcher: LibraryWatcher): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await new Promise((wait) => setTimeout(wait, 50))
    await watcher.flush()
    if ((db.prepare('SELECT count(*) FROM tracks').pluck().get() as number) > 0) return
  }
}

describe('the watcher and the scanner with symlinks', () => {
  it('becomes ready beside two symlink loops, and still sees new songs', async () => {
    const dir = box()
    const music = join(dir, 'music')
    mkdirSync(join(music, 'a', 'b'), { recursive: true })
    symlinkSync(music, join(music, 'a', 'b', 'loop'))
    symlinkSync(join(music, 'a'), join(music, 'a', 'b', 'loop2'))
    const db = openDatabase(join(dir, 'library.db'))
    cleanups.push(() => void db.close())
    const watcher = watchLibrary(db, {
      roots: [music],
      coversDir: join(dir, 'covers'),
      debounceMs: 50,
    })
    cleanups.push(() => watcher.close())
    await watcher.ready
    copyFileSync(join(FIXTURES, 'formats/vorbis.ogg'), join(music, 'a', 'new.ogg'))
    await untilTracks(db, watcher)
    const paths = db.prepare('SELECT path FROM tracks').pluck().all()
    expect(paths).toEqual([join(music, 'a', 'new.ogg')])
  })

  it('does not index a song reached through a link leading outside the library', async () => {
    const dir = box()
    const music = join(dir, 'music')
    const outside = join(dir, 'outside')
    mkdirSync(music)
    mkdirSync(outside)
    copyFileSync(join(FIXTURES, 'formats/vorbis.ogg'), join(outside, 'b.ogg'))
    const db = openDatabase(join(dir, 'library.db'))
    cleanups.push(() => void db.close())
    const watcher = watchLibrary(db, {
      roots: [music],
      coversDir: join(dir, 'covers'),
      debounceMs: 50,
    })
    cleanups.push(() => watcher.close())
    await watcher.ready
    symlinkSync(join(outside, 'b.ogg'), join(music, 'b.ogg'))
    copyFileSync(join(FIXTURES, 'formats/vorbis.ogg'), join(music, 'inside.ogg'))
    await untilTracks(db, watcher)
    await new Promise((wait) => setTimeout(wait, 200))
    await watcher.flush()
    expect(db.prepare('SELECT path FROM tracks').pluck().all()).toEqual([join(music, 'inside.ogg')])
  })
})

describe('database paths on the command line', () => {
  it('stats --db with a mistyped folder says so and creates nothing', async () => {
    const dir = box()
    const { io, err } = memoryIo()
    expect(await main(['stats', '--db', join(dir, 'typo/dir/x.db')], io)).toBe(1)
    expect(err()).toMatch(/There is no database at/)
    expect(existsSync(join(dir, 'typo'))).toBe(false)
    const scan = memoryIo()
    expect(await main(['scan', '--db', join(dir, 'typo/dir/x.db')], scan.io)).toBe(1)
    expect(scan.err()).toMatch(/does not exist/)
    expect(existsSync(join(dir, 'typo'))).toBe(false)
  })
})
