/**
 * Which parts of a track are analysed: a bounded amount of audio spread over the track,
 * so that an intro or an outro does not stand for the whole song, and a one-hour mix costs
 * no more to analyse than a four-minute song.
 *
 * One rule for every length: ANALYSED_SHARE of the track, at most MAX_ANALYSED_SECONDS, cut into
 * up to WINDOW_COUNT windows of at least MIN_WINDOW_SECONDS, each centred in its own equal part of
 * the track. A 10-minute track gets 4 × 15 s, a 1-minute one 3 × 10 s, a 30 s clip its middle
 * 15 s; a track of MIN_WINDOW_SECONDS or less is analysed whole. Measured on the fixture
 * soundtracks, the middle half of a 30 s clip separates them at least as well as all of it
 * (docs/features.md, "Quality").
 */

/** Length of the longest analysis window (a long track's). */
export const WINDOW_SECONDS = 15
/** How many windows a long track gets. */
export const WINDOW_COUNT = 4
/** The most audio analysed in any track. */
export const MAX_ANALYSED_SECONDS = WINDOW_SECONDS * WINDOW_COUNT
/** Share of a shorter track that is analysed. */
export const ANALYSED_SHARE = 0.5
/**
 * The shortest window. Each window's frames are analysed on their own, and the tempo estimate
 * needs onset periodicities up to 2 s (30 BPM) to repeat several times within one; and every
 * window reached by seeking costs a fresh decoder (~5 ms for MP3, FLAC and Vorbis, about what
 * decoding 1 s of audio costs).
 */
export const MIN_WINDOW_SECONDS = 10

export interface AnalysisWindow {
  /** Seconds from the start of the track. */
  start: number
  /** Seconds. */
  length: number
}

/** The windows to analyse in a track of this duration (seconds); deterministic. */
export function planWindows(durationSeconds: number): AnalysisWindow[] {
  if (!(durationSeconds > 0)) return []
  const budget = Math.min(
    MAX_ANALYSED_SECONDS,
    Math.max(Math.min(durationSeconds, MIN_WINDOW_SECONDS), ANALYSED_SHARE * durationSeconds),
  )
  if (budget >= durationSeconds) return [{ start: 0, length: durationSeconds }]
  const count = Math.max(1, Math.min(WINDOW_COUNT, Math.floor(budget / MIN_WINDOW_SECONDS)))
  const length = budget / count
  const windows: AnalysisWindow[] = []
  for (let i = 0; i < count; i++) {
    // Window i sits in the middle of the i-th of `count` equal parts of the track.
    const centre = (durationSeconds * (i + 0.5)) / count
    const start = Math.min(Math.max(0, centre - length / 2), durationSeconds - length)
    windows.push({ start, length })
  }
  return windows
}

/** True when the plan for this duration is the whole track in one window. */
export function analysedWhole(durationSeconds: number): boolean {
  const plan = planWindows(durationSeconds)
  return plan.length === 1 && plan[0]!.start === 0 && plan[0]!.length >= durationSeconds
}

/** Sample ranges [from, to) of the planned windows in a signal of this many samples. */
export function windowRanges(samples: number, sampleRate: number): { from: number; to: number }[] {
  return planWindows(samples / sampleRate).map((window) => {
    const from = Math.round(window.start * sampleRate)
    return { from, to: Math.min(samples, from + Math.round(window.length * sampleRate)) }
  })
}

/** Cuts the planned windows out of a whole decoded signal. */
export function sliceWindows(pcm: Float32Array, sampleRate: number): Float32Array[] {
  return windowRanges(pcm.length, sampleRate).map(({ from, to }) => pcm.subarray(from, to))
}
