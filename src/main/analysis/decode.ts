/**
 * Decoding audio files to mono float32 at the analysis rate, in pure JS/WASM (audio-decode),
 * without ever holding a whole long track in memory:
 *
 * - MP3, FLAC and Ogg (Vorbis, Opus) are read only where the analysis windows lie: each window
 *   gets a fresh decoder fed the stream headers and then the bytes from the window's estimated
 *   position on (MP3 frames, FLAC frames and Ogg pages carry sync words the parsers resync on).
 * - Other formats are decoded as a stream of chunks up to the end of the last window; only the
 *   windows (and the first minute, as a fallback when the header's duration proves wrong) are kept.
 */
import decode from 'audio-decode'
import type { AudioData, StreamDecoder } from 'audio-decode'
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import {
  FLAC_BLOCK_HEADER_BYTES,
  FLAC_STREAM_INFO_BYTES,
  aiffCommon,
  fileChunks,
  findFileBox,
  flacBlockHeader,
  flacStreamInfo,
  hasAscii,
  id3v2Size,
  isOggVorbis,
  latin1,
  layer3SideInfoBytes,
  mpegFrameBytes,
  mpegHeaderAt,
  oggPageHeader,
  samplesPerFrame,
  sniff,
  type MpegFrameHeader,
  type ReadAt,
  waveFormat,
} from '../media-formats'
import { ANALYSIS_SAMPLE_RATE, downmixInto, resample } from './resample'
import { analysedWhole, MAX_ANALYSED_SECONDS, planWindows, windowRanges } from './windows'
import type { AnalysisWindow } from './windows'

export type AudioContainer = 'mp3' | 'flac' | 'ogg-vorbis' | 'ogg-opus' | 'wav' | 'aiff' | 'm4a'

/** A file that is not audio we can read; the message is meant for the listener. */
export class UnreadableAudioError extends Error {
  readonly path: string
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UnreadableAudioError'
    this.path = path
  }
}

export interface AnalysisAudio {
  /** The analysed windows, mono at `sampleRate`, in track order. */
  windows: Float32Array[]
  sampleRate: number
  /** Duration of the whole track in seconds (from the headers when only windows were decoded). */
  duration: number
  /** Seconds of audio in `windows`. */
  analysedSeconds: number
  container: AudioContainer
  /** 'windows': only the windows were decoded; 'stream': the whole file was decoded chunk by chunk. */
  strategy: 'windows' | 'stream'
}

const READ_CHUNK_BYTES = 256 * 1024
/** Decoded output dropped at the start of a window reached by seeking (MP3 bit reservoir, Vorbis overlap). */
const SEEK_PRE_ROLL_SECONDS = 0.1
/** The smallest read when seeking: a few MP3 frames or an Ogg page, whatever the byte rate. */
const MIN_SEEK_READ_BYTES = 8 * 1024
/** A seek-based decode that yields less than this share of the planned audio is redone as a stream. */
const SEEK_MIN_SHARE = 0.5

const decoderFormat: Record<
  AudioContainer,
  'mp3' | 'flac' | 'oga' | 'opus' | 'wav' | 'aiff' | 'm4a'
> = {
  mp3: 'mp3',
  flac: 'flac',
  'ogg-vorbis': 'oga',
  'ogg-opus': 'opus',
  wav: 'wav',
  aiff: 'aiff',
  m4a: 'm4a',
}

/** A Layer III frame header at bytes[at…] (the only layer the MP3 decoder takes), or null. */
function parseMp3Header(bytes: Uint8Array, at: number): MpegFrameHeader | null {
  const header = mpegHeaderAt(bytes, at)
  return header?.layer === 3 ? header : null
}

/** Recognises the container from the first bytes (the extension may lie), in the decoder's terms. */
export function sniffContainer(head: Uint8Array): AudioContainer | null {
  const sniffed = sniff(head, head.length)
  if (!sniffed.ok) return null
  switch (sniffed.format) {
    case 'ogg':
      // Ogg FLAC and other Ogg codecs have no decoder here.
      return isOggVorbis(head) ? 'ogg-vorbis' : null
    case 'opus':
      return 'ogg-opus'
    default:
      return sniffed.format
  }
}

/** Opens a file for reading, with plain-words errors for missing, unreadable and empty files. */
async function openAudioFile(path: string): Promise<{ file: FileHandle; size: number }> {
  let file: FileHandle
  let size: number
  try {
    file = await open(path, 'r')
    size = (await file.stat()).size
  } catch (error) {
    throw new UnreadableAudioError(
      path,
      'The file could not be read (it may have been moved or deleted, or Attune may not be allowed to read it).',
      { cause: error },
    )
  }
  if (size === 0) {
    await file.close()
    throw new UnreadableAudioError(path, 'The file is empty.')
  }
  return { file, size }
}

/** sniffContainer on a file, looking past an ID3v2 tag larger than the first read. */
async function sniffFile(file: FileHandle): Promise<AudioContainer | null> {
  const head = await readAt(file, 0, 64 * 1024)
  const tag = id3v2Size(head)
  if (tag + 4 > head.length && tag > 0) {
    // A big tag (cover art) hides what follows it: MP3 frames or a FLAC stream.
    const after = await readAt(file, tag, 4)
    return hasAscii(after, 0, 'fLaC') ? 'flac' : 'mp3'
  }
  return sniffContainer(head)
}

/** Where the seekable audio lies and what the header says about the duration. */
interface StreamLayout {
  /** Bytes every decoder must see first (codec headers); empty for MP3. */
  headerEnd: number
  audioStart: number
  audioEnd: number
  duration: number | null
}

function reader(file: FileHandle): ReadAt {
  return (position, length) => readAt(file, position, length)
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(Math.max(0, length))
  const { bytesRead } = await file.read(buffer, 0, buffer.length, position)
  return buffer.subarray(0, bytesRead)
}

async function mp3Layout(file: FileHandle, size: number): Promise<StreamLayout> {
  const tagHead = await readAt(file, 0, 10)
  const audioStart = Math.min(size, id3v2Size(tagHead))
  const tail = await readAt(file, Math.max(0, size - 128), 128)
  const audioEnd = tail.length === 128 && hasAscii(tail, 0, 'TAG') ? size - 128 : size
  const head = await readAt(file, audioStart, 8192)
  let duration: number | null = null
  for (let at = 0; at + 4 <= head.length; at++) {
    const header = parseMp3Header(head, at)
    if (!header) continue
    // Xing/Info (LAME) or VBRI headers in the first frame give the exact frame count.
    const xingAt = at + 4 + layer3SideInfoBytes(header)
    const xing = latin1(head, xingAt, xingAt + 4)
    let frames: number | null = null
    if (
      (xing === 'Xing' || xing === 'Info') &&
      xingAt + 12 <= head.length &&
      (head[xingAt + 7]! & 1) !== 0
    ) {
      frames = new DataView(head.buffer, head.byteOffset).getUint32(xingAt + 8)
    } else if (hasAscii(head, at + 36, 'VBRI') && at + 54 <= head.length) {
      frames = new DataView(head.buffer, head.byteOffset).getUint32(at + 36 + 14)
    }
    if (frames !== null && frames > 0)
      duration = (frames * samplesPerFrame(header)) / header.sampleRate
    else {
      const bitrate = (await averageMp3Bitrate(file, audioStart, audioEnd)) ?? header.bitrate
      duration = ((audioEnd - audioStart - at) * 8) / bitrate
    }
    break
  }
  return { headerEnd: 0, audioStart, audioEnd, duration }
}

/**
 * Average bit rate of an MP3 without a Xing/VBRI header (a VBR file would otherwise have its
 * duration estimated from its first frame): walks runs of frames at evenly spaced probes.
 */
async function averageMp3Bitrate(
  file: FileHandle,
  audioStart: number,
  audioEnd: number,
): Promise<number | null> {
  const probes = 12
  const probeBytes = 32 * 1024
  let bytes = 0
  let seconds = 0
  for (let probe = 0; probe < probes; probe++) {
    const position =
      audioStart + Math.floor(((audioEnd - audioStart - probeBytes) * probe) / (probes - 1))
    const chunk = await readAt(file, Math.max(audioStart, position), probeBytes)
    // Find three chained headers so a stray 0xFFE sync in the data is not taken for a frame.
    for (let at = 0; at + 4 <= chunk.length; at++) {
      const first = parseMp3Header(chunk, at)
      if (!first) continue
      const second = at + mpegFrameBytes(first)
      const secondHeader = parseMp3Header(chunk, second)
      if (!secondHeader || !parseMp3Header(chunk, second + mpegFrameBytes(secondHeader))) continue
      for (
        let frame = at, header: MpegFrameHeader | null = first;
        header;
        header = parseMp3Header(chunk, frame)
      ) {
        const length = mpegFrameBytes(header)
        if (frame + length > chunk.length) break
        bytes += length
        seconds += samplesPerFrame(header) / header.sampleRate
        frame += length
      }
      break
    }
  }
  return seconds > 0 ? (bytes * 8) / seconds : null
}

async function flacLayout(file: FileHandle, size: number): Promise<StreamLayout> {
  let at = id3v2Size(await readAt(file, 0, 10))
  const magic = await readAt(file, at, 4)
  if (!hasAscii(magic, 0, 'fLaC'))
    return { headerEnd: 0, audioStart: 0, audioEnd: size, duration: null }
  at += 4
  let duration: number | null = null
  for (let guard = 0; guard < 1000 && at + FLAC_BLOCK_HEADER_BYTES <= size; guard++) {
    const bytes = await readAt(file, at, FLAC_BLOCK_HEADER_BYTES + FLAC_STREAM_INFO_BYTES)
    const block = flacBlockHeader(bytes, 0)
    if (!block) break
    const info = block.type === 0 ? flacStreamInfo(bytes.subarray(FLAC_BLOCK_HEADER_BYTES)) : null
    if (info && info.sampleRate > 0 && info.totalSamples > 0)
      duration = info.totalSamples / info.sampleRate
    at += FLAC_BLOCK_HEADER_BYTES + block.length
    if (block.last) break
  }
  return { headerEnd: at, audioStart: at, audioEnd: size, duration }
}

async function oggLayout(
  file: FileHandle,
  size: number,
  container: AudioContainer,
): Promise<StreamLayout | null> {
  const head = await readAt(file, 0, Math.min(size, 1 << 20))
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  // Header pages carry granule position 0 (Vorbis I spec §4.2, RFC 7845 §3); audio starts
  // at the first page with a positive granule position.
  let audioStart = -1
  for (let at = 0, page = oggPageHeader(head, 0); page; page = oggPageHeader(head, at)) {
    if (page.granule > 0) {
      audioStart = at
      break
    }
    at += page.headerBytes + page.dataBytes
  }
  if (audioStart < 0) return { headerEnd: 0, audioStart: 0, audioEnd: size, duration: null }
  const text = latin1(head, 0, 4096)
  let sampleRate = 48000
  let preSkip = 0
  if (container === 'ogg-vorbis') {
    const ident = text.indexOf('\x01vorbis')
    if (ident >= 0 && ident + 16 <= head.length) sampleRate = view.getUint32(ident + 12, true)
  } else {
    const opusHead = text.indexOf('OpusHead')
    if (opusHead >= 0 && opusHead + 12 <= head.length) preSkip = view.getUint16(opusHead + 10, true)
  }
  // The last page's granule position is the stream's total sample count.
  const tailLength = Math.min(size, 64 * 1024)
  const tail = await readAt(file, size - tailLength, tailLength)
  const firstSerial = oggPageHeader(head, 0)?.serial
  let duration: number | null = null
  for (let at = tail.length - 27; at >= 0; at--) {
    if (tail[at] !== 0x4f) continue
    const page = oggPageHeader(tail, at)
    if (page && page.granule > 0 && sampleRate > 0) {
      // A chained file (several logical streams one after another, each with its own codec
      // setup) cannot be entered in the middle with the first stream's headers: stream it.
      if (page.serial !== firstSerial) return null
      duration = (page.granule - preSkip) / sampleRate
      break
    }
  }
  return { headerEnd: audioStart, audioStart, audioEnd: size, duration }
}

async function layoutOf(
  file: FileHandle,
  size: number,
  container: AudioContainer,
): Promise<StreamLayout | null> {
  if (container === 'mp3') return mp3Layout(file, size)
  if (container === 'flac') return flacLayout(file, size)
  if (container === 'ogg-vorbis' || container === 'ogg-opus')
    return oggLayout(file, size, container)
  return null
}

async function newDecoder(container: AudioContainer): Promise<StreamDecoder> {
  return decode[decoderFormat[container]]()
}

/** A streaming decoder for a container (the media route's playback decode uses it too). */
export const streamDecoderFor = newDecoder

function decodeFailure(path: string, error: unknown): UnreadableAudioError {
  if (error instanceof UnreadableAudioError) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new UnreadableAudioError(
    path,
    `The audio in this file is damaged or uses an encoding Attune cannot decode (${detail}).`,
    {
      cause: error,
    },
  )
}

/** Samples per channel in a decoder's output (channels can differ by a few at the end). */
function frameCount(channels: readonly Float32Array[]): number {
  let length = channels[0]?.length ?? 0
  for (let c = 1; c < channels.length; c++) length = Math.min(length, channels[c]!.length)
  return length
}

/**
 * A mono signal at the source rate, downmixed straight from the decoder's channels into one
 * buffer: no per-chunk mono arrays, copies of chunks or join at the end (allocation and GC the
 * analysis paid on every chunk). Sized up front when the length is known; doubles otherwise.
 */
class MonoBuffer {
  private data = new Float32Array(0)
  length = 0
  /** Samples beyond this are dropped. */
  limit = Infinity

  /** Makes room for `capacity` samples in all (within the limit) without growing later. */
  reserve(capacity: number): void {
    const wanted = Math.min(Math.ceil(capacity), this.limit)
    if (wanted <= this.data.length) return
    const grown = new Float32Array(wanted)
    grown.set(this.data.subarray(0, this.length))
    this.data = grown
  }

  /** Appends the mean of the channels' samples [from, to), up to the limit. */
  append(channels: readonly Float32Array[], from: number, to: number): void {
    const end = Math.min(to, from + this.limit - this.length)
    if (end <= from) return
    const needed = this.length + end - from
    if (needed > this.data.length) this.reserve(Math.max(needed, 2 * this.data.length))
    downmixInto(channels, from, end, this.data, this.length)
    this.length = needed
  }

  samples(): Float32Array {
    return this.data.subarray(0, this.length)
  }
}

/**
 * Seeks to each window by byte position and decodes only it. Returns null when the decoders
 * gave too little audio (a damaged or oddly laid-out file), so the caller can stream instead.
 */
async function decodeWindowsBySeeking(
  file: FileHandle,
  container: AudioContainer,
  layout: StreamLayout,
  duration: number,
  windows: AnalysisWindow[],
): Promise<{ windows: Float32Array[]; sampleRate: number } | null> {
  const header = layout.headerEnd > 0 ? await readAt(file, 0, layout.headerEnd) : null
  const audioBytes = layout.audioEnd - layout.audioStart
  const bytesPerSecond = audioBytes / duration
  // Reads sized to what the window still needs (5 % over the average byte rate), so the decoder
  // is not fed audio far past the window's end: fixed 64 KB reads decoded ~1.5 s (Vorbis) past a
  // window on average, a tenth of a 15 s window's decoding.
  const readSize = (seconds: number): number =>
    Math.min(
      READ_CHUNK_BYTES / 4,
      Math.max(MIN_SEEK_READ_BYTES, Math.ceil(seconds * bytesPerSecond * 1.05)),
    )
  const decoded: Float32Array[] = []
  let sampleRate = 0
  let planned = 0
  let got = 0
  for (const window of windows) {
    planned += window.length
    const decoder = await newDecoder(container)
    const collector = new MonoBuffer()
    try {
      if (header) appendMono(await decoder(header), collector, -1)
      let position = layout.audioStart + Math.floor((window.start / duration) * audioBytes)
      let skip = -1
      let wanted = Infinity
      while (position < layout.audioEnd && collector.length < wanted) {
        const seconds =
          sampleRate > 0 && skip >= 0
            ? (wanted - collector.length + skip) / sampleRate
            : window.length + SEEK_PRE_ROLL_SECONDS
        const chunk = await readAt(
          file,
          position,
          Math.min(readSize(seconds), layout.audioEnd - position),
        )
        if (chunk.length === 0) break
        position += chunk.length
        const output = await decoder(chunk)
        if (output.sampleRate > 0 && skip < 0) {
          sampleRate = output.sampleRate
          skip = Math.round(SEEK_PRE_ROLL_SECONDS * sampleRate)
          wanted = Math.round(window.length * sampleRate)
          // Output past the window is never used.
          collector.limit = Math.max(wanted, collector.length)
          collector.reserve(wanted)
        }
        skip = appendMono(output, collector, skip)
      }
    } finally {
      decoder.free()
    }
    const mono = collector.samples()
    const exact = sampleRate > 0 ? mono.subarray(0, Math.round(window.length * sampleRate)) : mono
    got += exact.length / (sampleRate || 1)
    decoded.push(exact)
  }
  if (sampleRate <= 0 || got < planned * SEEK_MIN_SHARE) return null
  return { windows: decoded, sampleRate }
}

/** Appends a decoder's output to the buffer as mono, first dropping `skip` samples; returns the skip left. */
function appendMono(output: AudioData, buffer: MonoBuffer, skip: number): number {
  const channels = output.channelData
  if (channels.length === 0) return skip
  const length = frameCount(channels)
  const dropped = skip > 0 ? Math.min(skip, length) : 0
  buffer.append(channels, dropped, length)
  return skip > 0 ? skip - dropped : skip
}

/**
 * Decodes the file as a stream of chunks, keeping the planned windows (if the duration is
 * known) and the first MAX_ANALYSED_SECONDS: a short track's windows are cut from those, and they
 * are the fallback when the header's duration proves wrong (a truncated file). With a known
 * duration, decoding stops at the end of the last window: the rest would not be analysed.
 */
async function decodeByStreaming(
  path: string,
  file: FileHandle,
  size: number,
  container: AudioContainer,
  expectedDuration: number | null,
): Promise<{ windows: Float32Array[]; sampleRate: number; duration: number }> {
  const plan =
    expectedDuration !== null && !analysedWhole(expectedDuration)
      ? planWindows(expectedDuration)
      : []
  // A short track's windows lie within the head: they are cut from it rather than copied.
  const capturesWindows = expectedDuration !== null && expectedDuration > MAX_ANALYSED_SECONDS
  const decoder = await newDecoder(container)
  const head = new MonoBuffer()
  const windowParts = capturesWindows ? plan.map(() => new MonoBuffer()) : []
  let plannedRanges: { from: number; to: number }[] = []
  let lastWindowEnd = Infinity
  let sampleRate = 0
  let decodedSamples = 0
  const take = (output: AudioData): void => {
    const channels = output.channelData
    if (channels.length === 0) return
    if (sampleRate <= 0) {
      sampleRate = output.sampleRate
      // Buffers sized once the rate is known: the first minute (or the expected length,
      // with a little slack for a header that undercounts) and each window exactly.
      head.limit = Math.round(MAX_ANALYSED_SECONDS * sampleRate)
      head.reserve(
        expectedDuration === null ? 0 : Math.ceil(expectedDuration * sampleRate * 1.01) + 4096,
      )
      plannedRanges = plan.map((window) => {
        const from = Math.round(window.start * sampleRate)
        return { from, to: from + Math.round(window.length * sampleRate) }
      })
      if (plannedRanges.length > 0)
        lastWindowEnd = Math.max(...plannedRanges.map((range) => range.to))
      if (!capturesWindows) plannedRanges = []
      plannedRanges.forEach((range, i) => windowParts[i]!.reserve(range.to - range.from))
    }
    const length = frameCount(channels)
    const chunkStart = decodedSamples
    decodedSamples += length
    head.append(channels, 0, length)
    for (let i = 0; i < plannedRanges.length; i++) {
      const { from, to } = plannedRanges[i]!
      const a = Math.max(from, chunkStart)
      const b = Math.min(to, decodedSamples)
      if (b > a) windowParts[i]!.append(channels, a - chunkStart, b - chunkStart)
    }
  }
  let stoppedEarly = false
  try {
    for (let position = 0; position < size;) {
      const chunk = await readAt(file, position, READ_CHUNK_BYTES)
      if (chunk.length === 0) break
      position += chunk.length
      take(await decoder(chunk))
      if (decodedSamples >= lastWindowEnd) {
        stoppedEarly = true
        break
      }
    }
    if (stoppedEarly) decoder.free()
    else take(await decoder())
  } catch (error) {
    decoder.free()
    // A truncated file that still gave audio is analysed for what it has.
    if (decodedSamples === 0) throw decodeFailure(path, error)
  }
  if (decodedSamples === 0 || sampleRate <= 0) {
    throw new UnreadableAudioError(path, 'No audio could be decoded from this file.')
  }
  if (stoppedEarly && expectedDuration !== null) {
    // Every window was decoded; the header's duration is the track's.
    if (capturesWindows) {
      const windows = windowParts.map((part) => part.samples())
      return { windows, sampleRate, duration: expectedDuration }
    }
    const whole = head.samples()
    const windows = windowRanges(Math.round(expectedDuration * sampleRate), sampleRate).map(
      ({ from, to }) => whole.subarray(from, Math.min(to, whole.length)),
    )
    return { windows, sampleRate, duration: expectedDuration }
  }
  const duration = decodedSamples / sampleRate
  if (duration <= MAX_ANALYSED_SECONDS) {
    // Cut at the source rate, so only the analysed parts are resampled.
    const whole = head.samples()
    const windows = windowRanges(whole.length, sampleRate).map(({ from, to }) =>
      whole.subarray(from, to),
    )
    return { windows, sampleRate, duration }
  }
  const complete = windowParts.map((part) => part.samples()).filter((window) => window.length > 0)
  // The header's duration was wrong (or unknown): the first minute is what we have.
  if (
    complete.length === 0 ||
    Math.abs(duration - (expectedDuration ?? 0)) > Math.max(2, 0.05 * duration)
  ) {
    return { windows: [head.samples()], sampleRate, duration }
  }
  return { windows: complete, sampleRate, duration }
}

/**
 * Decodes the given windows (seconds) of an MP3, FLAC or Ogg file by seeking, as mono at
 * ANALYSIS_SAMPLE_RATE. Positions are estimated from byte offsets, so with variable bit rates
 * a window may start a little earlier or later than asked. Throws for other formats.
 */
export async function decodeWindows(
  path: string,
  windows: AnalysisWindow[],
): Promise<Float32Array[]> {
  const { file, size } = await openAudioFile(path)
  try {
    const container = await sniffFile(file)
    const layout = container ? await layoutOf(file, size, container) : null
    if (!container || !layout || layout.duration === null) {
      throw new UnreadableAudioError(
        path,
        'Only MP3, FLAC and Ogg files with a known duration can be read by window.',
      )
    }
    const seeked = await decodeWindowsBySeeking(file, container, layout, layout.duration, windows)
    if (!seeked)
      throw new UnreadableAudioError(path, 'The windows could not be decoded from this file.')
    return seeked.windows.map((window) => resample(window, seeked.sampleRate, ANALYSIS_SAMPLE_RATE))
  } finally {
    await file.close()
  }
}

export interface DecodeOptions {
  /** Decode the whole file even where seeking to the windows is possible (for measurements). */
  noSeeking?: boolean
}

/** Decodes the parts of a file that analysis needs, as mono at ANALYSIS_SAMPLE_RATE. */
export async function decodeForAnalysis(
  path: string,
  options: DecodeOptions = {},
): Promise<AnalysisAudio> {
  const { file, size } = await openAudioFile(path)
  try {
    const container = await sniffFile(file)
    if (container === null) {
      throw new UnreadableAudioError(path, 'This file is not in an audio format Attune can read.')
    }
    const layout = await layoutOf(file, size, container)
    let result: { windows: Float32Array[]; sampleRate: number; duration: number } | null = null
    const duration = layout?.duration ?? null
    let strategy: AnalysisAudio['strategy'] = 'stream'
    if (layout && duration !== null && !analysedWhole(duration) && !options.noSeeking) {
      // A file the seek path cannot handle (damaged, odd layout) is streamed instead.
      const seeked = await decodeWindowsBySeeking(
        file,
        container,
        layout,
        duration,
        planWindows(duration),
      ).catch(() => null)
      if (seeked) {
        result = { ...seeked, duration }
        strategy = 'windows'
      }
    }
    if (!result) {
      const expected = duration ?? (await headerDuration(path, file, size, container))
      result = await decodeByStreaming(path, file, size, container, expected)
    }
    const windows = result.windows.map((window) =>
      resample(window, result.sampleRate, ANALYSIS_SAMPLE_RATE),
    )
    const analysedSeconds =
      windows.reduce((sum, window) => sum + window.length, 0) / ANALYSIS_SAMPLE_RATE
    return {
      windows,
      sampleRate: ANALYSIS_SAMPLE_RATE,
      duration: result.duration,
      analysedSeconds,
      container,
      strategy,
    }
  } finally {
    await file.close()
  }
}

/**
 * Duration from the container header, for formats decoded as a stream (WAV, AIFF, M4A): read
 * from the few bytes that hold it, with music-metadata as the fallback for layouts this does not
 * know (a full parse costs ~9 ms a file, a few per cent of analysing a 30 s clip).
 */
async function headerDuration(
  path: string,
  file: FileHandle,
  size: number,
  container: AudioContainer,
): Promise<number | null> {
  const direct = await directHeaderDuration(file, size, container).catch(() => null)
  if (direct !== null && Number.isFinite(direct) && direct > 0) return direct
  try {
    const { parseFile } = await import('music-metadata')
    const metadata = await parseFile(path, { duration: false, skipCovers: true })
    const duration = metadata.format.duration
    return typeof duration === 'number' && Number.isFinite(duration) && duration > 0
      ? duration
      : null
  } catch {
    return null
  }
}

/** A chunk or box header: its type, where its body starts and how long the body is. */
interface ChunkHeader {
  type: string
  bodyStart: number
  bodyLength: number
}

/** The first chunk of `type` in RIFF (little-endian) or IFF/AIFF (big-endian) chunks from `at` to `end`. */
async function findIffChunk(
  file: FileHandle,
  at: number,
  end: number,
  type: string,
  littleEndian: boolean,
): Promise<ChunkHeader | null> {
  for await (const chunk of fileChunks(reader(file), at, end, littleEndian)) {
    if (chunk.id !== type) continue
    // A data chunk whose size was never filled in (streamed recording) runs to the end of the file.
    const room = end - chunk.bodyStart
    const length = chunk.size === 0xffffffff ? room : Math.min(chunk.size, room)
    return { type, bodyStart: chunk.bodyStart, bodyLength: length }
  }
  return null
}

/**
 * The duration a container header states: WAV from the fmt byte rate and the data chunk's size,
 * AIFF from COMM's frame count and 80-bit sample rate, M4A from the movie header (mvhd,
 * ISO/IEC 14496-12 §8.2.2). Null when the layout is not one of those (RF64, fragmented MP4).
 */
async function directHeaderDuration(
  file: FileHandle,
  size: number,
  container: AudioContainer,
): Promise<number | null> {
  if (container === 'wav') {
    const riff = await readAt(file, 0, 12)
    if (!hasAscii(riff, 0, 'RIFF')) return null
    const format = await findIffChunk(file, 12, size, 'fmt ', true)
    const data = await findIffChunk(file, 12, size, 'data', true)
    if (!format || !data || format.bodyLength < 16) return null
    const byteRate = waveFormat(await readAt(file, format.bodyStart, 16))?.byteRate ?? 0
    return byteRate > 0 ? data.bodyLength / byteRate : null
  }
  if (container === 'aiff') {
    const common = await findIffChunk(file, 12, size, 'COMM', false)
    if (!common || common.bodyLength < 18) return null
    const fields = aiffCommon(await readAt(file, common.bodyStart, 18))
    return fields && fields.sampleRate > 0 ? fields.frames / fields.sampleRate : null
  }
  if (container === 'm4a') {
    const movie = await findMp4Box(file, 0, size, 'moov')
    const header = movie
      ? await findMp4Box(file, movie.bodyStart, movie.bodyStart + movie.bodyLength, 'mvhd')
      : null
    if (!header) return null
    const fields = await readAt(file, header.bodyStart, 32)
    if (fields.length < 32) return null
    const view = new DataView(fields.buffer, fields.byteOffset)
    const version = fields[0]
    // Version 0: 32-bit times (creation, modification), timescale, 32-bit duration; version 1: 64-bit ones.
    const timescale = version === 1 ? view.getUint32(20) : view.getUint32(12)
    const duration =
      version === 1 ? view.getUint32(24) * 2 ** 32 + view.getUint32(28) : view.getUint32(16)
    return timescale > 0 && duration > 0 && duration !== 0xffffffff ? duration / timescale : null
  }
  return null
}

/** Finds a box among the siblings in [at, end) of an MP4 file. */
async function findMp4Box(
  file: FileHandle,
  at: number,
  end: number,
  type: string,
): Promise<ChunkHeader | null> {
  const box = await findFileBox(reader(file), at, end, type)
  return box
    ? { type, bodyStart: box.bodyStart, bodyLength: Math.min(box.end, end) - box.bodyStart }
    : null
}

/** Decodes a whole file to mono at ANALYSIS_SAMPLE_RATE (memory: ~5.3 MB per minute). */
export async function decodeToMono(
  path: string,
): Promise<{ pcm: Float32Array; sampleRate: number; duration: number }> {
  const { file, size } = await openAudioFile(path)
  try {
    const container = await sniffFile(file)
    if (container === null)
      throw new UnreadableAudioError(path, 'This file is not in an audio format Attune can read.')
    const decoder = await newDecoder(container)
    const collector = new MonoBuffer()
    let sampleRate = 0
    try {
      for (let position = 0; position < size;) {
        const chunk = await readAt(file, position, READ_CHUNK_BYTES)
        if (chunk.length === 0) break
        position += chunk.length
        const output = await decoder(chunk)
        sampleRate ||= output.sampleRate
        appendMono(output, collector, 0)
      }
      const rest = await decoder()
      sampleRate ||= rest.sampleRate
      appendMono(rest, collector, 0)
    } catch (error) {
      decoder.free()
      if (collector.length === 0) throw decodeFailure(path, error)
    }
    if (collector.length === 0 || sampleRate <= 0) {
      throw new UnreadableAudioError(path, 'No audio could be decoded from this file.')
    }
    const duration = collector.length / sampleRate
    return {
      pcm: resample(collector.samples(), sampleRate, ANALYSIS_SAMPLE_RATE),
      sampleRate: ANALYSIS_SAMPLE_RATE,
      duration,
    }
  } finally {
    await file.close()
  }
}
