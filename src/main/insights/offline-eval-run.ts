// An offline evaluation runs in a worker thread of its own: on a long history it takes seconds to
// minutes of linear algebra, and on the engine's thread it would hold up every other call (the app
// would freeze). The worker opens the database itself (its own SQLite connection, as the taste
// worker does) and writes its runs there; only the options and the summary cross the boundary.
import type { OfflineEvaluation } from '../../shared/evaluation'
import { workerEntry } from '../workers/entries'
import { startWorker, WorkerClient } from '../workers/rpc'
import type { OfflineEvalOptions } from './offline-eval'

export type OfflineEvalProtocol = {
  evaluate: { payload: OfflineEvalOptions; result: OfflineEvaluation }
}

export interface OfflineEvalWorkerData {
  dbPath: string
  /** See EngineOptions.nativeBinding. */
  nativeBinding?: string
}

/**
 * Evaluates in a fresh worker thread and stops it after (an evaluation is rare, and a worker per
 * evaluation holds no memory between them). `running` holds the worker while it works, so whoever
 * closes the database can stop it first.
 */
export async function evaluateOfflineInWorker(
  data: OfflineEvalWorkerData,
  options: OfflineEvalOptions,
  running: Set<WorkerClient<OfflineEvalProtocol>>,
  log?: (level: 'info' | 'warn' | 'error', message: string) => void,
): Promise<OfflineEvaluation> {
  const client = new WorkerClient<OfflineEvalProtocol>(
    startWorker(workerEntry('eval'), { workerData: data }),
    log ? { log } : {},
  )
  running.add(client)
  try {
    return await client.request('evaluate', options)
  } finally {
    running.delete(client)
    await client.terminate()
  }
}
