import { describe, expect, it } from 'vitest'
import {
  DERIVED_ALBUM,
  DERIVED_ARTIST,
  DERIVED_TITLE,
  folderArtistAlbum,
  shownTags,
  titleFromFileName,
  UNKNOWN_ARTIST,
} from '../../src/shared/folder-tags'

describe('titles from file names', () => {
  it.each([
    ['03 - My_Song.ogg', 'My Song'],
    ['03. Another_Track.wav', 'Another Track'],
    ['3 - Intro.mp3', 'Intro'],
    ['07_Rain.flac', 'Rain'],
    ['(04) Left.mp3', 'Left'],
    ['1-03 Far Away.wav', 'Far Away'],
    ['05 Songbird.m4a', 'Songbird'],
    ['track17.ogg', 'track17'],
    ['Enemy Unknown.flac', 'Enemy Unknown'],
    ['99 Luftballons.mp3', '99 Luftballons'],
    ['1999 - Remix.mp3', '1999 - Remix'],
    ['03.ogg', '03'],
    ['no extension', 'no extension'],
  ])('%s → %s', (file, title) => {
    expect(titleFromFileName(file)).toBe(title)
  })
})

describe('artist and album from the folders', () => {
  it('reads Artist/Album/track, Album/track and disc folders relative to the library folder', () => {
    expect(folderArtistAlbum('/m/Some_Band/First Album/01.ogg', '/m')).toEqual({
      artist: 'Some Band',
      album: 'First Album',
    })
    expect(folderArtistAlbum('/m/Loose Album/01.ogg', '/m')).toEqual({
      artist: null,
      album: 'Loose Album',
    })
    expect(folderArtistAlbum('/m/Band/Double/CD2/01.ogg', '/m/')).toEqual({
      artist: 'Band',
      album: 'Double',
    })
    expect(folderArtistAlbum('/m/Genre/Band/Album/01.ogg', '/m')).toEqual({
      artist: 'Band',
      album: 'Album',
    })
    expect(folderArtistAlbum('C:\\Music\\Band\\Album\\01.ogg', 'C:\\Music')).toEqual({
      artist: 'Band',
      album: 'Album',
    })
  })

  it('names the library folder as the album of a file right in it, and nothing outside it', () => {
    expect(folderArtistAlbum('/home/me/Music/a.ogg', '/home/me/Music')).toEqual({
      artist: null,
      album: 'Music',
    })
    expect(folderArtistAlbum('/elsewhere/a.ogg', '/home/me/Music')).toEqual({
      artist: null,
      album: null,
    })
    expect(folderArtistAlbum('/m/a.ogg', null)).toEqual({ artist: null, album: null })
  })
})

describe('what a track shows', () => {
  const none = { title: null, artist: null, album: null, albumArtist: null }

  it('keeps every tag a file has and derives only the missing ones', () => {
    const tagged = { title: 'T', artist: 'A', album: 'B', albumArtist: null }
    expect(shownTags(tagged, '/m/x/y/01 - z.ogg', '/m')).toEqual({
      title: 'T',
      artist: 'A',
      album: 'B',
      derived: 0,
    })
    expect(
      shownTags({ ...none, title: 'T', artist: 'A' }, '/m/Band/Album/01 - z.ogg', '/m'),
    ).toEqual({ title: 'T', artist: 'A', album: 'Album', derived: DERIVED_ALBUM })
    // An album artist is an artist: none is derived.
    expect(shownTags({ ...none, albumArtist: 'AA' }, '/m/Band/Album/z.ogg', '/m').artist).toBe(null)
  })

  it('gives every track in a library folder an artist, so each is in the Artists view', () => {
    expect(shownTags(none, '/m/Loose Album/01 - z.ogg', '/m')).toEqual({
      title: 'z',
      artist: UNKNOWN_ARTIST,
      album: 'Loose Album',
      derived: DERIVED_TITLE | DERIVED_ARTIST | DERIVED_ALBUM,
    })
  })
})
