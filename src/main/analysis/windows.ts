/**
 * Which parts of a track are analysed: a bounded amount of audio spread over the track,
 * so that an intro or an outro does not stand for the whole song, and a one-hour mix costs
 * no more to analyse than a four-minute song.
 */

/** Length of one analysis window. */
export const WINDOW_SECONDS = 15
/** How many windows a long track gets. */
export const WINDOW_COUNT = 4
/** Window centres go evenly from this share of the duration… */
export const FIRST_WINDOW_CENTRE = 0.1
/** …to this one. */
export const LAST_WINDOW_CENTRE = 0.9
/** Tracks up to this long are analysed whole. */
export const WHOLE_TRACK_SECONDS = WINDOW_SECONDS * WINDOW_COUNT

export interface AnalysisWindow {
  /** Seconds from the start of the track. */
  start: number
  /** Seconds. */
  length: number
}

/** The windows to analyse in a track of this duration (seconds); deterministic. */
export function planWindows(durationSeconds: number): AnalysisWindow[] {
  if (!(durationSeconds > 0)) return []
  if (durationSeconds <= WHOLE_TRACK_SECONDS) return [{ start: 0, length: durationSeconds }]
  const windows: AnalysisWindow[] = []
  for (let i = 0; i < WINDOW_COUNT; i++) {
    const share =
      FIRST_WINDOW_CENTRE + ((LAST_WINDOW_CENTRE - FIRST_WINDOW_CENTRE) * i) / (WINDOW_COUNT - 1)
    const centre = durationSeconds * share
    const start = Math.min(
      Math.max(0, centre - WINDOW_SECONDS / 2),
      durationSeconds - WINDOW_SECONDS,
    )
    windows.push({ start, length: WINDOW_SECONDS })
  }
  return windows
}

/** Cuts the planned windows out of a whole decoded signal. */
export function sliceWindows(pcm: Float32Array, sampleRate: number): Float32Array[] {
  return planWindows(pcm.length / sampleRate).map((window) => {
    const start = Math.round(window.start * sampleRate)
    const end = Math.min(pcm.length, start + Math.round(window.length * sampleRate))
    return pcm.subarray(start, end)
  })
}
