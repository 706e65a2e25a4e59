import { hasAscii } from './bytes'

// ID3v2 (id3.org, ID3v2.3 and ID3v2.4 §3.1): a 10-byte header, "ID3", version, flags and the tag's
// size as a 28-bit "syncsafe" integer (7 bits a byte), and an optional 10-byte footer.

/** A syncsafe integer (ID3v2.4 §6.2): four bytes of 7 bits each. */
export function syncsafe(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) & 0x7f) << 21) |
    (((bytes[at + 1] ?? 0) & 0x7f) << 14) |
    (((bytes[at + 2] ?? 0) & 0x7f) << 7) |
    ((bytes[at + 3] ?? 0) & 0x7f)
  )
}

/**
 * music-metadata's UINT32SYNCSAFE, which does not mask the high bits of the first three bytes: the
 * tag readers that mirror music-metadata's results use this one.
 */
export function syncsafeUnmasked(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at + 3] ?? 0) & 0x7f) |
    ((bytes[at + 2] ?? 0) << 7) |
    ((bytes[at + 1] ?? 0) << 14) |
    ((bytes[at] ?? 0) << 21)
  )
}

export interface Id3v2Header {
  major: number
  revision: number
  flags: number
  /** The body's size (after the header, before a footer). */
  size: number
  /** Header, body and footer: where the audio after the tag starts. */
  tagSize: number
}

/** The ID3v2 header at the start of `bytes`, or null when there is none. */
export function id3v2Header(bytes: Uint8Array): Id3v2Header | null {
  if (bytes.length < 10 || !hasAscii(bytes, 0, 'ID3')) return null
  const flags = bytes[5] ?? 0
  const size = syncsafe(bytes, 6)
  const hasFooter = (flags & 0x10) !== 0
  return {
    major: bytes[3] ?? 0,
    revision: bytes[4] ?? 0,
    flags,
    size,
    tagSize: 10 + size + (hasFooter ? 10 : 0),
  }
}

/** Size of the ID3v2 tag at the start of the file (header + body + footer), or 0 when there is none. */
export function id3v2Size(bytes: Uint8Array): number {
  return id3v2Header(bytes)?.tagSize ?? 0
}
