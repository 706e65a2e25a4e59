// MPEG-1/2/2.5 audio frame headers (ISO 11172-3 §2.4.2.3, ISO 13818-3): 11 sync bits, version,
// layer, CRC flag, bit-rate index, sample-rate index, padding, channel mode.

export interface MpegFrameHeader {
  version: 1 | 2 | 2.5
  layer: 1 | 2 | 3
  /** Bits per second. */
  bitrate: number
  sampleRate: number
  padding: boolean
  mono: boolean
  /** The frame carries a 16-bit CRC after its header. */
  crc: boolean
}

const MPEG_VERSIONS = [2.5, null, 2, 1] as const
const MPEG_LAYERS = [0, 3, 2, 1] as const
// Bit rates in kbit/s by index, keyed by 10·version + layer (MPEG-2.5 uses MPEG-2's).
const MPEG_KBPS: Readonly<Record<number, readonly number[]>> = {
  11: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  12: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  13: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  21: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  22: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  23: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
const MPEG_RATES: Readonly<Record<number, readonly number[]>> = {
  1: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  2.5: [11025, 12000, 8000],
}

/**
 * A frame header from the three bytes after the first sync byte (0xFF): the header, 'adts' when
 * the layer bits are 00 (an AAC ADTS stream, ISO 14496-3 §1.A.2), or null when it is no valid
 * header (reserved version, free or bad bit rate, reserved sample rate).
 */
export function mpegHeader(b1: number, b2: number, b3: number): MpegFrameHeader | 'adts' | null {
  const versionIndex = (b1 >> 3) & 3
  const layer = MPEG_LAYERS[(b1 >> 1) & 3] ?? 0
  if (versionIndex > 1 && layer === 0) return 'adts'
  const version = MPEG_VERSIONS[versionIndex] ?? null
  const bitrateIndex = b2 >> 4
  const rateIndex = (b2 >> 2) & 3
  if (version === null || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15) return null
  const kbps = MPEG_KBPS[10 * Math.floor(version) + layer]?.[bitrateIndex]
  const sampleRate = rateIndex === 3 ? undefined : MPEG_RATES[version]?.[rateIndex]
  if (!kbps || !sampleRate) return null
  return {
    version,
    layer,
    bitrate: kbps * 1000,
    sampleRate,
    padding: (b2 & 0x02) !== 0,
    mono: b3 >> 6 === 3,
    crc: (b1 & 0x01) === 0,
  }
}

/** The frame header at bytes[at…] (sync word included), or null. */
export function mpegHeaderAt(bytes: Uint8Array, at: number): MpegFrameHeader | null {
  if (at < 0 || at + 4 > bytes.length) return null
  const b1 = bytes[at + 1] ?? 0
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null
  const header = mpegHeader(b1, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0)
  return header === 'adts' ? null : header
}

export function samplesPerFrame(header: MpegFrameHeader): number {
  return header.layer === 1 ? 384 : header.layer === 2 || header.version === 1 ? 1152 : 576
}

/** A frame's length in bytes, header included (ISO 11172-3 §2.4.3.1; Layer I counts 4-byte slots). */
export function mpegFrameBytes(header: MpegFrameHeader): number {
  const padding = header.padding ? 1 : 0
  if (header.layer === 1)
    return (Math.floor((12 * header.bitrate) / header.sampleRate) + padding) * 4
  return Math.floor((samplesPerFrame(header) * header.bitrate) / (8 * header.sampleRate)) + padding
}

/** Length in bytes of the MPEG audio frame whose header starts at `at`, or 0 if it is no valid header. */
export function mpegFrameLength(bytes: Uint8Array, at: number): number {
  const header = mpegHeaderAt(bytes, at)
  return header ? mpegFrameBytes(header) : 0
}

/** The side information's length after a Layer III header: where a Xing/Info header starts. */
export function layer3SideInfoBytes(header: MpegFrameHeader): number {
  return header.version === 1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17
}
