import type { AudioFormat } from '../../shared/domain'
import { ascii, bytesAt, type ByteSource, type ParsedAudio } from './tag-readers/common'
import { readMp3 } from './tag-readers/mp3'
import { readMp4 } from './tag-readers/mp4'
import { readAiff, readWav } from './tag-readers/riff'
import { readFlac, readOgg } from './tag-readers/vorbis'

export type { ByteSource, ParsedAudio } from './tag-readers/common'

/**
 * A fast path for the tags and stream properties of the common containers (FLAC, Ogg Vorbis, Ogg Opus,
 * MP4/M4A, MP3, WAV, AIFF; one reader each in tag-readers/), reading only the blocks a library scan needs.
 * It gives the same fields music-metadata gives (checked on every fixture, and on files tagged with every
 * stored field, by test/main/library/fast-tags.test.ts) for a fraction of the CPU: no parser module
 * imported per file (a hook round trip each under tsx), no tag mappers rebuilt per file, no token objects.
 *
 * It answers only when it is sure: anything unusual (an appended ID3v1 or APE tag, chained Ogg streams,
 * repeated artist fields, ID3 comment frames, a picture without a MIME type, several MP4 tracks…) makes
 * it return null, and the caller asks music-metadata instead, which stays the reference.
 */

/** True when music-metadata would also read an ID3v1, Lyrics3 or APEv2 tag at the end of the file. */
async function hasAppendedTag(source: ByteSource): Promise<boolean> {
  if (source.size < 160) return true
  const tail = await bytesAt(source, source.size - 160, source.size)
  // ID3v1: "TAG" 128 bytes from the end; APEv2: its 32-byte footer at the very end.
  return ascii(tail, 32, 'TAG') || ascii(tail, 128, 'APETAGEX')
}

/**
 * The fast path: the parsed tags and stream properties, or null when music-metadata should read this
 * file (an unusual layout, a format without a fast path, or anything the fast path is not sure of).
 */
export async function readTagsFast(
  source: ByteSource,
  format: AudioFormat,
  wantCover: boolean,
): Promise<ParsedAudio | null> {
  try {
    if (await hasAppendedTag(source)) return null
    switch (format) {
      case 'flac': {
        const head = await bytesAt(source, 0, 4)
        return ascii(head, 0, 'fLaC') ? await readFlac(source, wantCover) : null
      }
      case 'ogg':
      case 'opus':
        return await readOgg(source, format, wantCover)
      case 'm4a':
        return await readMp4(source, wantCover)
      case 'mp3':
        return await readMp3(source, wantCover)
      case 'wav':
        return await readWav(source)
      case 'aiff':
        return await readAiff(source)
      default:
        return null
    }
  } catch {
    // NotSure, or a read past what a damaged file holds: either way music-metadata decides.
    return null
  }
}
