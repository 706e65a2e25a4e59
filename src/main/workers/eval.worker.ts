// Offline evaluation worker: one evaluation per worker (see insights/offline-eval-run.ts), on its
// own connection to the database, so the engine's thread answers every other call meanwhile.
import { workerData } from 'node:worker_threads'
import { openDatabase } from '../db/database'
import { evaluateOffline } from '../insights/offline-eval'
import type { OfflineEvalProtocol, OfflineEvalWorkerData } from '../insights/offline-eval-run'
import { serveWorker } from './rpc'

const data = workerData as OfflineEvalWorkerData
const db = openDatabase(data.dbPath, {
  createFolder: false,
  // The engine has told the listener already when the database can only be read.
  onReadOnly: () => undefined,
  ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
})

serveWorker<OfflineEvalProtocol>({
  evaluate: (options) => evaluateOffline(db, options),
})
