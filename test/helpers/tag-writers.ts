// Small tag writers for tests: they set Vorbis comments in a copy of a FLAC, Ogg Vorbis or Ogg Opus
// fixture and an iTunes item (©lyr, ©nam…) to an MP4, so the engine's readers are tested on real files
// carrying tags no fixture has. Each keeps the audio and every tag already there byte for byte.
import { readFileSync, writeFileSync } from 'node:fs'

// ---- Vorbis comments (xiph.org/vorbis/doc/v-comment.html) ------------------------------------

interface VorbisComments {
  vendor: Buffer
  comments: Buffer[]
}

function parseComments(bytes: Buffer, at: number): VorbisComments & { end: number } {
  const vendorLength = bytes.readUInt32LE(at)
  const vendor = bytes.subarray(at + 4, at + 4 + vendorLength)
  at += 4 + vendorLength
  const count = bytes.readUInt32LE(at)
  at += 4
  const comments: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32LE(at)
    comments.push(bytes.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return { vendor, comments, end: at }
}

function u32le(n: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32LE(n)
  return out
}

function writeComments({ vendor, comments }: VorbisComments): Buffer {
  return Buffer.concat([
    u32le(vendor.length),
    vendor,
    u32le(comments.length),
    ...comments.flatMap((c) => [u32le(c.length), c]),
  ])
}

/** The comments with `set` written in: a key already there (in any case) gets the new value. */
function withSet(list: VorbisComments, set: Record<string, string>): VorbisComments {
  const keys = new Set(Object.keys(set).map((key) => key.toUpperCase()))
  const kept = list.comments.filter((c) => {
    const text = c.toString('utf8')
    return !keys.has(text.slice(0, Math.max(0, text.indexOf('='))).toUpperCase())
  })
  const more = Object.entries(set).map(([key, value]) => Buffer.from(`${key}=${value}`, 'utf8'))
  return { vendor: list.vendor, comments: [...kept, ...more] }
}

/**
 * A copy of the FLAC file at `source` written to `target` with `tags` set in its VORBIS_COMMENT
 * block (a key already there gets the new value). `target` may be `source`: a re-tag in place.
 */
export function writeFlacWithComments(
  source: string,
  target: string,
  tags: Record<string, string>,
): void {
  const flac = readFileSync(source)
  if (flac.toString('latin1', 0, 4) !== 'fLaC') throw new Error(`${source} is not FLAC`)
  const blocks: { type: number; body: Buffer }[] = []
  let at = 4
  for (let last = false; !last;) {
    last = (flac[at]! & 0x80) !== 0
    const length = flac.readUIntBE(at + 1, 3)
    blocks.push({ type: flac[at]! & 0x7f, body: flac.subarray(at + 4, at + 4 + length) })
    at += 4 + length
  }
  const comment = blocks.find((b) => b.type === 4)
  const list = comment
    ? parseComments(comment.body, 0)
    : { vendor: Buffer.from('attune'), comments: [] }
  const body = writeComments(withSet(list, tags))
  if (comment) comment.body = body
  else blocks.splice(1, 0, { type: 4, body })
  const out: Buffer[] = [Buffer.from('fLaC', 'latin1')]
  blocks.forEach((block, i) => {
    const header = Buffer.alloc(4)
    header[0] = block.type | (i === blocks.length - 1 ? 0x80 : 0)
    header.writeUIntBE(block.body.length, 1, 3)
    out.push(header, block.body)
  })
  writeFileSync(target, Buffer.concat([...out, flac.subarray(at)]))
}

// ---- Ogg (RFC 3533) ---------------------------------------------------------------------------

const OGG_CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1
    table[i] = r >>> 0
  }
  return table
})()

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0. */
function oggCrc(bytes: Buffer): number {
  let crc = 0
  for (const byte of bytes) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0
  return crc
}

interface OggPage {
  headerType: number
  granule: bigint
  serial: number
  lacing: number[]
  data: Buffer
}

function readPages(bytes: Buffer): OggPage[] {
  const pages: OggPage[] = []
  for (let at = 0; at + 27 <= bytes.length;) {
    if (bytes.toString('latin1', at, at + 4) !== 'OggS') throw new Error(`no Ogg page at ${at}`)
    const segments = bytes[at + 26]!
    const lacing = [...bytes.subarray(at + 27, at + 27 + segments)]
    const size = lacing.reduce((a, b) => a + b, 0)
    const dataStart = at + 27 + segments
    pages.push({
      headerType: bytes[at + 5]!,
      granule: bytes.readBigInt64LE(at + 6),
      serial: bytes.readUInt32LE(at + 14),
      lacing,
      data: bytes.subarray(dataStart, dataStart + size),
    })
    at = dataStart + size
  }
  return pages
}

function writePage(page: OggPage, sequence: number): Buffer {
  const header = Buffer.alloc(27)
  header.write('OggS', 0, 'latin1')
  header[5] = page.headerType
  header.writeBigInt64LE(page.granule, 6)
  header.writeUInt32LE(page.serial, 14)
  header.writeUInt32LE(sequence, 18)
  header[26] = page.lacing.length
  const bytes = Buffer.concat([header, Buffer.from(page.lacing), page.data])
  bytes.writeUInt32LE(oggCrc(bytes), 22)
  return bytes
}

/** Pages holding `packets` from the start of a page on: 255 lacing values at most per page. */
function paginate(packets: Buffer[], serial: number): OggPage[] {
  const pages: OggPage[] = []
  let lacing: number[] = []
  let chunks: Buffer[] = []
  let continued = false
  let packetEnded = false
  const flush = (): void => {
    pages.push({
      headerType: continued ? 1 : 0,
      granule: packetEnded ? 0n : -1n,
      serial,
      lacing,
      data: Buffer.concat(chunks),
    })
    lacing = []
    chunks = []
    packetEnded = false
  }
  for (const packet of packets) {
    let at = 0
    for (;;) {
      const size = Math.min(255, packet.length - at)
      lacing.push(size)
      chunks.push(packet.subarray(at, at + size))
      at += size
      const done = size < 255
      if (done) packetEnded = true
      if (lacing.length === 255) {
        flush()
        continued = !done
      }
      if (done) break
    }
  }
  if (lacing.length > 0) flush()
  return pages
}

/**
 * A copy of the Ogg Vorbis or Ogg Opus file at `source` written to `target` with `tags` set in its
 * comment header (the second packet); the header pages are laid out anew, the audio pages are kept
 * with their sequence numbers moved and their CRCs recomputed.
 */
export function writeOggWithComments(
  source: string,
  target: string,
  tags: Record<string, string>,
): void {
  const pages = readPages(readFileSync(source))
  const first = pages[0]
  if (!first || first.lacing.length !== 1) throw new Error(`${source}: unexpected first page`)
  const opus = first.data.toString('latin1', 0, 8) === 'OpusHead'
  const headerCount = opus ? 2 : 3
  // The header packets after the identification header, read across the pages that hold them.
  const packets: Buffer[] = []
  let pending: Buffer[] = []
  let next = 1
  for (; packets.length < headerCount - 1; next++) {
    const page = pages[next]
    if (!page) throw new Error(`${source}: the header packets do not end`)
    let at = 0
    for (const value of page.lacing) {
      pending.push(page.data.subarray(at, at + value))
      at += value
      if (value < 255) {
        packets.push(Buffer.concat(pending))
        pending = []
      }
    }
    if (packets.length > headerCount - 1)
      throw new Error(`${source}: audio shares a page with the headers`)
  }
  const comment = packets[0]!
  const magic = opus ? 8 : 7
  const list = parseComments(comment, magic)
  const rest = comment.subarray(list.end) // Vorbis' framing bit; Opus' padding
  packets[0] = Buffer.concat([comment.subarray(0, magic), writeComments(withSet(list, tags)), rest])
  const out = [first, ...paginate(packets, first.serial), ...pages.slice(next)]
  writeFileSync(target, Buffer.concat(out.map((page, sequence) => writePage(page, sequence))))
}

// ---- MP4 (ISO/IEC 14496-12, iTunes metadata) ------------------------------------------------------

function box(type: string, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body)
  const header = Buffer.alloc(8)
  header.writeUInt32BE(8 + payload.length)
  header.write(type, 4, 'latin1')
  return Buffer.concat([header, payload])
}

/** An iTunes text item: `©lyr` holding a `data` box of type 1 (UTF-8). */
function textItem(type: string, text: string): Buffer {
  const data = Buffer.alloc(8)
  data.writeUInt32BE(1) // version 0, type UTF-8
  return box(type, box('data', data, Buffer.from(text, 'utf8')))
}

interface Mp4Box {
  type: string
  start: number
  bodyStart: number
  end: number
}

function childBoxes(bytes: Buffer, start: number, end: number): Mp4Box[] {
  const out: Mp4Box[] = []
  for (let at = start; at + 8 <= end;) {
    const size = bytes.readUInt32BE(at)
    if (size < 8) throw new Error(`unexpected box size ${size} at ${at}`)
    out.push({
      type: bytes.toString('latin1', at + 4, at + 8),
      start: at,
      bodyStart: at + 8,
      end: at + size,
    })
    at += size
  }
  return out
}

function child(bytes: Buffer, parent: Mp4Box, type: string, skip = 0): Mp4Box | undefined {
  return childBoxes(bytes, parent.bodyStart + skip, parent.end).find((b) => b.type === type)
}

/**
 * A copy of the MP4 at `source` written to `target` with iTunes text items added to
 * moov/udta/meta/ilst (made where missing). When moov precedes mdat, the chunk offsets (stco, co64)
 * move by the bytes added, so the audio still plays.
 */
export function writeMp4WithItems(
  source: string,
  target: string,
  items: Record<string, string>,
): void {
  const mp4 = readFileSync(source)
  const top = childBoxes(mp4, 0, mp4.length)
  const moov = top.find((b) => b.type === 'moov')
  const mdat = top.find((b) => b.type === 'mdat')
  if (!moov || !mdat) throw new Error(`${source}: no moov or mdat`)
  const added = Buffer.concat(Object.entries(items).map(([type, text]) => textItem(type, text)))
  // The path down to ilst; what is missing is made and inserted at the deepest box present.
  const udta = child(mp4, moov, 'udta')
  const meta = udta && child(mp4, udta, 'meta', 4)
  const ilst = meta && child(mp4, meta, 'ilst', 4)
  let insertAt: number
  let insert: Buffer
  let parents: Mp4Box[]
  if (ilst) {
    ;[insertAt, insert, parents] = [ilst.end, added, [moov, udta, meta, ilst]]
  } else {
    const hdlr = box('hdlr', Buffer.alloc(8), Buffer.from('mdirappl', 'latin1'), Buffer.alloc(9))
    const newIlst = box('ilst', added)
    if (meta) [insertAt, insert, parents] = [meta.end, newIlst, [moov, udta, meta]]
    else {
      const newMeta = box('meta', Buffer.alloc(4), hdlr, newIlst)
      if (udta) [insertAt, insert, parents] = [udta.end, newMeta, [moov, udta]]
      else [insertAt, insert, parents] = [moov.end, box('udta', newMeta), [moov]]
    }
  }
  const out = Buffer.concat([mp4.subarray(0, insertAt), insert, mp4.subarray(insertAt)])
  for (const parent of parents)
    out.writeUInt32BE(parent.end - parent.start + insert.length, parent.start)
  if (moov.start < mdat.start) shiftChunkOffsets(out, moov.start, insert.length)
  writeFileSync(target, out)
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl'])

/** Adds `delta` to every chunk offset in the moov at `moovStart` of `bytes` (in place). */
function shiftChunkOffsets(bytes: Buffer, moovStart: number, delta: number): void {
  const visit = (parent: Mp4Box): void => {
    for (const b of childBoxes(bytes, parent.bodyStart, parent.end)) {
      if (CONTAINERS.has(b.type)) visit(b)
      else if (b.type === 'stco' || b.type === 'co64') {
        const count = bytes.readUInt32BE(b.bodyStart + 4)
        for (let i = 0; i < count; i++) {
          if (b.type === 'stco') {
            const at = b.bodyStart + 8 + i * 4
            bytes.writeUInt32BE(bytes.readUInt32BE(at) + delta, at)
          } else {
            const at = b.bodyStart + 8 + i * 8
            bytes.writeBigUInt64BE(bytes.readBigUInt64BE(at) + BigInt(delta), at)
          }
        }
      }
    }
  }
  visit({
    type: 'moov',
    start: moovStart,
    bodyStart: moovStart + 8,
    end: moovStart + bytes.readUInt32BE(moovStart),
  })
}
