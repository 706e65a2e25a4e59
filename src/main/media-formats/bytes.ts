// Byte helpers shared by the container readers: four-character codes and fixed-width integers.

/** True when the ASCII `text` is at bytes[at…]. */
export function hasAscii(bytes: Uint8Array, at: number, text: string): boolean {
  if (at < 0 || at + text.length > bytes.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** bytes[start, end) as Latin-1 text (chunk ids, box types); shorter when the bytes end first. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = ''
  for (let i = start; i < end && i < bytes.length; i++) text += String.fromCharCode(bytes[i] ?? 0)
  return text
}

/** Where `text` first occurs in bytes[from, to], or -1. */
export function indexOfAscii(bytes: Uint8Array, text: string, from: number, to: number): number {
  const end = Math.min(to, bytes.length - text.length)
  for (let i = from; i <= end; i++) if (hasAscii(bytes, i, text)) return i
  return -1
}

/** A view for the fixed-width integers of bytes (big- or little-endian by the call). */
export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
