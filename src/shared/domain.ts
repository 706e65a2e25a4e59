// Domain types shared by the engine, the contract and the renderer. No Node, no DOM.

export const AUDIO_FORMATS = ['mp3', 'flac', 'ogg', 'opus', 'm4a', 'wav', 'aiff'] as const
export type AudioFormat = (typeof AUDIO_FORMATS)[number]

export interface Track {
  id: number
  rootId: number | null
  path: string
  size: number
  mtimeMs: number
  format: AudioFormat | null
  codec: string | null
  sampleRate: number | null
  channels: number | null
  bitsPerSample: number | null
  bitrate: number | null
  lossless: boolean | null
  duration: number | null
  title: string | null
  artist: string | null
  album: string | null
  albumArtist: string | null
  genre: string | null
  year: number | null
  trackNo: number | null
  trackTotal: number | null
  discNo: number | null
  discTotal: number | null
  replayGain: {
    trackGain: number | null
    trackPeak: number | null
    albumGain: number | null
    albumPeak: number | null
  }
  coverId: string | null
  addedAt: number
  scannedAt: number | null
  missingSince: number | null
  error: string | null
  /**
   * Which of title, artist and album the file's tags lack: those shown were made from the file
   * name and the folders (src/shared/folder-tags.ts).
   */
  derived: DerivedTags
}

export interface DerivedTags {
  title: boolean
  artist: boolean
  album: boolean
}

export interface Root {
  id: number
  path: string
  addedAt: number
  /** The folder is not there now (an unplugged drive): its songs are kept, shown as missing. */
  offline?: true
}

/** The marks a listener can set. `none` is an unmark. */
export const MARKS = ['like', 'love', 'near_miss', 'not_for_me'] as const
export type Mark = (typeof MARKS)[number]

/** The words a mark may be given in (files, the command line), to its mark. */
const MARK_ALIASES: Record<string, Mark> = {
  like: 'like',
  liked: 'like',
  love: 'love',
  loved: 'love',
  'near-miss': 'near_miss',
  near_miss: 'near_miss',
  nearmiss: 'near_miss',
  almost: 'near_miss',
  not: 'not_for_me',
  'not-for-me': 'not_for_me',
  not_for_me: 'not_for_me',
  dislike: 'not_for_me',
}

/** A mark from its name or one of its aliases (`love`, `near-miss`, `not`…), or null. */
export function parseMark(text: string): Mark | null {
  const key = text.trim().toLowerCase()
  return MARK_ALIASES[key] ?? ((MARKS as readonly string[]).includes(key) ? (key as Mark) : null)
}

export type MarkOrNone = Mark | 'none'

/** Why a play ended. A skip is a play end whose reason is `next` or `picked`; it is never logged twice. */
/**
 * How a play ended. 'turned_down': the listener marked the playing song "not for me" and the player
 * moved on; the mark is the reaction, so this end is never counted as a skip as well.
 */
export const END_REASONS = [
  'ended',
  'next',
  'previous',
  'picked',
  'error',
  'quit',
  'turned_down',
] as const
export type EndReason = (typeof END_REASONS)[number]

export const EVENT_KINDS = [
  'play_start',
  'play_progress',
  'play_end',
  'mark',
  'label_import',
  'auto_pick',
  /** The player could not play the track's file (even decoded by the engine); data: the reason, size and mtime. */
  'unplayable',
  /** A "never play" rule added or taken back; no track (data: src/shared/exclusions.ts). */
  'exclusion',
  /**
   * The player never took a re-rank's replacement (data: its auto_pick event's `pickId` and
   * `pickTs`, the pick found by the event's track and that time; and why, DECLINE_REASONS in
   * src/shared/live-queue.ts): the pick log leaves that pick out (docs/live-queue.md).
   */
  'pick_declined',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export function isSkip(reason: EndReason | null | undefined): boolean {
  return reason === 'next' || reason === 'picked'
}

/** A track's current label, derived from its latest mark or label import. */
export interface TrackLabel {
  trackId: number
  mark: Mark
  /** `mark` for a listener's own mark, `import` for an imported label. */
  origin: 'mark' | 'import'
  ts: number
}

export type ScanPhase = 'walking' | 'reading' | 'finishing' | 'done'

/** Progress of a scan, pushed as it goes. */
export interface ScanProgress {
  phase: ScanPhase
  /** Audio candidates found so far. */
  seen: number
  /** Files read (new or changed) or confirmed unchanged. */
  done: number
  failed: number
  /** Seconds left, once it can be estimated. */
  etaSeconds: number | null
  currentPath: string | null
}

export interface ScanSummary {
  roots: string[]
  seen: number
  added: number
  updated: number
  unchanged: number
  moved: number
  missing: number
  failed: { path: string; error: string }[]
  elapsedMs: number
}

/** Progress of the background audio analysis, pushed as it goes. */
export interface AnalysisProgress {
  total: number
  done: number
  failed: number
  etaSeconds: number | null
  currentPath: string | null
}

export interface AnalysisResult {
  space: string
  total: number
  analysed: number
  failed: { path: string; error: string }[]
  elapsedMs: number
}

/** An analysis run's result with the seconds of audio it analysed. */
export interface AnalysisSummary extends AnalysisResult {
  audioSeconds: number
}
