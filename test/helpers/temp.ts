import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * The shared fixtures folder, beside the repository (never copied into it), by its real path: the
 * library stores real paths, so tests compare against those even when ../shared is a symlink.
 */
export const FIXTURES = realpathSync(resolve(process.cwd(), '../shared/fixtures'))

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'attune-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
