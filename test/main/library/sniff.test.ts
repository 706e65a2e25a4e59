import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isAudioCandidate, READ_ERRORS, sniffFormat } from '../../../src/main/library'
import { FIXTURES } from './library-helpers'

function sniffFixture(relative: string) {
  const bytes = readFileSync(join(FIXTURES, relative))
  return sniffFormat(bytes.subarray(0, 64 * 1024), bytes.length)
}

describe('recognising a file format by content', () => {
  it.each([
    ['formats/vbr.mp3', 'mp3'],
    ['formats/mono-22k.mp3', 'mp3'],
    ['formats/cbr320-cover.mp3', 'mp3'],
    ['formats/cd.flac', 'flac'],
    ['formats/vorbis.ogg', 'ogg'],
    ['formats/opus-in-ogg.ogg', 'opus'],
    ['formats/opus.opus', 'opus'],
    ['formats/aac.m4a', 'm4a'],
    ['formats/alac.m4a', 'm4a'],
    ['formats/s16.wav', 'wav'],
    ['formats/f32.wav', 'wav'],
    ['formats/s16.aiff', 'aiff'],
    ['broken/really-vorbis.mp3', 'ogg'],
    ['broken/huge-tag.mp3', 'mp3'],
  ])('%s is %s', (relative, format) => {
    expect(sniffFixture(relative)).toEqual({ ok: true, format })
  })

  it('says in plain words why a file is not audio', () => {
    expect(sniffFixture('broken/zero-bytes.mp3')).toEqual({ ok: false, error: READ_ERRORS.empty })
    expect(sniffFixture('broken/text.mp3')).toEqual({ ok: false, error: READ_ERRORS.text })
    expect(sniffFixture('broken/random-bytes.ogg')).toEqual({
      ok: false,
      error: READ_ERRORS.unknown,
    })
  })

  it('takes a bare MPEG frame sync only when a second frame follows where the first ends', () => {
    const bytes = readFileSync(join(FIXTURES, 'formats/vbr.mp3'))
    const tagSize =
      10 +
      (((bytes[6]! & 0x7f) << 21) |
        ((bytes[7]! & 0x7f) << 14) |
        ((bytes[8]! & 0x7f) << 7) |
        (bytes[9]! & 0x7f))
    const audio = bytes.subarray(tagSize)
    expect(sniffFormat(audio, audio.length)).toEqual({ ok: true, format: 'mp3' })
    const fake = Uint8Array.from([0xff, 0xfb, 0x90, 0x00, ...new Array<number>(2000).fill(7)])
    expect(sniffFormat(fake, fake.length).ok).toBe(false)
  })

  it('takes files with an audio extension, in any case, as candidates', () => {
    for (const name of [
      'a.MP3',
      'b.flac',
      'c.oga',
      'd.opus',
      'e.m4b',
      'f.aac',
      'g.wave',
      'h.AIF',
      'i.aifc',
      'j.mp4',
    ]) {
      expect(isAudioCandidate(name), name).toBe(true)
    }
    for (const name of ['cover.jpg', 'notes.txt', 'mp3', 'playlist.m3u', 'x.mp3.part'])
      expect(isAudioCandidate(name), name).toBe(false)
  })
})
