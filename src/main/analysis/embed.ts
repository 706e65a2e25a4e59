/**
 * The built-in embedding of one audio file: decode the analysis windows, then compute the
 * `attune-dsp-v1` features. Pure (no database); the worker pool calls this per track.
 */
import { decodeForAnalysis } from './decode'
import type { DecodeOptions } from './decode'
import { analyseWindows } from './features'

export interface FileEmbedding {
  vector: Float32Array
  /** Duration of the whole track, seconds. */
  duration: number
  /** Seconds of audio the features were computed from. */
  analysedSeconds: number
}

/** Embeds a file; throws UnreadableAudioError (plain-words message) when it is not readable audio. */
export async function embedFile(path: string, options: DecodeOptions = {}): Promise<FileEmbedding> {
  const audio = await decodeForAnalysis(path, options)
  const { vector } = analyseWindows(audio.windows)
  return { vector, duration: audio.duration, analysedSeconds: audio.analysedSeconds }
}
