// Playlists through the engine's contract calls on real fixture audio: saved in order, reordered,
// renamed, deleted and brought back; an entry whose file is removed stays (missing) and comes back
// when the file does, at its old path or a new one (matched as the scanner matches moved files);
// "Top 50 for me now" is the taste model's ranking with the "never play" rules respected.
import { copyFileSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../../src/main/engine'
import { parseArgs } from '../../../src/shared/contract'
import { TOP_PLAYLIST_NAME } from '../../../src/shared/playlists'
import { openAnalysedEngine, type AnalysedEngine } from '../../helpers/analysed-engine'
import { FIXTURES, tempDir } from '../../helpers/temp'

const WESNOTH = join(FIXTURES, 'music', 'wesnoth')
const FILES = ['battle-epic.ogg', 'elf-land.ogg', 'love_theme.ogg', 'northerners.ogg']

describe('playlists of a library whose files move', () => {
  let engine: Engine
  let music: string
  let cleanup: () => void
  const idOf = (name: string): number =>
    engine.tracks.listTracks({ limit: 100 }).find((t) => t.path.endsWith(`/${name}`))!.id

  beforeAll(async () => {
    const temp = tempDir('attune-playlists-')
    cleanup = temp.cleanup
    music = join(temp.dir, 'music')
    mkdirSync(music)
    for (const name of FILES.slice(0, 3)) copyFileSync(join(WESNOTH, name), join(music, name))
    engine = new Engine({ dbPath: join(temp.dir, 'library.db') })
    await engine.handlers.addRoot({ path: music })
    await engine.scan()
  }, 120_000)

  afterAll(async () => {
    await engine?.close()
    cleanup?.()
  })

  it('saves songs in order, reorders, renames, and deletes with Undo', async () => {
    const h = engine.handlers
    const ids = FILES.slice(0, 3).map(idOf)
    const saved = await h.createPlaylist({
      name: 'Road trip',
      trackIds: [ids[2]!, ids[0]!, ids[1]!],
    })
    expect(saved).toMatchObject({ name: 'Road trip', entryCount: 3, missingCount: 0, live: false })
    const id = saved.id as number
    expect(() => h.createPlaylist({ name: 'road TRIP', trackIds: [] })).toThrow(
      /already a playlist/,
    )
    const moved = await h.movePlaylistEntry({ id, from: 0, to: 2 })
    expect(moved.entries.map((e) => e.track?.id)).toEqual([ids[0], ids[1], ids[2]])
    expect(() => h.movePlaylistEntry({ id, from: 0, to: 3 })).toThrow(/no place 4/)
    expect((await h.renamePlaylist({ id, name: 'Long road' })).name).toBe('Long road')
    await h.addToPlaylist({ id, trackIds: [ids[0]!] })
    const removed = await h.removePlaylistEntries({ id, positions: [3] })
    expect(removed.entries).toHaveLength(3)
    await h.deletePlaylist({ id })
    expect((await h.listPlaylists({})).map((p) => p.name)).not.toContain('Long road')
    expect(() => h.getPlaylist({ id })).toThrow(/not there any more/)
    expect(await h.restorePlaylist({ id })).toMatchObject({ name: 'Long road', entryCount: 3 })
    // Names are checked at the boundary: an empty one never reaches the engine.
    expect(() => parseArgs('createPlaylist', { name: '  ', trackIds: [] })).toThrow(/Bad arguments/)
  })

  it('keeps an entry whose file is removed, greyed, and finds it again when it comes back elsewhere', async () => {
    const h = engine.handlers
    const song = idOf('elf-land.ogg')
    const other = idOf('battle-epic.ogg')
    const { id } = await h.createPlaylist({ name: 'Moving', trackIds: [other, song] })
    unlinkSync(join(music, 'elf-land.ogg'))
    await engine.scan()
    const gone = await h.getPlaylist({ id })
    expect(gone.entries.map((e) => e.missing)).toEqual([false, true])
    expect(gone.entries[1]).toMatchObject({ path: join(music, 'elf-land.ogg') })
    expect(gone.entries[1]!.title).not.toBe('')
    expect(gone).toMatchObject({ entryCount: 2, missingCount: 1 })
    // The same file back under another name in another folder: the scanner knows it by its content.
    mkdirSync(join(music, 'elsewhere'))
    copyFileSync(join(WESNOTH, 'elf-land.ogg'), join(music, 'elsewhere', 'renamed.ogg'))
    await engine.scan()
    const back = await h.getPlaylist({ id })
    expect(back.entries.map((e) => e.missing)).toEqual([false, false])
    expect(back.entries[1]).toMatchObject({ path: join(music, 'elsewhere', 'renamed.ogg') })
    expect(back.entries[1]!.track?.id).toBe(song)
    // And moved again (renamed in place) keeps following it.
    renameSync(join(music, 'elsewhere', 'renamed.ogg'), join(music, 'elf-land.ogg'))
    await engine.scan()
    expect((await h.getPlaylist({ id })).entries[1]).toMatchObject({
      missing: false,
      path: join(music, 'elf-land.ogg'),
    })
  })

  it('keeps an imported entry the library lacks, and plays it once its file is scanned', async () => {
    const h = engine.handlers
    const list = join(music, '..', 'later.m3u8')
    writeFileSync(
      list,
      '#EXTM3U\n#EXTINF:90,Wesnoth - Northerners\nmusic/northerners.ogg\nmusic/love_theme.ogg\n',
    )
    const summary = await h.importPlaylist({ path: list })
    expect(summary).toMatchObject({ matched: 1, missingCount: 1, playlist: { name: 'later' } })
    expect(summary.missing).toEqual([{ line: 3, path: join(music, 'northerners.ogg') }])
    const id = summary.playlist.id as number
    expect((await h.getPlaylist({ id })).entries[0]).toMatchObject({
      missing: true,
      track: null,
      title: 'Wesnoth - Northerners',
    })
    copyFileSync(join(WESNOTH, 'northerners.ogg'), join(music, 'northerners.ogg'))
    await engine.scan()
    const found = await h.getPlaylist({ id })
    expect(found.entries.map((e) => [e.missing, e.track?.id])).toEqual([
      [false, idOf('northerners.ogg')],
      [false, idOf('love_theme.ogg')],
    ])
    // Exported next to the library: paths relative to the file.
    const exported = await h.exportPlaylist({ id, path: join(music, 'out.m3u8') })
    expect(exported.text).toContain('\nnortherners.ogg\n')
  })
})

describe('Top 50 for me now', () => {
  let session: AnalysedEngine

  beforeAll(async () => {
    session = await openAnalysedEngine(['singularity', 'wesnoth'])
  }, 300_000)

  afterAll(async () => {
    await session?.close()
  })

  it('is the model’s ranking now, first in the list, with the never-play rules respected', async () => {
    const h = session.engine.handlers
    const top = await h.getPlaylist({ id: 'top' })
    expect(top).toMatchObject({ name: TOP_PLAYLIST_NAME, live: true, missingCount: 0 })
    expect(top.entries.length).toBeGreaterThan(0)
    expect(top.entries.length).toBeLessThanOrEqual(50)
    const ranked = (await h.recommend({ n: 50 })).map((s) => s.track?.id)
    expect(top.entries.map((e) => e.track?.id)).toEqual(ranked)
    expect((await h.listPlaylists({}))[0]).toMatchObject({ id: 'top', live: true })

    const folder = join(FIXTURES, 'music', 'singularity')
    expect(top.entries.some((e) => e.path.startsWith(folder))).toBe(true)
    await h.addExclusion({ rule: { kind: 'folder', path: folder } })
    const without = await h.getPlaylist({ id: 'top' })
    expect(without.entries.length).toBeGreaterThan(0)
    expect(without.entries.some((e) => e.path.startsWith(folder))).toBe(false)
    const notForMe = without.entries[0]!.track!.id
    await h.setMark({ trackId: notForMe, mark: 'not_for_me' })
    expect((await h.getPlaylist({ id: 'top' })).entries.map((e) => e.track?.id)).not.toContain(
      notForMe,
    )
    // The live list cannot be edited, only played, queued and exported.
    expect(() => parseArgs('renamePlaylist', { id: 'top', name: 'x' })).toThrow(/Bad arguments/)
    const exported = await h.exportPlaylist({ id: 'top' })
    expect(exported.entries).toBe(without.entries.length - 1)
  })
})
