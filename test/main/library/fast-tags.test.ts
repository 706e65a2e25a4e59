import {
  appendFileSync,
  copyFileSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readAudioFile, type ReadResult } from '../../../src/main/library/file-reader'
import { FIXTURES, tempDir } from '../../helpers/temp'

function filesUnder(folder: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path))
    else if (entry.isFile() && !entry.name.endsWith('.md')) out.push(path)
  }
  return out.sort()
}

const FIXTURE_FILES = ['music', 'formats', 'broken'].flatMap((folder) =>
  filesUnder(join(FIXTURES, folder)),
)

/** Relative difference, for the fields music-metadata derives with floating point (duration, bitrate). */
function within(actual: number | null, expected: number | null, tolerance: number): boolean {
  if (actual === null || expected === null) return actual === expected
  return Math.abs(actual - expected) <= tolerance * Math.abs(expected)
}

/** Asserts the fast path stored the same fields music-metadata gives, or fell back to it. */
function expectSameAsMusicMetadata(fast: ReadResult, reference: ReadResult, label: string): void {
  expect(fast.ok, label).toBe(reference.ok)
  expect(fast.fingerprint, label).toBe(reference.fingerprint)
  if (!fast.ok || !reference.ok) {
    expect(fast, label).toEqual(reference)
    return
  }
  const { duration, bitrate, ...fields } = fast.info
  const { duration: refDuration, bitrate: refBitrate, ...refFields } = reference.info
  expect(fields, label).toEqual(refFields)
  expect(
    within(duration, refDuration, 0.01),
    `${label}: duration ${duration} vs ${refDuration}`,
  ).toBe(true)
  expect(within(bitrate, refBitrate, 0.01), `${label}: bitrate ${bitrate} vs ${refBitrate}`).toBe(
    true,
  )
  expect(fast.picture?.mime ?? null, label).toBe(reference.picture?.mime ?? null)
  expect(
    fast.picture
      ? Buffer.from(fast.picture.data).equals(Buffer.from(reference.picture!.data))
      : true,
    `${label}: cover bytes`,
  ).toBe(true)
  expect(Boolean(fast.picture), label).toBe(Boolean(reference.picture))
}

describe('the fast tag reader', () => {
  const temp = tempDir('attune-fast-tags-')
  afterAll(() => temp.cleanup())

  it('finds the fixtures it is compared on', () => {
    expect(FIXTURE_FILES.length).toBeGreaterThanOrEqual(60)
  })

  it.each(FIXTURE_FILES.map((path) => [relative(FIXTURES, path), path]))(
    'stores the same fields as music-metadata for %s, with and without covers',
    async (_name, path) => {
      for (const wantCover of [true, false]) {
        const reference = await readAudioFile(path, { wantCover, fastPath: false })
        const fast = await readAudioFile(path, { wantCover })
        expectSameAsMusicMetadata(fast, reference, `${relative(FIXTURES, path)} cover=${wantCover}`)
      }
    },
  )

  it('reads every file of the music fixtures itself (Ogg Vorbis, Opus, FLAC, M4A, MP3)', async () => {
    const common = filesUnder(join(FIXTURES, 'music')).filter((p) =>
      /\.(ogg|opus|flac|m4a|mp3)$/.test(p),
    )
    expect(common.length).toBeGreaterThan(15)
    for (const path of common) {
      const result = await readAudioFile(path, { wantCover: true })
      expect(result.ok && result.parsedBy, path).toBe('fast-path')
    }
  })

  it('leaves a file with an ID3v1 tag appended to music-metadata, which reads that tag too', async () => {
    const path = join(temp.dir, 'with-id3v1.flac')
    copyFileSync(join(FIXTURES, 'formats', 'cd.flac'), path)
    const tag = Buffer.alloc(128)
    tag.write('TAG', 0, 'latin1')
    tag.write('A title from ID3v1', 3, 'latin1')
    appendFileSync(path, tag)
    const fast = await readAudioFile(path, { wantCover: true, size: statSync(path).size })
    const reference = await readAudioFile(path, { wantCover: true, fastPath: false })
    expect(fast.ok && fast.parsedBy).toBe('music-metadata')
    expectSameAsMusicMetadata(fast, reference, 'with-id3v1.flac')
  })

  // The fixtures carry few tag fields; these files, built from them, carry every field the library stores.
  describe('on files whose tags use every stored field', () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1')
    const utf16 = (text: string) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    /** An ID3v2 text frame body: encoding byte, then the text (0 latin1, 1 UTF-16 with BOM, 3 UTF-8). */
    const text = (encoding: 0 | 1 | 3, value: string) =>
      Buffer.concat([
        Buffer.from([encoding]),
        encoding === 0 ? latin1(value) : encoding === 1 ? utf16(value) : Buffer.from(value, 'utf8'),
      ])
    const txxx = (description: string, value: string) =>
      Buffer.concat([Buffer.from([3]), Buffer.from(`${description}\0${value}`, 'utf8')])
    const syncsafe = (n: number) =>
      Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f])

    function id3v2(major: 3 | 4, frames: [string, Buffer][]): Buffer {
      const body = Buffer.concat(
        frames.map(([id, data]) => {
          const size = Buffer.alloc(4)
          size.writeUInt32BE(data.length)
          return Buffer.concat([
            Buffer.from(id, 'latin1'),
            major === 4 ? syncsafe(data.length) : size,
            Buffer.from([0, 0]),
            data,
          ])
        }),
      )
      const padded = Buffer.concat([body, Buffer.alloc(64)]) // padding, as taggers leave
      return Buffer.concat([
        Buffer.from('ID3', 'latin1'),
        Buffer.from([major, 0, 0]),
        syncsafe(padded.length),
        padded,
      ])
    }

    /** vbr.mp3's audio behind a new tag. */
    function mp3With(tag: Buffer, name: string): string {
      const original = readFileSync(join(FIXTURES, 'formats', 'vbr.mp3'))
      const oldTag = 10 + original.subarray(6, 10).reduce((n, b) => (n << 7) | (b & 0x7f), 0)
      const path = join(temp.dir, name)
      writeFileSync(path, Buffer.concat([tag, original.subarray(oldTag)]))
      return path
    }

    const cover = readFileSync(join(FIXTURES, 'formats', 'cd.flac')).subarray(0, 300) // any bytes will do
    const apic = Buffer.concat([
      Buffer.from([0]),
      latin1('image/JPG\0'),
      Buffer.from([3]),
      latin1('front\0'),
      cover,
    ])

    async function expectFastAndSame(path: string): Promise<void> {
      for (const wantCover of [true, false]) {
        const reference = await readAudioFile(path, { wantCover, fastPath: false })
        const fast = await readAudioFile(path, { wantCover })
        expect(fast.ok && fast.parsedBy, path).toBe('fast-path')
        expectSameAsMusicMetadata(fast, reference, `${path} cover=${wantCover}`)
      }
    }

    for (const major of [3, 4] as const) {
      it(`reads an ID3v2.${major} tag like music-metadata (text encodings, numbers, genres, ReplayGain, cover)`, async () => {
        const path = mp3With(
          id3v2(major, [
            ['TIT2', text(1, 'Über den Wolken ♫')],
            ['TPE1', text(0, 'Sängerin')],
            ['TPE2', text(3, 'Various Artists')],
            ['TALB', text(3, 'Ein Album')],
            [major === 4 ? 'TDRC' : 'TYER', text(0, major === 4 ? '2019-05-01' : '2019')],
            ['TRCK', text(0, '3/12')],
            ['TPOS', text(0, '1/2')],
            ['TCON', text(3, major === 4 ? 'Rock\0Jazz' : 'Jazz')],
            ['TXXX', txxx('REPLAYGAIN_TRACK_GAIN', '-6.50 dB')],
            ['TXXX', txxx('replaygain_track_peak', '0.988')],
            ['TXXX', txxx('REPLAYGAIN_ALBUM_GAIN', '-7.10 dB')],
            ['TXXX', txxx('REPLAYGAIN_ALBUM_PEAK', '1.000000')],
            ['PRIV', Buffer.concat([latin1('owner\0'), Buffer.from([1, 2, 3])])],
            ['APIC', apic],
          ]),
          `tagged-v2${major}.mp3`,
        )
        await expectFastAndSame(path)
        const result = await readAudioFile(path, { wantCover: true })
        expect(result.ok && result.info).toMatchObject({
          title: 'Über den Wolken ♫',
          artist: 'Sängerin',
          albumArtist: 'Various Artists',
          trackNo: 3,
          trackTotal: 12,
          discNo: 1,
          discTotal: 2,
          year: 2019,
          rgTrackGain: -6.5,
        })
      })
    }

    it('leaves an ID3v2.3 artist list ("A/B") and comment frames to music-metadata', async () => {
      for (const [name, frames] of [
        ['two-artists.mp3', [['TPE1', text(0, 'Simon/Garfunkel')]]],
        ['comment.mp3', [['COMM', Buffer.concat([Buffer.from([0]), latin1('eng\0a comment')])]]],
      ] as [string, [string, Buffer][]][]) {
        const path = mp3With(id3v2(3, frames), name)
        const fast = await readAudioFile(path, { wantCover: true })
        expect(fast.ok && fast.parsedBy, name).toBe('music-metadata')
      }
    })

    /** cd.flac with its VORBIS_COMMENT block replaced by these comments (FLAC format, METADATA_BLOCK). */
    function flacWith(comments: string[], name: string): string {
      const original = readFileSync(join(FIXTURES, 'formats', 'cd.flac'))
      const vendor = Buffer.from('attune test', 'utf8')
      const parts: Buffer[] = [Buffer.alloc(4), vendor]
      parts[0]!.writeUInt32LE(vendor.length)
      const count = Buffer.alloc(4)
      count.writeUInt32LE(comments.length)
      parts.push(count)
      for (const comment of comments) {
        const bytes = Buffer.from(comment, 'utf8')
        const length = Buffer.alloc(4)
        length.writeUInt32LE(bytes.length)
        parts.push(length, bytes)
      }
      const vorbis = Buffer.concat(parts)
      const blocks: Buffer[] = [original.subarray(0, 4)]
      let at = 4
      for (;;) {
        const header = original[at]!
        const length = original.readUIntBE(at + 1, 3)
        const type = header & 0x7f
        const last = (header & 0x80) !== 0
        if (type === 4) {
          const blockHeader = Buffer.from([4, 0, 0, 0])
          blockHeader.writeUIntBE(vorbis.length, 1, 3)
          blocks.push(blockHeader, vorbis)
        } else {
          blocks.push(original.subarray(at, at + 4 + length))
        }
        at += 4 + length
        if (last) break
      }
      blocks.push(original.subarray(at))
      const path = join(temp.dir, name)
      writeFileSync(path, Buffer.concat(blocks))
      return path
    }

    it('reads Vorbis comments like music-metadata (case, totals, dates, repeated fields, ReplayGain)', async () => {
      const path = flacWith(
        [
          'title=First title',
          'TITLE=Second title',
          'ARTIST=Künstlerin',
          'ALBUM=Album',
          'ALBUM ARTIST=Band',
          'DATE=2007-03-04',
          'TRACKTOTAL=9',
          'TRACKNUMBER=4',
          'DISCNUMBER=2/3',
          'GENRE=Rock',
          'GENRE=Jazz',
          'GENRE=Rock',
          'REPLAYGAIN_TRACK_GAIN=-3.20 dB',
          'REPLAYGAIN_TRACK_PEAK=0.5',
          'REPLAYGAIN_ALBUM_GAIN=-4 dB',
          'REPLAYGAIN_ALBUM_PEAK=0.75',
          'NO EQUALS SIGN',
        ],
        'tagged.flac',
      )
      await expectFastAndSame(path)
      const result = await readAudioFile(path, { wantCover: false })
      expect(result.ok && result.info).toMatchObject({
        title: 'Second title',
        albumArtist: 'Band',
        trackNo: 4,
        trackTotal: 9,
        discNo: 2,
        discTotal: 3,
        year: 2007,
        genre: 'Rock; Jazz',
      })
    })

    it('leaves two ARTIST comments (music-metadata joins them) to music-metadata', async () => {
      const path = flacWith(['ARTIST=One', 'ARTIST=Two'], 'two-artists.flac')
      const fast = await readAudioFile(path, { wantCover: false })
      const reference = await readAudioFile(path, { wantCover: false, fastPath: false })
      expect(fast.ok && fast.parsedBy).toBe('music-metadata')
      expectSameAsMusicMetadata(fast, reference, 'two-artists.flac')
    })
  })
})
