import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoverRepository } from '../../../src/main/db/covers'
import type { Database } from '../../../src/main/db/database'
import { RootRepository } from '../../../src/main/db/roots'
import { TrackRepository } from '../../../src/main/db/tracks'
import { TrackWriteRepository, type TrackValues } from '../../../src/main/db/track-writes'
import { tempLibrary, type TempLibrary } from '../media/library-rows'

let library: TempLibrary
let db: Database
let writes: TrackWriteRepository
let tracks: TrackRepository

beforeEach(() => {
  library = tempLibrary()
  db = library.db
  writes = new TrackWriteRepository(db)
  tracks = new TrackRepository(db)
})

afterEach(() => library.cleanUp())

function values(path: string, more: Partial<TrackValues> = {}): TrackValues {
  return {
    rootId: null,
    path,
    size: 1000,
    mtimeMs: 5,
    fingerprint: null,
    format: 'ogg',
    codec: 'Vorbis',
    sampleRate: 44100,
    channels: 2,
    bitsPerSample: null,
    bitrate: 128000,
    lossless: 0,
    duration: 61.5,
    title: 'Song',
    artist: 'Artist',
    album: 'Album',
    albumArtist: null,
    genre: null,
    year: 2001,
    trackNo: 3,
    trackTotal: 9,
    discNo: null,
    discTotal: null,
    rgTrackGain: -6.5,
    rgTrackPeak: 0.9,
    rgAlbumGain: null,
    rgAlbumPeak: null,
    coverId: null,
    scannedAt: 100,
    error: null,
    derivedTags: 0,
    ...more,
  }
}

describe('the scanner writes of the tracks table', () => {
  it('inserts a row the library then reads back with every tag, and updates it in place', () => {
    new CoverRepository(db).add('c1', 'image/png', 'c1.png', 1)
    writes.insert(values('/m/a.ogg', { coverId: 'c1' }))
    const id = tracks.idOfPath('/m/a.ogg')!
    expect(tracks.getTrack(id)).toMatchObject({
      path: '/m/a.ogg',
      title: 'Song',
      lossless: false,
      duration: 61.5,
      trackNo: 3,
      replayGain: { trackGain: -6.5, trackPeak: 0.9 },
      coverId: 'c1',
      addedAt: 100,
      scannedAt: 100,
    })
    // An update without a cover keeps the one the row has.
    writes.update(id, values('/m/b.ogg', { title: 'Renamed', scannedAt: 200 }))
    expect(tracks.getTrack(id)).toMatchObject({
      path: '/m/b.ogg',
      title: 'Renamed',
      coverId: 'c1',
      addedAt: 100,
    })
    expect(tracks.idOfPath('/m/a.ogg')).toBeNull()
  })

  it('knows the rows under the scanned folders and of their roots, by path', () => {
    const root = new RootRepository(db).add('/m', 1)!
    writes.insert(values('/m/a.ogg', { rootId: root.id }))
    writes.insert(values('/old/place.ogg', { rootId: root.id }))
    writes.insert(values('/other/c.ogg'))
    const known = writes.knownTracks([['/m/', '/m0']], [root.id])
    expect([...known.keys()].sort()).toEqual(['/m/a.ogg', '/old/place.ogg'])
    expect(known.get('/m/a.ogg')).toMatchObject({
      rootId: root.id,
      size: 1000,
      mtimeMs: 5,
      scannedAt: 100,
      missingSince: null,
      error: null,
    })
    expect(writes.knownTrack('/other/c.ogg')?.path).toBe('/other/c.ogg')
    expect(writes.knownTrack('/nowhere.ogg')).toBeNull()
  })

  it('marks rows missing once, restores them, and finds move candidates by fingerprint', () => {
    writes.insert(values('/m/a.ogg', { fingerprint: 'f1' }))
    writes.insert(values('/m/b.ogg', { fingerprint: 'f1' }))
    writes.insert(values('/m/c.ogg', { fingerprint: 'f2' }))
    writes.insert(values('/m/d.ogg'))
    const a = tracks.idOfPath('/m/a.ogg')!
    const b = tracks.idOfPath('/m/b.ogg')!
    writes.markMissing(a, 10)
    writes.markMissing(a, 20)
    expect(writes.knownTrack('/m/a.ogg')?.missingSince).toBe(10)
    // Missing rows first.
    expect(writes.withFingerprint('f1').map((t) => t.id)).toEqual([a, b])
    expect(writes.missingWithFingerprint()).toEqual([
      { id: a, path: '/m/a.ogg', fingerprint: 'f1' },
    ])
    expect(writes.presentWithFingerprint().map((t) => t.path)).toEqual(['/m/b.ogg', '/m/c.ogg'])
    writes.restore(a, null)
    expect(writes.knownTrack('/m/a.ogg')?.missingSince).toBeNull()
  })

  it('gives a cover only to a track without one', () => {
    const covers = new CoverRepository(db)
    covers.add('mine', 'image/png', 'mine.png', 1)
    covers.add('shared', 'image/png', 'shared.png', 1)
    writes.insert(values('/m/a.ogg'))
    writes.insert(values('/m/b.ogg', { coverId: 'mine' }))
    writes.setCoverIfNone('/m/a.ogg', 'shared')
    writes.setCoverIfNone('/m/b.ogg', 'shared')
    expect(tracks.getTrackByPath('/m/a.ogg')?.coverId).toBe('shared')
    expect(tracks.getTrackByPath('/m/b.ogg')?.coverId).toBe('mine')
  })

  it('lands all the writes of a transaction, or none when it throws', () => {
    writes.inTransaction(() => {
      writes.insert(values('/m/a.ogg'))
      writes.insert(values('/m/b.ogg'))
    })
    expect(() =>
      writes.inTransaction(() => {
        writes.insert(values('/m/c.ogg'))
        writes.insert(values('/m/a.ogg')) // the path is taken
      }),
    ).toThrow(/UNIQUE/)
    expect(tracks.idOfPath('/m/c.ogg')).toBeNull()
    expect(tracks.countTracks()).toBe(2)
  })

  it('serves the media route what it needs to play a track', () => {
    writes.insert(values('/m/a.ogg'))
    const id = tracks.idOfPath('/m/a.ogg')!
    expect(tracks.playback(id)).toEqual({
      path: '/m/a.ogg',
      format: 'ogg',
      codec: 'Vorbis',
      missingSince: null,
      scannedAt: 100,
    })
    expect(tracks.playback(id + 1)).toBeNull()
  })
})

describe('the covers repository', () => {
  it('records a cover once, by its id, and lists the ids it has', () => {
    const covers = new CoverRepository(db)
    expect(covers.ids()).toEqual([])
    covers.add('abc', 'image/png', 'abc.png', 10)
    covers.add('abc', 'image/jpeg', 'other.jpg', 20)
    covers.add('def', 'image/jpeg', 'def.jpg', 30)
    expect(covers.ids().sort()).toEqual(['abc', 'def'])
    expect(covers.byId('abc')).toEqual({ mime: 'image/png', file: 'abc.png' })
    expect(covers.byId('nope')).toBeNull()
  })
})
