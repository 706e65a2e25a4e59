// Taste worker: the model lives here so no UI call waits on linear algebra. It opens the database
// read-only itself through the data layer (db/; a SQLite connection works in a worker thread), so
// the library's vectors never cross the thread boundary; the main thread writes the snapshots it
// hands out.
import { workerData } from 'node:worker_threads'
import { openDatabase } from '../db/database'
import { serveWorker, workerLog } from './rpc'
import { TasteCore } from '../taste/core'
import type { Observed, TasteProtocol, TasteWorkerData } from '../taste/service'

/**
 * Observed rewards per answer: a full replay of a long history is handed over in pages, so no
 * message grows with the history, and the main thread logs one page (~0.1 s at ~100 µs a reward,
 * measured) between other work instead of stalling on the whole replay.
 */
const OBSERVATION_PAGE = 1000

const data = workerData as TasteWorkerData
const db = openDatabase(data.dbPath, {
  readonly: true,
  ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
})
const core = new TasteCore(db, workerLog)

/**
 * Idle time: after every answer, the model's exact refresh (when due) runs one bounded slice per
 * turn of the event loop (setImmediate). A slice asks every few dozen rows whether a request has
 * arrived and stops there if so: the request is handled at once, never after the rest of the slice
 * (let alone the whole O(N·k²) refresh).
 */
let idleScheduled = false
const idle = (): void => {
  idleScheduled = false
  let more = false
  try {
    more = core.idleStep(served.requestWaiting)
  } catch (error) {
    workerLog('warn', `the taste model's refresh failed: ${(error as Error).message}`)
  }
  if (more) scheduleIdle()
}
const scheduleIdle = (): void => {
  if (idleScheduled) return
  idleScheduled = true
  setImmediate(idle)
}

const observed = <T>(value: T): Observed<T> => {
  scheduleIdle()
  return { value, pending: core.takeObservations(OBSERVATION_PAGE) }
}

const served = serveWorker<TasteProtocol>({
  rebuild: (payload) => observed(core.rebuild(payload)),
  update: () => observed(core.update()),
  recommend: (payload) => observed(core.recommend(payload)),
  rank: (payload) => observed(core.rank(payload)),
  word: ({ trackIds }) => observed(core.word(trackIds)),
  path: (payload) => observed(core.path(payload)),
  explain: ({ trackId }) => observed(core.explain(trackId)),
  insights: () => observed(core.insights()),
  observations: () => core.takeObservations(OBSERVATION_PAGE),
  snapshot: () => core.snapshot(),
})
