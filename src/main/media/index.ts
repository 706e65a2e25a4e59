export { createMediaHandler, CONTENT_TYPES, isInside } from './media-route'
export type { MediaHandler, MediaHandlerOptions } from './media-route'
export { parseRange } from './range'
export type { ByteRange, RangeRequest } from './range'
