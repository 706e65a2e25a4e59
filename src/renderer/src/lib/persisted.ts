// UI choices that outlive a reload (sort order, columns, theme): kept in localStorage, per
// browser profile. A value that is missing, unreadable or no longer valid gives the default.
import { useCallback, useState } from 'react'

const PREFIX = 'attune.'

export function readPersisted<T>(key: string, fallback: T, valid: (value: unknown) => boolean): T {
  try {
    const raw = globalThis.localStorage?.getItem(PREFIX + key)
    if (raw === null || raw === undefined) return fallback
    const parsed: unknown = JSON.parse(raw)
    return valid(parsed) ? (parsed as T) : fallback
  } catch {
    return fallback
  }
}

export function writePersisted(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // Storage full or refused (a private window): the choice lasts until the page closes.
  }
}

/** useState whose value is saved under `key` and read back on the next start. */
export function usePersistedState<T>(
  key: string,
  fallback: T,
  valid: (value: unknown) => boolean,
): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => readPersisted(key, fallback, valid))
  const set = useCallback(
    (next: T | ((previous: T) => T)) => {
      setValue((previous) => {
        const resolved = typeof next === 'function' ? (next as (previous: T) => T)(previous) : next
        writePersisted(key, resolved)
        return resolved
      })
    },
    [key],
  )
  return [value, set]
}
