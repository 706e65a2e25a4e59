// The container toolkit: the low-level reading of audio files that tag reading (library/), decoding
// (analysis/decode.ts) and transcoding (media/transcode.ts) share. Pure functions over bytes (and a
// read function for walks over a file); no Node built-ins, no engine imports.
export { dataView, hasAscii, indexOfAscii, latin1 } from './bytes'
export { id3v2Header, id3v2Size, syncsafe, syncsafeUnmasked, type Id3v2Header } from './id3v2'
export {
  layer3SideInfoBytes,
  mpegFrameBytes,
  mpegFrameLength,
  mpegHeader,
  mpegHeaderAt,
  samplesPerFrame,
  type MpegFrameHeader,
} from './mpeg'
export { boxHeader, fileBoxes, findFileBox, walkBoxes, type BoxHeader, type ReadAt } from './mp4'
export {
  aiffCommon,
  chunkHeader,
  fileChunks,
  waveFormat,
  type AiffCommon,
  type ChunkHeader,
  type WaveFormat,
} from './iff'
export {
  FLAC_BLOCK_HEADER_BYTES,
  FLAC_STREAM_INFO_BYTES,
  flacBlockHeader,
  flacStreamInfo,
  type FlacBlockHeader,
  type FlacStreamInfo,
} from './flac'
export { OGG_PAGE_HEADER_BYTES, oggPageHeader, type OggPageHeader } from './ogg'
export { isOggVorbis, sniff, type NotAudioReason, type Sniffed } from './sniff'
