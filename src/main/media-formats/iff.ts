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
