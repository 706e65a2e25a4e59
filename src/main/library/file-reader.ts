import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type * as MusicMetadata from 'music-metadata'
import { open, type FileHandle } from 'node:fs/promises'
// strtok3 is music-metadata's own tokenizer library (its dependency, hoisted into node_modules).
import {
  AbstractTokenizer,
  EndOfStreamError,
  type IRandomAccessFileInfo,
  type IRandomAccessTokenizer,
  type IReadChunkOptions,
} from 'strtok3'
import type { AudioFormat } from '../../shared/domain'
import type { StoredTags } from '../db/track-writes'
import { readTagsFast, type ByteSource, type ParsedAudio } from './fast-tags'
import { mimeTypeOf, READ_ERRORS, sniffFormat } from './sniff'
import { errorCode } from './library-folder'

/** Bytes hashed at each end of a file for its fingerprint, and the block size of the read cache. */
export const FINGERPRINT_EDGE_BYTES = 64 * 1024
const BLOCK_BYTES = 64 * 1024
/** Reads larger than this bypass the cache (a 2 MB ID3 frame should not be copied twice). */
const LARGE_READ_BYTES = 4 * BLOCK_BYTES

/** Everything the library stores about a file's audio and tags. */
export interface AudioFileInfo extends StoredTags {
  format: AudioFormat
  lossless: boolean | null
}

export interface EmbeddedPicture {
  data: Uint8Array
  mime: string
}

export type ReadResult =
  | {
      ok: true
      fingerprint: string
      info: AudioFileInfo
      picture: EmbeddedPicture | null
      /** Which reader gave the tags: the fast path (fast-tags.ts) or music-metadata. */
      parsedBy: 'fast-path' | 'music-metadata'
    }
  | { ok: false; fingerprint: string | null; format: AudioFormat | null; error: string }

export interface ReadOptions {
  /** Read embedded cover art too (costs nothing when a file has none, a copy of the image when it has). */
  wantCover: boolean
  /** The size from a stat the caller just made; saves another stat per file. */
  size?: number
  /** Read the common containers with the fast path (default); false: always music-metadata. */
  fastPath?: boolean
  /**
   * Blocking reads (for the read workers, whose thread does nothing else): a read of a cached file then
   * costs ~30 µs of CPU where the promise API, with its trips through the libuv pool, costs ~150 µs.
   */
  syncIo?: boolean
  /** Times the blocking operations, so the caller can stop blocking where the disk is slow. */
  ioGuard?: BlockingIoGuard
}

/** A blocking file operation slower than this went to the disk (or the network), not the page cache. */
const SLOW_BLOCKING_OPERATION_MS = 4
/** Operations judged together, and how many of them may be slow before blocking stops. */
const GUARD_WINDOW = 64
const SLOW_OPERATIONS_PER_WINDOW = 8

/**
 * Watches blocking file operations (open, read, stat). On a spinning disk or a network share most of them
 * take milliseconds, which would hold up the thread: when 8 of a window of 64 are slow, `allowed` turns
 * false for good and the caller goes back to the promise API. A loaded machine makes a few cached
 * operations slow too (the thread is preempted: ~0.2 % of them at a load average of 12 on 2 cores), which
 * is why one slow operation is not enough.
 */
export class BlockingIoGuard {
  private operations = 0
  private slowInWindow = 0
  private tripped = false

  get allowed(): boolean {
    return !this.tripped
  }

  time<T>(operation: () => T): T {
    const started = performance.now()
    try {
      return operation()
    } finally {
      if (performance.now() - started > SLOW_BLOCKING_OPERATION_MS) this.slowInWindow++
      if (this.slowInWindow >= SLOW_OPERATIONS_PER_WINDOW) this.tripped = true
      if (++this.operations % GUARD_WINDOW === 0) this.slowInWindow = 0
    }
  }
}

/** The few file operations the reader needs, blocking or not. */
interface OpenFile {
  read(target: Uint8Array, offset: number, length: number, position: number): Promise<number>
  size(): Promise<number>
  close(): Promise<void>
}

async function openAsync(path: string): Promise<OpenFile> {
  const handle: FileHandle = await open(path, 'r')
  return {
    read: async (target, offset, length, position) =>
      (await handle.read(target, offset, length, position)).bytesRead,
    size: async () => (await handle.stat()).size,
    close: () => handle.close(),
  }
}

function openBlocking(path: string, guard: BlockingIoGuard | undefined): OpenFile {
  const timed = <T>(operation: () => T): T => (guard ? guard.time(operation) : operation())
  const fd = timed(() => openSync(path, 'r'))
  return {
    read: (target, offset, length, position) =>
      Promise.resolve(timed(() => readSync(fd, target, offset, length, position))),
    size: () => Promise.resolve(fstatSync(fd).size),
    close: () => {
      closeSync(fd)
      return Promise.resolve()
    },
  }
}

/**
 * A read-through block cache in front of a file handle. music-metadata issues dozens of small reads per
 * file (atom and page headers); each is a trip to the libuv thread pool, which cost ~5 ms per file where
 * the parsing itself costs ~0.7 ms (measured on the fixtures). Serving them from 64 KiB blocks removes
 * most of those trips, and the blocks read for the fingerprint are reused.
 */
/**
 * Spare whole blocks for the next files. A fresh 64 KiB Buffer is memory outside the JS heap, and two of
 * them per file made the collector run often (~7 % of a scan's CPU); reused ones cost nothing.
 */
const spareBlocks: Buffer[] = []
const MAX_SPARE_BLOCKS = 64

class BlockCachedFile implements ByteSource {
  private readonly blocks = new Map<number, Uint8Array>()
  /** Blocks taken from spareBlocks, given back by release(). */
  private readonly borrowed: Buffer[] = []
  reads = 0

  constructor(
    readonly handle: OpenFile,
    readonly size: number,
  ) {}

  /** Loads the blocks covering [start, end) with one read per contiguous run of missing blocks. */
  async load(start: number, end: number): Promise<void> {
    const first = Math.floor(start / BLOCK_BYTES)
    const last = Math.floor((Math.min(end, this.size) - 1) / BLOCK_BYTES)
    let runStart = -1
    for (let block = first; block <= last + 1; block++) {
      const missing = block <= last && !this.blocks.has(block)
      if (missing && runStart < 0) runStart = block
      if (!missing && runStart >= 0) {
        await this.readRun(runStart, block)
        runStart = -1
      }
    }
  }

  private async readRun(firstBlock: number, endBlock: number): Promise<void> {
    const offset = firstBlock * BLOCK_BYTES
    const length = Math.min(endBlock * BLOCK_BYTES, this.size) - offset
    // allocUnsafe: the bytes are overwritten by the read; zero-filling 64 KiB twice per file showed in profiles.
    const spare = length === BLOCK_BYTES ? spareBlocks.pop() : undefined
    const buffer = spare ?? Buffer.allocUnsafe(length)
    if (length === BLOCK_BYTES) this.borrowed.push(buffer)
    let filled = 0
    while (filled < length) {
      this.reads++
      const bytesRead = await this.handle.read(buffer, filled, length - filled, offset + filled)
      if (bytesRead === 0) break // the file shrank while we read it
      filled += bytesRead
    }
    for (let block = firstBlock; block < endBlock; block++) {
      const from = (block - firstBlock) * BLOCK_BYTES
      const to = Math.min(from + BLOCK_BYTES, filled)
      if (to <= from) break
      this.blocks.set(block, buffer.subarray(from, to))
    }
  }

  /**
   * Gives the whole blocks back for other files. Nothing read from this file may be used afterwards: the
   * results (strings, copied pictures) never point into the blocks.
   */
  release(): void {
    this.blocks.clear()
    for (const buffer of this.borrowed.splice(0))
      if (spareBlocks.length < MAX_SPARE_BLOCKS) spareBlocks.push(buffer)
  }

  /** Copies bytes at `position` into `target[offset…offset+length)`; returns how many were available. */
  async read(
    target: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<number> {
    if (length <= 0 || position >= this.size) return 0
    if (length > LARGE_READ_BYTES) {
      this.reads++
      return this.handle.read(target, offset, length, position)
    }
    const end = Math.min(position + length, this.size)
    await this.load(position, end)
    let copied = 0
    while (position + copied < end) {
      const at = position + copied
      const block = this.blocks.get(Math.floor(at / BLOCK_BYTES))
      if (!block) break
      const inBlock = at % BLOCK_BYTES
      const n = Math.min(block.length - inBlock, end - at)
      if (n <= 0) break
      target.set(block.subarray(inBlock, inBlock + n), offset + copied)
      copied += n
    }
    return copied
  }

  /** The bytes [start, end) without copying when they lie in one cached block. */
  view(start: number, end: number): Uint8Array {
    const blockIndex = Math.floor(start / BLOCK_BYTES)
    const block = this.blocks.get(blockIndex)
    const inBlock = start - blockIndex * BLOCK_BYTES
    const stop = Math.min(end, this.size)
    if (block && inBlock + (stop - start) <= block.length)
      return block.subarray(inBlock, inBlock + (stop - start))
    return this.bytes(start, end)
  }

  /** Feeds the bytes [start, end) to `sink` block by block, without copying. */
  each(start: number, end: number, sink: (bytes: Uint8Array) => void): void {
    let at = start
    const stop = Math.min(end, this.size)
    while (at < stop) {
      const blockIndex = Math.floor(at / BLOCK_BYTES)
      const block = this.blocks.get(blockIndex)
      if (!block) return
      const inBlock = at - blockIndex * BLOCK_BYTES
      const n = Math.min(block.length - inBlock, stop - at)
      if (n <= 0) return
      sink(block.subarray(inBlock, inBlock + n))
      at += n
    }
  }

  bytes(start: number, end: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(end, this.size) - start))
    let copied = 0
    while (copied < out.length) {
      const at = start + copied
      const block = this.blocks.get(Math.floor(at / BLOCK_BYTES))
      if (!block) break
      const inBlock = at % BLOCK_BYTES
      const n = Math.min(block.length - inBlock, out.length - copied)
      if (n <= 0) break
      out.set(block.subarray(inBlock, inBlock + n), copied)
      copied += n
    }
    return copied === out.length ? out : out.subarray(0, copied)
  }
}

/**
 * music-metadata, loaded on the first file the fast path leaves to it: a library of common formats never
 * loads its ~100 modules (which, under tsx, cost a hook round trip each, in every read worker too).
 */
let musicMetadata: Promise<typeof MusicMetadata> | null = null

function loadMusicMetadata(): Promise<typeof MusicMetadata> {
  musicMetadata ??= import('music-metadata')
  return musicMetadata
}

/** A random-access tokenizer for music-metadata that reads through the block cache. */
class CachedFileTokenizer extends AbstractTokenizer implements IRandomAccessTokenizer {
  fileInfo: IRandomAccessFileInfo

  constructor(
    private readonly file: BlockCachedFile,
    path: string,
    mimeType: string,
  ) {
    super()
    this.fileInfo = { path, size: file.size, mimeType }
  }

  supportsRandomAccess(): boolean {
    return true
  }

  setPosition(position: number): void {
    this.position = position
  }

  async readBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const { length, position, mayBeLess } = this.normalizeOptions(target, options)
    this.position = position
    const read = await this.file.read(target, 0, length, position)
    this.position += read
    if (!mayBeLess && read < length) throw new EndOfStreamError()
    return read
  }

  async peekBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const { length, position, mayBeLess } = this.normalizeOptions(target, options)
    const read = await this.file.read(target, 0, length, position)
    if (!mayBeLess && read < length) throw new EndOfStreamError()
    return read
  }
}

/** Content fingerprint: sha1 of the size and the first and last 64 KiB. Cheap, and stable across renames. */
function fingerprintOf(file: BlockCachedFile): string {
  const hash = createHash('sha1')
  hash.update(`${file.size}\0`)
  file.each(0, Math.min(FINGERPRINT_EDGE_BYTES, file.size), (bytes) => hash.update(bytes))
  file.each(Math.max(0, file.size - FINGERPRINT_EDGE_BYTES), file.size, (bytes) =>
    hash.update(bytes),
  )
  return hash.digest('hex')
}

function readUInt32LE(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) +
    (bytes[at + 3] ?? 0) * 2 ** 24
  )
}

/**
 * Duration of an Ogg stream from the granule position of its last page (RFC 3533 §6), found in the tail
 * we already hold; for Opus the granule counts 48 kHz samples including the pre-skip (RFC 7845 §4).
 * This avoids music-metadata's `duration: true`, which walks every page of the file.
 */
function oggDuration(
  head: Uint8Array,
  tail: Uint8Array,
  format: AudioFormat,
  sampleRate: number | null,
): number | null {
  let preSkip = 0
  let rate = sampleRate
  if (format === 'opus') {
    const packetStart = 27 + (head[26] ?? 0)
    preSkip = (head[packetStart + 10] ?? 0) | ((head[packetStart + 11] ?? 0) << 8)
    rate = 48000
  }
  if (!rate) return null
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53)
      continue
    if (tail[i + 4] !== 0) continue // stream structure version is always 0
    const low = readUInt32LE(tail, i + 6)
    const high = readUInt32LE(tail, i + 10)
    if (high === 0xffffffff && low === 0xffffffff) continue // -1: no packet ends on this page
    const granule = high * 2 ** 32 + low
    const samples = granule - preSkip
    return samples > 0 ? samples / rate : null
  }
  return null
}

function firstOrNull<T>(values: readonly T[] | undefined): T | null {
  return values && values.length > 0 ? (values[0] ?? null) : null
}

function cleanText(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null
  const trimmed = value.replace(/\0+$/g, '').trim()
  return trimmed.length > 0 ? trimmed : null
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function positiveIntOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null
}

const LOSSLESS_FORMATS: ReadonlySet<AudioFormat> = new Set(['flac', 'wav', 'aiff'])
const LOSSY_FORMATS: ReadonlySet<AudioFormat> = new Set(['mp3', 'ogg', 'opus'])

function codecName(format: AudioFormat, metadata: ParsedAudio): string | null {
  const codec = cleanText(metadata.format.codec)
  // WAVE_FORMAT_EXTENSIBLE (0xFFFE) carries plain PCM or float; "non-PCM (65534)" would mislead.
  if (format === 'wav' && codec?.startsWith('non-PCM (65534)')) {
    return metadata.format.bitsPerSample === 32 ? 'PCM (float or 32-bit)' : 'PCM'
  }
  return codec
}

function toInfo(
  format: AudioFormat,
  metadata: ParsedAudio,
  duration: number | null,
  size: number,
): AudioFileInfo {
  const { common, format: audio } = metadata
  const codec = codecName(format, metadata)
  const lossless = LOSSLESS_FORMATS.has(format)
    ? true
    : LOSSY_FORMATS.has(format)
      ? false
      : codec === 'ALAC'
        ? true
        : (audio.lossless ?? null)
  const bitrate =
    finiteOrNull(audio.bitrate) ??
    (duration && duration > 0 ? Math.round((size * 8) / duration) : null)
  const artist = cleanText(common.artist) ?? cleanText(firstOrNull(common.artists))
  return {
    format,
    codec,
    sampleRate: positiveIntOrNull(audio.sampleRate),
    channels: positiveIntOrNull(audio.numberOfChannels),
    bitsPerSample: positiveIntOrNull(audio.bitsPerSample),
    bitrate,
    lossless,
    duration,
    title: cleanText(common.title),
    artist,
    album: cleanText(common.album),
    albumArtist: cleanText(common.albumartist),
    genre:
      common.genre && common.genre.length > 0
        ? common.genre.map((g) => g.trim()).join('; ') || null
        : null,
    year: positiveIntOrNull(common.year),
    trackNo: positiveIntOrNull(common.track.no),
    trackTotal: positiveIntOrNull(common.track.of),
    discNo: positiveIntOrNull(common.disk.no),
    discTotal: positiveIntOrNull(common.disk.of),
    rgTrackGain: finiteOrNull(common.replaygain_track_gain?.dB),
    rgTrackPeak: finiteOrNull(common.replaygain_track_peak?.ratio),
    rgAlbumGain: finiteOrNull(common.replaygain_album_gain?.dB),
    rgAlbumPeak: finiteOrNull(common.replaygain_album_peak?.ratio),
  }
}

/** Plain words for an error thrown while opening or reading a file. */
export function describeFileError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'The file disappeared while Attune was reading it.'
    case 'EACCES':
    case 'EPERM':
      return 'Attune is not allowed to read this file (permission denied).'
    case 'EISDIR':
      return 'This is a folder, not a file.'
    case 'EIO':
      return 'The disk reported an error while reading this file.'
    default:
      return READ_ERRORS.damaged
  }
}

/** Thrown (only) when the file cannot be opened or vanished: the caller treats it as not found. */
export class FileGoneError extends Error {
  constructor(readonly path: string) {
    super(`The file ${path} is gone.`)
    this.name = 'FileGoneError'
  }
}

/**
 * Reads one audio file: recognises its format from its content, fingerprints it, and reads its tags and
 * stream properties. Never throws for a broken file (the result says what is wrong, in plain words);
 * throws FileGoneError when the file no longer exists.
 */
export async function readAudioFile(path: string, options: ReadOptions): Promise<ReadResult> {
  let handle: OpenFile
  try {
    handle = options.syncIo ? openBlocking(path, options.ioGuard) : await openAsync(path)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new FileGoneError(path)
    return { ok: false, fingerprint: null, format: null, error: describeFileError(error) }
  }
  let file: BlockCachedFile | null = null
  try {
    const size = options.size ?? (await handle.size())
    file = new BlockCachedFile(handle, size)
    await file.load(0, Math.min(FINGERPRINT_EDGE_BYTES, size))
    await file.load(Math.max(0, size - FINGERPRINT_EDGE_BYTES), size)
    const fingerprint = fingerprintOf(file)
    const head = file.view(0, Math.min(FINGERPRINT_EDGE_BYTES, size))
    const sniffed = sniffFormat(head, size)
    if (!sniffed.ok) return { ok: false, fingerprint, format: null, error: sniffed.error }
    const format = sniffed.format

    let metadata: ParsedAudio | null =
      options.fastPath === false ? null : await readTagsFast(file, format, options.wantCover)
    const parsedBy = metadata ? 'fast-path' : 'music-metadata'
    if (!metadata) {
      try {
        const { parseFromTokenizer } = await loadMusicMetadata()
        const tokenizer = new CachedFileTokenizer(file, path, mimeTypeOf(format))
        metadata = await parseFromTokenizer(tokenizer, {
          skipCovers: !options.wantCover,
          duration: false,
        })
      } catch {
        return { ok: false, fingerprint, format, error: READ_ERRORS.damaged }
      }
    }
    if (
      metadata.format.hasAudio === false ||
      (!metadata.format.sampleRate && !metadata.format.duration)
    ) {
      return { ok: false, fingerprint, format, error: READ_ERRORS.noAudio }
    }
    let duration = finiteOrNull(metadata.format.duration)
    if (duration === null && (format === 'ogg' || format === 'opus')) {
      const tail = file.view(Math.max(0, size - FINGERPRINT_EDGE_BYTES), size)
      duration = oggDuration(head, tail, format, metadata.format.sampleRate ?? null)
    }
    const info = toInfo(format, metadata, duration, size)
    let picture: EmbeddedPicture | null = null
    if (options.wantCover) {
      const pictures = metadata.common.picture ?? []
      const front = pictures.find((p) => /front/i.test(p.type ?? '')) ?? pictures[0]
      if (front && front.data.length > 0) picture = { data: front.data, mime: front.format }
    }
    return { ok: true, fingerprint, info, picture, parsedBy }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new FileGoneError(path)
    return { ok: false, fingerprint: null, format: null, error: describeFileError(error) }
  } finally {
    file?.release()
    await handle.close().catch(() => undefined)
  }
}
