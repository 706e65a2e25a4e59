// The analysis pool: worker threads (cores − 1 by default) that embed the tracks that need it,
// in the background. A file that fails records its error and the pool moves on; a file that hangs
// or balloons is stopped by a time bound and a heap bound (the worker is replaced). Results are
// written in batches from the main thread; nothing here blocks it.
import { availableParallelism } from 'node:os'
import type { Database } from '../db/database'
import { startWorker, WorkerClient } from '../workers/rpc'
import { workerEntry } from '../workers/entries'
import { EmbeddingStore, type AnalysisJob } from '../db/embeddings'
import { EXTRACTOR } from './feature-names'
import type { AnalysisProgress, AnalysisSummary } from '../../shared/domain'

// The progress and result shapes the engine pushes to the UI are the contract's (src/shared).
export type { AnalysisProgress }

/** What the analysis worker (workers/analysis.worker.ts) serves; declared here, by its client. */
export type AnalysisProtocol = {
  embed: {
    payload: { path: string }
    result: { vector: Float32Array; duration: number; analysedSeconds: number }
  }
}

export type { AnalysisSummary } from '../../shared/domain'

export interface AnalysisOptions {
  /** Worker threads; default cores − 1 (at least 1). */
  workers?: number
  onProgress?: (progress: AnalysisProgress) => void
  signal?: AbortSignal
  /** Per-file time bound: base + factor × duration (ms); defaults allow slow machines plenty. */
  timeoutMs?: (job: AnalysisJob) => number
  /** Heap bound of each worker, MB. */
  maxHeapMb?: number
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /** The worker's entry (the Electron build passes its bundled .js). */
  workerEntry?: URL | string
  /**
   * How many workers may run now (asked before each file). The engine lowers it while music is
   * playing, so analysis yields cores to playback; lanes above it wait.
   */
  activeWorkers?: () => number
}

export const defaultWorkerCount = (): number => Math.max(1, availableParallelism() - 1)
const BATCH = 16

export class AnalysisTimeoutError extends Error {
  override name = 'AnalysisTimeoutError'
}

export async function analyseLibrary(
  db: Database,
  options: AnalysisOptions = {},
): Promise<AnalysisSummary> {
  const started = Date.now()
  const store = new EmbeddingStore(db)
  // A version with another number of features: the old vectors go now (their songs are re-analysed
  // below), so the space never mixes lengths and the taste model keeps working meanwhile.
  store.dropOtherLengths(EXTRACTOR.space, EXTRACTOR.dims)
  const jobs = store.pending(EXTRACTOR.space, EXTRACTOR.version)
  const summary: AnalysisSummary = {
    space: EXTRACTOR.space,
    total: jobs.length,
    analysed: 0,
    failed: [],
    elapsedMs: 0,
    audioSeconds: 0,
  }
  if (jobs.length === 0) return summary

  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), jobs.length))
  const timeout = options.timeoutMs ?? ((job) => 60_000 + 2_000 * (job.duration ?? 600))
  const entry = options.workerEntry ?? workerEntry('analysis')
  const spawn = () =>
    new WorkerClient<AnalysisProtocol>(
      startWorker(entry, { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 } }),
      options.log ? { log: options.log } : {},
    )

  type Result = Parameters<EmbeddingStore['saveMany']>[2][number]
  let batch: Result[] = []
  const flush = () => {
    if (batch.length === 0) return
    store.saveMany(EXTRACTOR.space, EXTRACTOR.version, batch)
    batch = []
  }
  let next = 0
  let done = 0
  let lastProgress = 0
  const report = (currentPath: string | null, force = false) => {
    const now = Date.now()
    if (!options.onProgress || (!force && now - lastProgress < 100)) return
    lastProgress = now
    const elapsed = (now - started) / 1000
    const eta = done > 0 ? (elapsed / done) * (jobs.length - done) : null
    options.onProgress({
      total: jobs.length,
      done,
      failed: summary.failed.length,
      etaSeconds: eta,
      currentPath,
    })
  }

  const runLane = async (lane: number): Promise<void> => {
    let client = spawn()
    try {
      while (next < jobs.length && !options.signal?.aborted) {
        if (options.activeWorkers && lane >= Math.max(1, options.activeWorkers())) {
          await new Promise((r) => setTimeout(r, 250))
          continue
        }
        const job = jobs[next++]
        if (!job) break
        report(job.path)
        let timer: NodeJS.Timeout | undefined
        try {
          const result = await Promise.race([
            client.request('embed', { path: job.path }),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () =>
                  reject(
                    new AnalysisTimeoutError('Analysing this file took too long; it was stopped.'),
                  ),
                timeout(job),
              )
            }),
          ])
          batch.push({ job, vector: result.vector })
          summary.analysed++
          summary.audioSeconds += result.duration
        } catch (error) {
          const message = describeFailure(error)
          batch.push({ job, error: message, dim: EXTRACTOR.dims })
          summary.failed.push({ path: job.path, error: message })
          options.log?.('warn', `analysis failed for ${job.path}: ${message}`)
          // A worker that timed out or died is replaced; one that threw a plain error keeps going.
          if (error instanceof AnalysisTimeoutError || client.inFlight > 0 || isCrash(error)) {
            await client.terminate().catch(() => undefined)
            client = spawn()
          }
        } finally {
          clearTimeout(timer)
        }
        done++
        if (batch.length >= BATCH) flush()
        report(null)
      }
    } finally {
      await client.terminate().catch(() => undefined)
    }
  }

  try {
    await Promise.all(Array.from({ length: count }, (_, lane) => runLane(lane)))
  } finally {
    flush()
  }
  summary.elapsedMs = Date.now() - started
  report(null, true)
  return summary
}

function isCrash(error: unknown): boolean {
  return error instanceof Error && error.name === 'WorkerCrashedError'
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  if (
    error.name === 'WorkerCrashedError' &&
    /ERR_WORKER_OUT_OF_MEMORY|memory/i.test(error.message)
  ) {
    return 'Analysing this file needed too much memory; it was stopped.'
  }
  if (error.name === 'WorkerCrashedError')
    return `The analysis stopped unexpectedly on this file (${error.message}).`
  return error.message
}
