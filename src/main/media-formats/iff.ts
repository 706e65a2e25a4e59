import { dataView, latin1 } from './bytes'
import type { ReadAt } from './mp4'

// IFF chunks (EA IFF 85): a four-character id and a 32-bit body size, the body padded to an even
// length. AIFF (Apple AIFF 1.3 / AIFF-C) stores sizes big-endian; RIFF/WAVE little-endian.

export interface ChunkHeader {
  id: string
  /** The size the header states (0xFFFFFFFF: not filled in, as in a streamed recording). */
  size: number
  bodyStart: number
  /** Where the next chunk starts: after the body and its pad byte. */
  next: number
}

/** The chunk header at bytes[at…], or null when fewer than 8 bytes are there. */
export function chunkHeader(
  bytes: Uint8Array,
  at: number,
  littleEndian: boolean,
): ChunkHeader | null {
  if (at < 0 || at + 8 > bytes.length) return null
  const size = dataView(bytes).getUint32(at + 4, littleEndian)
  return {
    id: latin1(bytes, at, at + 4),
    size,
    bodyStart: at + 8,
    next: at + 8 + size + (size & 1),
  }
}

/** The chunks of a file from `at` to `end`, read header by header; `limit` bounds a damaged file. */
export async function* fileChunks(
  read: ReadAt,
  at: number,
  end: number,
  littleEndian: boolean,
  limit = 1000,
): AsyncGenerator<ChunkHeader> {
  for (let count = 0; count < limit && at + 8 <= end; count++) {
    const header = chunkHeader(await read(at, 8), 0, littleEndian)
    if (!header) return
    yield { ...header, bodyStart: at + 8, next: at + header.next }
    at += header.next
  }
}

/** The fields of an AIFF COMM chunk (AIFF 1.3 §4; AIFF-C adds the compression type). */
export interface AiffCommon {
  channels: number
  frames: number
  bitsPerSample: number
  /** The 80-bit IEEE 754 extended sample rate, converted exactly. */
  sampleRate: number
  /** AIFF-C's four-character compression type; null in plain AIFF (a body of 18 bytes). */
  compression: string | null
}

/** Reads a COMM body (at least 18 bytes; 22 for AIFF-C's compression type), or null when shorter. */
export function aiffCommon(body: Uint8Array): AiffCommon | null {
  if (body.length < 18) return null
  const view = dataView(body)
  // IEEE 754 80-bit extended: sign and 15-bit exponent, then a 64-bit mantissa with an explicit integer bit.
  const exponent = (view.getUint16(8) & 0x7fff) - 16383
  const mantissa = view.getUint32(10) * 2 ** 32 + view.getUint32(14)
  return {
    channels: view.getUint16(0),
    frames: view.getUint32(2),
    bitsPerSample: view.getUint16(6),
    sampleRate: mantissa * 2 ** (exponent - 63),
    compression: body.length >= 22 ? latin1(body, 18, 22) : null,
  }
}

/** The fields of a WAVE fmt chunk (WAVEFORMATEX's first 16 bytes). */
export interface WaveFormat {
  formatTag: number
  channels: number
  sampleRate: number
  byteRate: number
  blockAlign: number
  bitsPerSample: number
}

/** Reads a fmt body (at least 16 bytes), or null when shorter. */
export function waveFormat(body: Uint8Array): WaveFormat | null {
  if (body.length < 16) return null
  const view = dataView(body)
  return {
    formatTag: view.getUint16(0, true),
    channels: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    byteRate: view.getUint32(8, true),
    blockAlign: view.getUint16(12, true),
    bitsPerSample: view.getUint16(14, true),
  }
}
