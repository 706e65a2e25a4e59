// Keyboard shortcuts: one table, read by the key handler and by the help overlay.
import type { Mark } from '../../../shared/domain'

export type ShortcutAction =
  | { kind: 'togglePlay' }
  | { kind: 'seekBy'; seconds: number }
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'mark'; mark: Mark }
  | { kind: 'help' }

export interface Shortcut {
  keys: string
  description: string
  matches(event: Pick<KeyboardEvent, 'key' | 'shiftKey'>): boolean
  action: ShortcutAction
}

export const SEEK_STEP_SECONDS = 5

export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: 'Space',
    description: 'Play or pause',
    matches: (e) => e.key === ' ',
    action: { kind: 'togglePlay' },
  },
  {
    keys: '←',
    description: `Back ${SEEK_STEP_SECONDS} seconds`,
    matches: (e) => e.key === 'ArrowLeft',
    action: { kind: 'seekBy', seconds: -SEEK_STEP_SECONDS },
  },
  {
    keys: '→',
    description: `Forward ${SEEK_STEP_SECONDS} seconds`,
    matches: (e) => e.key === 'ArrowRight',
    action: { kind: 'seekBy', seconds: SEEK_STEP_SECONDS },
  },
  {
    keys: 'N',
    description: 'Next track',
    matches: (e) => e.key.toLowerCase() === 'n',
    action: { kind: 'next' },
  },
  {
    keys: 'P',
    description: 'Previous track (or back to the start)',
    matches: (e) => e.key.toLowerCase() === 'p',
    action: { kind: 'previous' },
  },
  {
    keys: 'L',
    description: 'Like',
    matches: (e) => e.key === 'l' && !e.shiftKey,
    action: { kind: 'mark', mark: 'like' },
  },
  {
    keys: 'Shift+L',
    description: 'Love',
    matches: (e) => e.key === 'L' || (e.key === 'l' && e.shiftKey),
    action: { kind: 'mark', mark: 'love' },
  },
  {
    keys: 'M',
    description: 'Near miss',
    matches: (e) => e.key.toLowerCase() === 'm',
    action: { kind: 'mark', mark: 'near_miss' },
  },
  {
    keys: 'X',
    description: 'Not for me',
    matches: (e) => e.key.toLowerCase() === 'x',
    action: { kind: 'mark', mark: 'not_for_me' },
  },
  {
    keys: '?',
    description: 'Show these shortcuts',
    matches: (e) => e.key === '?',
    action: { kind: 'help' },
  },
]

/** True while the listener types somewhere: shortcuts stay out of the way. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false
  const element = target as HTMLElement
  const tag = element.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag === 'input') {
    const type = (element as HTMLInputElement).type
    return !['range', 'checkbox', 'radio', 'button'].includes(type)
  }
  return element.isContentEditable
}

export function actionFor(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null
  if (isTypingTarget(event.target)) return null
  return SHORTCUTS.find((s) => s.matches(event))?.action ?? null
}
