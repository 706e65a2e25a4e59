// Taste worker: the model lives here so no UI call waits on linear algebra. It opens the database
// read-only itself through the data layer (db/; a SQLite connection works in a worker thread), so
// the library's vectors never cross the thread boundary; the main thread writes the snapshots it
// hands out.
import { workerData } from 'node:worker_threads'
import { performance, PerformanceObserver } from 'node:perf_hooks'
import { readFileSync } from 'node:fs'
import { openDatabase } from '../db/database'
import { serveWorker, workerLog } from './rpc'
import { TasteCore } from '../taste/core'
import type { Observed, TasteProtocol, TasteTrace, TasteWorkerData } from '../taste/service'

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

/** Benchmarks only (workerData.trace): where the worker's time goes, kept until asked for. */
const trace: TasteTrace | null = data.trace ? { requests: [], slices: [], gcs: [] } : null
const TRACE_LIMIT = 100_000
const clock = (): number => performance.timeOrigin + performance.now()
/**
 * ms this thread has spent runnable but waiting for a core (Linux's schedstat run_delay), or
 * null where the kernel does not say: what a wall-clock time lost to other processes.
 */
const waitedForCore = (): number | null => {
  try {
    const fields = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')
    const delay = Number(fields[1])
    return Number.isFinite(delay) ? delay / 1e6 : null
  } catch {
    return null
  }
}
if (trace) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (trace.gcs.length >= TRACE_LIMIT) return
      const { detail } = entry as { detail?: { kind?: number } }
      trace.gcs.push({
        start: performance.timeOrigin + entry.startTime,
        duration: entry.duration,
        kind: detail?.kind ?? 0,
      })
    }
  }).observe({ entryTypes: ['gc'] })
}

/**
 * Idle time: after every answer, the model's exact refresh (when due), then the preparing of the
 * songs likely rewarded next (core.prepareSongs), run one bounded slice per turn of the event loop
 * (setImmediate; the first a moment after the answer, see AFTER_ANSWER_MS). A slice asks every
 * few dozen rows whether a request has arrived and stops there if so: the request is handled at
 * once, never after the rest of the slice (let alone the whole O(N·k²) refresh). `nextSlice` is
 * the slice scheduled, if any.
 */
let nextSlice:
  | { timer: NodeJS.Immediate; afterAnswer: false }
  | { timer: NodeJS.Timeout; afterAnswer: true }
  | null = null
const idle = (): void => {
  nextSlice = null
  let more = false
  const start = trace ? clock() : 0
  let interrupted = false
  try {
    more = core.idleStep(
      trace ? () => (interrupted = served.requestWaiting()) : served.requestWaiting,
    )
  } catch (error) {
    workerLog('warn', `the taste model's idle work failed: ${(error as Error).message}`)
  }
  if (trace && trace.slices.length < TRACE_LIMIT)
    trace.slices.push({ start, end: clock(), interrupted })
  if (more) scheduleIdle()
}
/**
 * After an answer the idle work waits a moment (AFTER_ANSWER_MS): the thread that asked is woken
 * by the answer, and Linux tends to wake it on this thread's core; a slice started at once keeps
 * that core and the asker waits for it (measured through the worker at 250k × 32: the answer
 * reached the main thread after a median 2.0 ms while a slice ran, 0.3 ms when none did).
 */
const AFTER_ANSWER_MS = 1
const scheduleIdle = (afterAnswer = false): void => {
  if (nextSlice?.afterAnswer) return
  if (afterAnswer) {
    // A slice due on the next turn (the refresh or preparing under way) waits too.
    if (nextSlice !== null) clearImmediate(nextSlice.timer)
    nextSlice = { timer: setTimeout(idle, AFTER_ANSWER_MS), afterAnswer: true }
  } else if (nextSlice === null) {
    nextSlice = { timer: setImmediate(idle), afterAnswer: false }
  }
}

const observed = <T>(value: T): Observed<T> => {
  scheduleIdle(true)
  return { value, pending: core.takeObservations(OBSERVATION_PAGE) }
}

/**
 * A request answered, timed when tracing: with `apply`, the new events are applied first on their
 * own (core.update()), so the trace splits learning from answering.
 */
const traced = <T>(type: string, run: () => T, apply = false): Observed<T> => {
  if (!trace) return observed(run())
  const received = clock()
  const waitedBefore = waitedForCore()
  if (apply) core.update()
  const applied = clock()
  const value = run()
  const waitedAfter = waitedForCore()
  if (trace.requests.length < TRACE_LIMIT)
    trace.requests.push({
      type,
      received,
      applied,
      answered: clock(),
      waited: waitedBefore === null || waitedAfter === null ? null : waitedAfter - waitedBefore,
    })
  return observed(value)
}

const served = serveWorker<TasteProtocol>({
  rebuild: (payload) => observed(core.rebuild(payload)),
  update: () => traced('update', () => core.update()),
  recommend: (payload) => traced('recommend', () => core.recommend(payload), true),
  rank: (payload) => traced('rank', () => core.rank(payload), true),
  pick: (payload) => traced('pick', () => core.pick(payload), true),
  rerank: (payload) => traced('rerank', () => core.rerank(payload), true),
  word: ({ trackIds }) => traced('word', () => core.word(trackIds)),
  path: (payload) => observed(core.path(payload)),
  explain: ({ trackId }) => observed(core.explain(trackId)),
  insights: () => observed(core.insights()),
  observations: () => core.takeObservations(OBSERVATION_PAGE),
  snapshot: () => core.snapshot(),
  prepare: ({ trackIds }) => {
    core.prepareSongs(trackIds)
    scheduleIdle()
    return null
  },
  idleWork: () => core.idleWork(),
  trace: () => {
    const taken: TasteTrace = trace
      ? {
          requests: trace.requests.splice(0),
          slices: trace.slices.splice(0),
          gcs: trace.gcs.splice(0),
        }
      : { requests: [], slices: [], gcs: [] }
    return taken
  },
})
