import { join } from 'node:path'

/** The engine's worker threads. */
export type WorkerName = 'analysis' | 'read' | 'taste'

const SOURCES: Record<WorkerName, string> = {
  analysis: './analysis.worker.ts',
  read: '../library/read-worker.ts',
  taste: './taste.worker.ts',
}

/**
 * Where a worker's entry is. The Electron app bundles each worker as `out/main/<name>-worker.js`
 * (electron.vite.config.ts) and says where with ATTUNE_WORKER_DIR; everywhere else (tests, the CLI,
 * the browser host under tsx) the TypeScript source is used, through rpc.ts's tsx bootstrap.
 */
export function workerEntry(name: WorkerName, env: NodeJS.ProcessEnv = process.env): URL | string {
  const bundled = env['ATTUNE_WORKER_DIR']
  if (bundled) return join(bundled, `${name}-worker.js`)
  return new URL(SOURCES[name], import.meta.url)
}
