// Runs a TypeScript worker entry under tsx (tests and the CLI run the sources directly; the Electron
// app runs built .js workers and never loads this file). tsx's hooks are per thread, so each worker
// registers them itself before importing its entry.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.__tsEntry)
