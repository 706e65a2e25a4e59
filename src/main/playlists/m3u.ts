// M3U8 playlists: reading (UTF-8 with or without a byte-order mark, CRLF or LF line ends,
// #EXTM3U and #EXTINF lines, relative or absolute paths or file:// addresses) and writing (UTF-8,
// LF, #EXTM3U with #EXTINF per entry, paths relative to the playlist file's folder).
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface M3uEntry {
  /** 1-based line of the entry's location, for messages. */
  line: number
  /** The location as written (a path, relative or absolute, or an address). */
  location: string
  /** From the #EXTINF line before it, if any. */
  title: string | null
  /** Seconds, from #EXTINF (null when absent or -1, "unknown"). */
  duration: number | null
}

/** The entries of an M3U or M3U8 text, in order. */
export function parseM3u(text: string): M3uEntry[] {
  const entries: M3uEntry[] = []
  let info: { title: string | null; duration: number | null } | null = null
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((raw, i) => {
      const line = raw.trim()
      if (!line) return
      if (line.startsWith('#')) {
        const extinf = /^#EXTINF:\s*(-?[\d.]+)?[^,]*(?:,(.*))?$/i.exec(line)
        if (extinf) {
          const seconds = extinf[1] === undefined ? NaN : Number(extinf[1])
          info = {
            duration: Number.isFinite(seconds) && seconds >= 0 ? seconds : null,
            title: extinf[2]?.trim() || null,
          }
        }
        return
      }
      entries.push({
        line: i + 1,
        location: line,
        title: info?.title ?? null,
        duration: info?.duration ?? null,
      })
      info = null
    })
  return entries
}

/** http://…, rtsp://… and the like: streams, not files on this computer. */
export function isWebAddress(location: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(location) && !/^file:\/\//i.test(location)
}

/**
 * The file an entry names: a file:// address as its path, an absolute path as it is, a relative
 * one against `baseDir` (the playlist file's folder). Without `baseDir` (an uploaded playlist,
 * whose folder is unknown) a relative path is returned relative, with / separators.
 */
export function entryPath(location: string, baseDir: string | null): string {
  if (/^file:\/\//i.test(location)) {
    try {
      return fileURLToPath(location)
    } catch {
      return location
    }
  }
  const normalised = sep === '\\' ? location : location.replace(/\\/g, '/')
  if (isAbsolute(normalised)) return resolve(normalised)
  return baseDir === null ? normalised.replace(/^(\.\/)+/, '') : resolve(baseDir, normalised)
}

export interface M3uWriteEntry {
  path: string
  title: string | null
  artist: string | null
  duration: number | null
}

/**
 * An M3U8 text: #EXTM3U, the playlist's name, then #EXTINF and the path of each entry; paths
 * relative to `baseDir` (the folder the file is written to), absolute without one (a download).
 */
export function formatM3u(
  name: string,
  entries: readonly M3uWriteEntry[],
  baseDir: string | null,
): string {
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(name)}`]
  for (const entry of entries) {
    const seconds = entry.duration === null ? -1 : Math.round(entry.duration)
    const label = [entry.artist, entry.title].filter((x) => x).join(' - ')
    lines.push(`#EXTINF:${seconds},${oneLine(label)}`)
    lines.push(baseDir === null ? entry.path : relativePath(baseDir, entry.path))
  }
  return lines.join('\n') + '\n'
}

/** `path` relative to `baseDir` when it is an absolute path on the same disk, else as it is. */
function relativePath(baseDir: string, path: string): string {
  if (!isAbsolute(path)) return path
  const rel = relative(baseDir, path)
  return rel === '' || isAbsolute(rel) ? path : rel
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}
