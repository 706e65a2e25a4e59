import type { AudioFormat } from '../../shared/domain'
import { sniff } from '../media-formats'

/** File name endings that make a file a candidate for the library; its content then decides the format. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mp3',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.mp4',
  '.m4b',
  '.aac',
  '.wav',
  '.wave',
  '.aif',
  '.aiff',
  '.aifc',
])

export function isAudioCandidate(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.')
  if (dot < 0) return false
  return AUDIO_EXTENSIONS.has(fileName.slice(dot).toLowerCase())
}

/** Messages a listener may see next to a file Attune could not read. */
export const READ_ERRORS = {
  empty: 'The file is empty (0 bytes).',
  text: 'This is not an audio file: it contains text.',
  unknown: 'This file is not in a format Attune can read.',
  adts: 'This is a raw AAC stream (.aac), which Attune cannot read yet: put it in an .m4a container.',
  damaged: 'This file is damaged or cut short: Attune could not read it.',
  noAudio: 'This file holds no audio that Attune can read.',
} as const

export type SniffResult = { ok: true; format: AudioFormat } | { ok: false; error: string }

/**
 * Recognises the container from the first bytes of a file (its "magic"), not from its name, so a Vorbis
 * file named .mp3 is read as Ogg. `head` holds the file's first bytes (a few KiB are enough).
 */
export function sniffFormat(head: Uint8Array, fileSize: number): SniffResult {
  const sniffed = sniff(head, fileSize)
  return sniffed.ok ? sniffed : { ok: false, error: READ_ERRORS[sniffed.reason] }
}

/** The MIME type music-metadata picks its parser by. */
export function mimeTypeOf(format: AudioFormat): string {
  switch (format) {
    case 'mp3':
      return 'audio/mpeg'
    case 'flac':
      return 'audio/flac'
    case 'ogg':
      return 'audio/ogg'
    case 'opus':
      return 'audio/ogg'
    case 'm4a':
      return 'audio/mp4'
    case 'wav':
      return 'audio/wav'
    case 'aiff':
      return 'audio/aiff'
  }
}
