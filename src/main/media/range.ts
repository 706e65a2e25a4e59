/**
 * `Range` header parsing for a single byte range, per RFC 9110 §14.1.2 (the `bytes` unit) and
 * §14.2 (the header): `bytes=a-b`, `bytes=a-` and the suffix form `bytes=-n`.
 */

/** An inclusive byte range inside a representation of known size. */
export interface ByteRange {
  start: number
  end: number
}

export type RangeRequest =
  /** No usable Range header: answer 200 with the whole representation. */
  | { kind: 'whole' }
  /** One satisfiable range, already clamped to the representation: answer 206. */
  | { kind: 'partial'; range: ByteRange }
  /** A well-formed range that lies beyond the end of the representation: answer 416. */
  | { kind: 'unsatisfiable' }

const DIGITS = /^\d+$/

/**
 * Decides how to answer a request with the given `Range` header for a representation of `size`
 * bytes.
 *
 * - A missing header, a unit other than `bytes`, or a header that does not parse is ignored, as
 *   RFC 9110 §14.2 allows ("a server MAY ignore the Range header field"): the answer is the whole
 *   representation with 200.
 * - Several ranges (`bytes=0-1,5-6`) are also answered with the whole representation: §14.2 lets
 *   a server ignore a Range header, and a media element never asks for more than one range, so
 *   multipart/byteranges responses would be code nobody calls.
 * - An int-range is satisfiable when its first position is below the size; a suffix-range when its
 *   length is non-zero (§14.1.1). A last position past the end is clamped to the end (§14.1.2).
 */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: 'whole' }
  const separator = header.indexOf('=')
  if (separator < 0) return { kind: 'whole' }
  const unit = header.slice(0, separator).trim().toLowerCase()
  if (unit !== 'bytes') return { kind: 'whole' }
  const specs = header
    .slice(separator + 1)
    .split(',')
    .map((spec) => spec.trim())
  // Empty list elements are allowed by the list syntax (RFC 9110 §5.6.1); skip them.
  const nonEmpty = specs.filter((spec) => spec.length > 0)
  if (nonEmpty.length !== 1) return { kind: 'whole' }
  const spec = nonEmpty[0] as string

  const dash = spec.indexOf('-')
  if (dash < 0) return { kind: 'whole' }
  const first = spec.slice(0, dash).trim()
  const last = spec.slice(dash + 1).trim()

  if (first === '') {
    // suffix-range: the last n bytes.
    if (!DIGITS.test(last)) return { kind: 'whole' }
    const suffixLength = Number(last)
    if (suffixLength === 0) return { kind: 'unsatisfiable' }
    // A zero-length representation has no bytes to name in Content-Range; send it whole.
    if (size === 0) return { kind: 'whole' }
    return { kind: 'partial', range: { start: Math.max(0, size - suffixLength), end: size - 1 } }
  }

  if (!DIGITS.test(first)) return { kind: 'whole' }
  const start = Number(first)
  if (last !== '' && !DIGITS.test(last)) return { kind: 'whole' }
  const requestedEnd = last === '' ? Number.POSITIVE_INFINITY : Number(last)
  // last-pos below first-pos makes the range invalid (§14.1.1), so the header is ignored.
  if (requestedEnd < start) return { kind: 'whole' }
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', range: { start, end: Math.min(requestedEnd, size - 1) } }
}
