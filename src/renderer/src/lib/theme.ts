// The colour theme: follows the system (prefers-color-scheme) unless the listener picks one.
// Kept per browser profile like other UI choices; applied as data-theme on <html>, which the
// stylesheet reads (no data-theme: the media query decides).
import { useSyncExternalStore } from 'react'
import { readPersisted, writePersisted } from './persisted'

export const THEMES = ['system', 'dark', 'light'] as const
export type ThemeChoice = (typeof THEMES)[number]

const KEY = 'theme'
const listeners = new Set<() => void>()

export function getTheme(): ThemeChoice {
  return readPersisted<ThemeChoice>(KEY, 'system', (v) =>
    (THEMES as readonly unknown[]).includes(v),
  )
}

export function applyTheme(choice: ThemeChoice = getTheme()): void {
  const root = globalThis.document?.documentElement
  if (!root) return
  if (choice === 'system') delete root.dataset.theme
  else root.dataset.theme = choice
}

export function setTheme(choice: ThemeChoice): void {
  writePersisted(KEY, choice)
  applyTheme(choice)
  for (const listener of listeners) listener()
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getTheme,
    getTheme,
  )
}
