// Reading label files: playlists (M3U/M3U8: "everything in liked.m3u is liked") and CSV
// (`path,label`). Pure parsing; matching paths to tracks happens in label-import.ts.
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseMark, type Mark } from '../../shared/domain'
import { UserError } from '../../shared/errors'
import { parseCsv } from '../../shared/csv'

export interface LabelLine {
  /** 1-based line number in the file, for error messages. */
  line: number
  path: string
  mark: Mark
}

export class LabelFileError extends UserError {
  override name = 'LabelFileError'
}

/**
 * The text of a playlist or label list, which must be UTF-8 (with or without a byte-order mark).
 * UTF-16, Latin-1 and binary files are refused with what to do, rather than read as thousands of
 * garbled entries.
 */
export function decodeListText(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new LabelFileError(
      'This file is saved as UTF-16 text. Save it as UTF-8 (most editors offer it under “Save as… → Encoding”) and import it again.',
    )
  }
  if (bytes.includes(0)) {
    throw new LabelFileError('This is not a text file, so it cannot be a playlist or a label list.')
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    throw new LabelFileError(
      'This file is not UTF-8 text (it may be Latin-1 or Windows-1252). Save it as UTF-8 (most editors offer it under “Save as… → Encoding”) and import it again.',
    )
  }
}

export { parseMark } from '../../shared/domain'

/** An M3U or M3U8 playlist (#EXTM3U or plain), every entry labelled `mark`. Paths resolve against the playlist's folder. */
export function parsePlaylist(text: string, baseDir: string, mark: Mark): LabelLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const out: LabelLine[] = []
  lines.forEach((raw, i) => {
    const entry = raw.trim()
    if (!entry || entry.startsWith('#')) return
    out.push({ line: i + 1, path: toPath(entry, baseDir), mark })
  })
  return out
}

/**
 * CSV with a path and a label per line (`path,label`; a header line is skipped; fields may be
 * quoted with "", as spreadsheets write them). `fallback` labels lines that have a path only.
 */
export function parseLabelCsv(text: string, baseDir: string, fallback: Mark | null): LabelLine[] {
  const out: LabelLine[] = []
  const rows = parseCsv(text.replace(/^\uFEFF/, ''))
  rows.forEach(({ line, fields }, index) => {
    const [path = '', label = ''] = fields
    if (!path.trim()) return
    const mark = label.trim() ? parseMark(label) : fallback
    if (index === 0 && mark === null && /^(path|file|filename)$/i.test(path.trim())) return
    if (mark === null) {
      throw new LabelFileError(
        `Line ${line} has ${label ? 'a label Attune does not know' : 'no label'}. Use like, love, near-miss or not${
          fallback ? '' : ', or give --as'
        }.`,
      )
    }
    out.push({ line, path: toPath(path.trim(), baseDir), mark })
  })
  return out
}

/**
 * The file an entry names. A web address (http://…, rtsp://…) names no file on this computer: it
 * is kept as written, so it never matches a track and is never read as a relative path.
 */
function toPath(entry: string, baseDir: string): string {
  if (/^file:\/\//i.test(entry)) {
    try {
      return fileURLToPath(entry)
    } catch {
      return entry
    }
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(entry)) return entry
  const normalised = process.platform === 'win32' ? entry : entry.replace(/\\/g, '/')
  return isAbsolute(normalised) ? resolve(normalised) : resolve(baseDir, normalised)
}
