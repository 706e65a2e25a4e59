// A song's lyrics, read when the now-playing view asks (never at scan time): the file's own tags
// (ID3 USLT/SYLT, Vorbis/FLAC LYRICS, MP4 ©lyr, through music-metadata) or a sidecar beside it with
// the same base name (`.lrc`, then `.txt`). Synced lyrics win over plain ones wherever they are.
// Anything missing, too large or unreadable is simply "no lyrics".
import { open } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import type * as MusicMetadata from 'music-metadata'
import { parseLrc, type Lyrics, type LyricsLine, type LyricsSource } from '../../shared/lyrics'

/** A sidecar larger than this is not lyrics (the longest LRC files are a few tens of KB). */
export const SIDECAR_MAX_BYTES = 512 * 1024
/** music-metadata's TimestampFormat.milliseconds (SYLT). */
const MILLISECONDS = 2

type Found = Omit<Lyrics, 'source'> & { source: LyricsSource }

let musicMetadata: Promise<typeof MusicMetadata> | null = null

/** The lyrics of the audio file at `path`, or null when it has none that can be read. */
export async function readLyrics(path: string): Promise<Lyrics | null> {
  const base = join(dirname(path), basename(path, extname(path)))
  const found: Found[] = []
  const lrc = await readSidecar(`${base}.lrc`)
  if (lrc !== null) found.push({ ...parseLrc(lrc), source: 'lrc' })
  if (!found.some((f) => f.synced && f.lines.length > 0)) found.push(...(await readEmbedded(path)))
  if (!found.some((f) => f.lines.length > 0)) {
    const txt = await readSidecar(`${base}.txt`)
    if (txt !== null) found.push({ ...parseLrc(txt), source: 'txt' })
  }
  const usable = found.filter((f) => f.lines.some((line) => line.text.trim() !== ''))
  return usable.find((f) => f.synced) ?? usable[0] ?? null
}

/** A sidecar's text (UTF-8), or null when there is none, it is too large, or it cannot be read. */
async function readSidecar(path: string): Promise<string | null> {
  let handle
  try {
    handle = await open(path, 'r')
    const stat = await handle.stat()
    if (!stat.isFile() || stat.size > SIDECAR_MAX_BYTES) return null
    const bytes = Buffer.alloc(stat.size)
    const { bytesRead } = await handle.read(bytes, 0, stat.size, 0)
    return bytes.subarray(0, bytesRead).toString('utf8')
  } catch {
    return null
  } finally {
    await handle?.close().catch(() => undefined)
  }
}

/**
 * Tags that hold lyrics as text, LRC or plain (Vorbis/FLAC LYRICS and UNSYNCEDLYRICS, MP4 ©lyr,
 * APEv2 Lyrics, ASF WM/Lyrics), by their id in upper case. Their raw text is parsed with parseLrc:
 * music-metadata's own LRC parse keeps only a line's first stamp (the rest stays in the words) and
 * ignores `[offset]`.
 */
const TEXT_LYRICS_TAGS = new Set(['LYRICS', 'UNSYNCEDLYRICS', '©LYR', 'WM/LYRICS'])
/** ID3 frames with lyrics as a structure (text, or lines with their time). */
const ID3_LYRICS_FRAMES = new Set(['USLT', 'SYLT', 'ULT', 'SLT'])

/** The lyrics in the file's tags, each tag as one candidate. */
async function readEmbedded(path: string): Promise<Found[]> {
  try {
    musicMetadata ??= import('music-metadata')
    const { parseFile } = await musicMetadata
    const metadata = await parseFile(path, { skipCovers: true, duration: false })
    const out: Found[] = []
    for (const tags of Object.values(metadata.native)) {
      for (const tag of tags) {
        if (typeof tag.value === 'string' && TEXT_LYRICS_TAGS.has(tag.id.toUpperCase())) {
          out.push({ ...parseLrc(tag.value), source: 'embedded' })
        } else if (ID3_LYRICS_FRAMES.has(tag.id) && typeof tag.value === 'object' && tag.value) {
          const found = fromId3(tag.value as MusicMetadata.ILyricsTag)
          if (found) out.push(found)
        }
      }
    }
    return out
  } catch {
    return []
  }
}

/** USLT (text, maybe LRC) or SYLT (lines with their time in milliseconds or MPEG frames). */
function fromId3(tag: MusicMetadata.ILyricsTag): Found | null {
  // Typed as always there, but USLT frames come without it.
  const syncText = (tag.syncText as typeof tag.syncText | undefined) ?? []
  if (syncText.length > 0 && tag.timeStampFormat === MILLISECONDS) {
    const lines: LyricsLine[] = syncText
      .filter((s) => typeof s.timestamp === 'number')
      .map((s) => ({ time: (s.timestamp as number) / 1000, text: s.text.trim() }))
      .sort((a, b) => a.time - b.time)
    return { synced: lines.length > 0, lines, source: 'embedded' }
  }
  if (tag.text) return { ...parseLrc(tag.text), source: 'embedded' }
  if (syncText.length > 0) {
    // Synced by MPEG frame: the words without the timing.
    return {
      synced: false,
      lines: syncText.map((s) => ({ time: null, text: s.text })),
      source: 'embedded',
    }
  }
  return null
}
