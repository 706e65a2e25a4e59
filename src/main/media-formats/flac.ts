// FLAC metadata (xiph.org/flac/format.html): after "fLaC", blocks with a 4-byte header (last-block
// flag, 7-bit type, 24-bit length); STREAMINFO (type 0) comes first and states the stream's shape.

export interface FlacBlockHeader {
  last: boolean
  /** 0 STREAMINFO, 4 VORBIS_COMMENT, 6 PICTURE, 127 invalid. */
  type: number
  /** The body's length after the 4-byte header. */
  length: number
}

export const FLAC_BLOCK_HEADER_BYTES = 4

/** The metadata block header at bytes[at…], or null when fewer than 4 bytes are there. */
export function flacBlockHeader(bytes: Uint8Array, at: number): FlacBlockHeader | null {
  if (at < 0 || at + FLAC_BLOCK_HEADER_BYTES > bytes.length) return null
  const first = bytes[at] ?? 0
  return {
    last: (first & 0x80) !== 0,
    type: first & 0x7f,
    length: ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0),
  }
}

export interface FlacStreamInfo {
  sampleRate: number
  channels: number
  bitsPerSample: number
  /** 0 when the encoder did not know it. */
  totalSamples: number
}

/** The bytes of STREAMINFO this reads (of its 34): up to the total sample count. */
export const FLAC_STREAM_INFO_BYTES = 18

/**
 * STREAMINFO's body: from byte 10, a 20-bit sample rate, 3 bits of channels − 1, 5 bits of bits per
 * sample − 1 and a 36-bit total sample count. Null when fewer than 18 bytes are given.
 */
export function flacStreamInfo(info: Uint8Array): FlacStreamInfo | null {
  if (info.length < FLAC_STREAM_INFO_BYTES) return null
  const byte = (i: number): number => info[i] ?? 0
  return {
    sampleRate: (byte(10) << 12) | (byte(11) << 4) | (byte(12) >> 4),
    channels: ((byte(12) >> 1) & 0x07) + 1,
    bitsPerSample: (((byte(12) & 0x01) << 4) | (byte(13) >> 4)) + 1,
    totalSamples:
      (byte(13) & 0x0f) * 2 ** 32 +
      byte(14) * 2 ** 24 +
      ((byte(15) << 16) | (byte(16) << 8) | byte(17)),
  }
}
