import { Worker } from 'node:worker_threads'

/** Test-only: starts a TypeScript worker fixture (the engine's workers run built, never this way). */
export function startTsWorker(entry: URL): Worker {
  return new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), {
    workerData: { tsEntry: entry.href },
  })
}
