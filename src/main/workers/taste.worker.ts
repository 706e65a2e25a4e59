// Taste worker: the model lives here so no UI call waits on linear algebra. It opens the database
// read-only itself (better-sqlite3 works in worker threads), so the library's vectors never cross
// the thread boundary; the main thread writes the snapshots it hands out.
import { workerData } from 'node:worker_threads'
import { openDatabase } from '../db/database'
import { serveWorker, workerLog } from './rpc'
import { TasteCore } from '../taste/core'
import type { TasteProtocol, TasteWorkerData } from '../taste/service'

const data = workerData as TasteWorkerData
const db = openDatabase(data.dbPath, {
  readonly: true,
  ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
})
const core = new TasteCore(db, workerLog)

serveWorker<TasteProtocol>({
  rebuild: (payload) => core.rebuild(payload),
  update: () => core.update(),
  recommend: (payload) => core.recommend(payload),
  explain: ({ trackId }) => core.explain(trackId),
  snapshot: () => core.snapshot(),
})
