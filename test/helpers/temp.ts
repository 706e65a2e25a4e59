import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** The shared fixtures folder, beside the repository (never copied into it). */
export const FIXTURES = resolve(process.cwd(), '../shared/fixtures')

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'attune-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
