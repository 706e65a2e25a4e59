// Label import: "everything in liked.m3u is liked" (and, optionally, "every other track of those
// albums is not"). Labels are written as `label_import` events in one transaction, so they can be
// undone and the model rebuilt from them; an imported "not" never excludes a song from auto-queue.
import { readFileSync, realpathSync } from 'node:fs'
import { basename, dirname, extname, relative, resolve } from 'node:path'
import type { Database } from '../db/database'
import { EventLog } from '../events'
import type { Mark } from '../../shared/domain'
import { LabelFileError, parseLabelCsv, parsePlaylist, type LabelLine } from './label-files'

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
  unmatched: { line: number; path: string }[]
}

interface TrackRow {
  id: number
  path: string
  album: string | null
  albumArtist: string | null
  artist: string | null
}

export function importLabels(db: Database, options: LabelImportOptions): LabelImportResult {
  const file = resolve(options.file)
  const text = readFileSync(file, 'utf8')
  const base = dirname(file)
  const ext = extname(file).toLowerCase()
  let lines: LabelLine[]
  if (ext === '.m3u' || ext === '.m3u8') {
    if (!options.as)
      throw new LabelFileError('Say which label the playlist gives: --as like|love|near-miss|not')
    lines = parsePlaylist(text, base, options.as)
  } else if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    lines = parseLabelCsv(text, base, options.as ?? null)
  } else {
    throw new LabelFileError(
      `Attune reads labels from .m3u, .m3u8 and .csv files, not '${ext || basename(file)}'.`,
    )
  }

  const tracks = db
    .prepare(`SELECT id, path, album, album_artist AS albumArtist, artist FROM tracks`)
    .all() as TrackRow[]
  const byPath = new Map(tracks.map((t) => [t.path, t]))
  const roots = (db.prepare(`SELECT path FROM roots`).all() as { path: string }[]).map(
    (r) => r.path,
  )
  const find = (path: string): TrackRow | undefined => {
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
  const matched: TrackRow[] = []
  const unmatched: LabelImportResult['unmatched'] = []
  for (const line of lines) {
    const track = find(line.path)
    if (!track) unmatched.push({ line: line.line, path: line.path })
    else {
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
    const log = new EventLog(db)
    const source = `import:${basename(file)}`
    db.transaction(() => {
      for (const [trackId, mark] of labels) log.importLabel(trackId, mark, source)
    })()
  }
  return { file, labelled: labels.size, byMark, othersNot, unmatched }
}

/** Tracks of one album: same album (and album artist, else artist), or the same folder when untagged. */
function albumKey(track: TrackRow): string {
  return track.album
    ? `${track.albumArtist ?? track.artist ?? ''}\u0000${track.album}`
    : `dir:${dirname(track.path)}`
}
