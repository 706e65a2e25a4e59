import { basename, dirname, join, resolve } from 'node:path'

/** The engine's worker threads; each has a `<name>-worker` entry in electron.vite.config.ts. */
export const WORKER_NAMES = ['analysis', 'eval', 'read', 'taste'] as const
export type WorkerName = (typeof WORKER_NAMES)[number]

/**
 * The folder of the built main-process code (electron.vite.config.ts builds the app, the CLI and
 * each worker into out/main). Built code is that folder itself; the TypeScript sources (imported by
 * tests and benchmarks) are in src/main/workers, and use the same build in the repository's out/main.
 */
export const BUILD_DIR =
  basename(import.meta.dirname) === 'workers' && basename(dirname(import.meta.dirname)) === 'main'
    ? resolve(import.meta.dirname, '../../../out/main')
    : import.meta.dirname

/**
 * Where a worker's entry is: always the built `out/main/<name>-worker.js`, for the Electron app,
 * the CLI, the browser host, tests and benchmarks alike.
 */
export function workerEntry(name: WorkerName): string {
  return join(BUILD_DIR, `${name}-worker.js`)
}
