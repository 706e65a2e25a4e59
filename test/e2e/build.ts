// Builds the app for the end-to-end tests when out/renderer is missing or older than its sources.
// The e2e files run in parallel, so a lock folder makes the second one wait for the first build.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const REPO = process.cwd()
export const RENDERER_DIR = join(REPO, 'out/renderer')
const LOCK = join(REPO, 'out/.e2e-build.lock')
const STALE_LOCK_MS = 180_000

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function isFresh(): boolean {
  const index = join(RENDERER_DIR, 'index.html')
  if (!existsSync(index)) return false
  const sources = Math.max(
    newestMtime(join(REPO, 'src/renderer')),
    newestMtime(join(REPO, 'src/shared')),
  )
  return statSync(index).mtimeMs >= sources
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function ensureBuilt(): void {
  if (isFresh()) return
  mkdirSync(join(REPO, 'out'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
      // A lock left by a killed run would block every later one.
      if (Date.now() - since > STALE_LOCK_MS) {
        rmSync(LOCK, { recursive: true, force: true })
      }
      sleep(250)
    }
  }
  try {
    if (isFresh()) return
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, encoding: 'utf8' })
    if (build.status !== 0)
      throw new Error(`The app did not build:\n${build.stdout}\n${build.stderr}`)
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}
