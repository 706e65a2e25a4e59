// Keyboard shortcuts: one table, read by the key handler and by the help overlay (`?`).
// A shortcut never takes a key from the control that has the focus: text boxes keep every key,
// sliders, lists and menus keep their arrow keys, buttons and check boxes keep Space.
import type { Mark } from '../../../shared/domain'

export type ShortcutAction =
  | { kind: 'togglePlay' }
  | { kind: 'seekBy'; seconds: number }
  | { kind: 'volumeBy'; step: number }
  | { kind: 'toggleMute' }
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'toggleShuffle' }
  | { kind: 'cycleRepeat' }
  | { kind: 'mark'; mark: Mark }
  | { kind: 'search' }
  | { kind: 'help' }

type KeyEvent = Pick<KeyboardEvent, 'key' | 'shiftKey'>

export interface Shortcut {
  keys: string
  description: string
  matches(event: KeyEvent): boolean
  action: ShortcutAction
}

export const SEEK_STEP_SECONDS = 5
/** One press of ↑ or ↓ moves the volume by this much (of 1). */
export const VOLUME_STEP = 0.1

const letter = (key: string) => (e: KeyEvent) => e.key.toLowerCase() === key && !e.shiftKey

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
    keys: '↑',
    description: 'Louder',
    matches: (e) => e.key === 'ArrowUp',
    action: { kind: 'volumeBy', step: VOLUME_STEP },
  },
  {
    keys: '↓',
    description: 'Quieter',
    matches: (e) => e.key === 'ArrowDown',
    action: { kind: 'volumeBy', step: -VOLUME_STEP },
  },
  {
    keys: '0',
    description: 'Mute or unmute',
    matches: (e) => e.key === '0',
    action: { kind: 'toggleMute' },
  },
  { keys: 'N', description: 'Next track', matches: letter('n'), action: { kind: 'next' } },
  {
    keys: 'P',
    description: 'Previous track (or back to the start)',
    matches: letter('p'),
    action: { kind: 'previous' },
  },
  {
    keys: 'S',
    description: 'Shuffle on or off',
    matches: letter('s'),
    action: { kind: 'toggleShuffle' },
  },
  {
    keys: 'R',
    description: 'Repeat: off, all, one',
    matches: letter('r'),
    action: { kind: 'cycleRepeat' },
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
    matches: letter('m'),
    action: { kind: 'mark', mark: 'near_miss' },
  },
  {
    keys: 'X',
    description: 'Not for me',
    matches: letter('x'),
    action: { kind: 'mark', mark: 'not_for_me' },
  },
  {
    keys: '/',
    description: 'Search',
    matches: (e) => e.key === '/',
    action: { kind: 'search' },
  },
  {
    keys: '?',
    description: 'Show these shortcuts',
    matches: (e) => e.key === '?',
    action: { kind: 'help' },
  },
]

function asElement(target: EventTarget | null): HTMLElement | null {
  return target && typeof (target as Element).tagName === 'string' ? (target as HTMLElement) : null
}

const TEXT_INPUTS = new Set([
  'text',
  'search',
  'email',
  'number',
  'password',
  'tel',
  'url',
  'date',
  'time',
  'datetime-local',
  'month',
  'week',
])

/** True while the listener types somewhere: every shortcut stays out of the way. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = asElement(target)
  if (!element) return false
  const tag = element.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag === 'input') return TEXT_INPUTS.has((element as HTMLInputElement).type)
  return element.isContentEditable
}

/** Controls that move with the arrow keys (sliders, lists, menus, tabs): ←↑→↓ stay theirs. */
const ARROW_OWNERS =
  'input, select, textarea, [role="slider"], [role="spinbutton"], [role="listbox"], [role="menu"], [role="menubar"], [role="tablist"], [role="radiogroup"], [role="grid"], [role="tree"], [role="table"]'

/** Controls that Space presses (buttons, check boxes, links, summaries): Space stays theirs. */
const SPACE_OWNERS =
  'button, a[href], input, select, textarea, summary, [role="button"], [role="checkbox"], [role="switch"], [role="menuitem"], [role="menuitemcheckbox"], [role="option"], [role="tab"], [role="radio"]'

function ownsKey(element: HTMLElement, key: string): boolean {
  if (key.startsWith('Arrow')) return element.closest(ARROW_OWNERS) !== null
  if (key === ' ') return element.closest(SPACE_OWNERS) !== null
  return false
}

export function actionFor(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null
  if (isTypingTarget(event.target)) return null
  const element = asElement(event.target)
  if (element && ownsKey(element, event.key)) return null
  return SHORTCUTS.find((s) => s.matches(event))?.action ?? null
}
