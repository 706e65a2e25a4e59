// Playlist files: M3U8 export (written beside the songs with relative paths, or a download's text)
// and M3U/M3U8 import (a file on this computer, or an upload's text), matching entries to songs.
// Loaded by the engine when first used (it reads and writes files; the rest of playlists does not).
import { realpathSync } from 'node:fs'
import { rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path'
import type { StoredEntry } from '../db/playlists'
import { UserError } from '../../shared/errors'
import type { Playlist, PlaylistExport, PlaylistImportSummary } from '../../shared/playlists'
import { MAX_LIST_FILE_BYTES, readUserFile } from '../files'
import { isAudioCandidate } from '../library/sniff'
import { decodeListText } from '../taste/label-files'
import { entryPath, formatM3u, isWebAddress, parseM3u } from './m3u'
import type { PlaylistService } from './service'

/** At most this many missing entries are listed back after an import (all are kept). */
export const MAX_MISSING_LISTED = 100

export interface PlaylistImportRequest {
  /** A playlist file on this computer: relative entries resolve against its folder. */
  path?: string
  /** Or its text (an upload), with the file's name: relative entries are matched inside the library. */
  text?: string
  fileName?: string
  /** The new playlist's name (default: the file's name; made unique). */
  name?: string
}

/**
 * The playlist as M3U8. With `file` (an .m3u8 or .m3u path on this computer) it is written there,
 * paths relative to the file's folder; without, the text alone comes back with absolute paths
 * (a download, whose folder is not known).
 */
export async function exportPlaylist(
  playlist: Playlist,
  file: string | null,
): Promise<PlaylistExport> {
  const target = file === null ? null : absoluteFile(file)
  const entries = playlist.entries.map((entry) => ({
    path: entry.path,
    title: entry.track?.title ?? entry.title,
    artist: entry.track ? (entry.track.artist ?? entry.track.albumArtist) : null,
    duration: entry.track?.duration ?? null,
  }))
  const text = formatM3u(playlist.name, entries, target === null ? null : dirname(target))
  if (target !== null) await writePlaylistFile(target, text)
  return {
    name: playlist.name,
    text,
    file: target,
    entries: entries.length,
    missing: playlist.missingCount,
  }
}

/**
 * Reads an M3U or M3U8 playlist into a new playlist. Entries the library holds become its songs;
 * the others are kept as missing entries (they come back when their file is scanned) and listed.
 * `roots`: the library folders.
 */
export async function importPlaylist(
  service: PlaylistService,
  request: PlaylistImportRequest,
  roots: readonly string[],
): Promise<PlaylistImportSummary> {
  let text: string
  let fileName: string
  let baseDir: string | null
  if (request.path !== undefined) {
    const file = absoluteFile(request.path)
    checkPlaylistExtension(file)
    text = decodeListText(await readUserFile(file, 'the playlist', MAX_LIST_FILE_BYTES))
    fileName = basename(file)
    baseDir = dirname(file)
  } else if (request.text !== undefined) {
    text = request.text.replace(/^\uFEFF/, '')
    fileName = basename(request.fileName ?? 'Imported playlist.m3u8')
    baseDir = null
  } else {
    throw new UserError('Give a playlist file, or its text.', 'bad-input')
  }

  const parsed = parseM3u(text).map((entry) => ({
    ...entry,
    path: isWebAddress(entry.location) ? null : entryPath(entry.location, baseDir),
  }))
  const songs = parsed.filter(
    (entry): entry is typeof entry & { path: string } =>
      entry.path !== null && isAudioCandidate(entry.path),
  )
  const ignored = parsed.length - songs.length
  if (ignored > 0 && ignored * 2 > parsed.length) {
    throw new UserError(
      `This does not look like a playlist: ${ignored} of its ${parsed.length} entries name no song file. Nothing was imported.`,
      'bad-input',
    )
  }

  const find = matcher(service.trackPaths(), roots, baseDir)
  const missing: PlaylistImportSummary['missing'] = []
  let missingCount = 0
  const stored: StoredEntry[] = []
  for (const entry of songs) {
    const trackId = find(entry.path)
    const [known] = trackId === null ? [] : service.storedFor([trackId])
    if (known) {
      stored.push(known)
      continue
    }
    missingCount++
    if (missing.length < MAX_MISSING_LISTED) missing.push({ line: entry.line, path: entry.path })
    stored.push({
      trackId: null,
      path: entry.path,
      fingerprint: null,
      title: entry.title,
      duration: entry.duration,
    })
  }
  const name = cleanName(request.name ?? fileName.replace(/\.m3u8?$/i, ''))
  return {
    playlist: service.saveImported(name, request.name !== undefined, stored),
    matched: stored.length - missingCount,
    missing,
    missingCount,
    ignored,
  }
}

/**
 * Finds the song an imported entry names: by its path (or the path its links lead to); else,
 * for a playlist written on another computer, by its path relative to the playlist's folder
 * under each library folder; else (a relative path whose folder is unknown, an upload) the song
 * whose path ends with it. A present song wins over a missing one.
 */
function matcher(
  tracks: readonly { id: number; path: string; missing: boolean }[],
  roots: readonly string[],
  baseDir: string | null,
): (path: string) => number | null {
  type Song = (typeof tracks)[number]
  const byPath = new Map(tracks.map((t) => [t.path, t]))
  const byName = new Map<string, Song[]>()
  for (const t of tracks) {
    const name = basename(t.path).toLowerCase()
    const list = byName.get(name)
    if (list) list.push(t)
    else byName.set(name, [t])
  }
  return (path) => {
    const candidates: Song[] = []
    const direct = byPath.get(path)
    if (direct) candidates.push(direct)
    if (isAbsolute(path)) {
      try {
        const real = byPath.get(realpathSync(path))
        if (real) candidates.push(real)
      } catch {
        // Not on this disk under that name.
      }
      const rel = baseDir === null ? null : relative(baseDir, path)
      if (rel !== null && !rel.startsWith('..')) {
        for (const root of roots) {
          const inRoot = byPath.get(resolve(root, rel))
          if (inRoot) candidates.push(inRoot)
        }
      }
    } else {
      const tail = path.replace(/^(\.\.\/)+/, '')
      for (const root of roots) {
        const inRoot = byPath.get(resolve(root, tail))
        if (inRoot) candidates.push(inRoot)
      }
      for (const t of byName.get(basename(tail).toLowerCase()) ?? []) {
        if (t.path.replace(/\\/g, '/').endsWith(`/${tail}`)) candidates.push(t)
      }
    }
    const best = candidates.find((t) => !t.missing) ?? candidates[0]
    return best?.id ?? null
  }
}

/** A playlist name from a file name: no line breaks, at most 200 characters. */
function cleanName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim().slice(0, 200)
  return clean || 'Imported playlist'
}

/** A path from the app must name its file in full: a relative one would land wherever the host runs. */
function absoluteFile(path: string): string {
  if (!isAbsolute(path)) {
    throw new UserError(
      `Give the playlist file's full path (from the top folder, like /home/me/Music/list.m3u8), not '${path}'.`,
      'bad-input',
    )
  }
  return resolve(path)
}

function checkPlaylistExtension(file: string): void {
  const ext = extname(file).toLowerCase()
  if (ext !== '.m3u8' && ext !== '.m3u') {
    throw new UserError(
      `Attune reads and writes playlists as .m3u8 (or .m3u) files, not '${ext || basename(file)}'.`,
      'bad-input',
    )
  }
}

/**
 * Writes a playlist file: only an .m3u8 or .m3u name, never over a folder or a device, in a folder
 * that exists; written to a temporary file first and renamed, so a cut write leaves the old file.
 */
async function writePlaylistFile(file: string, text: string): Promise<void> {
  checkPlaylistExtension(file)
  const folder = dirname(file)
  const into = await stat(folder).catch(() => null)
  if (!into?.isDirectory()) {
    throw new UserError(
      `There is no folder '${folder}' to write the playlist into.`,
      'file-missing',
    )
  }
  const existing = await stat(file).catch(() => null)
  if (existing && !existing.isFile()) {
    throw new UserError(
      `'${file}' is not an ordinary file; give a playlist file name.`,
      'bad-input',
    )
  }
  const temp = `${file}.${process.pid}.tmp`
  try {
    await writeFile(temp, text, 'utf8')
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new UserError(`Attune may not write '${file}' (permission denied).`, 'unreadable')
    }
    throw error
  }
}
