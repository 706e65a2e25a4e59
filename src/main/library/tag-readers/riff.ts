import {
  CommonCollector,
  ascii,
  bytesAt,
  u32le,
  u8,
  unsure,
  type ByteSource,
  type CommonId,
  type ParsedAudio,
} from './common'
import { aiffCommon, chunkHeader, waveFormat } from '../../media-formats'

// WAV (RIFF WAVE: fmt, fact, data and LIST/INFO chunks) and AIFF (FORM/AIFF: COMM, SSND, NAME, AUTH), as
// music-metadata's WaveParser and AIFFParser read them.

/** RIFF INFO ids music-metadata's RiffInfoTagMapper maps to stored fields (case-sensitive). */
const RIFF_INFO_FIELDS: Readonly<Record<string, CommonId>> = {
  IART: 'artist',
  ICRD: 'date',
  INAM: 'title',
  TITL: 'title',
  IPRD: 'album',
  IRPD: 'album',
  ITRK: 'track',
  IPRT: 'track',
  GNRE: 'genre',
  IGNR: 'genre',
  YEAR: 'year',
}

/** music-metadata's WaveFormatNameMap: the codec name of a WAVE format tag. */
const WAVE_FORMATS: Readonly<Record<number, string>> = {
  0x0001: 'PCM',
  0x0002: 'ADPCM',
  0x0003: 'IEEE_FLOAT',
  0x0006: 'ALAW',
  0x0007: 'MULAW',
  0x0011: 'DVI_ADPCM',
  0x0031: 'GSM610',
  0x1600: 'MPEG_ADTS_AAC',
  0x1602: 'MPEG_LOAS',
  0x00ff: 'RAW_AAC1',
  0x0092: 'DOLBY_AC3_SPDIF',
  0x2000: 'DVM',
  0x0240: 'RAW_SPORT',
  0x0241: 'ESST_AC3',
  0x0009: 'DRM',
  0x2001: 'DTS2',
  0x0050: 'MPEG',
  0x0055: 'MPEGLAYER3',
}

function latin1Text(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}

export async function readWav(source: ByteSource): Promise<ParsedAudio> {
  const riff = await bytesAt(source, 0, 12)
  if (!ascii(riff, 0, 'RIFF') || !ascii(riff, 8, 'WAVE')) unsure()
  const tags = new CommonCollector()
  const format: ParsedAudio['format'] = { hasAudio: true }
  let remaining = u32le(riff, 4) - 4
  let at = 12
  let blockAlign = 0
  let avgBytesPerSec = 0
  let sawFormat = false
  let sampleLength: number | null = null
  for (let chunks = 0; remaining >= 8; chunks++) {
    if (chunks > 64) unsure()
    if (at + 8 > source.size) break // music-metadata stops at the end of the file
    const { id, size } = chunkHeader(await bytesAt(source, at, at + 8), 0, true) ?? unsure()
    remaining -= 8 + size
    at += 8
    if (id === 'fmt ') {
      if (size < 16) unsure()
      const fmt = waveFormat(await bytesAt(source, at, at + 16)) ?? unsure()
      format.codec = WAVE_FORMATS[fmt.formatTag] ?? `non-PCM (${fmt.formatTag})`
      format.bitsPerSample = fmt.bitsPerSample
      format.sampleRate = fmt.sampleRate
      format.numberOfChannels = fmt.channels
      blockAlign = fmt.blockAlign
      avgBytesPerSec = fmt.byteRate
      sawFormat = true
    } else if (id === 'fact') {
      if (size < 4) unsure()
      format.lossless = false
      sampleLength = u32le(await bytesAt(source, at, at + 4), 0)
    } else if (id === 'data') {
      if (!sawFormat || size === 0xffffffff) unsure()
      if (format.lossless !== false) format.lossless = true
      const dataSize = Math.min(size, source.size - at)
      const samples = sampleLength ?? dataSize / blockAlign
      if (samples && format.sampleRate) format.duration = samples / format.sampleRate
      if (avgBytesPerSec > 0) format.bitrate = avgBytesPerSec * 8
      else if (format.duration) format.bitrate = (dataSize * 8) / format.duration
      if (at + size > source.size) break // music-metadata stops at the end of the file too
    } else if (id === 'LIST') {
      const list = await bytesAt(source, at, at + size)
      if (ascii(list, 0, 'INFO')) {
        let left = size - 4
        let offset = 4
        while (left >= 8) {
          const tagId = latin1Text(list.subarray(offset, offset + 4))
          const tagSize = u32le(list, offset + 4)
          const padded = tagSize + (tagSize & 1)
          if (offset + 8 + padded > list.length) unsure()
          // latin1 (no CSET chunk), cut at the first NUL as ListInfoTagValue does.
          const value =
            latin1Text(list.subarray(offset + 8, offset + 8 + tagSize)).split('\0', 1)[0] ?? ''
          const field = RIFF_INFO_FIELDS[tagId]
          if (field) tags.add(field, value)
          offset += 8 + padded
          left -= 8 + padded
        }
        if (left !== 0) unsure() // music-metadata throws
      }
    } else if (id === 'CSET' || id === 'id3 ' || id === 'ID3 ' || id === 'bext') {
      unsure() // code pages, ID3 and broadcast tags: music-metadata's call
    }
    at += size + (size % 2)
  }
  return { format, common: tags.common }
}

export async function readAiff(source: ByteSource): Promise<ParsedAudio> {
  const form = await bytesAt(source, 0, 12)
  // AIFC (compressed) has more cases (compression names, pstrings): music-metadata's call.
  if (!ascii(form, 0, 'FORM') || !ascii(form, 8, 'AIFF')) unsure()
  const tags = new CommonCollector()
  const format: ParsedAudio['format'] = { lossless: true, hasAudio: true }
  let at = 12
  for (let chunks = 0; source.size - at >= 8; chunks++) {
    if (chunks > 64) unsure()
    const { id, size } = chunkHeader(await bytesAt(source, at, at + 8), 0, false) ?? unsure()
    at += 8
    if (id === 'COMM') {
      if (size < 18) unsure()
      const comm = await bytesAt(source, at, at + 18)
      const fields = aiffCommon(comm) ?? unsure()
      // The 80-bit extended sample rate, converted as music-metadata converts it (exponent and 16
      // bits), not exactly as aiffCommon does, so the numbers agree with music-metadata's.
      const shift = ((u8(comm, 8) << 8) | u8(comm, 9)) - 16398
      const base = (u8(comm, 10) << 8) | u8(comm, 11)
      const sampleRate = shift < 0 ? base >> Math.abs(shift) : base << shift
      format.bitsPerSample = fields.bitsPerSample
      format.sampleRate = sampleRate
      format.numberOfChannels = fields.channels
      format.duration = fields.frames / sampleRate
      format.codec = 'PCM'
    } else if (id === 'SSND') {
      if (format.duration) format.bitrate = (8 * size) / format.duration
    } else if (id === 'NAME' || id === 'AUTH') {
      const text = latin1Text(await bytesAt(source, at, at + size))
      // music-metadata decodes these as 'ascii', masking the high bit: leave such bytes to it.
      if ([...text].some((c) => c.charCodeAt(0) > 0x7f)) unsure()
      const values = text
        .split('\0')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
      for (const value of values) tags.add(id === 'NAME' ? 'title' : 'artist', value)
    } else if (id === 'ID3 ' || id === 'ID3' || id === 'id3 ') {
      unsure()
    }
    at += 2 * Math.round(size / 2)
  }
  return { format, common: tags.common }
}
