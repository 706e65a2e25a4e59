// Test-only: runs a TypeScript worker fixture under tsx (a dev dependency). The engine's own workers
// always run built (src/main/workers/entries.ts); only fixtures written for a test come through here.
// tsx's hooks are per thread, so the worker registers them before importing its entry.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.tsEntry)
