import { describe, expect, it } from 'vitest'
import {
  crossfadeSeconds,
  followsOnAlbum,
  MAX_CROSSFADE_SECONDS,
  type HandoffTrack,
} from '../../src/shared/crossfade'

const song = (patch: Partial<HandoffTrack> = {}): HandoffTrack => ({
  album: 'Kind of Blue',
  albumArtist: 'Miles Davis',
  artist: 'Miles Davis',
  trackNo: 1,
  discNo: 1,
  ...patch,
})

describe('followsOnAlbum', () => {
  it('is the next track number on the same disc of the same album', () => {
    expect(followsOnAlbum(song({ trackNo: 3 }), song({ trackNo: 4 }))).toBe(true)
    expect(followsOnAlbum(song({ trackNo: 3 }), song({ trackNo: 5 }))).toBe(false)
    expect(followsOnAlbum(song({ trackNo: 4 }), song({ trackNo: 3 }))).toBe(false)
    expect(followsOnAlbum(song({ trackNo: 3 }), song({ trackNo: 3 }))).toBe(false)
  })

  it('goes on from the last track of a disc to the first of the next', () => {
    expect(followsOnAlbum(song({ trackNo: 12, discNo: 1 }), song({ trackNo: 1, discNo: 2 }))).toBe(
      true,
    )
    expect(followsOnAlbum(song({ trackNo: 12, discNo: 1 }), song({ trackNo: 2, discNo: 2 }))).toBe(
      false,
    )
    expect(followsOnAlbum(song({ trackNo: 1, discNo: 2 }), song({ trackNo: 2, discNo: 1 }))).toBe(
      false,
    )
  })

  it('needs the same album by the same album artist, whatever the letter case', () => {
    expect(followsOnAlbum(song(), song({ album: 'kind of blue ', trackNo: 2 }))).toBe(true)
    expect(followsOnAlbum(song(), song({ album: 'Sketches of Spain', trackNo: 2 }))).toBe(false)
    // Two "Greatest Hits" of different artists are different albums.
    const hits = { album: 'Greatest Hits', albumArtist: null }
    expect(
      followsOnAlbum(
        song({ ...hits, artist: 'Queen' }),
        song({ ...hits, artist: 'ABBA', trackNo: 2 }),
      ),
    ).toBe(false)
    // A compilation's songs share the album artist though their artists differ.
    const compilation = { album: 'Ocean Sounds', albumArtist: 'Various Artists' }
    expect(
      followsOnAlbum(
        song({ ...compilation, artist: 'A' }),
        song({ ...compilation, artist: 'B', trackNo: 2 }),
      ),
    ).toBe(true)
  })

  it('counts two songs of one album without track numbers as in order, and songs without an album as never', () => {
    expect(followsOnAlbum(song({ trackNo: null }), song({ trackNo: null }))).toBe(true)
    expect(followsOnAlbum(song({ album: null }), song({ album: null, trackNo: 2 }))).toBe(false)
    expect(followsOnAlbum(song({ album: ' ' }), song({ album: ' ', trackNo: 2 }))).toBe(false)
  })
})

describe('crossfadeSeconds', () => {
  const other = song({ album: 'Other', albumArtist: 'Someone', trackNo: 7 })

  it('is off (0) unless the listener set it', () => {
    expect(crossfadeSeconds(0, song(), other, 200, 200)).toBe(0)
    expect(crossfadeSeconds(-3, song(), other, 200, 200)).toBe(0)
    expect(crossfadeSeconds(Number.NaN, song(), other, 200, 200)).toBe(0)
  })

  it('is the setting between songs of different albums', () => {
    expect(crossfadeSeconds(5, song(), other, 200, 200)).toBe(5)
  })

  it('is never more than the longest the setting offers', () => {
    expect(crossfadeSeconds(60, song(), other, 600, 600)).toBe(MAX_CROSSFADE_SECONDS)
  })

  it('is 0 between consecutive songs of one album: those play gapless', () => {
    expect(crossfadeSeconds(8, song({ trackNo: 1 }), song({ trackNo: 2 }), 200, 200)).toBe(0)
  })

  it('crossfades songs of one album played out of order (shuffle)', () => {
    expect(crossfadeSeconds(8, song({ trackNo: 5 }), song({ trackNo: 2 }), 200, 200)).toBe(8)
  })

  it('never takes more than half of either song', () => {
    expect(crossfadeSeconds(12, song(), other, 10, 200)).toBe(5)
    expect(crossfadeSeconds(12, song(), other, 200, 6)).toBe(3)
  })
})
