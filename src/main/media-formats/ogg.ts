import { dataView, hasAscii } from './bytes'

// Ogg pages (RFC 3533 §6): "OggS", version 0, header type, 64-bit granule position, serial number,
// sequence number, CRC, then the segment table (lacing values) and the page's data.

export interface OggPageHeader {
  headerType: number
  /** The granule position as a signed 64-bit number; -1: no packet ends on this page. */
  granule: number
  serial: number
  sequence: number
  /** Header and segment table: where the page's data starts, from the page's start. */
  headerBytes: number
  /** The sum of the lacing values. */
  dataBytes: number
}

export const OGG_PAGE_HEADER_BYTES = 27

/**
 * The page header at bytes[at…], or null when it is no Ogg page of version 0 or its segment table
 * does not fit in the bytes.
 */
export function oggPageHeader(bytes: Uint8Array, at: number): OggPageHeader | null {
  if (!hasAscii(bytes, at, 'OggS') || at + OGG_PAGE_HEADER_BYTES > bytes.length) return null
  if (bytes[at + 4] !== 0) return null
  const segments = bytes[at + 26] ?? 0
  if (at + OGG_PAGE_HEADER_BYTES + segments > bytes.length) return null
  let dataBytes = 0
  for (let s = 0; s < segments; s++) dataBytes += bytes[at + OGG_PAGE_HEADER_BYTES + s] ?? 0
  const view = dataView(bytes)
  return {
    headerType: bytes[at + 5] ?? 0,
    granule: Number(view.getBigInt64(at + 6, true)),
    serial: view.getUint32(at + 14, true),
    sequence: view.getUint32(at + 18, true),
    headerBytes: OGG_PAGE_HEADER_BYTES + segments,
    dataBytes,
  }
}
