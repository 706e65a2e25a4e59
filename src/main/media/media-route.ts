import { constants as fsConstants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { AudioFormat } from '../../shared/domain'
import { CoverRepository } from '../db/covers'
import type { Database } from '../db/database'
import { RootRepository } from '../db/roots'
import { TrackRepository } from '../db/tracks'
import { parseRange } from './range'
import { needsPlaybackTranscode, transcodeToWav } from './transcode'

/**
 * The one handler behind every way audio and cover bytes leave the engine: Electron's
 * `protocol.handle` and the browser host's HTTP server both hand it a web `Request` and send back
 * the `Response` it returns.
 *
 * URLs (only the last two path segments matter, so any prefix or custom scheme works):
 * - `…/media/<trackId>`  the bytes of a scanned track inside a library root
 * - `…/media/<trackId>?decode=1`  the same track decoded by the engine, as WAV (cached), for a
 *   file the browser cannot play although its audio is sound
 * - `…/covers/<coverId>` a cover image from the covers folder
 */
export interface MediaHandlerOptions {
  db: Database
  /** The covers folder (see `coversDirFor` in paths.ts). Without it, cover URLs answer 404. */
  coversDir?: string
  /**
   * Where WAV copies of tracks Chromium cannot play (ALAC, AIFF) are kept; see transcode.ts.
   * Default: beside the covers folder, `library-covers` → `library-playback`. With neither this nor
   * `coversDir`, or with `null`, such tracks are served as they are (their original bytes).
   */
  transcodeDir?: string | null
  /** Size limit of that folder in bytes; the oldest copies go first (default 2 GiB). */
  maxTranscodeCacheBytes?: number
}

export type MediaHandler = (request: Request) => Promise<Response>

/**
 * Content types by the container the scanner recognised from the file's content.
 * Opus: RFC 7845 §9 registers Ogg Opus as `audio/ogg` with `codecs=opus`, which is also the exact
 * type Chromium answers "probably" to in `canPlayType` (and howler probes). Chromium's media
 * pipeline sniffs the container itself, so the type is a hint, never a reason to refuse.
 */
export const CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg; codecs=opus',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  aiff: 'audio/aiff',
}

const ALLOWED_METHODS = 'GET, HEAD'
const FILE_MISSING = 'This song’s file is missing: it was moved or deleted since the last scan.'
const TRACK_ID = /^[1-9]\d{0,15}$/
// Cover ids are content hashes (sha1 hex); accept any plain token so a later hash choice still works.
const COVER_ID = /^[A-Za-z0-9_-]{1,128}$/
// A track id keeps naming the same file, but the file may be re-tagged in place: revalidate by ETag.
const AUDIO_CACHE_CONTROL = 'private, no-cache'
// A cover id is the hash of its bytes, so the bytes behind a cover URL never change.
const COVER_CACHE_CONTROL = 'private, max-age=31536000, immutable'

export function createMediaHandler(options: MediaHandlerOptions): MediaHandler {
  const { db, coversDir, maxTranscodeCacheBytes } = options
  const transcodeDir =
    options.transcodeDir === undefined
      ? coversDir === undefined
        ? null
        : defaultTranscodeDir(coversDir)
      : options.transcodeDir
  const tracks = new TrackRepository(db)
  const roots = new RootRepository(db)
  const covers = new CoverRepository(db)

  async function serveTrack(request: Request, rawId: string, decoded: boolean): Promise<Response> {
    const id = decodeSegment(rawId)
    if (id === null || !TRACK_ID.test(id) || !Number.isSafeInteger(Number(id))) {
      return plain(request, 400, 'That is not a valid track id.')
    }
    const track = tracks.playback(Number(id))
    if (!track) return plain(request, 404, 'There is no such track in the library.')
    if (track.missingSince !== null) {
      return plain(request, 404, FILE_MISSING)
    }
    if (track.scannedAt === null) {
      return plain(request, 404, 'This song has not been scanned yet, so it cannot be played.')
    }
    const contentType = isAudioFormat(track.format) ? CONTENT_TYPES[track.format] : null
    if (contentType === null) {
      return plain(request, 404, 'This file is not in an audio format Attune can play.')
    }
    const realFile = await realpathOrNull(track.path)
    if (realFile === null) {
      return plain(request, 404, FILE_MISSING)
    }
    const realRoots = await Promise.all(roots.list().map((root) => realpathOrNull(root.path)))
    if (!realRoots.some((root) => root !== null && isInside(root, realFile))) {
      return plain(
        request,
        403,
        'This file is outside your library folders, so Attune will not serve it.',
      )
    }
    if (
      transcodeDir !== null &&
      (decoded || (await needsPlaybackTranscode(realFile, track.format, track.codec)))
    ) {
      return serveTranscoded(request, realFile, transcodeDir)
    }
    return serveFile(request, realFile, contentType, AUDIO_CACHE_CONTROL)
  }

  /** ALAC and AIFF: the cached WAV copy is just another file to stream, Ranges and all. */
  async function serveTranscoded(
    request: Request,
    realFile: string,
    cacheDir: string,
  ): Promise<Response> {
    // Two tries: another track's transcode may evict this copy between its lookup and its opening.
    for (let attempt = 1; ; attempt++) {
      let wavFile: string
      try {
        wavFile = await transcodeToWav(realFile, cacheDir, {
          maxCacheBytes: maxTranscodeCacheBytes,
        })
      } catch (error) {
        if ((await realpathOrNull(realFile)) === null) return plain(request, 404, FILE_MISSING)
        return plain(
          request,
          500,
          `This file could not be converted for playback: ${errorMessage(error)}`,
        )
      }
      const response = await serveFile(request, wavFile, CONTENT_TYPES.wav, AUDIO_CACHE_CONTROL)
      if (response.status !== 404 || attempt === 2) return response
    }
  }

  async function serveCover(request: Request, rawId: string): Promise<Response> {
    const id = decodeSegment(rawId)
    if (id === null || !COVER_ID.test(id))
      return plain(request, 400, 'That is not a valid cover id.')
    if (coversDir === undefined) return plain(request, 404, 'There is no such cover.')
    const cover = covers.byId(id)
    if (!cover) return plain(request, 404, 'There is no such cover.')
    // The file column must name a file directly inside the covers folder.
    if (
      cover.file === '' ||
      basename(cover.file) !== cover.file ||
      cover.file === '..' ||
      cover.file === '.'
    ) {
      return plain(request, 403, 'This cover is not inside the covers folder.')
    }
    const realDir = await realpathOrNull(coversDir)
    const realFile = await realpathOrNull(join(coversDir, cover.file))
    if (realDir === null || realFile === null)
      return plain(request, 404, 'This cover’s image file is missing.')
    if (!isInside(realDir, realFile))
      return plain(request, 403, 'This cover is not inside the covers folder.')
    const contentType = /^image\/[a-z0-9.+-]+$/i.test(cover.mime)
      ? cover.mime
      : 'application/octet-stream'
    return serveFile(request, realFile, contentType, COVER_CACHE_CONTROL)
  }

  return async function handleMedia(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(request, 405, 'Only GET and HEAD are allowed here.', { Allow: ALLOWED_METHODS })
    }
    try {
      const url = new URL(request.url)
      // host + path, so `attune-media://media/12` (host "media") and `http://h/x/media/12` both route.
      const segments = `${url.host}${url.pathname}`.split('/')
      const route = segments[segments.length - 2]
      const rawId = segments[segments.length - 1] ?? ''
      // `?decode=1`: the engine's own decode as WAV, for a file the browser's demuxer refused.
      if (route === 'media')
        return await serveTrack(request, rawId, url.searchParams.get('decode') === '1')
      if (route === 'covers') return await serveCover(request, rawId)
      return plain(request, 404, 'Nothing is served at this address.')
    } catch (error) {
      return plain(request, 500, `Attune could not read this file: ${errorMessage(error)}`)
    }
  }
}

/**
 * Streams `realFile` (or the requested part of it) without reading it whole. The file is opened
 * once and its size taken from the open handle, so the length we announce is the length we send.
 */
async function serveFile(
  request: Request,
  realFile: string,
  contentType: string,
  cacheControl: string,
): Promise<Response> {
  // O_NOFOLLOW: the path was resolved already; refuse a symlink swapped in since (absent on Windows).
  const handle = await open(realFile, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0)).catch(
    (error: unknown) => {
      if (isNotFound(error)) return null
      throw error
    },
  )
  if (handle === null) return plain(request, 404, 'This file is missing.')
  let handedOver = false
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) return plain(request, 404, 'This is not a file.')
    const size = stats.size
    const etag = `"${size.toString(16)}-${Math.trunc(stats.mtimeMs).toString(16)}"`
    const lastModified = stats.mtime.toUTCString()
    const headers: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      'Content-Type': contentType,
      'Cache-Control': cacheControl,
      ETag: etag,
      'Last-Modified': lastModified,
      'X-Content-Type-Options': 'nosniff',
    }

    const ifNoneMatch = request.headers.get('If-None-Match')
    if (ifNoneMatch !== null && etagListMatches(ifNoneMatch, etag)) {
      return new Response(null, { status: 304, headers })
    }

    // If-Range (RFC 9110 §13.1.5): a range asked against an older version gets the whole new one.
    const ifRange = request.headers.get('If-Range')
    const rangeStillValid = ifRange === null || ifRange === etag || ifRange === lastModified
    const range = parseRange(rangeStillValid ? request.headers.get('Range') : null, size)

    if (range.kind === 'unsatisfiable') {
      return plain(request, 416, 'The requested part of the file lies beyond its end.', {
        'Accept-Ranges': 'bytes',
        'Content-Range': `bytes */${size}`,
      })
    }

    let status = 200
    let start = 0
    let end = size - 1
    if (range.kind === 'partial') {
      status = 206
      start = range.range.start
      end = range.range.end
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    }
    const length = end - start + 1
    headers['Content-Length'] = String(length)

    if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers })

    // autoClose (the default) closes the handle when the stream ends or the reader cancels.
    const nodeStream = handle.createReadStream({ start, end })
    handedOver = true
    const body = Readable.toWeb(nodeStream) as unknown as ReadableStream<Uint8Array>
    return new Response(body, { status, headers })
  } finally {
    if (!handedOver) await handle.close()
  }
}

function plain(
  request: Request,
  status: number,
  message: string,
  extra: Record<string, string> = {},
): Response {
  const headers = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...extra,
  }
  return new Response(request.method === 'HEAD' ? null : message, { status, headers })
}

/** `…/library-covers` → `…/library-playback`: the playback copies sit beside the covers. */
export function defaultTranscodeDir(coversDir: string): string {
  const name = basename(coversDir)
  const stem = name.endsWith('-covers') ? name.slice(0, -'-covers'.length) : name
  return join(dirname(coversDir), `${stem}-playback`)
}

/** Percent-decodes one path segment; null when the encoding is broken. */
function decodeSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

/** True when `child` lies strictly inside `parent` (both already resolved by realpath). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path)
  } catch (error) {
    if (isNotFound(error)) return null
    throw error
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return (
    code === 'ENOENT' ||
    code === 'ENOTDIR' ||
    code === 'ELOOP' ||
    code === 'EACCES' ||
    code === 'EPERM'
  )
}

function etagListMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}

function isAudioFormat(format: string | null): format is AudioFormat {
  return format !== null && Object.hasOwn(CONTENT_TYPES, format)
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
