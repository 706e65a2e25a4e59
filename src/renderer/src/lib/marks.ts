import type { Mark } from '../../../shared/domain'

export const MARK_INFO: readonly { mark: Mark; label: string; icon: string; key: string }[] = [
  { mark: 'like', label: 'Like', icon: '♥', key: 'L' },
  { mark: 'love', label: 'Love', icon: '★', key: 'Shift+L' },
  { mark: 'near_miss', label: 'Near miss', icon: '≈', key: 'M' },
  { mark: 'not_for_me', label: 'Not for me', icon: '✕', key: 'X' },
]

export function markLabel(mark: Mark): string {
  return MARK_INFO.find((m) => m.mark === mark)?.label ?? mark
}

/** What a mark did, in the past tense: "Loved “Northerners”." */
function marked(mark: Mark, title: string): string {
  switch (mark) {
    case 'like':
      return `Liked “${title}”`
    case 'love':
      return `Loved “${title}”`
    case 'near_miss':
      return `Marked “${title}” as a near miss`
    case 'not_for_me':
      return `Marked “${title}” not for you`
  }
}

/**
 * The notice after a mark changed, saying what happened (also when a second press took a mark
 * away, or a new one replaced another): "Removed “Like” from “Northerners”.",
 * "Loved “Northerners” (it was Like).", "Marked “Thunder” not for you. On to the next song."
 */
export function markNotice(
  title: string,
  previous: Mark | null,
  next: Mark | null,
  movedOn = false,
): string {
  const then = movedOn ? ' On to the next song.' : ''
  if (next === null) {
    return previous === null
      ? `“${title}” has no mark.`
      : `Removed “${markLabel(previous)}” from “${title}”.`
  }
  const was = previous !== null && previous !== next ? ` (it was ${markLabel(previous)})` : ''
  return `${marked(next, title)}${was}.${then}`
}
