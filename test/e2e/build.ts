// The end-to-end tests run `bin/attune.js serve`, which serves the built renderer and runs the built
// engine; both come from one `electron-vite build` into out/, redone when a source is newer
// (scripts/ensure-built.mjs; the test run's global setup has usually done it already).
import { join } from 'node:path'
import { ensureBuilt as ensureBuiltOut } from '../../scripts/ensure-built.mjs'

export const REPO = process.cwd()
export const RENDERER_DIR = join(REPO, 'out/renderer')

export function ensureBuilt(): void {
  ensureBuiltOut()
}
