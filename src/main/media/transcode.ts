import { createHash, randomBytes } from 'node:crypto'
import type { Stats } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { aiffCommon, fileBoxes, fileChunks, sniff, walkBoxes, type ReadAt } from '../media-formats'
import { sniffContainer, streamDecoderFor } from '../analysis/decode'

/**
 * Playback copies of tracks Chromium cannot play. Chromium (and so Electron) has no ALAC decoder and
 * no AIFF demuxer (both fail with DEMUXER_ERROR_NO_SUPPORTED_STREAMS), so the media route serves such
 * tracks as PCM WAV, decoded by the engine at the source's own sample rate and channel count and
 * kept in a cache folder, where the WAV is just another file to stream with Range support.
 *
 * Decoders: @audio/decode-mp4 (its ALAC is pure JS, from @audio/decode-aac) and @audio/decode-aiff,
 * both MIT, both the packages `audio-decode` itself loads. We call them directly rather than through
 * `audio-decode`, because its m4a wrapper collapses stereo chunks whose channels are equal to mono
 * (meant for AAC decoders that upmix mono), which would turn a song that starts in digital silence
 * into a WAV of the wrong channel count.
 */

/** The cache stops growing past this many bytes: the oldest copies are removed first. */
export const DEFAULT_TRANSCODE_CACHE_BYTES = 2 * 1024 ** 3

/** Bumped when the output changes, so copies written by an older engine are replaced. */
const CACHE_VERSION = 'v1'
// Small enough that one chunk's decode (pure JS ALAC: about 10 ms) never stalls the event loop.
const READ_CHUNK_BYTES = 64 * 1024
// The sample tables of an hour of ALAC take well under 1 MiB; more than this is not a real index.
const MAX_MOOV_BYTES = 64 * 1024 * 1024
// RIFF sizes are 32-bit: a WAV can hold at most 4 GiB (about 6 h of 16-bit stereo at 44.1 kHz).
const MAX_WAV_BYTES = 0xffff_ffff
// A partial file this old belongs to a transcode that crashed, not to one still running.
const STALE_PARTIAL_MS = 60 * 60 * 1000

export interface TranscodeOptions {
  /** Cache size limit in bytes (default 2 GiB). The copy just written is never removed. */
  maxCacheBytes?: number
}

/** A file the decoders cannot turn into audio; its message is meant for listeners. */
export class TranscodeError extends Error {
  override name = 'TranscodeError'
}

let decodesStarted = 0

/** How many decodes this process has started (cache hits and joined requests start none). */
export function transcodeCount(): number {
  return decodesStarted
}

// Keyed by the cache file, so concurrent requests for the same version of a track share one decode.
const inFlight = new Map<string, Promise<string>>()

/**
 * Returns the path of a WAV copy of `sourcePath` in `cacheDir`, decoding the source only when no
 * copy of this version of it (same path, size and modification time) exists yet.
 *
 * Output: 16-bit PCM when the source has at most 16 bits per sample, else 24-bit. 24 bits keep a
 * 24-bit ALAC or AIFF bit-exact, and for float sources 24 bits (144 dB) lie beyond any DAC's
 * noise floor, while 32-bit WAV would cost a third more disk for nothing audible; 16-bit sources are
 * not padded, so CD rips stay CD-sized. Samples are rounded, not dithered: at the source's own
 * depth rounding is exact.
 *
 * The copy is written to a temporary name and renamed into place, so a crash never leaves a half
 * file under the name that is served. Memory stays bounded: the source is read and the WAV written
 * in chunks of 64 KiB (an MP4 whose index follows its audio gets that index, under 64 MiB, read
 * first). AIFF-C compressed with IMA4 or GSM is the exception: its decoder needs the whole file.
 */
export async function transcodeToWav(
  sourcePath: string,
  cacheDir: string,
  options: TranscodeOptions = {},
): Promise<string> {
  const source = await stat(sourcePath)
  if (!source.isFile()) throw new TranscodeError('it is not a file.')
  const entry = cacheEntryFor(sourcePath, source)
  const target = join(cacheDir, entry.fileName)
  // No await between the lookup and the insertion, so two requests cannot both start a decode.
  const running = inFlight.get(target)
  if (running) return running
  const job = transcodeOnce(
    sourcePath,
    source,
    cacheDir,
    target,
    entry.pathPrefix,
    options,
  ).finally(() => inFlight.delete(target))
  inFlight.set(target, job)
  return job
}

async function transcodeOnce(
  sourcePath: string,
  source: Stats,
  cacheDir: string,
  target: string,
  pathPrefix: string,
  options: TranscodeOptions,
): Promise<string> {
  if (await isFile(target)) return target
  await mkdir(cacheDir, { recursive: true })
  decodesStarted += 1
  const partial = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`
  try {
    await decodeToWavFile(sourcePath, partial)
    const after = await stat(sourcePath)
    if (after.size !== source.size || after.mtimeMs !== source.mtimeMs) {
      throw new TranscodeError('the file changed while it was being converted; try again.')
    }
    await rename(partial, target)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  await removeOlderCopies(cacheDir, pathPrefix, target)
  await enforceCacheLimit(cacheDir, options.maxCacheBytes ?? DEFAULT_TRANSCODE_CACHE_BYTES, target)
  return target
}

function cacheEntryFor(
  sourcePath: string,
  source: Stats,
): { fileName: string; pathPrefix: string } {
  const pathPrefix = createHash('sha256').update(resolve(sourcePath)).digest('hex').slice(0, 24)
  const version = `${source.size.toString(36)}-${Math.trunc(source.mtimeMs).toString(36)}`
  return { pathPrefix, fileName: `${pathPrefix}-${version}-${CACHE_VERSION}.wav` }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** A changed source gets a new copy; the copies of its earlier versions are of no further use. */
async function removeOlderCopies(
  cacheDir: string,
  pathPrefix: string,
  keep: string,
): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name)
    if (name.startsWith(`${pathPrefix}-`) && name.endsWith('.wav') && path !== keep) {
      // A copy being streamed right now cannot be removed on Windows; the next pass will.
      await rm(path, { force: true }).catch(() => undefined)
    }
  }
}

/** Removes the oldest copies until the folder fits in `maxBytes`, plus partials left by crashes. */
export async function enforceCacheLimit(
  cacheDir: string,
  maxBytes: number,
  keep: string | null = null,
): Promise<void> {
  const copies: { path: string; size: number; mtimeMs: number }[] = []
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name)
    const info = await stat(path).catch(() => null)
    if (info === null || !info.isFile()) continue
    if (name.endsWith('.partial')) {
      if (Date.now() - info.mtimeMs > STALE_PARTIAL_MS)
        await rm(path, { force: true }).catch(() => undefined)
    } else if (name.endsWith('.wav')) {
      copies.push({ path, size: info.size, mtimeMs: info.mtimeMs })
    }
  }
  let total = copies.reduce((sum, copy) => sum + copy.size, 0)
  copies.sort((a, b) => a.mtimeMs - b.mtimeMs)
  for (const copy of copies) {
    if (total <= maxBytes) break
    if (copy.path === keep) continue
    const removed = await rm(copy.path, { force: true }).then(
      () => true,
      () => false,
    )
    if (removed) total -= copy.size
  }
}

// ---------------------------------------------------------------------------------------------
// Which tracks need a copy

/**
 * True when Chromium cannot play this track as it is: every AIFF, and M4A whose audio is ALAC. The
 * scanner's codec column (music-metadata's name, 'ALAC' or 'MPEG-4/AAC') decides for M4A; when it is
 * missing, the file's own sample description does.
 */
export async function needsPlaybackTranscode(
  path: string,
  format: string | null,
  codec: string | null,
): Promise<boolean> {
  if (format === 'aiff') return true
  if (format !== 'm4a') return false
  if (codec !== null && codec.trim() !== '') return /\balac\b/i.test(codec)
  try {
    const handle = await open(path, 'r')
    try {
      return (await inspectMp4(handle)).audio?.sampleEntry === 'alac'
    } finally {
      await handle.close()
    }
  } catch {
    // Unreadable here means unplayable anyway; serving the file as it is lets the player say so.
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding into a WAV file

interface AudioChunk {
  channelData: Float32Array[]
  sampleRate: number
}

interface ChunkDecoder {
  decode(bytes: Uint8Array): AudioChunk | Promise<AudioChunk>
  flush(): AudioChunk | Promise<AudioChunk>
  free(): void
}

interface DecodePlan {
  /** The bytes to feed the decoder, in order. */
  input: AsyncIterable<Uint8Array>
  decoder: ChunkDecoder
  bitsPerSample: 16 | 24
  /** The container's frame count, when it states one: decoders may hand back trailing bytes. */
  maxFrames: number | null
}

async function decodeToWavFile(sourcePath: string, wavPath: string): Promise<void> {
  const source = await open(sourcePath, 'r')
  try {
    const plan = await planDecode(source)
    try {
      const writer = await WavWriter.create(wavPath, plan.bitsPerSample, plan.maxFrames)
      try {
        for await (const bytes of plan.input) await writer.write(await plan.decoder.decode(bytes))
        await writer.write(await plan.decoder.flush())
        await writer.finish()
      } catch (error) {
        await writer.abandon()
        throw error
      }
    } finally {
      plan.decoder.free()
    }
  } finally {
    await source.close()
  }
}

async function planDecode(source: FileHandle): Promise<DecodePlan> {
  const size = (await source.stat()).size
  const head = await readAt(source, 0, 64)
  if (head.length < 12) throw new TranscodeError('the file is too short to hold audio.')
  const sniffed = sniff(head, size)
  if (sniffed.ok && sniffed.format === 'aiff') return planAiff(source, size)
  if (sniffed.ok && sniffed.format === 'm4a') return planMp4(source, size)
  return planStream(source, size)
}

/**
 * Any other container the engine's analysis decodes (MP3, FLAC, Ogg Vorbis or Opus, WAV): for the
 * files Chromium's demuxer refuses although their audio is sound (issue 10: an Ogg it rejects),
 * which the player asks for decoded after a media error.
 */
async function planStream(source: FileHandle, size: number): Promise<DecodePlan> {
  const container = sniffContainer(await readAt(source, 0, Math.min(size, 64 * 1024)))
  if (container === null || container === 'aiff' || container === 'm4a') {
    throw new TranscodeError('it is not in an audio format Attune can decode.')
  }
  const decoder = await streamDecoderFor(container)
  return {
    input: readRanges(source, [[0, size]]),
    decoder: {
      decode: (bytes) => decoder(bytes),
      flush: () => decoder.flush(),
      free: () => decoder.free(),
    },
    bitsPerSample: 16,
    maxFrames: null,
  }
}

async function planAiff(source: FileHandle, size: number): Promise<DecodePlan> {
  const layout = await inspectAiff(source, size)
  const { decoder } = await import('@audio/decode-aiff')
  const compression = layout.compression.toLowerCase()
  const isFloat = compression === 'fl32' || compression === 'fl64'
  const isPcm = compression === 'none' || compression === 'twos' || compression === 'sowt'
  return {
    // Stop at the end of the sound data: chunks after it (ID3, comments) are not audio.
    input: readRanges(source, [[0, Math.min(size, layout.soundDataEnd)]]),
    decoder: decoder(),
    bitsPerSample: isFloat || (isPcm && layout.bitsPerSample > 16) ? 24 : 16,
    maxFrames: layout.frameCount,
  }
}

async function planMp4(source: FileHandle, size: number): Promise<DecodePlan> {
  const layout = await inspectMp4(source)
  if (layout.moov === null) {
    throw new TranscodeError('it has no track index (moov box); it may be incomplete.')
  }
  if (layout.audio === null) throw new TranscodeError('it holds no audio track.')
  const { decoder } = await import('@audio/decode-mp4')
  const bitsPerSample = layout.audio.bitsPerSample > 16 ? 24 : 16
  const { start, end } = layout.moov
  if (layout.moovBeforeMedia) {
    return {
      input: readRanges(source, [[0, size]]),
      decoder: await decoder(),
      bitsPerSample,
      maxFrames: null,
    }
  }
  // The index follows the audio (ffmpeg's default, and our alac.m4a fixture). The decoder would
  // hold every byte until it reached the index, so feed it the index first, as qt-faststart lays a
  // file out: [moov][bytes before moov][bytes after moov], with chunk offsets into the part before
  // the moov shifted by the moov's size; those after it keep their place.
  const moov = await readAt(source, start, end - start)
  shiftChunkOffsets(moov, start, end - start)
  return {
    input: (async function* () {
      yield moov
      yield* readRanges(source, [
        [0, start],
        [end, size],
      ])
    })(),
    decoder: await decoder(),
    bitsPerSample,
    maxFrames: null,
  }
}

async function* readRanges(
  source: FileHandle,
  ranges: readonly (readonly [number, number])[],
): AsyncGenerator<Uint8Array> {
  for (const [start, end] of ranges) {
    for (let position = start; position < end;) {
      const bytes = await readAt(source, position, Math.min(READ_CHUNK_BYTES, end - position))
      if (bytes.length === 0) return
      position += bytes.length
      yield bytes
    }
  }
}

function reader(source: FileHandle): ReadAt {
  return (position, length) => readAt(source, position, length)
}

async function readAt(source: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  let filled = 0
  while (filled < length) {
    const { bytesRead } = await source.read(buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return filled === length ? buffer : buffer.subarray(0, filled)
}

/**
 * Streams interleaved little-endian PCM into a RIFF/WAVE file. The header is written with the
 * format of the first decoded chunk and its sizes are filled in at the end.
 * Layout: WAVE_FORMAT_PCM for mono and stereo at 16 bits, WAVE_FORMAT_EXTENSIBLE otherwise, as
 * Microsoft's "Multiple channel audio data and WAVE files" asks for more than 16 bits or 2 channels.
 */
class WavWriter {
  private channels = 0
  private sampleRate = 0
  private headerBytes = 0
  private dataBytes = 0
  private framesWritten = 0

  private constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    private readonly bitsPerSample: 16 | 24,
    private readonly maxFrames: number | null,
  ) {}

  static async create(
    path: string,
    bitsPerSample: 16 | 24,
    maxFrames: number | null,
  ): Promise<WavWriter> {
    return new WavWriter(await open(path, 'wx'), path, bitsPerSample, maxFrames)
  }

  async write(chunk: AudioChunk): Promise<void> {
    const first = chunk.channelData[0]
    if (first === undefined || first.length === 0) return
    if (this.channels === 0) {
      this.channels = chunk.channelData.length
      this.sampleRate = Math.round(chunk.sampleRate)
      if (this.sampleRate <= 0) throw new TranscodeError('its sample rate is not valid.')
      const header = wavHeader(this.channels, this.sampleRate, this.bitsPerSample, 0)
      this.headerBytes = header.length
      await this.writeAll(header, 0)
    }
    let frames = first.length
    if (this.maxFrames !== null) frames = Math.min(frames, this.maxFrames - this.framesWritten)
    if (frames <= 0) return
    const pcm = interleave(chunk.channelData, this.channels, frames, this.bitsPerSample)
    if (this.headerBytes + this.dataBytes + pcm.length > MAX_WAV_BYTES) {
      throw new TranscodeError('it is too long to convert (a WAV file holds at most 4 GB).')
    }
    await this.writeAll(pcm, this.headerBytes + this.dataBytes)
    this.dataBytes += pcm.length
    this.framesWritten += frames
  }

  async finish(): Promise<void> {
    if (this.framesWritten === 0) throw new TranscodeError('no audio could be decoded from it.')
    const header = wavHeader(this.channels, this.sampleRate, this.bitsPerSample, this.dataBytes)
    await this.writeAll(header, 0)
    await this.file.sync()
    await this.file.close()
  }

  async abandon(): Promise<void> {
    await this.file.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }

  private async writeAll(bytes: Buffer, position: number): Promise<void> {
    let written = 0
    while (written < bytes.length) {
      const { bytesWritten } = await this.file.write(
        bytes,
        written,
        bytes.length - written,
        position + written,
      )
      written += bytesWritten
    }
  }
}

const KSDATAFORMAT_SUBTYPE_PCM_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex')
// dwChannelMask for the usual layouts (ksmedia.h SPEAKER_* bits); 0 = no particular speakers.
const CHANNEL_MASKS: Readonly<Record<number, number>> = {
  1: 0x4,
  2: 0x3,
  3: 0x7,
  4: 0x33,
  5: 0x37,
  6: 0x3f,
  7: 0x13f,
  8: 0x63f,
}

export function wavHeader(
  channels: number,
  sampleRate: number,
  bitsPerSample: number,
  dataBytes: number,
): Buffer {
  const extensible = channels > 2 || bitsPerSample > 16
  const fmtBytes = extensible ? 40 : 16
  const header = Buffer.alloc(12 + 8 + fmtBytes + 8)
  const blockAlign = channels * (bitsPerSample / 8)
  header.write('RIFF', 0, 'latin1')
  header.writeUInt32LE(header.length - 8 + dataBytes, 4)
  header.write('WAVE', 8, 'latin1')
  header.write('fmt ', 12, 'latin1')
  header.writeUInt32LE(fmtBytes, 16)
  header.writeUInt16LE(extensible ? 0xfffe : 1, 20)
  header.writeUInt16LE(channels, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * blockAlign, 28)
  header.writeUInt16LE(blockAlign, 32)
  header.writeUInt16LE(bitsPerSample, 34)
  if (extensible) {
    header.writeUInt16LE(22, 36) // cbSize
    header.writeUInt16LE(bitsPerSample, 38) // wValidBitsPerSample
    header.writeUInt32LE(CHANNEL_MASKS[channels] ?? 0, 40)
    header.writeUInt16LE(1, 44) // SubFormat GUID: KSDATAFORMAT_SUBTYPE_PCM
    KSDATAFORMAT_SUBTYPE_PCM_TAIL.copy(header, 46)
  }
  header.write('data', 12 + 8 + fmtBytes, 'latin1')
  header.writeUInt32LE(dataBytes, 12 + 8 + fmtBytes + 4)
  return header
}

/** Float samples in [-1, 1) to interleaved signed integers, rounded and clipped. */
function interleave(
  channelData: readonly Float32Array[],
  channels: number,
  frames: number,
  bitsPerSample: 16 | 24,
): Buffer {
  const bytesPerSample = bitsPerSample / 8
  const out = Buffer.alloc(frames * channels * bytesPerSample)
  const scale = 2 ** (bitsPerSample - 1)
  const max = scale - 1
  // A decoder that changes its channel count mid-stream: keep the first count, reuse channels cyclically.
  const sources = Array.from(
    { length: channels },
    (_, c) => channelData[c % channelData.length] ?? new Float32Array(frames),
  )
  let offset = 0
  for (let frame = 0; frame < frames; frame++) {
    for (const samples of sources) {
      const scaled = Math.round((samples[frame] ?? 0) * scale)
      const value = scaled > max ? max : scaled < -scale ? -scale : scaled || 0
      if (bytesPerSample === 2) out.writeInt16LE(value, offset)
      else out.writeIntLE(value, offset, 3)
      offset += bytesPerSample
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Container layouts, read with a few positioned reads

interface AiffLayout {
  compression: string
  bitsPerSample: number
  frameCount: number
  soundDataEnd: number
}

/** AIFF 1.3 / AIFF-C: the COMM chunk's format and the SSND chunk's extent. */
async function inspectAiff(source: FileHandle, size: number): Promise<AiffLayout> {
  let compression = 'NONE'
  let bitsPerSample = 0
  let frameCount = 0
  let commFound = false
  for await (const chunk of fileChunks(reader(source), 12, size, false, Infinity)) {
    if (chunk.id === 'COMM') {
      const fields = aiffCommon(await readAt(source, chunk.bodyStart, Math.min(chunk.size, 22)))
      if (!fields) break
      frameCount = fields.frames
      bitsPerSample = fields.bitsPerSample
      if (fields.compression !== null) compression = fields.compression
      commFound = true
    } else if (chunk.id === 'SSND') {
      if (!commFound) break
      return { compression, bitsPerSample, frameCount, soundDataEnd: chunk.bodyStart + chunk.size }
    }
  }
  throw new TranscodeError('its AIFF header is incomplete (no COMM or SSND chunk).')
}

interface Mp4Layout {
  moov: { start: number; end: number } | null
  /** True when the index comes before the first media data (a "faststart" file). */
  moovBeforeMedia: boolean
  audio: { sampleEntry: string; bitsPerSample: number } | null
}

/** ISO/IEC 14496-12: walks the top-level boxes and reads the first sound track's sample entry. */
export async function inspectMp4(source: FileHandle): Promise<Mp4Layout> {
  const size = (await source.stat()).size
  let moov: { start: number; end: number } | null = null
  let mediaSeen = false
  let moovBeforeMedia = false
  for await (const box of fileBoxes(reader(source), 0, size, Infinity)) {
    if (box.type === 'mdat') mediaSeen = true
    if (box.type === 'moov' && moov === null) {
      moov = { start: box.start, end: Math.min(size, box.end) }
      moovBeforeMedia = !mediaSeen
    }
  }
  if (moov === null) return { moov, moovBeforeMedia, audio: null }
  if (moov.end - moov.start > MAX_MOOV_BYTES) {
    throw new TranscodeError('its track index is implausibly large.')
  }
  const moovBytes = await readAt(source, moov.start, moov.end - moov.start)
  return { moov, moovBeforeMedia, audio: soundSampleEntry(moovBytes) }
}

// 'wave' only occurs inside QuickTime sound sample entries, which only soundSampleEntry walks.
const MP4_CONTAINERS: ReadonlySet<string> = new Set([
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'wave',
])

function soundSampleEntry(moov: Buffer): Mp4Layout['audio'] {
  let found: Mp4Layout['audio'] = null
  let handler = ''
  let entry: Mp4Layout['audio'] = null
  walkBoxes(moov, 0, moov.length, MP4_CONTAINERS, ({ type, bodyStart, end: boxEnd }) => {
    if (type === 'trak') {
      handler = ''
      entry = null
    } else if (type === 'hdlr' && handler === '' && bodyStart + 12 <= boxEnd) {
      // The first hdlr of a track is the media handler; QuickTime puts a data handler in minf too.
      handler = moov.toString('latin1', bodyStart + 8, bodyStart + 12)
    } else if (type === 'stsd' && bodyStart + 8 + 28 <= boxEnd) {
      // First SampleEntry: size, type, 6 reserved, data_reference_index, then the QuickTime /
      // AudioSampleEntry fields: version, revision, vendor, channelcount, samplesize.
      const first = bodyStart + 8
      const entryEnd = Math.min(boxEnd, first + moov.readUInt32BE(first))
      let bitsPerSample = moov.readUInt16BE(first + 26)
      // The ALAC magic cookie (ALACSpecificConfig, Apple's ALAC spec) states the true bit depth,
      // byte 5 after the full-box header; QuickTime may wrap it in a 'wave' box.
      const version = moov.readUInt16BE(first + 16)
      const childrenStart = first + (version === 1 ? 52 : version === 2 ? 72 : 36)
      walkBoxes(moov, childrenStart, entryEnd, MP4_CONTAINERS, (child) => {
        const { type: childType, bodyStart: childBody, end: childEnd } = child
        if (childType === 'alac' && childBody + 10 <= childEnd) {
          bitsPerSample = moov.readUInt8(childBody + 4 + 5)
        }
      })
      entry = { sampleEntry: moov.toString('latin1', first + 4, first + 8), bitsPerSample }
    }
    if (found === null && handler === 'soun' && entry !== null) found = entry
  })
  return found
}

/** Moves chunk offsets (stco, co64) as if the moov at `moovStart` had been moved to the front. */
function shiftChunkOffsets(moov: Buffer, moovStart: number, moovSize: number): void {
  const shift = (offset: number): number => (offset < moovStart ? offset + moovSize : offset)
  walkBoxes(moov, 0, moov.length, MP4_CONTAINERS, ({ type, bodyStart, end: boxEnd }) => {
    if (type !== 'stco' && type !== 'co64') return
    const entrySize = type === 'stco' ? 4 : 8
    const count = moov.readUInt32BE(bodyStart + 4)
    for (let i = 0; i < count; i++) {
      const at = bodyStart + 8 + i * entrySize
      if (at + entrySize > boxEnd) return
      if (type === 'co64') {
        moov.writeBigUInt64BE(BigInt(shift(Number(moov.readBigUInt64BE(at)))), at)
      } else {
        const moved = shift(moov.readUInt32BE(at))
        if (moved > 0xffff_ffff) throw new TranscodeError('it is too large to convert.')
        moov.writeUInt32BE(moved, at)
      }
    }
  })
}
