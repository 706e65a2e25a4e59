import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../src/shared/csv'
import {
  LabelFileError,
  parseLabelCsv,
  parseMark,
  parsePlaylist,
} from '../../../src/main/taste/label-files'

describe('label files', () => {
  it('reads an extended M3U8 with relative, absolute and file:// entries', () => {
    const text =
      '\uFEFF#EXTM3U\n#EXTINF:123,Wesnoth - Northerners\nwesnoth/northerners.ogg\r\n/music/a b.mp3\nfile:///music/%C3%A9.flac\n\n'
    expect(parsePlaylist(text, '/lib', 'like')).toEqual([
      { line: 3, path: '/lib/wesnoth/northerners.ogg', mark: 'like' },
      { line: 4, path: '/music/a b.mp3', mark: 'like' },
      { line: 5, path: '/music/é.flac', mark: 'like' },
    ])
  })

  it('reads a plain M3U with Windows separators in relative paths', () => {
    expect(parsePlaylist('album\\01.mp3\n', '/lib', 'love')).toEqual([
      { line: 1, path: '/lib/album/01.mp3', mark: 'love' },
    ])
  })

  it('reads CSV with a header, quoted fields and label aliases', () => {
    const text = 'path,label\n"a, b.mp3",liked\nc.ogg,near-miss\n"d ""x"".flac",not\n'
    expect(parseLabelCsv(text, '/lib', null)).toEqual([
      { line: 2, path: '/lib/a, b.mp3', mark: 'like' },
      { line: 3, path: '/lib/c.ogg', mark: 'near_miss' },
      { line: 4, path: '/lib/d "x".flac', mark: 'not_for_me' },
    ])
  })

  it('uses --as for lines without a label, and names the line of an unknown label', () => {
    expect(parseLabelCsv('a.mp3\n', '/lib', 'love')).toEqual([
      { line: 1, path: '/lib/a.mp3', mark: 'love' },
    ])
    expect(() => parseLabelCsv('a.mp3,meh\n', '/lib', null)).toThrow(LabelFileError)
    expect(() => parseLabelCsv('a.mp3,like\nb.mp3,meh\n', '/lib', null)).toThrow(/Line 2/)
  })

  it('keeps line breaks inside quoted CSV fields', () => {
    expect(parseCsv('"a\nb",like\nc,love')).toEqual([
      { line: 1, fields: ['a\nb', 'like'] },
      { line: 3, fields: ['c', 'love'] },
    ])
  })

  it('knows the marks by their names and aliases', () => {
    expect(parseMark('Love')).toBe('love')
    expect(parseMark('not_for_me')).toBe('not_for_me')
    expect(parseMark('meh')).toBeNull()
  })
})
