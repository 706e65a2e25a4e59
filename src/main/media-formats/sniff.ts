import type { AudioFormat } from '../../shared/domain'
import { hasAscii, indexOfAscii } from './bytes'
import { id3v2Size } from './id3v2'
import { mpegFrameLength } from './mpeg'

// The one sniffer: which container a file is, from its first bytes (its "magic"), never its name,
// so a Vorbis file named .mp3 is read as Ogg. The library, the decoder and the transcoder use it.

/** Why a file is not audio Attune reads; each front end words it for its reader. */
export type NotAudioReason = 'empty' | 'text' | 'unknown' | 'adts'

export type Sniffed = { ok: true; format: AudioFormat } | { ok: false; reason: NotAudioReason }

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
  if (hasAscii(bytes, packetStart, 'OpusHead')) return 'opus'
  // Fall back to a search of the first page, in case of an unusual segment table.
  return indexOfAscii(bytes, 'OpusHead', 27, 27 + 255 + 64) >= 0 ? 'opus' : 'ogg'
}

/**
 * Recognises the container from the first bytes of a file. `head` holds the file's first bytes (a
 * few KiB are enough); `fileSize` tells an empty file from a short read.
 */
export function sniff(head: Uint8Array, fileSize: number): Sniffed {
  if (fileSize === 0 || head.length === 0) return { ok: false, reason: 'empty' }
  if (hasAscii(head, 0, 'fLaC')) return { ok: true, format: 'flac' }
  if (hasAscii(head, 0, 'OggS')) return { ok: true, format: oggFormat(head) }
  if (hasAscii(head, 4, 'ftyp')) return { ok: true, format: 'm4a' }
  if ((hasAscii(head, 0, 'RIFF') || hasAscii(head, 0, 'RF64')) && hasAscii(head, 8, 'WAVE'))
    return { ok: true, format: 'wav' }
  if (hasAscii(head, 0, 'FORM') && (hasAscii(head, 8, 'AIFF') || hasAscii(head, 8, 'AIFC')))
    return { ok: true, format: 'aiff' }
  if (hasAscii(head, 0, 'ID3')) {
    const tagEnd = id3v2Size(head)
    // Some taggers put ID3 in front of FLAC; when the audio after the tag is in reach, let it decide.
    if (hasAscii(head, tagEnd, 'fLaC')) return { ok: true, format: 'flac' }
    if (tagEnd + 2 <= head.length && isAdtsAt(head, tagEnd)) return { ok: false, reason: 'adts' }
    return { ok: true, format: 'mp3' }
  }
  if (isMpegAudioAt(head, 0)) return { ok: true, format: 'mp3' }
  if (isAdtsAt(head, 0)) return { ok: false, reason: 'adts' }
  if (looksLikeText(head)) return { ok: false, reason: 'text' }
  return { ok: false, reason: 'unknown' }
}

/** Ogg Vorbis: the first page holds a Vorbis identification header (Vorbis I §4.2.2). */
export function isOggVorbis(head: Uint8Array): boolean {
  return indexOfAscii(head, '\x01vorbis', 0, 512) >= 0
}
