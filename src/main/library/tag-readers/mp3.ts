import {
  CommonCollector,
  ascii,
  bytesAt,
  pictureTypeName,
  u32be,
  u8,
  unsure,
  utf8,
  type ByteSource,
  type CommonId,
  type ParsedAudio,
} from './common'
import {
  id3v2Header,
  mpegHeader,
  samplesPerFrame,
  syncsafeUnmasked as syncsafe,
  type MpegFrameHeader,
} from '../../media-formats'

// MP3: an ID3v2.3/2.4 tag, then the first four MPEG audio frames, walked exactly as music-metadata's
// MpegParser walks them with `duration: false` (its sync search, Xing/Info/LAME header, CBR detection and
// final duration and bitrate rules), so the numbers agree.

/** ID3v2.3/2.4 frames (and TXXX descriptions) music-metadata's ID3v24TagMapper maps to stored fields. */
const ID3_FIELDS: Readonly<Record<string, CommonId>> = {
  TIT2: 'title',
  TPE1: 'artist',
  'TXXX:ARTISTS': 'artists',
  'TXXX:DISCOGS_ARTISTS': 'artists',
  'TXXX:DISCOGS_ARTIST_NAME': 'artists',
  TPE2: 'albumartist',
  'TXXX:DISCOGS_ALBUM_ARTISTS': 'albumartist',
  TALB: 'album',
  TDRV: 'date',
  TDRC: 'date',
  'TXXX:DISCOGS_RELEASED': 'date',
  TYER: 'year',
  TRCK: 'track',
  TPOS: 'disk',
  TCON: 'genre',
  'TXXX:STYLE': 'genre',
  'TXXX:REPLAYGAIN_TRACK_PEAK': 'replaygain_track_peak',
  'TXXX:REPLAYGAIN_TRACK_GAIN': 'replaygain_track_gain',
  'TXXX:REPLAYGAIN_ALBUM_PEAK': 'replaygain_album_peak',
  'TXXX:REPLAYGAIN_ALBUM_GAIN': 'replaygain_album_gain',
}

/**
 * Frames besides text, TXXX and APIC whose parsing in music-metadata cannot fail and maps to nothing
 * stored. Any other frame (comments, lyrics, chapters…) sends the file to music-metadata.
 */
const HARMLESS_ID3_FRAMES: ReadonlySet<string> = new Set(['PRIV', 'UFID', 'MCDI', 'PCNT'])

type Id3Encoding = 'latin1' | 'utf-16le' | 'utf-16be' | 'utf8'

function id3Encoding(byte: number): Id3Encoding {
  return byte === 0 ? 'latin1' : byte === 1 ? 'utf-16le' : byte === 2 ? 'utf-16be' : 'utf8'
}

const utf16 = new TextDecoder('utf-16le')

/** music-metadata's decodeString (with its BOM handling); unsure where it would throw. */
function decodeId3(bytes: Uint8Array, encoding: Id3Encoding): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeId3(bytes.subarray(2), encoding)
  if (encoding === 'utf-16le' && bytes[0] === 0xfe && bytes[1] === 0xff) {
    if (bytes.length % 2 !== 0) unsure()
    return decodeId3(swapPairs(bytes), encoding)
  }
  if (encoding === 'utf-16be') {
    if (bytes.length % 2 !== 0) unsure()
    return utf16.decode(swapPairs(bytes))
  }
  if (encoding === 'utf-16le') return utf16.decode(bytes)
  if (encoding === 'utf8') return utf8.decode(bytes)
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}

function swapPairs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1] as number
    out[i + 1] = bytes[i] as number
  }
  return out
}

/** music-metadata's findZero: the terminator of a string in this encoding. */
function findZero(bytes: Uint8Array, encoding: Id3Encoding): number {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    for (let i = 0; i + 1 < bytes.length; i += 2) if (bytes[i] === 0 && bytes[i + 1] === 0) return i
    return bytes.length
  }
  const zero = bytes.indexOf(0)
  return zero < 0 ? bytes.length : zero
}

function trimNullPadding(value: string): string {
  let end = value.length
  while (end > 0 && value.charCodeAt(end - 1) === 0) end--
  return value.slice(0, end)
}

/** music-metadata's splitValue: ID3v2.4 separates values with NUL, v2.3 (for some frames) with "/". */
function splitId3Value(frame: string, text: string, major: number): string[] {
  let values = text.split('\0')
  if (
    major < 4 &&
    values.length === 1 &&
    (frame === 'TPE1' || frame === 'TPE2' || frame === 'TXXX')
  )
    values = text.split('/')
  return values.map((v) => trimNullPadding(v).trim())
}

/** A genre without ID3v1 numbers or "(…)" references is itself; anything else goes to music-metadata. */
function plainGenre(value: string): string[] {
  if (value.includes('(') || /^\d*$/.test(value)) {
    if (value === '') return []
    unsure()
  }
  return [value]
}

function readId3Frame(
  id: string,
  data: Uint8Array,
  major: number,
  tags: CommonCollector,
  wantCover: boolean,
): void {
  if (data.length === 0) return // music-metadata skips empty frames
  const encoding = id3Encoding(u8(data, 0))
  const add = (key: string, value: string): void => {
    const field = ID3_FIELDS[key.toUpperCase()]
    if (field) tags.add(field, value)
  }
  if (id === 'TXXX') {
    const body = data.subarray(1)
    const zero = findZero(body, encoding)
    const description = decodeId3(body.subarray(0, zero), encoding)
    const terminator = zero >= body.length ? 0 : encoding.startsWith('utf-16') ? 2 : 1
    const text = trimNullPadding(decodeId3(body.subarray(zero + terminator), encoding))
    for (const value of splitId3Value('TXXX', text, major)) add(`TXXX:${description}`, value)
    return
  }
  if (id[0] === 'T') {
    let text: string
    try {
      text = trimNullPadding(decodeId3(data.subarray(1), encoding))
    } catch {
      return // music-metadata records a warning and keeps no value
    }
    if (id === 'TIT2' || id === 'TRCK' || id === 'TPOS') return add(id, text)
    if (id === 'TPE1') {
      for (const value of splitId3Value(id, text, major)) add(id, value)
      return
    }
    if (id === 'TCON') {
      // Genres are split (NUL-separated) in both versions, and never on "/" ("Duo Cello/Piano").
      for (const value of splitId3Value(id, text, major).flatMap(plainGenre)) add(id, value)
      return
    }
    const values = major >= 4 ? splitId3Value(id, text, major) : [text]
    for (const value of values) add(id, value)
    return
  }
  if (id === 'APIC') {
    if (!wantCover) return
    let body = data.subarray(1)
    const mimeEnd = findZero(body, 'latin1')
    let format = decodeId3(body.subarray(0, mimeEnd), 'latin1').toLocaleLowerCase()
    if (format === 'jpg') format = 'image/jpeg'
    else if (format === 'png') format = 'image/png'
    body = body.subarray(mimeEnd + 1)
    const type = pictureTypeName(u8(body, 0))
    body = body.subarray(1)
    const descriptionEnd = findZero(body, encoding)
    decodeId3(body.subarray(0, descriptionEnd), encoding) // throws where music-metadata throws
    const image = body.subarray(descriptionEnd + (encoding.startsWith('utf-16') ? 2 : 1))
    tags.addPicture({ type, format, data: new Uint8Array(image) })
    return
  }
  if (!HARMLESS_ID3_FRAMES.has(id)) unsure()
}

/** Reads the ID3v2 tag at the start, if any; returns where the audio search starts. */
async function readId3v2(
  source: ByteSource,
  tags: CommonCollector,
  wantCover: boolean,
): Promise<number> {
  const header = await bytesAt(source, 0, Math.min(10, source.size))
  const id3 = id3v2Header(header)
  if (!id3) return 0
  const { major, flags } = id3
  // v2.2 (other frame names), unsynchronisation, extended headers and footers: music-metadata's call.
  if ((major !== 3 && major !== 4) || (flags & 0xd0) !== 0) unsure()
  // music-metadata's size (unmasked high bits), not id3.size, so damaged sizes fail alike.
  const size = syncsafe(header, 6)
  if (size > source.size - 10) unsure()
  const body = await bytesAt(source, 10, 10 + size)
  let at = 0
  while (at !== body.length && at + 10 <= body.length) {
    let id = ''
    for (let i = 0; i < 4; i++) id += String.fromCharCode(u8(body, at + i) & 0x7f)
    const length = major === 4 ? syncsafe(body, at + 4) : u32be(body, at + 4)
    const formatFlags = u8(body, at + 9)
    at += 10
    const data = body.subarray(at, at + length)
    at += length
    if (data.length === 0) continue
    // Compressed, encrypted, grouped or unsynchronised frames: music-metadata's call.
    if (formatFlags !== 0) unsure()
    readId3Frame(id, data, major, tags, wantCover)
  }
  const next = await bytesAt(source, 10 + size, Math.min(13 + size, source.size))
  if (ascii(next, 0, 'ID3')) unsure() // a second tag
  return 10 + size
}

/** Mirrors MpegParser.postId3v2Parse + finalize with `duration: false` over the bytes from `start`. */
async function readMpegFrames(source: ByteSource, start: number): Promise<ParsedAudio['format']> {
  const size = source.size
  const windowEnd = Math.min(size, start + 64 * 1024)
  const bytes = await bytesAt(source, start, windowEnd)
  const at = (position: number): number =>
    position < windowEnd ? u8(bytes, position - start) : unsure()
  const masked4 = (position: number): string =>
    String.fromCharCode(
      at(position) & 0x7f,
      at(position + 1) & 0x7f,
      at(position + 2) & 0x7f,
      at(position + 3) & 0x7f,
    )
  const u32 = (position: number): number =>
    at(position) * 2 ** 24 + ((at(position + 1) << 16) | (at(position + 2) << 8) | at(position + 3))

  const format: ParsedAudio['format'] = { lossless: false, hasAudio: true }
  let position = start
  let frameCount = 0
  let syncFrameCount = -1
  let frameSize = 0
  let offset = 0
  let spfForCbr: number | null = null
  let mpegOffset: number | null = null
  let codecProfile: string | undefined
  let lastHeader: MpegFrameHeader | null = null
  const bitrates: number[] = []

  const sync = (): void => {
    // music-metadata peeks 1024 bytes at a time and looks for 0xFF followed by a byte with its top 3 bits set.
    let gotFirstSync = false
    for (let windows = 0; ; windows++) {
      if (windows > 64) unsure()
      const peekLength = Math.min(1024, size - position)
      if (peekLength <= 163) unsure() // its end-of-stream
      let bo = 0
      for (;;) {
        if (gotFirstSync && bo < peekLength && (at(position + bo) & 0xe0) === 0xe0) {
          position += bo
          if (syncFrameCount === frameCount) {
            frameCount = 0
            frameSize = 0
          }
          syncFrameCount = frameCount
          return
        }
        gotFirstSync = false
        let found = -1
        for (let i = bo; i < peekLength; i++) {
          if (at(position + i) === 0xff) {
            found = i
            break
          }
        }
        if (found < 0) {
          if (peekLength < 1024) unsure()
          position += peekLength
          break
        }
        bo = found + 1
        gotFirstSync = true
      }
    }
  }

  const readXingInfo = (): { vbrScale: number | null } => {
    const from = position
    const flags = at(position + 3)
    position += 4
    let numFrames: number | null = null
    let streamSize: number | null = null
    let vbrScale: number | null = null
    if (flags & 1) {
      numFrames = u32(position)
      position += 4
    }
    if (flags & 2) {
      streamSize = u32(position)
      position += 4
    }
    if (flags & 4) position += 100
    if (flags & 8) {
      vbrScale = u32(position)
      position += 4
    }
    let lameExtended = false
    if (masked4(position) === 'LAME') {
      position += 4
      let version = ''
      for (let i = 0; i < 5; i++) version += String.fromCharCode(at(position + i) & 0x7f)
      position += 5
      const match = version.match(/\d+.\d+/g)
      if (match) {
        const parts = (match[0] ?? '').split('.').map((n) => Number.parseInt(n, 10))
        if ((parts[0] ?? Number.NaN) >= 3 && (parts[1] ?? Number.NaN) >= 90) {
          at(position + 26) // its extended header is read
          position += 27
          lameExtended = true
        }
      }
    }
    offset += position - from
    if (streamSize && lastHeader && numFrames !== null) {
      format.duration = (numFrames * samplesPerFrame(lastHeader)) / lastHeader.sampleRate
      return { vbrScale }
    }
    if (lameExtended) unsure() // a duration from the LAME header's music length: music-metadata's call
    const left = frameSize - offset
    if (left < 0) unsure()
    position += left
    return { vbrScale }
  }

  const readXtraInfoHeader = (): void => {
    const tag = masked4(position)
    position += 4
    offset += 4
    if (tag === 'Info') {
      codecProfile = 'CBR'
      readXingInfo()
      return
    }
    if (tag === 'Xing') {
      const info = readXingInfo()
      if (info.vbrScale !== null) codecProfile = `V${Math.floor((100 - info.vbrScale) / 10)}`
      return
    }
    if (tag === 'LAME') {
      position += 6
      if (frameSize >= offset + 6) {
        offset += 6
        position += frameSize - offset
        return
      }
    }
    const left = frameSize - offset
    if (left >= 0) position += left
  }

  const skipSideInformation = (header: MpegFrameHeader): void => {
    const sideInfo =
      header.layer !== 3
        ? 2
        : header.mono
          ? header.version === 1
            ? 17
            : 9
          : header.version === 1
            ? 32
            : 17
    at(position + sideInfo - 1)
    position += sideInfo
    offset += sideInfo
    readXtraInfoHeader()
  }

  for (let steps = 0; ; steps++) {
    if (steps > 64) unsure()
    sync()
    if (frameCount === 0) mpegOffset = position - 1
    const parsed = mpegHeader(at(position), at(position + 1), at(position + 2))
    if (parsed === 'adts') unsure()
    if (!parsed) {
      position += 1
      continue
    }
    position += 3
    const header = parsed
    format.codec = `MPEG ${header.version} Layer ${header.layer}`
    format.sampleRate = header.sampleRate
    frameCount++
    format.numberOfChannels = header.mono ? 1 : 2
    format.bitrate = header.bitrate
    const slot = header.layer === 1 ? 4 : 1
    const spf = samplesPerFrame(header)
    frameSize = Math.floor(
      ((spf / 8) * header.bitrate) / header.sampleRate + (header.padding ? slot : 0),
    )
    lastHeader = header
    bitrates.push(header.bitrate)
    if (frameCount === 1) {
      offset = 4
      skipSideInformation(header)
      continue
    }
    if (frameCount === 4) {
      if (bitrates.every((b) => b === bitrates[0])) {
        spfForCbr = spf
        codecProfile = 'CBR'
      }
      break
    }
    offset = 4
    if (header.crc) {
      position += 2
      offset += 2
    }
    skipSideInformation(header)
  }

  // MpegParser.finalize (no ID3v1 tag: the caller checked).
  if (mpegOffset !== null) {
    const mpegSize = size - mpegOffset
    if (format.duration && codecProfile?.[0] === 'V')
      format.bitrate = (mpegSize * 8) / format.duration
    if (codecProfile === 'CBR' && spfForCbr !== null) {
      const samples = Math.round(mpegSize / frameSize) * spfForCbr
      if (format.sampleRate && !format.duration) format.duration = samples / format.sampleRate
    }
  }
  return format
}

export async function readMp3(source: ByteSource, wantCover: boolean): Promise<ParsedAudio> {
  const tags = new CommonCollector()
  const audioStart = await readId3v2(source, tags, wantCover)
  const format = await readMpegFrames(source, audioStart)
  return { format, common: tags.common }
}
