// Types for scripts/ensure-built.mjs (plain JavaScript so bin/attune.js can run it before any build).
export const ROOT: string
export function isBuilt(root?: string): boolean
export function ensureBuilt(options?: { log?: (line: string) => void }): void
