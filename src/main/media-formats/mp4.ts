import { dataView, latin1 } from './bytes'

// ISO/IEC 14496-12 (ISO base media file format) boxes: a 32-bit size and a four-character type;
// size 1 means a 64-bit size follows, size 0 that the box runs to the end of its container.

export interface BoxHeader {
  type: string
  /** Where the box starts, where its payload starts, and where it ends (offsets into the same bytes). */
  start: number
  bodyStart: number
  end: number
}

/**
 * The header of the box at bytes[at…] inside a container ending at `containerEnd` (size 0 runs
 * to it). Null when the header does not fit in the bytes or its size is smaller than the header;
 * `end` may lie beyond `containerEnd` (a cut file): the caller decides what that means.
 */
export function boxHeader(bytes: Uint8Array, at: number, containerEnd: number): BoxHeader | null {
  if (at < 0 || at + 8 > bytes.length) return null
  const view = dataView(bytes)
  let size = view.getUint32(at)
  let headerSize = 8
  if (size === 1) {
    if (at + 16 > bytes.length) return null
    size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12)
    headerSize = 16
  } else if (size === 0) {
    size = containerEnd - at
  }
  if (size < headerSize) return null
  return {
    type: latin1(bytes, at + 4, at + 8),
    start: at,
    bodyStart: at + headerSize,
    end: at + size,
  }
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>

/**
 * The boxes among the siblings in [at, end) of a file, read header by header (the payloads are not
 * read). Stops at the first header that does not parse; `limit` bounds the walk over a damaged file.
 */
export async function* fileBoxes(
  read: ReadAt,
  at: number,
  end: number,
  limit = 1000,
): AsyncGenerator<BoxHeader> {
  for (let count = 0; count < limit && at + 8 <= end; count++) {
    const bytes = await read(at, 16)
    const header = boxHeader(bytes, 0, end - at)
    if (!header) return
    yield { ...header, start: at, bodyStart: at + header.bodyStart, end: at + header.end }
    at += header.end
  }
}

/** The first box of `type` among the siblings in [at, end) of a file, or null. */
export async function findFileBox(
  read: ReadAt,
  at: number,
  end: number,
  type: string,
): Promise<BoxHeader | null> {
  for await (const box of fileBoxes(read, at, end)) if (box.type === type) return box
  return null
}

/**
 * Calls `visit` for every box in bytes[start, end), descending into the types in `containers`;
 * stops a level at the first box that does not fit in it.
 */
export function walkBoxes(
  bytes: Uint8Array,
  start: number,
  end: number,
  containers: ReadonlySet<string>,
  visit: (box: BoxHeader) => void,
): void {
  for (let at = start; at + 8 <= end;) {
    const box = boxHeader(bytes, at, end)
    if (!box || box.end > end) return
    visit(box)
    if (containers.has(box.type)) walkBoxes(bytes, box.bodyStart, box.end, containers, visit)
    at = box.end
  }
}
