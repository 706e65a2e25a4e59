import type { AudioFormat } from '../../shared/domain'

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

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false
  return true
}

function indexOfAscii(bytes: Uint8Array, text: string, from: number, to: number): number {
  const end = Math.min(to, bytes.length - text.length)
  for (let i = from; i <= end; i++) if (ascii(bytes, i, text)) return i
  return -1
}

// MPEG audio frame header (ISO 11172-3 §2.4.2.3): bit rates in kbit/s per version and layer.
const MPEG_BITRATES: Record<string, readonly number[]> = {
  v1l1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  v2l3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
const MPEG_SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
}

/** Length in bytes of the MPEG audio frame whose header starts at `offset`, or 0 if it is no valid header. */
export function mpegFrameLength(bytes: Uint8Array, offset: number): number {
  if (offset + 4 > bytes.length) return 0
  const b1 = bytes[offset + 1] ?? 0
  const b2 = bytes[offset + 2] ?? 0
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return 0
  const versionBits = (b1 >> 3) & 3
  const layerBits = (b1 >> 1) & 3
  if (versionBits === 1 || layerBits === 0) return 0
  const bitrateIndex = b2 >> 4
  const rateIndex = (b2 >> 2) & 3
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0
  const layer = 4 - layerBits
  const version = versionBits === 3 ? 'v1' : 'v2'
  const kbps = MPEG_BITRATES[`${version}l${layer}`]?.[bitrateIndex] ?? 0
  const sampleRate = MPEG_SAMPLE_RATES[versionBits]?.[rateIndex] ?? 0
  if (!kbps || !sampleRate) return 0
  const padding = (b2 >> 1) & 1
  if (layer === 1) return Math.floor((12 * kbps * 1000) / sampleRate + padding) * 4
  const samplesPerFrame = layer === 3 && versionBits !== 3 ? 576 : 1152
  return Math.floor((samplesPerFrame / 8) * ((kbps * 1000) / sampleRate)) + padding
}

/** An MPEG audio stream starts here: a valid frame header, and the next one where the first says it ends. */
function isMpegAudioAt(bytes: Uint8Array, offset: number): boolean {
  const length = mpegFrameLength(bytes, offset)
  if (!length) return false
  const next = offset + length
  // When the head we hold ends before the second frame, one valid header has to do.
  if (next + 4 > bytes.length) return true
  return mpegFrameLength(bytes, next) > 0
}

function isAdtsAt(bytes: Uint8Array, offset: number): boolean {
  // ADTS (ISO 14496-3 §1.A.2): 12-bit sync, layer bits 00.
  return bytes[offset] === 0xff && ((bytes[offset + 1] ?? 0) & 0xf6) === 0xf0
}

/** Size of the ID3v2 tag at the start of the file (header + body + footer), or 0 when there is none. */
export function id3v2Size(bytes: Uint8Array): number {
  if (!ascii(bytes, 0, 'ID3') || bytes.length < 10) return 0
  // Tag size is a 28-bit "syncsafe" integer (ID3v2.4 §3.1).
  const size =
    (((bytes[6] ?? 0) & 0x7f) << 21) |
    (((bytes[7] ?? 0) & 0x7f) << 14) |
    (((bytes[8] ?? 0) & 0x7f) << 7) |
    ((bytes[9] ?? 0) & 0x7f)
  const hasFooter = ((bytes[5] ?? 0) & 0x10) !== 0
  return 10 + size + (hasFooter ? 10 : 0)
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, Math.min(bytes.length, 1024))
  if (sample.length === 0) return false
  let i = 0
  while (i < sample.length) {
    const b = sample[i] ?? 0
    if (b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f)) {
      i++
      continue
    }
    // A UTF-8 multi-byte sequence counts as text; anything else (control bytes, bare high bytes) does not.
    const extra =
      b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1
    if (extra < 0) return false
    for (let k = 1; k <= extra; k++) {
      const c = sample[i + k]
      if (c === undefined) return true // cut off at the end of the sample
      if ((c & 0xc0) !== 0x80) return false
    }
    i += extra + 1
  }
  return true
}

/** Ogg: Opus when the first page's first packet is an OpusHead (RFC 7845 §5.1), otherwise Ogg (Vorbis, FLAC…). */
function oggFormat(bytes: Uint8Array): AudioFormat {
  const segments = bytes[26] ?? 0
  const packetStart = 27 + segments
  if (ascii(bytes, packetStart, 'OpusHead')) return 'opus'
  // Fall back to a search of the first page, in case of an unusual segment table.
  return indexOfAscii(bytes, 'OpusHead', 27, 27 + 255 + 64) >= 0 ? 'opus' : 'ogg'
}

/**
 * Recognises the container from the first bytes of a file (its "magic"), not from its name, so a Vorbis
 * file named .mp3 is read as Ogg. `head` holds the file's first bytes (a few KiB are enough).
 */
export function sniffFormat(head: Uint8Array, fileSize: number): SniffResult {
  if (fileSize === 0 || head.length === 0) return { ok: false, error: READ_ERRORS.empty }
  if (ascii(head, 0, 'fLaC')) return { ok: true, format: 'flac' }
  if (ascii(head, 0, 'OggS')) return { ok: true, format: oggFormat(head) }
  if (ascii(head, 4, 'ftyp')) return { ok: true, format: 'm4a' }
  if ((ascii(head, 0, 'RIFF') || ascii(head, 0, 'RF64')) && ascii(head, 8, 'WAVE'))
    return { ok: true, format: 'wav' }
  if (ascii(head, 0, 'FORM') && (ascii(head, 8, 'AIFF') || ascii(head, 8, 'AIFC')))
    return { ok: true, format: 'aiff' }
  if (ascii(head, 0, 'ID3')) {
    const tagEnd = id3v2Size(head)
    // Some taggers put ID3 in front of FLAC; when the audio after the tag is in reach, let it decide.
    if (ascii(head, tagEnd, 'fLaC')) return { ok: true, format: 'flac' }
    if (tagEnd + 2 <= head.length && isAdtsAt(head, tagEnd))
      return { ok: false, error: READ_ERRORS.adts }
    return { ok: true, format: 'mp3' }
  }
  if (isMpegAudioAt(head, 0)) return { ok: true, format: 'mp3' }
  if (isAdtsAt(head, 0)) return { ok: false, error: READ_ERRORS.adts }
  if (looksLikeText(head)) return { ok: false, error: READ_ERRORS.text }
  return { ok: false, error: READ_ERRORS.unknown }
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
