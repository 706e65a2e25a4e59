// Label import: "everything in liked.m3u is liked" (and, optionally, "every other track of those
// albums is not"). Labels are written as `label_import` events in one transaction, so they can be
// undone and the model rebuilt from them; an imported "not" never excludes a song from auto-queue.
import { realpathSync } from 'node:fs'
import { basename, dirname, extname, relative, resolve } from 'node:path'
import type { Database } from '../db/database'
import { EventLog } from '../db/events'
import { TasteLibrary, type SongToMatch } from '../db/taste-library'
import type { Mark } from '../../shared/domain'
import { MAX_LIST_FILE_BYTES, readUserFile } from '../files'
import { isAudioCandidate } from '../library/sniff'
import {
  decodeListText,
  LabelFileError,
  parseLabelCsv,
  parsePlaylist,
  type LabelLine,
} from './label-files'

/** At most this many unmatched entries come back (their total is in `unmatchedCount`). */
export const MAX_UNMATCHED_LISTED = 100

export interface LabelImportOptions {
  file: string
  /** The label for playlists, and for CSV lines without one. */
  as?: Mark
  /** Also label every other track of the same albums as not (the seed's weak negatives). */
  othersInAlbumsNot?: boolean
  /** Parse and match, but write nothing. */
  dryRun?: boolean
}

export interface LabelImportResult {
  file: string
  labelled: number
  byMark: Partial<Record<Mark, number>>
  othersNot: number
  /** Song files the library does not hold (the first MAX_UNMATCHED_LISTED). */
  unmatched: { line: number; path: string }[]
  unmatchedCount: number
  /** Entries that name no song file (web addresses, other kinds of files); never listed. */
  ignored: number
}

export async function importLabels(
  db: Database,
  options: LabelImportOptions,
): Promise<LabelImportResult> {
  const file = resolve(options.file)
  const base = dirname(file)
  const ext = extname(file).toLowerCase()
  const playlist = ext === '.m3u' || ext === '.m3u8'
  if (!playlist && ext !== '.csv' && ext !== '.tsv' && ext !== '.txt') {
    throw new LabelFileError(
      `Attune reads labels from .m3u, .m3u8 and .csv files, not '${ext || basename(file)}'.`,
    )
  }
  if (playlist && !options.as)
    throw new LabelFileError('Say which label the playlist gives: --as like|love|near-miss|not')
  // Checked by kind and size, then read asynchronously: /dev/zero or a huge file never blocks.
  const text = decodeListText(
    await readUserFile(file, 'the playlist or label list', MAX_LIST_FILE_BYTES),
  )
  const parsed: LabelLine[] =
    playlist && options.as
      ? parsePlaylist(text, base, options.as)
      : parseLabelCsv(text, base, options.as ?? null)
  // Only entries naming a song file count; the rest (web addresses, other files) are never echoed
  // back, and a file made mostly of them is not a playlist at all (e.g. some text file renamed).
  const lines = parsed.filter((line) => isAudioCandidate(line.path) && !isWebAddress(line.path))
  const ignored = parsed.length - lines.length
  if (ignored > 0 && ignored * 2 > parsed.length) {
    throw new LabelFileError(
      `This does not look like a playlist or a list of songs: ${ignored} of its ${parsed.length} entries name no song file on this computer. Nothing was labelled.`,
    )
  }

  const library = new TasteLibrary(db)
  const tracks = library.songsToMatch()
  const byPath = new Map(tracks.map((t) => [t.path, t]))
  const roots = library.folderPaths()
  const find = (path: string): SongToMatch | undefined => {
    const direct = byPath.get(path)
    if (direct) return direct
    try {
      const real = byPath.get(realpathSync(path))
      if (real) return real
    } catch {
      // Not on this disk under that name: try it as a path relative to a library folder.
    }
    for (const root of roots) {
      const rel = relative(base, path)
      const candidate = byPath.get(resolve(root, rel))
      if (candidate && !rel.startsWith('..')) return candidate
    }
    return undefined
  }

  const labels = new Map<number, Mark>()
  const matched: SongToMatch[] = []
  const unmatched: LabelImportResult['unmatched'] = []
  let unmatchedCount = 0
  for (const line of lines) {
    const track = find(line.path)
    if (!track) {
      unmatchedCount += 1
      if (unmatched.length < MAX_UNMATCHED_LISTED)
        unmatched.push({ line: line.line, path: line.path })
    } else {
      labels.set(track.id, line.mark)
      matched.push(track)
    }
  }

  let othersNot = 0
  if (options.othersInAlbumsNot) {
    const albums = new Set(matched.map(albumKey))
    for (const track of tracks) {
      if (!labels.has(track.id) && albums.has(albumKey(track))) {
        labels.set(track.id, 'not_for_me')
        othersNot++
      }
    }
  }

  const byMark: Partial<Record<Mark, number>> = {}
  for (const mark of labels.values()) byMark[mark] = (byMark[mark] ?? 0) + 1
  if (!options.dryRun) {
    const source = `import:${basename(file)}`
    new EventLog(db).appendAll(
      [...labels].map(([trackId, mark]) => ({ kind: 'label_import', trackId, mark, source })),
    )
  }
  return { file, labelled: labels.size, byMark, othersNot, unmatched, unmatchedCount, ignored }
}

/** Tracks of one album: same album (and album artist, else artist), or the same folder when untagged. */
function albumKey(track: SongToMatch): string {
  return track.album
    ? `${track.albumArtist ?? track.artist ?? ''}\u0000${track.album}`
    : `dir:${dirname(track.path)}`
}

/** http://…, rtsp://… and the like: streams, not files on this computer. */
function isWebAddress(path: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(path)
}
