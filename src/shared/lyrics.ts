// Lyrics as the now-playing view shows them: plain lines, or lines with the time they are sung at.
// Pure: the engine reads the tags and sidecar files (src/main/library/lyrics.ts) and parses with
// this; the renderer finds the line being sung with lineAt.

export interface LyricsLine {
  /** Seconds into the song; null in unsynced lyrics. */
  time: number | null
  text: string
}

/** Where the lyrics came from: the file's own tags, or a file beside it. */
export type LyricsSource = 'embedded' | 'lrc' | 'txt'

export interface Lyrics {
  /** Every line has a time, in order. */
  synced: boolean
  lines: LyricsLine[]
  source: LyricsSource
}

/** `[mm:ss]`, `[mm:ss.x]`, `[mm:ss.xx]`, `[mm:ss.xxx]` (also `:` before the fraction). */
const STAMP = /^\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/
/** `[offset:+250]` and the other ID tags (`[ar:…]`, `[ti:…]`, `[length:…]`, …). */
const ID_TAG = /^\[([a-z#]+):([^\]]*)\]\s*$/i
/** Word timing of enhanced LRC, `<mm:ss.xx>`, dropped from the text. */
const WORD_STAMP = /<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>/g

function stampSeconds(minutes: string, seconds: string, fraction: string | undefined): number {
  return Number(minutes) * 60 + Number(seconds) + (fraction ? Number(`0.${fraction}`) : 0)
}

/**
 * Parses LRC text: every timestamp of a line gives that line at that time (a chorus written once
 * with several stamps comes back at each), `[offset:±ms]` moves every line (a positive offset shows
 * them sooner), ID tags are dropped. Text without a single timestamp is unsynced lyrics, its lines
 * kept as written (blank lines between verses included, leading and trailing ones dropped).
 */
export function parseLrc(text: string): { synced: boolean; lines: LyricsLine[] } {
  const rows = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  let offsetSeconds = 0
  const timed: { time: number; order: number; text: string }[] = []
  const plain: string[] = []
  for (const raw of rows) {
    const row = raw.trim()
    const tag = ID_TAG.exec(row)
    if (tag && !STAMP.test(row)) {
      if (tag[1]!.toLowerCase() === 'offset') {
        const ms = Number(tag[2]!.trim())
        if (Number.isFinite(ms)) offsetSeconds = ms / 1000
      }
      continue
    }
    let rest = row
    const times: number[] = []
    for (let m = STAMP.exec(rest); m; m = STAMP.exec(rest)) {
      times.push(stampSeconds(m[1]!, m[2]!, m[3]))
      rest = rest.slice(m[0].length).trimStart()
    }
    const words = rest.replace(WORD_STAMP, '').replace(/\s+/g, ' ').trim()
    if (times.length === 0) plain.push(raw.trimEnd())
    else for (const time of times) timed.push({ time, order: timed.length, text: words })
  }
  if (timed.length > 0) {
    timed.sort((a, b) => a.time - b.time || a.order - b.order)
    return {
      synced: true,
      lines: timed.map((t) => ({ time: Math.max(0, t.time - offsetSeconds), text: t.text })),
    }
  }
  while (plain.length > 0 && plain[0]!.trim() === '') plain.shift()
  while (plain.length > 0 && plain[plain.length - 1]!.trim() === '') plain.pop()
  return { synced: false, lines: plain.map((line) => ({ time: null, text: line })) }
}

/**
 * The index of the line being sung at `seconds`: the last one whose time has come, -1 before the
 * first. Binary search: lines are in time order (parseLrc sorts them).
 */
export function lineAt(lines: readonly LyricsLine[], seconds: number): number {
  let lo = 0
  let hi = lines.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const time = lines[mid]!.time
    if (time !== null && time <= seconds) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}
