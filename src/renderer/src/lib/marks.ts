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
