#!/usr/bin/env node
// The CLI, the browser host, the Electron app and every worker thread run the JavaScript that
// `electron-vite build` writes to out/ (electron.vite.config.ts). This keeps out/ in step with the
// sources: `npm install` builds once (the `prepare` script), and `bin/attune.js`, the tests and the
// benchmarks call ensureBuilt(), which rebuilds only when a source is newer than the last build
// (~1.5 s; the check itself is a few milliseconds). Parallel callers wait for one build (a lock
// folder), so nobody imports a half-written out/.
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Written after every successful build; its mtime is the build's. */
const STAMP = join(ROOT, 'out/.built')
const LOCK = join(ROOT, 'out/.build.lock')
const STALE_LOCK_MS = 180_000
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json']

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** True when out/ holds a build at least as new as every source. */
export function isBuilt(root = ROOT) {
  const stamp = statSync(join(root, 'out/.built'), { throwIfNoEntry: false })
  if (!stamp) return false
  // An installed copy without sources runs what it has.
  if (!existsSync(join(root, 'src'))) return true
  return INPUTS.every((input) => newestMtime(join(root, input)) <= stamp.mtimeMs)
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Builds out/ when it is missing or older than a source. Throws with the build's output when the
 * build fails or the build tool is not installed (`npm install` without dev dependencies).
 */
export function ensureBuilt({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (isBuilt()) return
  mkdirSync(join(ROOT, 'out'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
      // A lock left by a killed build would block every later one.
      if (Date.now() - since > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true })
      sleep(200)
    }
  }
  try {
    if (isBuilt()) return
    const tool = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js')
    if (!existsSync(tool)) {
      throw new Error(
        'Attune is not built yet and its build tool is missing. Run `npm install` (with dev dependencies) in ' +
          ROOT,
      )
    }
    log('Building Attune (out/)…')
    const startedAt = Date.now()
    const build = spawnSync(process.execPath, [tool, 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    if (build.status !== 0) {
      throw new Error(`Attune did not build:\n${build.stdout}\n${build.stderr}`)
    }
    // Dated to the start of the build: a source saved during the build makes the next call rebuild.
    writeFileSync(STAMP, '')
    utimesSync(STAMP, new Date(startedAt), new Date(startedAt))
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureBuilt()
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
