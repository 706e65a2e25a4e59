// The library: folders, tracks, covers; the scanner that fills them and the watcher that keeps them current.
export { TrackStore } from './track-store'
export { LibraryFolderError, resolveLibraryFolder } from './library-folder'
export {
  TRACK_ORDERS,
  ftsQueryFor,
  trackFromRow,
  type TrackOrder,
  type TrackQuery,
  type LibraryStats,
  type TrackRow,
} from '../db/tracks'
export { scanLibrary, type ScanOptions, type LibraryScanSummary } from './scanner'
export { watchLibrary, type WatchOptions, type LibraryWatcher, type LibraryChange } from './watcher'
export {
  sniffFormat,
  isAudioCandidate,
  AUDIO_EXTENSIONS,
  READ_ERRORS,
  type SniffResult,
} from './sniff'
export { readAudioFile, type AudioFileInfo, type ReadResult } from './file-reader'
export { CoverStore } from './covers'
