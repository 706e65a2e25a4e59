import type { IPicture } from 'music-metadata'
import {
  CommonCollector,
  ascii,
  bytesAt,
  pictureTypeName,
  u32be,
  u32le,
  u8,
  unsure,
  utf8,
  type ByteSource,
  type CommonId,
  type ParsedAudio,
} from './common'
import {
  OGG_PAGE_HEADER_BYTES,
  flacBlockHeader,
  flacStreamInfo,
  oggPageHeader,
} from '../../media-formats'

// Vorbis comments (FLAC, Ogg Vorbis, Ogg Opus): the keys music-metadata's VorbisTagMapper maps to the
// fields the library stores.
const VORBIS_FIELDS: Readonly<Record<string, CommonId>> = {
  TITLE: 'title',
  ARTIST: 'artist',
  ARTISTS: 'artists',
  DISCOGS_ARTISTS: 'artists',
  DISCOGS_ARTIST_NAME: 'artists',
  ALBUMARTIST: 'albumartist',
  'ALBUM ARTIST': 'albumartist',
  DISCOGS_ALBUM_ARTISTS: 'albumartist',
  ALBUM: 'album',
  DATE: 'date',
  DISCOGS_RELEASED: 'date',
  TRACKNUMBER: 'track',
  DISCNUMBER: 'disk',
  TRACKTOTAL: 'totaltracks',
  TOTALTRACKS: 'totaltracks',
  DISCTOTAL: 'totaldiscs',
  TOTALDISCS: 'totaldiscs',
  GENRE: 'genre',
  STYLE: 'genre',
  REPLAYGAIN_TRACK_GAIN: 'replaygain_track_gain',
  REPLAYGAIN_TRACK_PEAK: 'replaygain_track_peak',
  REPLAYGAIN_ALBUM_GAIN: 'replaygain_album_gain',
  REPLAYGAIN_ALBUM_PEAK: 'replaygain_album_peak',
}

/** A FLAC PICTURE block or a base64-decoded METADATA_BLOCK_PICTURE (FLAC format §METADATA_BLOCK_PICTURE). */
function parseFlacPicture(bytes: Uint8Array): IPicture {
  let at = 0
  const type = pictureTypeName(u32be(bytes, at))
  at += 4
  const mimeLength = u32be(bytes, at)
  at += 4
  if (at + mimeLength > bytes.length) unsure()
  const format = utf8.decode(bytes.subarray(at, at + mimeLength))
  at += mimeLength
  const descriptionLength = u32be(bytes, at)
  at += 4 + descriptionLength + 16 // description, width, height, depth, colours
  const dataLength = u32be(bytes, at)
  at += 4
  if (at + dataLength > bytes.length) unsure()
  // A copy (the cache's blocks are Buffers, whose slice() would be a view).
  return { type, format, data: new Uint8Array(bytes.subarray(at, at + dataLength)) }
}

function base64Bytes(text: string): Uint8Array {
  // music-metadata decodes with atob, which rejects malformed input where Buffer would skip it silently:
  // take only what atob accepts (WHATWG forgiving-base64), anything else goes to music-metadata.
  const compact = text.replace(/[\t\n\f\r ]/g, '')
  const wellFormed = compact.includes('=')
    ? compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={1,2}$/.test(compact)
    : compact.length % 4 !== 1 && /^[A-Za-z0-9+/]*$/.test(compact)
  if (!wellFormed) unsure()
  return Buffer.from(compact, 'base64')
}

/** A Vorbis comment block (Vorbis I spec §5.2): vendor string, then "KEY=value" strings. */
function parseVorbisComments(
  bytes: Uint8Array,
  start: number,
  tags: CommonCollector,
  wantCover: boolean,
): void {
  let at = start
  const vendorLength = u32le(bytes, at)
  at += 4 + vendorLength
  let count = u32le(bytes, at)
  at += 4
  while (count-- > 0) {
    const length = u32le(bytes, at)
    at += 4
    if (at + length > bytes.length) unsure()
    const comment = utf8.decode(bytes.subarray(at, at + length))
    at += length
    const equals = comment.indexOf('=')
    const key = comment.substring(0, equals).toUpperCase()
    const value = comment.substring(equals + 1)
    if (key === 'METADATA_BLOCK_PICTURE') {
      if (wantCover) tags.addPicture(parseFlacPicture(base64Bytes(value)))
      continue
    }
    const id = VORBIS_FIELDS[key]
    if (id) tags.add(id, value)
  }
}

// FLAC (https://xiph.org/flac/format.html): metadata blocks after "fLaC".
export async function readFlac(source: ByteSource, wantCover: boolean): Promise<ParsedAudio> {
  const tags = new CommonCollector()
  const format: ParsedAudio['format'] = {}
  let at = 4
  let last = false
  let sawStreamInfo = false
  while (!last) {
    const block = flacBlockHeader(await bytesAt(source, at, at + 4), 0) ?? unsure()
    last = block.last
    const { type, length } = block
    at += 4
    if (type === 0) {
      if (length !== 34 || sawStreamInfo) unsure()
      sawStreamInfo = true
      const { sampleRate, channels, bitsPerSample, totalSamples } =
        flacStreamInfo(await bytesAt(source, at, at + 34)) ?? unsure()
      format.codec = 'FLAC'
      format.hasAudio = true
      format.lossless = true
      format.numberOfChannels = channels
      format.bitsPerSample = bitsPerSample
      format.sampleRate = sampleRate
      if (totalSamples > 0) format.duration = totalSamples / sampleRate
    } else if (type === 4) {
      parseVorbisComments(await bytesAt(source, at, at + length), 0, tags, wantCover)
    } else if (type === 6) {
      if (wantCover) tags.addPicture(parseFlacPicture(await bytesAt(source, at, at + length)))
    } else if (type === 127) {
      unsure() // invalid block type
    }
    at += length
    if (at > source.size) unsure()
  }
  if (!sawStreamInfo) unsure()
  // music-metadata: bitrate = the bytes after the metadata blocks over the duration.
  if (format.duration) format.bitrate = (8 * (source.size - at)) / format.duration
  return { format, common: tags.common }
}

// Ogg (RFC 3533): pages of one logical stream; the identification and comment packets come first.

interface OggPage {
  start: number
  headerType: number
  granule: number
  serial: number
  sequence: number
  /** Segment lacing values. */
  lacing: Uint8Array
  dataStart: number
  dataEnd: number
}

async function oggPageAt(source: ByteSource, at: number): Promise<OggPage> {
  // The fixed header, then up to 255 lacing values.
  const bytes = await bytesAt(
    source,
    at,
    Math.min(at + OGG_PAGE_HEADER_BYTES + 255, Math.max(source.size, at + OGG_PAGE_HEADER_BYTES)),
  )
  const header = oggPageHeader(bytes, 0) ?? unsure()
  const dataStart = at + header.headerBytes
  return {
    start: at,
    headerType: header.headerType,
    granule: header.granule,
    serial: header.serial,
    sequence: header.sequence,
    lacing: bytes.slice(OGG_PAGE_HEADER_BYTES, header.headerBytes),
    dataStart,
    dataEnd: dataStart + header.dataBytes,
  }
}

/**
 * Reads the first packets of an Ogg stream: the identification packet (alone on the first page) and the
 * comment packet (from the start of the second page, possibly over several pages). Unsure when the file
 * holds more than one logical stream or ends within music-metadata's 13-page look-ahead (then
 * music-metadata would compute the duration and bitrate from the last page itself).
 */
async function oggHeaderPackets(
  source: ByteSource,
): Promise<{ identification: Uint8Array; comment: Uint8Array; commentEnd: number }> {
  const first = await oggPageAt(source, 0)
  if ((first.headerType & 0x02) === 0 || (first.headerType & 0x04) !== 0) unsure()
  const identification = await bytesAt(source, first.dataStart, first.dataEnd)
  // The identification packet must be the only packet of the first page.
  if (
    first.lacing.length === 0 ||
    first.lacing.some((v, i) => i < first.lacing.length - 1 && v !== 255)
  )
    unsure()
  const parts: Uint8Array[] = []
  let page = await oggPageAt(source, first.dataEnd)
  if (page.headerType & 0x01) unsure() // the comment packet starts on a fresh page
  let complete = false
  let commentEnd = 0
  let pagesSeen = 2
  while (true) {
    if (page.serial !== first.serial || (page.headerType & 0x04) !== 0) unsure()
    if (!complete) {
      // Take segments until one shorter than 255 ends the packet.
      let offset = page.dataStart
      for (const value of page.lacing) {
        parts.push(await bytesAt(source, offset, offset + value))
        offset += value
        if (value < 255) {
          complete = true
          commentEnd = page.dataEnd
          break
        }
      }
    }
    // music-metadata reads up to the page numbered 13 before it stops; it must not reach the end.
    if (complete && page.sequence > 12) break
    if (page.dataEnd >= source.size) unsure()
    page = await oggPageAt(source, page.dataEnd)
    if (++pagesSeen > 64) unsure()
  }
  const length = parts.reduce((sum, p) => sum + p.length, 0)
  const comment = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    comment.set(part, offset)
    offset += part.length
  }
  return { identification, comment, commentEnd }
}

export async function readOgg(
  source: ByteSource,
  audioFormat: 'ogg' | 'opus',
  wantCover: boolean,
): Promise<ParsedAudio> {
  const { identification, comment } = await oggHeaderPackets(source)
  const tags = new CommonCollector()
  const format: ParsedAudio['format'] = {}
  if (audioFormat === 'opus') {
    // RFC 7845 §5.1 (OpusHead) and §5.2 (OpusTags).
    if (!ascii(identification, 0, 'OpusHead') || !ascii(comment, 0, 'OpusTags')) unsure()
    format.codec = 'Opus'
    format.sampleRate = u32le(identification, 12)
    format.numberOfChannels = u8(identification, 9)
    format.hasAudio = true
    parseVorbisComments(comment, 8, tags, wantCover)
  } else {
    // Vorbis I spec §4.2.2 (identification header) and §5.2 (comment header).
    if (u8(identification, 0) !== 1 || !ascii(identification, 1, 'vorbis')) unsure()
    if (u8(comment, 0) !== 3 || !ascii(comment, 1, 'vorbis')) unsure()
    format.codec = 'Vorbis I'
    format.hasAudio = true
    format.numberOfChannels = u8(identification, 11)
    format.sampleRate = u32le(identification, 12)
    format.bitrate = u32le(identification, 20)
    parseVorbisComments(comment, 7, tags, wantCover)
  }
  return { format, common: tags.common }
}
