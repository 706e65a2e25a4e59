import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { scanLibrary, TrackStore } from '../../../src/main/library'
import { writeUntaggedLibrary } from '../../helpers/untagged'
import { copyFixture, sandbox, type Sandbox } from './library-helpers'

describe('a library of files without tags', () => {
  let box: Sandbox
  let store: TrackStore
  beforeAll(async () => {
    box = sandbox()
    writeUntaggedLibrary(box.music)
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    store = new TrackStore(box.db)
  })
  afterAll(() => box.cleanup())

  it('shows tidy titles from the file names and artists and albums from the folders, marked as derived', () => {
    const shown = store
      .listTracks({ orderBy: 'title' })
      .map((t) => [t.title, t.artist, t.album, t.derived])
    const all = { title: true, artist: true, album: true }
    expect(shown).toEqual([
      ['Another Track', 'Unknown artist', 'Loose Album', all],
      ['Far Away', 'Some Band', 'Double Album', all],
      ['My Song', 'Some Band', 'First Album', all],
      ['Opening Theme', 'Some Band', 'First Album', all],
      ['track17', 'Unknown artist', 'music', all],
    ])
  })

  it('sorts by what is shown, finds it by search, and puts every track in an album and an artist', async () => {
    expect(store.listTracks({ orderBy: 'artist' }).map((t) => t.artist)).toEqual([
      'Some Band',
      'Some Band',
      'Some Band',
      'Unknown artist',
      'Unknown artist',
    ])
    expect(store.listTracks({ search: 'opening' }).map((t) => t.title)).toEqual(['Opening Theme'])
    expect(store.listTracks({ search: 'first album' })).toHaveLength(2)
    const { albums } = await store.listAlbums()
    expect(albums.map((a) => [a.title, a.trackCount])).toEqual([
      ['Double Album', 1],
      ['First Album', 2],
      ['Loose Album', 1],
      ['music', 1],
    ])
    const { artists } = await store.listArtists()
    expect(artists.map((a) => [a.name, a.trackCount])).toEqual([
      ['Some Band', 3],
      ['Unknown artist', 2],
    ])
    expect(artists.reduce((n, a) => n + a.trackCount, 0)).toBe(store.countTracks())
  })

  it('browses the folder tree level by level, with track counts', () => {
    const top = store.listFolder(null)
    expect(top.folders).toEqual([{ path: box.music, name: box.music, trackCount: 5 }])
    const root = store.listFolder(box.music)
    expect(root.trail).toEqual([{ path: box.music, name: box.music }])
    expect(root.folders.map((f) => [f.name, f.trackCount])).toEqual([
      ['Loose Album', 1],
      ['Some_Band', 3],
    ])
    expect(root.tracks.map((t) => t.title)).toEqual(['track17'])
    const band = store.listFolder(join(box.music, 'Some_Band'))
    expect(band.trail.map((f) => f.name)).toEqual([box.music, 'Some_Band'])
    expect(band.folders.map((f) => [f.name, f.trackCount])).toEqual([
      ['Double Album', 1],
      ['First Album', 2],
    ])
    expect(band.tracks).toEqual([])
    expect(
      store.listFolder(join(box.music, 'Some_Band', 'First Album')).tracks.map((t) => t.title),
    ).toEqual(['Opening Theme', 'My Song'])
  })

  it('lists a folder’s tracks with its sub-folders’ in path order, and refuses folders outside the library', () => {
    const { tracks, total } = store.listFolderTracks(join(box.music, 'Some_Band'))
    expect(total).toBe(3)
    expect(tracks.map((t) => t.title)).toEqual(['Far Away', 'Opening Theme', 'My Song'])
    expect(() => store.listFolder('/etc')).toThrow(/not in one of your library folders/)
    expect(() => store.listFolderTracks(join(box.music, '..'))).toThrow(/library folders/)
  })

  it('shows the real tags once the file has them (a rescan reads it again)', async () => {
    const path = join(box.music, 'track17.wav')
    expect(store.getTrackByPath(path)?.derived.title).toBe(true)
    // Tagged audio (content is recognised, whatever the name says) replaces the untagged file.
    copyFixture('music/wesnoth/northerners.ogg', path)
    utimesSync(path, new Date(), new Date(Date.now() + 5000))
    await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    const track = store.getTrackByPath(path)
    expect(track?.title).toBe('Northerners')
    expect(track?.derived).toEqual({ title: false, artist: false, album: false })
  })
})
