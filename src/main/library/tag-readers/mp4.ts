import {
  CommonCollector,
  bytesAt,
  u24be,
  u32be,
  u8,
  unsure,
  utf8,
  type ByteSource,
  type CommonId,
  type ParsedAudio,
} from './common'
import { boxHeader } from '../../media-formats'

// MP4/M4A (ISO 14496-12 boxes, Apple's QuickTime and iTunes metadata): the one audio track's sample
// description, media header and sample sizes, and the iTunes item list (moov.udta.meta.ilst).

/** The iTunes keys (compared upper-cased, as music-metadata's case-insensitive MP4 mapper does). */
const ITUNES_FIELDS: Readonly<Record<string, CommonId>> = {
  '©NAM': 'title',
  '©ART': 'artist',
  AART: 'albumartist',
  '----:COM.APPLE.ITUNES:BAND': 'albumartist',
  '©ALB': 'album',
  '©DAY': 'date',
  TRKN: 'track',
  DISK: 'disk',
  '©GEN': 'genre',
  GNRE: 'genre',
  COVR: 'picture',
  '----:COM.APPLE.ITUNES:ARTISTS': 'artists',
  '----:COM.APPLE.ITUNES:REPLAYGAIN_TRACK_GAIN': 'replaygain_track_gain',
  '----:COM.APPLE.ITUNES:REPLAYGAIN_TRACK_PEAK': 'replaygain_track_peak',
  '----:COM.APPLE.ITUNES:REPLAYGAIN_ALBUM_GAIN': 'replaygain_album_gain',
  '----:COM.APPLE.ITUNES:REPLAYGAIN_ALBUM_PEAK': 'replaygain_album_peak',
}

/** Sample entry formats music-metadata names (its encoderDict), for the audio codecs of .m4a files. */
const MP4_CODECS: Readonly<Record<string, { name: string; lossless: boolean }>> = {
  mp4a: { name: 'MPEG-4/AAC', lossless: false },
  alac: { name: 'ALAC', lossless: true },
}

/** music-metadata's atom size limit for anything it buffers. */
const MP4_MAX_BUFFERED = 64 * 1024 * 1024

function fourCc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(u8(bytes, at), u8(bytes, at + 1), u8(bytes, at + 2), u8(bytes, at + 3))
}

interface Box {
  name: string
  /** Where the payload starts and ends, relative to the bytes it was found in. */
  start: number
  end: number
}

/** The boxes in bytes[from, to): unsure unless they tile the range exactly. */
function childBoxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const boxes: Box[] = []
  let at = from
  while (at < to) {
    if (to - at < 8) unsure()
    const box = boxHeader(bytes, at, to)
    if (!box || box.end > to) unsure()
    if (box.end - box.bodyStart > MP4_MAX_BUFFERED) unsure()
    boxes.push({ name: box.type, start: box.bodyStart, end: box.end })
    at = box.end
  }
  return boxes
}

interface Mp4Track {
  trackId: number | null
  handler: string | null
  timeScale: number
  duration: number
  entries: { format: string; description: Uint8Array | null }[] | null
  /** Sum of the sample size table, or null when every sample has the same size (no table). */
  sampleBytes: number | null
}

function readTrack(bytes: Uint8Array, box: Box): Mp4Track {
  const track: Mp4Track = {
    trackId: null,
    handler: null,
    timeScale: 0,
    duration: 0,
    entries: null,
    sampleBytes: null,
  }
  const visit = (from: number, to: number): void => {
    for (const child of childBoxes(bytes, from, to)) {
      const { start, end } = child
      switch (child.name) {
        case 'mdia':
        case 'minf':
        case 'stbl':
        case 'udta':
        case 'tref':
          visit(start, end)
          break
        case 'meta':
        case 'moov':
        case 'ilst':
        case 'moof':
        case 'trak':
          unsure() // nothing music-metadata reads there that a plain audio track holds
          break
        case 'tkhd': {
          const version = u8(bytes, start)
          if (end - start < (version === 1 ? 50 : 38) || version > 1) unsure()
          track.trackId = u32be(bytes, start + (version === 1 ? 20 : 12))
          break
        }
        case 'hdlr':
          if (end - start < 28) unsure() // music-metadata's HandlerBox would fail
          track.handler = fourCc(bytes, start + 8)
          break
        case 'mdhd': {
          if (end - start < 24) unsure() // its MdhdAtom's minimum length
          const version = u8(bytes, start)
          if (version === 0) {
            track.timeScale = u32be(bytes, start + 12)
            track.duration = u32be(bytes, start + 16)
          } else if (version === 1) {
            track.timeScale = u32be(bytes, start + 20)
            track.duration = u32be(bytes, start + 24) * 2 ** 32 + u32be(bytes, start + 28)
          } else unsure()
          break
        }
        case 'stsd': {
          if (end - start < 8) unsure()
          const count = u32be(bytes, start + 4)
          let at = start + 8
          track.entries = []
          for (let n = 0; n < count; n++) {
            const size = u32be(bytes, at)
            if (size < 16 || at + size > end) unsure()
            const descriptionLength = size - 16
            track.entries.push({
              format: fourCc(bytes, at + 4),
              description: descriptionLength > 0 ? bytes.subarray(at + 16, at + size) : null,
            })
            at += size
          }
          break
        }
        case 'stco':
        case 'stsc':
        case 'stts': {
          // music-metadata reads these tables too, and fails when the entry count and the length disagree.
          const entryBytes = child.name === 'stsc' ? 12 : child.name === 'stts' ? 8 : 4
          if (end - start < 8) unsure()
          const tableBytes = end - start - 8
          if (tableBytes !== 0 && tableBytes !== u32be(bytes, start + 4) * entryBytes) unsure()
          break
        }
        case 'stsz': {
          if (end - start < 12) unsure()
          const count = u32be(bytes, start + 8)
          const tableBytes = end - start - 12
          if (tableBytes === 0) break
          if (tableBytes !== count * 4) unsure()
          let sum = 0
          for (let at = start + 12; at < end; at += 4) sum += u32be(bytes, at) | 0 // INT32
          track.sampleBytes = sum
          break
        }
        default:
          break
      }
    }
  }
  visit(box.start, box.end)
  return track
}

/** One item of the iTunes list: its key ("©nam", or "----:mean:name") and the value from its data box. */
function readItunesItem(
  bytes: Uint8Array,
  item: Box,
  tags: CommonCollector,
  wantCover: boolean,
): void {
  let key = item.name
  for (const child of childBoxes(bytes, item.start, item.end)) {
    if (child.name === 'name' || child.name === 'mean' || child.name === 'rate') {
      key += `:${utf8.decode(bytes.subarray(child.start + 4, child.end))}`
      continue
    }
    if (child.name !== 'data') continue
    if (u8(bytes, child.start) !== 0) unsure() // music-metadata rejects a type set other than 0
    const type = u24be(bytes, child.start + 1)
    const value = bytes.subarray(child.start + 8, child.end)
    const id = ITUNES_FIELDS[key.toUpperCase()]
    if (!id) continue
    if (id === 'picture') {
      if (!wantCover) continue
      if (type === 13 || type === 14) {
        tags.addPicture({
          format: type === 13 ? 'image/jpeg' : 'image/png',
          data: new Uint8Array(value),
        })
      }
      continue
    }
    if (type === 1 || type === 18) tags.add(id, utf8.decode(value))
    else if (type === 0 && (id === 'track' || id === 'disk') && key.length === 4)
      tags.add(id, `${u8(value, 3)}/${u8(value, 5)}`)
    else unsure() // a genre number, or a number where text is expected
  }
}

export async function readMp4(source: ByteSource, wantCover: boolean): Promise<ParsedAudio> {
  // Top-level boxes: find moov (at the start after faststart, else after mdat), and nothing unusual.
  let at = 0
  let moov: { start: number; end: number } | null = null
  let boxes = 0
  while (at < source.size) {
    if (++boxes > 64) unsure()
    const box = boxHeader(
      await bytesAt(source, at, Math.min(at + 16, source.size)),
      0,
      source.size - at,
    )
    if (!box || at + box.end > source.size) unsure()
    const name = box.type
    const size = box.end
    const headerLength = box.bodyStart
    if (name === 'moov') {
      if (moov || size - headerLength > MP4_MAX_BUFFERED) unsure()
      moov = { start: at + headerLength, end: at + size }
    } else if (name === 'ftyp') {
      // music-metadata rejects a brand list that is not whole four-character codes.
      const payload = size - headerLength
      if (payload < 8 || payload % 4 !== 0) unsure()
    } else if (
      name !== 'ftyp' &&
      name !== 'mdat' &&
      name !== 'free' &&
      name !== 'skip' &&
      name !== 'wide'
    )
      unsure()
    at += size
  }
  if (!moov) unsure()
  const bytes = await bytesAt(source, moov.start, moov.end)
  const tags = new CommonCollector()
  const tracks: Mp4Track[] = []
  for (const box of childBoxes(bytes, 0, bytes.length)) {
    if (box.name === 'mvhd' && box.end - box.start < 100) unsure() // its MvhdAtom's minimum length
    if (box.name === 'trak') tracks.push(readTrack(bytes, box))
    else if (box.name === 'udta') {
      for (const inUdta of childBoxes(bytes, box.start, box.end)) {
        if (inUdta.name !== 'meta') continue
        // meta is a full box (4 bytes of version and flags) unless hdlr follows at once (QuickTime style).
        const padding = fourCc(bytes, inUdta.start + 4) === 'hdlr' ? 0 : 4
        for (const inMeta of childBoxes(bytes, inUdta.start + padding, inUdta.end)) {
          if (inMeta.name !== 'ilst') continue
          for (const item of childBoxes(bytes, inMeta.start, inMeta.end))
            readItunesItem(bytes, item, tags, wantCover)
        }
      }
    } else if (box.name === 'meta' || box.name === 'ilst' || box.name === 'moof') unsure()
  }
  const track = tracks.length === 1 ? tracks[0] : unsure()
  if (!track || track.trackId === null || track.handler !== 'soun') unsure()
  const entry = track.entries?.length === 1 ? track.entries[0] : unsure()
  const codec = entry ? MP4_CODECS[entry.format] : undefined
  if (!entry || !codec || !entry.description || entry.description.length < 20) unsure()
  const description = entry.description
  const version = (u8(description, 0) << 8) | u8(description, 1)
  if (version !== 0 && version !== 1) unsure()
  const int16 = (offset: number): number =>
    (((u8(description, offset) << 8) | u8(description, offset + 1)) << 16) >> 16
  const sampleRate =
    ((u8(description, 16) << 8) | u8(description, 17)) +
    ((u8(description, 18) << 8) | u8(description, 19)) / 10000
  if (track.timeScale <= 0 || sampleRate <= 0) unsure()
  const format: ParsedAudio['format'] = {
    codec: codec.name,
    lossless: codec.lossless,
    sampleRate,
    bitsPerSample: int16(10),
    numberOfChannels: int16(8),
    hasAudio: true,
  }
  if (track.duration > 0) {
    format.duration = track.duration / track.timeScale
    if (track.sampleBytes) format.bitrate = (8 * track.sampleBytes) / format.duration
  }
  return { format, common: tags.common }
}
