export { createMediaHandler, CONTENT_TYPES, defaultTranscodeDir, isInside } from './media-route'
export type { MediaHandler, MediaHandlerOptions } from './media-route'
export { parseRange } from './range'
export type { ByteRange, RangeRequest } from './range'
export {
  DEFAULT_TRANSCODE_CACHE_BYTES,
  enforceCacheLimit,
  needsPlaybackTranscode,
  transcodeCount,
  TranscodeError,
  transcodeToWav,
} from './transcode'
export type { TranscodeOptions } from './transcode'
