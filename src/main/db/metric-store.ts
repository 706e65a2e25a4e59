import type { Database } from './database'
import { MetricRepository, type JsonValue, type MetricPoint, type RunInfo } from './metrics'

// Metric primitives for the Insights plots and offline experiments: a run is one model
// trajectory (the live model, or a policy replayed on the event log) and its metrics are
// (step, name, value) rows. Logging sits on the reward path, so `log` only appends to an
// in-memory buffer; rows reach SQLite in batched transactions (one fsync-free WAL commit per
// batch instead of one per row).

export type { JsonValue, MetricPoint, RunInfo }

export interface RunSpec {
  name: string
  /** The model kind: 'linucb', 'thompson', 'cosine', 'random', 'live', … */
  kind: string
  params?: Record<string, JsonValue>
  space?: string | null
  preprocessing?: Record<string, JsonValue> | null
}

export interface MetricStoreOptions {
  /** Write the buffer once it holds this many rows. Default 500. */
  batchSize?: number
  /** Write whatever is buffered after this many ms (the timer never keeps the process alive). Default 1000. */
  flushIntervalMs?: number
  /** Clock for the rows' ts (ms since the epoch); tests may pin it. */
  now?: () => number
}

export class NonFiniteMetricError extends Error {
  constructor(
    readonly metric: string,
    readonly value: unknown,
    readonly step: number,
  ) {
    super(
      `The metric "${metric}" at step ${step} is ${String(value)}, not a finite number; ` +
        'it was not recorded. A NaN or Infinity usually means the model diverged upstream.',
    )
    this.name = 'NonFiniteMetricError'
  }
}

/** One run's handle: `log` appends to the store's shared buffer. */
export class Run {
  constructor(
    private readonly store: MetricStore,
    readonly info: RunInfo,
  ) {}

  get id(): number {
    return this.info.id
  }

  /**
   * Records the step's metrics (buffered; see MetricStore). A metric logged again for the same
   * step replaces the earlier value. Throws on a non-finite value. `ts` (ms since the epoch) is
   * the moment the step happened, e.g. the event's time; default the store's clock.
   */
  log(step: number, values: Readonly<Record<string, number>>, ts?: number): void {
    this.store.append(this.info.id, step, values, ts)
  }
}

export class MetricStore {
  private readonly batchSize: number
  private readonly flushIntervalMs: number
  private readonly now: () => number
  private readonly rows: MetricRepository
  // Columnar buffer: runId, step, value, ts per row in `numbers`, the name in `names`. Flat
  // arrays keep `log` to a few pushes with no per-row object.
  private numbers: number[] = []
  private names: string[] = []
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(db: Database, options: MetricStoreOptions = {}) {
    this.batchSize = options.batchSize ?? 500
    this.flushIntervalMs = options.flushIntervalMs ?? 1000
    this.now = options.now ?? Date.now
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new Error(`The metric batch size must be a whole number ≥ 1, got ${this.batchSize}.`)
    }
    this.rows = new MetricRepository(db)
  }

  createRun(spec: RunSpec): Run {
    this.checkOpen()
    if (!spec.name.trim()) throw new Error('A run needs a name.')
    if (!spec.kind.trim()) throw new Error('A run needs a model kind (e.g. linucb, random).')
    const createdAt = this.now()
    const params = spec.params ?? {}
    const space = spec.space ?? null
    const preprocessing = spec.preprocessing ?? null
    const info = this.rows.createRun({
      name: spec.name,
      kind: spec.kind,
      params,
      space,
      preprocessing,
      createdAt,
    })
    return new Run(this, info)
  }

  /** A handle on an existing run, or null. */
  run(id: number): Run | null {
    const info = this.rows.run(id)
    return info ? new Run(this, info) : null
  }

  listRuns(): RunInfo[] {
    return this.rows.listRuns()
  }

  /** One metric of one run in step order (buffered rows are written first, so nothing is missed). */
  series(runId: number, name: string): MetricPoint[] {
    this.flush()
    return this.rows.series(runId, name)
  }

  metricNames(runId: number): string[] {
    this.flush()
    return this.rows.metricNames(runId)
  }

  /**
   * The run's last step among the given metrics, with their values at that step (a metric not
   * logged at it is absent), or null when none of them has a point. Index lookups only, however
   * long the run.
   */
  latest(
    runId: number,
    names: readonly string[],
  ): { step: number; ts: number; values: Record<string, number> } | null {
    this.flush()
    let step: number | null = null
    for (const name of names) {
      const found = this.rows.lastStep(runId, name)
      if (found !== null && (step === null || found > step)) step = found
    }
    if (step === null) return null
    const values: Record<string, number> = {}
    let ts = 0
    for (const name of names) {
      const row = this.rows.pointAt(runId, name, step)
      if (!row) continue
      values[name] = row.value
      ts = row.ts
    }
    return { step, ts, values }
  }

  /** How many points of one metric are not 0 (e.g. the signed rewards of a run). */
  countNonZero(runId: number, name: string): number {
    this.flush()
    return this.rows.countNonZero(runId, name)
  }

  /** Rows waiting in the buffer. */
  get pending(): number {
    return this.names.length
  }

  /** Called by Run.log. Validates every value first, so a bad step records nothing. */
  append(runId: number, step: number, values: Readonly<Record<string, number>>, at?: number): void {
    this.checkOpen()
    if (!Number.isInteger(step)) {
      throw new Error(`A metric step must be a whole number, got ${step}.`)
    }
    if (at !== undefined && !Number.isFinite(at)) {
      throw new Error(`A metric's time must be a finite number of ms, got ${at}.`)
    }
    for (const name in values) {
      const value = values[name]
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new NonFiniteMetricError(name, value, step)
      }
    }
    const ts = at ?? this.now()
    for (const name in values) {
      this.numbers.push(runId, step, values[name] as number, ts)
      this.names.push(name)
    }
    if (this.names.length >= this.batchSize) this.flush()
    else if (this.timer === null && this.names.length > 0) this.startTimer()
  }

  /** Writes every buffered row in one transaction. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    if (this.names.length === 0) return
    const numbers = this.numbers
    const names = this.names
    this.numbers = []
    this.names = []
    try {
      this.rows.insertPoints(numbers, names)
    } catch (error) {
      // Keep the rows for the next attempt (e.g. the database was busy) rather than lose them.
      this.numbers = numbers.concat(this.numbers)
      this.names = names.concat(this.names)
      throw error
    }
  }

  /** Flushes and stops the timer; the database stays open (its owner closes it). */
  close(): void {
    if (this.closed) return
    this.flush()
    this.closed = true
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = null
      try {
        this.flush()
      } catch {
        // A timed flush has no caller to tell; the rows stay buffered for the next flush.
      }
    }, this.flushIntervalMs)
    this.timer.unref()
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('This metric store is closed.')
  }
}
