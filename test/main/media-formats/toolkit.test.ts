// The container toolkit on the real fixture files: every structure it reads must tile the file
// exactly, and its numbers must match what the files are known to hold (20 s excerpts at 44.1 kHz).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  aiffCommon,
  boxHeader,
  chunkHeader,
  fileBoxes,
  fileChunks,
  findFileBox,
  flacBlockHeader,
  flacStreamInfo,
  hasAscii,
  id3v2Header,
  isOggVorbis,
  mpegFrameBytes,
  mpegHeader,
  mpegHeaderAt,
  oggPageHeader,
  samplesPerFrame,
  sniff,
  walkBoxes,
  waveFormat,
  type BoxHeader,
  type ChunkHeader,
  type ReadAt,
} from '../../../src/main/media-formats'
import { FIXTURES } from '../../helpers/temp'

const fixture = (relative: string): Buffer => readFileSync(join(FIXTURES, relative))

/** A ReadAt over bytes in memory that also counts how many bytes were read. */
function memoryReader(bytes: Uint8Array): { read: ReadAt; bytesRead: () => number } {
  let total = 0
  return {
    read: (position, length) => {
      const slice = bytes.subarray(position, Math.min(bytes.length, position + length))
      total += slice.length
      return Promise.resolve(slice)
    },
    bytesRead: () => total,
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe('the one sniffer', () => {
  it.each([
    ['formats/vbr.mp3', 'mp3'],
    ['formats/mono-22k.mp3', 'mp3'],
    ['formats/cbr320-cover.mp3', 'mp3'],
    ['broken/huge-tag.mp3', 'mp3'],
    ['formats/cd.flac', 'flac'],
    ['formats/hires-24-96k.flac', 'flac'],
    ['formats/vorbis.ogg', 'ogg'],
    ['broken/really-vorbis.mp3', 'ogg'],
    ['formats/opus.opus', 'opus'],
    ['formats/opus-in-ogg.ogg', 'opus'],
    ['formats/aac.m4a', 'm4a'],
    ['formats/alac.m4a', 'm4a'],
    ['formats/s16.wav', 'wav'],
    ['formats/f32.wav', 'wav'],
    ['formats/s16.aiff', 'aiff'],
  ])('reads %s as %s from its first bytes', (relative, format) => {
    const bytes = fixture(relative)
    expect(sniff(bytes.subarray(0, 64 * 1024), bytes.length)).toEqual({ ok: true, format })
  })

  it('gives a reason code, not words, for what is not audio', () => {
    const empty = fixture('broken/zero-bytes.mp3')
    expect(sniff(empty, empty.length)).toEqual({ ok: false, reason: 'empty' })
    const text = fixture('broken/text.mp3')
    expect(sniff(text, text.length)).toEqual({ ok: false, reason: 'text' })
    const noise = fixture('broken/random-bytes.ogg')
    expect(sniff(noise, noise.length)).toEqual({ ok: false, reason: 'unknown' })
    const adts = Uint8Array.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc, 0x21])
    expect(sniff(adts, adts.length)).toEqual({ ok: false, reason: 'adts' })
  })

  it('tells Vorbis from other codecs in Ogg by its identification header', () => {
    expect(isOggVorbis(fixture('formats/vorbis.ogg'))).toBe(true)
    expect(isOggVorbis(fixture('formats/opus.opus'))).toBe(false)
  })
})

describe('ID3v2 tags', () => {
  it('reads the version and the syncsafe size, so the audio starts right after the tag', () => {
    const small = fixture('formats/vbr.mp3')
    expect(id3v2Header(small)).toEqual({ major: 4, revision: 0, flags: 0, size: 35, tagSize: 45 })
    expect(mpegHeaderAt(small, 45)).not.toBeNull()
    const cover = fixture('formats/cbr320-cover.mp3')
    expect(id3v2Header(cover)).toMatchObject({ major: 3, tagSize: 43_627 })
    expect(mpegHeaderAt(cover, 43_627)).not.toBeNull()
    const huge = fixture('broken/huge-tag.mp3')
    expect(id3v2Header(huge)?.tagSize).toBe(2_000_026)
    expect(mpegHeaderAt(huge, 2_000_026)).not.toBeNull()
    expect(id3v2Header(fixture('formats/cd.flac'))).toBeNull()
  })
})

describe('MPEG audio frames', () => {
  it('knows the frame lengths of ISO 11172-3 (Layer I in 4-byte slots, exact at 48 kHz)', () => {
    const at = (b1: number, b2: number, b3 = 0) => {
      const header = mpegHeader(b1, b2, b3)
      if (header === null || header === 'adts') throw new Error('no header')
      return header
    }
    // MPEG-1 Layer III, 128 kbit/s: 144 · 128000 / 44100 = 417.96 → 417 bytes, 418 with padding.
    expect(mpegFrameBytes(at(0xfb, 0x90))).toBe(417)
    expect(mpegFrameBytes(at(0xfb, 0x92))).toBe(418)
    // At 48 kHz the quotient is exactly 384 (a float product of 144 and 2.666… would give 383).
    expect(mpegFrameBytes(at(0xfb, 0x94))).toBe(384)
    // MPEG-1 Layer I, 288 kbit/s, 44.1 kHz: ⌊12 · 288000 / 44100⌋ = 78 slots of 4 bytes.
    expect(mpegFrameBytes(at(0xff, 0x90))).toBe(312)
    // MPEG-2 Layer III, 64 kbit/s, 22.05 kHz: 576 samples, 72 · 64000 / 22050 → 208 bytes.
    const mpeg2 = at(0xf3, 0x80, 0xc0)
    expect(mpeg2).toMatchObject({ version: 2, layer: 3, sampleRate: 22050, mono: true })
    expect(samplesPerFrame(mpeg2)).toBe(576)
    expect(mpegFrameBytes(mpeg2)).toBe(208)
    // Layer bits 00 after a sync is AAC in ADTS, not MPEG audio; bit-rate index 15 is invalid.
    expect(mpegHeader(0xf1, 0x50, 0x80)).toBe('adts')
    expect(mpegHeader(0xfb, 0xf0, 0)).toBeNull()
  })

  it.each([
    ['formats/vbr.mp3', 44100, 1152],
    ['formats/cbr320-cover.mp3', 44100, 1152],
    ['formats/mono-22k.mp3', 22050, 576],
  ])('walks %s frame by frame from the tag to the end of the audio', (relative, rate, spf) => {
    const bytes = fixture(relative)
    const audioEnd = hasAscii(bytes, bytes.length - 128, 'TAG') ? bytes.length - 128 : bytes.length
    let at = id3v2Header(bytes)?.tagSize ?? 0
    let frames = 0
    for (let header = mpegHeaderAt(bytes, at); header; header = mpegHeaderAt(bytes, at)) {
      expect(header.sampleRate).toBe(rate)
      expect(samplesPerFrame(header)).toBe(spf)
      at += mpegFrameBytes(header)
      frames++
    }
    expect(at).toBe(audioEnd)
    // The 20 s excerpts (the encoder adds a few frames of delay and padding).
    expect((frames * spf) / rate).toBeGreaterThan(20)
    expect((frames * spf) / rate).toBeLessThan(20 + (4 * spf) / rate)
  })
})

describe('MP4 boxes', () => {
  const tops = (bytes: Uint8Array): string[] => {
    const out: string[] = []
    for (
      let box = boxHeader(bytes, 0, bytes.length);
      box;
      box = boxHeader(bytes, box.end, bytes.length)
    )
      out.push(box.type)
    return out
  }

  it('lists the top-level boxes, with the index after or before the audio', () => {
    expect(tops(fixture('formats/aac.m4a'))).toEqual(['ftyp', 'free', 'mdat', 'moov'])
    expect(tops(fixture('formats/aac-faststart.m4a'))).toEqual(['ftyp', 'moov', 'free', 'mdat'])
  })

  it('walks a file header by header without reading the media data', async () => {
    const bytes = fixture('formats/alac.m4a')
    const { read, bytesRead } = memoryReader(bytes)
    const boxes = await collect(fileBoxes(read, 0, bytes.length))
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'free', 'mdat', 'moov'])
    expect(boxes.at(-1)?.end).toBe(bytes.length)
    expect(bytesRead()).toBeLessThanOrEqual(4 * 16)
    const moov = await findFileBox(read, 0, bytes.length, 'moov')
    expect(moov?.bodyStart).toBe((moov?.start ?? 0) + 8)
  })

  it('descends into the sample table and finds the sound track and its codec', () => {
    for (const [relative, codec] of [
      ['formats/aac.m4a', 'mp4a'],
      ['formats/alac.m4a', 'alac'],
    ] as const) {
      const bytes = fixture(relative)
      let moov: BoxHeader | null = null
      for (
        let box = boxHeader(bytes, 0, bytes.length);
        box;
        box = boxHeader(bytes, box.end, bytes.length)
      )
        if (box.type === 'moov') moov = box
      if (!moov) throw new Error('no moov')
      const seen: BoxHeader[] = []
      walkBoxes(bytes, moov.bodyStart, moov.end, new Set(['trak', 'mdia', 'minf', 'stbl']), (box) =>
        seen.push(box),
      )
      const types = seen.map((b) => b.type)
      for (const type of ['mvhd', 'trak', 'tkhd', 'mdia', 'mdhd', 'hdlr', 'minf', 'stbl', 'stsd'])
        expect(types).toContain(type)
      const hdlr = seen.find((b) => b.type === 'hdlr')
      expect(
        hdlr && Buffer.from(bytes.subarray(hdlr.bodyStart + 8, hdlr.bodyStart + 12)).toString(),
      ).toBe('soun')
      const stsd = seen.find((b) => b.type === 'stsd')
      expect(
        stsd && Buffer.from(bytes.subarray(stsd.bodyStart + 12, stsd.bodyStart + 16)).toString(),
      ).toBe(codec)
      // Every box found lies inside its parent: none runs past the index.
      for (const box of seen) expect(box.end).toBeLessThanOrEqual(moov.end)
    }
  })

  it('takes size 0 as "to the end of the container" and refuses a size below its header', () => {
    const box = Uint8Array.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74, 1, 2, 3, 4])
    expect(boxHeader(box, 0, 12)).toEqual({ type: 'mdat', start: 0, bodyStart: 8, end: 12 })
    const bad = Uint8Array.from([0, 0, 0, 4, 0x6d, 0x64, 0x61, 0x74])
    expect(boxHeader(bad, 0, 8)).toBeNull()
  })
})

describe('IFF chunks', () => {
  const chunks = (bytes: Uint8Array, littleEndian: boolean): ChunkHeader[] => {
    const out: ChunkHeader[] = []
    for (
      let c = chunkHeader(bytes, 12, littleEndian);
      c;
      c = chunkHeader(bytes, c.next, littleEndian)
    )
      out.push(c)
    return out
  }

  it('tiles a WAV (RIFF, little-endian) exactly, fmt before the 20 s of data', () => {
    const bytes = fixture('formats/s16.wav')
    const found = chunks(bytes, true)
    expect(found.map((c) => c.id)).toEqual(['fmt ', 'LIST', 'data'])
    expect(found.at(-1)?.next).toBe(bytes.length)
    // 20 s × 44,100 frames × 2 channels × 2 bytes.
    expect(found.find((c) => c.id === 'data')?.size).toBe(3_528_000)
    const f32 = chunks(fixture('formats/f32.wav'), true)
    expect(f32.map((c) => [c.id, c.size])).toEqual([
      ['fmt ', 40],
      ['fact', 4],
      ['LIST', 26],
      ['data', 7_056_000],
    ])
  })

  it('tiles an AIFF (big-endian) exactly: COMM, then the sound data', async () => {
    const bytes = fixture('formats/s16.aiff')
    expect(chunks(bytes, false).map((c) => [c.id, c.size])).toEqual([
      ['COMM', 18],
      ['SSND', 3_528_008],
    ])
    const { read } = memoryReader(bytes)
    const walked = await collect(fileChunks(read, 12, bytes.length, false))
    expect(walked.map((c) => c.id)).toEqual(['COMM', 'SSND'])
    expect(walked.at(-1)?.next).toBe(bytes.length)
  })

  it("reads the format of a WAV's fmt chunk and an AIFF's COMM chunk (20 s at 44.1 kHz)", () => {
    const body = (relative: string, id: string, littleEndian: boolean): Uint8Array => {
      const bytes = fixture(relative)
      const chunk = chunks(bytes, littleEndian).find((c) => c.id === id)
      if (!chunk) throw new Error(`no ${id} in ${relative}`)
      return bytes.subarray(chunk.bodyStart, chunk.bodyStart + chunk.size)
    }
    expect(waveFormat(body('formats/s16.wav', 'fmt ', true))).toEqual({
      formatTag: 1,
      channels: 2,
      sampleRate: 44100,
      byteRate: 176_400,
      blockAlign: 4,
      bitsPerSample: 16,
    })
    expect(waveFormat(body('formats/f32.wav', 'fmt ', true))).toMatchObject({
      channels: 2,
      sampleRate: 44100,
      byteRate: 352_800,
      blockAlign: 8,
      bitsPerSample: 32,
    })
    const comm = aiffCommon(body('formats/s16.aiff', 'COMM', false))
    expect(comm).toEqual({
      channels: 2,
      frames: 882_000,
      bitsPerSample: 16,
      sampleRate: 44100,
      compression: null,
    })
    expect(waveFormat(new Uint8Array(15))).toBeNull()
    expect(aiffCommon(new Uint8Array(17))).toBeNull()
  })

  it('pads an odd body to an even length', () => {
    const odd = Uint8Array.from([0x61, 0x62, 0x63, 0x64, 3, 0, 0, 0, 1, 2, 3, 0])
    expect(chunkHeader(odd, 0, true)).toEqual({ id: 'abcd', size: 3, bodyStart: 8, next: 12 })
  })
})

describe('Ogg pages', () => {
  it.each([
    ['formats/vorbis.ogg', 882_000],
    ['formats/opus.opus', 960_312],
    ['formats/opus-in-ogg.ogg', 960_312],
  ])('tiles %s page by page, one stream, in sequence, ending at granule %i', (relative, last) => {
    const bytes = fixture(relative)
    const first = oggPageHeader(bytes, 0)
    expect(first).toMatchObject({ headerType: 2, granule: 0, sequence: 0 })
    let at = 0
    let sequence = 0
    let page = first
    let end = first
    while (page) {
      expect(page.serial).toBe(first?.serial)
      expect(page.sequence).toBe(sequence++)
      end = page
      at += page.headerBytes + page.dataBytes
      page = oggPageHeader(bytes, at)
    }
    expect(at).toBe(bytes.length)
    // The last page ends the stream; its granule is the sample count (48 kHz plus pre-skip for Opus).
    expect(end).toMatchObject({ headerType: 4, granule: last })
  })
})

describe('FLAC metadata blocks', () => {
  it.each([
    ['formats/cd.flac', 44100, 2, 16],
    ['formats/hires-24-96k.flac', 96000, 2, 24],
  ])(
    'reads %s: STREAMINFO first, blocks up to the last one, 20 s of samples',
    (relative, rate, channels, bits) => {
      const bytes = fixture(relative)
      expect(hasAscii(bytes, 0, 'fLaC')).toBe(true)
      let at = 4
      const types: number[] = []
      for (let block = flacBlockHeader(bytes, at); block; block = flacBlockHeader(bytes, at)) {
        types.push(block.type)
        if (block.type === 0) {
          expect(block.length).toBe(34)
          const info = flacStreamInfo(bytes.subarray(at + 4, at + 4 + block.length))
          expect(info).toMatchObject({ sampleRate: rate, channels, bitsPerSample: bits })
          expect((info?.totalSamples ?? 0) / rate).toBeCloseTo(20, 1)
        }
        at += 4 + block.length
        if (block.last) break
      }
      expect(types[0]).toBe(0)
      expect(types).toContain(4) // the Vorbis comment block with the tags
      // The first audio frame starts right after the last block: a FLAC frame sync (0xFFF8 or 0xFFF9).
      expect(bytes[at]).toBe(0xff)
      expect((bytes[at + 1] ?? 0) & 0xfe).toBe(0xf8)
    },
  )
})
