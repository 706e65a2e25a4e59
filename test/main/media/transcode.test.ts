import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import decodeWholeMp4 from '@audio/decode-mp4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createMediaHandler,
  needsPlaybackTranscode,
  transcodeCount,
  TranscodeError,
  transcodeToWav,
  type MediaHandler,
} from '../../../src/main/media'
import { FIXTURES, insertRoot, insertTrack, tempLibrary, type TempLibrary } from './library-rows'

const FORMATS_DIR = join(FIXTURES, 'formats')
const ALAC = join(FORMATS_DIR, 'alac.m4a')
const AIFF = join(FORMATS_DIR, 's16.aiff')
const AAC = join(FORMATS_DIR, 'aac.m4a')
const REFERENCE_WAV = join(FORMATS_DIR, 's16.wav')
const EXCERPT_SECONDS = 20

interface ParsedWav {
  formatTag: number
  channels: number
  sampleRate: number
  bitsPerSample: number
  blockAlign: number
  dataStart: number
  data: Buffer
}

/** Reads a RIFF/WAVE file's fmt and data chunks (the way any WAV reader would, chunk by chunk). */
function parseWav(bytes: Buffer): ParsedWav {
  expect(bytes.toString('latin1', 0, 4)).toBe('RIFF')
  expect(bytes.toString('latin1', 8, 12)).toBe('WAVE')
  expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8)
  let format: Omit<ParsedWav, 'data' | 'dataStart'> | null = null
  for (let position = 12; position + 8 <= bytes.length;) {
    const id = bytes.toString('latin1', position, position + 4)
    const size = bytes.readUInt32LE(position + 4)
    const body = position + 8
    if (id === 'fmt ') {
      format = {
        formatTag: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        blockAlign: bytes.readUInt16LE(body + 12),
        bitsPerSample: bytes.readUInt16LE(body + 14),
      }
    } else if (id === 'data') {
      if (format === null) throw new Error('data before fmt')
      return { ...format, dataStart: body, data: bytes.subarray(body, body + size) }
    }
    position = body + size + (size & 1)
  }
  throw new Error('no data chunk')
}

/** The first channel as numbers on the 16-bit scale, whatever the file's depth. */
function leftChannel(wav: ParsedWav): Float64Array {
  const bytesPerSample = wav.bitsPerSample / 8
  const frames = wav.data.length / wav.blockAlign
  const out = new Float64Array(frames)
  const toSixteenBitScale = 2 ** (16 - wav.bitsPerSample)
  for (let frame = 0; frame < frames; frame++) {
    out[frame] = wav.data.readIntLE(frame * wav.blockAlign, bytesPerSample) * toSixteenBitScale
  }
  return out
}

function correlation(a: Float64Array, b: Float64Array, start: number, length: number): number {
  let sumA = 0
  let sumB = 0
  for (let i = start; i < start + length; i++) {
    sumA += a[i] ?? 0
    sumB += b[i] ?? 0
  }
  const meanA = sumA / length
  const meanB = sumB / length
  let cross = 0
  let varianceA = 0
  let varianceB = 0
  for (let i = start; i < start + length; i++) {
    const x = (a[i] ?? 0) - meanA
    const y = (b[i] ?? 0) - meanB
    cross += x * y
    varianceA += x * x
    varianceB += y * y
  }
  return cross / Math.sqrt(varianceA * varianceB)
}

const reference = parseWav(readFileSync(REFERENCE_WAV))

describe('transcodeToWav', () => {
  let library: TempLibrary
  let cacheDir = ''

  beforeAll(() => {
    library = tempLibrary()
    cacheDir = join(library.dir, 'playback')
  })
  afterAll(() => library.cleanUp())

  it('turns 16-bit AIFF into a 16-bit WAV with exactly the samples of the same excerpt as WAV', async () => {
    const wav = parseWav(readFileSync(await transcodeToWav(AIFF, cacheDir)))
    expect(wav).toMatchObject({ formatTag: 1, channels: 2, sampleRate: 44100, bitsPerSample: 16 })
    expect(wav.data.equals(reference.data)).toBe(true)
  })

  it('turns 24-bit ALAC into a 24-bit stereo WAV at 44.1 kHz that matches the excerpt', async () => {
    const wav = parseWav(readFileSync(await transcodeToWav(ALAC, cacheDir)))
    // 24 bits and stereo: WAVE_FORMAT_EXTENSIBLE, as Microsoft asks for more than 16 bits.
    expect(wav).toMatchObject({ formatTag: 0xfffe, channels: 2, sampleRate: 44100 })
    expect(wav.bitsPerSample).toBe(24)
    const seconds = wav.data.length / wav.blockAlign / wav.sampleRate
    expect(Math.abs(seconds - EXCERPT_SECONDS) / EXCERPT_SECONDS).toBeLessThan(0.01)
    // Ten seconds from the middle, sample against sample: lossless vs the 16-bit reference.
    const r = correlation(leftChannel(wav), leftChannel(reference), 5 * 44100, 10 * 44100)
    expect(r).toBeGreaterThan(0.99)
  })

  it('decodes ALAC chunk by chunk to the same samples as decoding the whole file at once', async () => {
    const wav = parseWav(readFileSync(await transcodeToWav(ALAC, cacheDir)))
    const whole = await decodeWholeMp4(readFileSync(ALAC))
    const frames = wav.data.length / wav.blockAlign
    expect(frames).toBe(whole.channelData[0]?.length)
    for (const [channel, samples] of whole.channelData.entries()) {
      for (let frame = 0; frame < frames; frame += 997) {
        const stored = wav.data.readIntLE(frame * wav.blockAlign + channel * 3, 3)
        expect(stored).toBe(Math.round((samples[frame] ?? 0) * 2 ** 23))
      }
    }
  })

  it('gives the same WAV for an M4A whether its index comes before or after the audio', async () => {
    // aac.m4a keeps its moov after the mdat, aac-faststart.m4a before: same stream otherwise.
    const indexLast = readFileSync(await transcodeToWav(AAC, cacheDir))
    const indexFirst = readFileSync(
      await transcodeToWav(join(FORMATS_DIR, 'aac-faststart.m4a'), cacheDir),
    )
    expect(parseWav(indexLast)).toMatchObject({ channels: 2, sampleRate: 44100, bitsPerSample: 16 })
    expect(indexLast.equals(indexFirst)).toBe(true)
  })

  it('answers a second request from the cache without decoding again', async () => {
    const first = await transcodeToWav(ALAC, cacheDir)
    const { mtimeMs } = statSync(first)
    const decodesBefore = transcodeCount()
    const second = await transcodeToWav(ALAC, cacheDir)
    expect(second).toBe(first)
    expect(transcodeCount()).toBe(decodesBefore)
    expect(statSync(second).mtimeMs).toBe(mtimeMs)
  })

  it('shares one decode between concurrent requests for the same track', async () => {
    const freshCache = join(library.dir, 'concurrent')
    const decodesBefore = transcodeCount()
    const paths = await Promise.all([1, 2, 3, 4].map(() => transcodeToWav(AIFF, freshCache)))
    expect(new Set(paths).size).toBe(1)
    expect(transcodeCount()).toBe(decodesBefore + 1)
    expect(readdirSync(freshCache)).toHaveLength(1)
  })

  it('decodes a changed file again and removes the copy of its earlier version', async () => {
    const songs = join(library.dir, 'changing')
    mkdirSync(songs)
    const song = join(songs, 'song.aiff')
    copyFileSync(AIFF, song)
    const changeCache = join(library.dir, 'change-cache')
    const before = await transcodeToWav(song, changeCache)

    // The listener re-exports the song: same path, new content and modification time.
    writeFileSync(song, readFileSync(AIFF).subarray(0, 200_000))
    const later = new Date(Date.now() + 60_000)
    utimesSync(song, later, later)
    const decodesBefore = transcodeCount()
    const after = await transcodeToWav(song, changeCache)

    expect(after).not.toBe(before)
    expect(transcodeCount()).toBe(decodesBefore + 1)
    expect(existsSync(before)).toBe(false)
    expect(readdirSync(changeCache)).toEqual([after.slice(changeCache.length + 1)])
    // The shortened AIFF's header still promises 20 s, but only the frames present are written.
    const wav = parseWav(readFileSync(after))
    expect(wav.data.length).toBeLessThan(200_000)
    expect(wav.data.equals(reference.data.subarray(0, wav.data.length))).toBe(true)
  })

  it('keeps the cache under its size limit by removing the oldest copies first', async () => {
    const smallCache = join(library.dir, 'small-cache')
    const aiffCopy = await transcodeToWav(AIFF, smallCache)
    const older = new Date(Date.now() - 3_600_000)
    utimesSync(aiffCopy, older, older)
    // Room for the ALAC copy (5.3 MB) but not for both.
    const alacCopy = await transcodeToWav(ALAC, smallCache, { maxCacheBytes: 6_000_000 })
    expect(existsSync(alacCopy)).toBe(true)
    expect(existsSync(aiffCopy)).toBe(false)
  })

  it('clears partial files left by a crash an hour ago but not ones still being written', async () => {
    const crashCache = join(library.dir, 'crash-cache')
    mkdirSync(crashCache)
    const crashed = join(crashCache, 'abc-1-2-v1.wav.999-dead.partial')
    const running = join(crashCache, 'def-1-2-v1.wav.998-beef.partial')
    writeFileSync(crashed, 'RIFF half a file')
    writeFileSync(running, 'RIFF half a file')
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(crashed, twoHoursAgo, twoHoursAgo)
    const served = await transcodeToWav(AIFF, crashCache)
    expect(served.endsWith('.wav')).toBe(true)
    expect(existsSync(crashed)).toBe(false)
    expect(existsSync(running)).toBe(true)
  })

  it('never leaves a partial file behind when a file cannot be decoded', async () => {
    const brokenCache = join(library.dir, 'broken-cache')
    const truncatedAlac = join(library.dir, 'truncated-alac.m4a')
    // The ALAC fixture keeps its index (moov) at the end: cut before it, there is no way to decode.
    writeFileSync(truncatedAlac, readFileSync(ALAC).subarray(0, 100_000))
    await expect(transcodeToWav(truncatedAlac, brokenCache)).rejects.toThrow(TranscodeError)
    const notAudio = join(library.dir, 'text.aiff')
    writeFileSync(notAudio, 'FORM\0\0\0\x10AIFFthese are not the sounds you are looking for')
    await expect(transcodeToWav(notAudio, brokenCache)).rejects.toThrow(/AIFF header/)
    expect(readdirSync(brokenCache)).toEqual([])
  })
})

describe('needsPlaybackTranscode', () => {
  it('converts every AIFF and only the ALAC kind of M4A, by the scanned codec', async () => {
    expect(await needsPlaybackTranscode(AIFF, 'aiff', 'PCM')).toBe(true)
    expect(await needsPlaybackTranscode(ALAC, 'm4a', 'ALAC')).toBe(true)
    expect(await needsPlaybackTranscode(AAC, 'm4a', 'MPEG-4/AAC')).toBe(false)
    expect(await needsPlaybackTranscode(REFERENCE_WAV, 'wav', 'PCM')).toBe(false)
  })

  it('tells ALAC from AAC by the file itself when the codec was not scanned', async () => {
    expect(await needsPlaybackTranscode(ALAC, 'm4a', null)).toBe(true)
    expect(await needsPlaybackTranscode(AAC, 'm4a', null)).toBe(false)
    expect(await needsPlaybackTranscode(join(FORMATS_DIR, 'aac-faststart.m4a'), 'm4a', null)).toBe(
      false,
    )
  })
})

describe('media route: ALAC and AIFF are served as WAV', () => {
  let library: TempLibrary
  let handle: MediaHandler
  let transcodeDir = ''
  const ids: Record<'alac' | 'alacUnscannedCodec' | 'aiff' | 'aac' | 'broken', number> = {
    alac: 0,
    alacUnscannedCodec: 0,
    aiff: 0,
    aac: 0,
    broken: 0,
  }
  const url = (id: number): string => `http://127.0.0.1:4000/media/${id}`

  beforeAll(() => {
    library = tempLibrary()
    transcodeDir = join(library.dir, 'playback')
    const fixturesRoot = insertRoot(library.db, FIXTURES)
    const brokenRoot = join(library.dir, 'music')
    mkdirSync(brokenRoot)
    const brokenFile = join(brokenRoot, 'not-really.aiff')
    writeFileSync(brokenFile, readFileSync(join(FIXTURES, 'broken', 'random-bytes.ogg')))
    const brokenRootId = insertRoot(library.db, brokenRoot)
    const setCodec = library.db.prepare('UPDATE tracks SET codec = ? WHERE id = ?')
    ids.alac = insertTrack(library.db, { path: ALAC, rootId: fixturesRoot })
    setCodec.run('ALAC', ids.alac)
    ids.aiff = insertTrack(library.db, { path: AIFF, rootId: fixturesRoot })
    setCodec.run('PCM', ids.aiff)
    ids.aac = insertTrack(library.db, { path: AAC, rootId: fixturesRoot })
    setCodec.run('MPEG-4/AAC', ids.aac)
    ids.broken = insertTrack(library.db, { path: brokenFile, rootId: brokenRootId })
    // A second row for the same file (through a link) with no codec: the route sniffs the file.
    const alacLink = join(brokenRoot, 'alac-link.m4a')
    symlinkSync(ALAC, alacLink)
    ids.alacUnscannedCodec = Number(
      library.db
        .prepare(
          `INSERT INTO tracks (root_id, path, format, added_at, scanned_at) VALUES (?, ?, 'm4a', ?, ?)`,
        )
        .run(fixturesRoot, alacLink, Date.now(), Date.now()).lastInsertRowid,
    )
    handle = createMediaHandler({ db: library.db, transcodeDir })
  })
  afterAll(() => library.cleanUp())

  it('serves ALAC as a WAV with 200, audio/wav and the cached copy’s exact bytes', async () => {
    const response = await handle(new Request(url(ids.alac)))
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('audio/wav')
    expect(response.headers.get('Accept-Ranges')).toBe('bytes')
    const body = Buffer.from(await response.arrayBuffer())
    expect(Number(response.headers.get('Content-Length'))).toBe(body.length)
    const wav = parseWav(body)
    expect(wav).toMatchObject({ channels: 2, sampleRate: 44100, bitsPerSample: 24 })
    const copies = readdirSync(transcodeDir)
    expect(copies).toHaveLength(1)
    expect(body.equals(readFileSync(join(transcodeDir, copies[0] ?? '')))).toBe(true)
  })

  it('serves AIFF as a WAV holding exactly the samples of the WAV excerpt', async () => {
    const response = await handle(new Request(url(ids.aiff)))
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('audio/wav')
    const wav = parseWav(Buffer.from(await response.arrayBuffer()))
    expect(wav.data.equals(reference.data)).toBe(true)
  })

  it('answers Range requests on the WAV with 206 and exactly the asked bytes', async () => {
    const whole = Buffer.from(await (await handle(new Request(url(ids.alac)))).arrayBuffer())
    const decodesBefore = transcodeCount()
    const response = await handle(
      new Request(url(ids.alac), { headers: { Range: 'bytes=1000000-1000999' } }),
    )
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe(`bytes 1000000-1000999/${whole.length}`)
    expect(response.headers.get('Content-Type')).toBe('audio/wav')
    const part = Buffer.from(await response.arrayBuffer())
    expect(part.equals(whole.subarray(1_000_000, 1_001_000))).toBe(true)

    const tail = await handle(new Request(url(ids.alac), { headers: { Range: 'bytes=-44' } }))
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(-44))).toBe(true)
    // Seeking never decodes again.
    expect(transcodeCount()).toBe(decodesBefore)
  })

  it('answers a Range beyond the WAV’s end with 416 and its real length', async () => {
    const head = await handle(new Request(url(ids.aiff), { method: 'HEAD' }))
    const size = Number(head.headers.get('Content-Length'))
    const response = await handle(
      new Request(url(ids.aiff), { headers: { Range: `bytes=${size}-` } }),
    )
    expect(response.status).toBe(416)
    expect(response.headers.get('Content-Range')).toBe(`bytes */${size}`)
  })

  it('answers HEAD with the WAV’s type and length and no body', async () => {
    const response = await handle(new Request(url(ids.aiff), { method: 'HEAD' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('audio/wav')
    expect(Number(response.headers.get('Content-Length'))).toBe(reference.data.length + 44)
    expect(response.body).toBeNull()
  })

  it('sniffs ALAC in an M4A whose codec was never scanned', async () => {
    const response = await handle(new Request(url(ids.alacUnscannedCodec)))
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('audio/wav')
    await response.arrayBuffer()
  })

  it('still serves AAC in M4A as it is, as audio/mp4', async () => {
    const response = await handle(new Request(url(ids.aac)))
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('audio/mp4')
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(AAC))).toBe(true)
  })

  it('says in plain words when a file cannot be converted', async () => {
    const response = await handle(new Request(url(ids.broken)))
    expect(response.status).toBe(500)
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(await response.text()).toMatch(/^This file could not be converted for playback: /)
  })

  it('keeps the copies beside the covers folder when no transcode folder is given', async () => {
    const coversDir = join(library.dir, 'library-covers')
    mkdirSync(coversDir)
    const beside = createMediaHandler({ db: library.db, coversDir })
    const response = await beside(new Request(url(ids.aiff)))
    expect(response.headers.get('Content-Type')).toBe('audio/wav')
    await response.arrayBuffer()
    expect(readdirSync(join(library.dir, 'library-playback'))).toHaveLength(1)
  })
})
