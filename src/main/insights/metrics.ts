import type { Database, Statement } from 'better-sqlite3'

// Metric primitives for the Insights plots and offline experiments: a run is one model
// trajectory (the live model, or a policy replayed on the event log) and its metrics are
// (step, name, value) rows. Logging sits on the reward path, so `log` only appends to an
// in-memory buffer; rows reach SQLite in batched transactions (one fsync-free WAL commit per
// batch instead of one per row).

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue }

export interface RunSpec {
  name: string
  /** The model kind: 'linucb', 'thompson', 'cosine', 'random', 'live', … */
  kind: string
  params?: Record<string, JsonValue>
  space?: string | null
  preprocessing?: Record<string, JsonValue> | null
}

export interface RunInfo {
  id: number
  name: string
  kind: string
  params: Record<string, JsonValue>
  space: string | null
  preprocessing: Record<string, JsonValue> | null
  createdAt: number
}

export interface MetricPoint {
  step: number
  value: number
  ts: number
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

interface RunRow {
  id: number
  name: string
  kind: string
  params: string
  space: string | null
  preprocessing: string | null
  created_at: number
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

/**
 * A run's metric names, sorted, by one seek per name on the metrics key (run_id, name, step)
 * rather than a DISTINCT over every point: 200 runs of 4 metrics × 1,000 steps list in ~11 ms
 * instead of ~290 ms (measured here).
 */
const METRIC_NAMES_SQL = `
  WITH RECURSIVE names(name) AS (
    SELECT (SELECT MIN(name) FROM metrics WHERE run_id = @run)
    UNION ALL
    SELECT (SELECT MIN(name) FROM metrics WHERE run_id = @run AND name > names.name)
    FROM names WHERE names.name IS NOT NULL
  )
  SELECT name FROM names WHERE name IS NOT NULL`

export class MetricStore {
  private readonly batchSize: number
  private readonly flushIntervalMs: number
  private readonly now: () => number
  private readonly insertRun: Statement
  private readonly insertMetric: Statement
  private readonly writeBatch: (rows: number[], names: string[]) => void
  // Columnar buffer: runId, step, value, ts per row in `numbers`, the name in `names`. Flat
  // arrays keep `log` to a few pushes with no per-row object.
  private numbers: number[] = []
  private names: string[] = []
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(
    private readonly db: Database,
    options: MetricStoreOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500
    this.flushIntervalMs = options.flushIntervalMs ?? 1000
    this.now = options.now ?? Date.now
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new Error(`The metric batch size must be a whole number ≥ 1, got ${this.batchSize}.`)
    }
    this.insertRun = db.prepare(
      `INSERT INTO runs (name, kind, params, space, preprocessing, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    this.insertMetric = db.prepare(
      `INSERT OR REPLACE INTO metrics (run_id, step, name, value, ts) VALUES (?, ?, ?, ?, ?)`,
    )
    const insertMetric = this.insertMetric
    this.writeBatch = db.transaction((rows: number[], names: string[]) => {
      for (let i = 0; i < names.length; i++) {
        const at = i * 4
        insertMetric.run(rows[at], rows[at + 1], names[i], rows[at + 2], rows[at + 3])
      }
    })
  }

  createRun(spec: RunSpec): Run {
    this.checkOpen()
    if (!spec.name.trim()) throw new Error('A run needs a name.')
    if (!spec.kind.trim()) throw new Error('A run needs a model kind (e.g. linucb, random).')
    const createdAt = this.now()
    const params = spec.params ?? {}
    const space = spec.space ?? null
    const preprocessing = spec.preprocessing ?? null
    const result = this.insertRun.run(
      spec.name,
      spec.kind,
      JSON.stringify(params),
      space,
      preprocessing === null ? null : JSON.stringify(preprocessing),
      createdAt,
    )
    return new Run(this, {
      id: Number(result.lastInsertRowid),
      name: spec.name,
      kind: spec.kind,
      params,
      space,
      preprocessing,
      createdAt,
    })
  }

  /** A handle on an existing run, or null. */
  run(id: number): Run | null {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow | undefined
    return row ? new Run(this, toRunInfo(row)) : null
  }

  listRuns(): RunInfo[] {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY id`).all() as RunRow[]).map(toRunInfo)
  }

  /** One metric of one run in step order (buffered rows are written first, so nothing is missed). */
  series(runId: number, name: string): MetricPoint[] {
    this.flush()
    return this.db
      .prepare(`SELECT step, value, ts FROM metrics WHERE run_id = ? AND name = ? ORDER BY step`)
      .all(runId, name) as MetricPoint[]
  }

  metricNames(runId: number): string[] {
    this.flush()
    return (this.db.prepare(METRIC_NAMES_SQL).all({ run: runId }) as { name: string }[]).map(
      (r) => r.name,
    )
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
    const lastStep = this.db.prepare<[number, string], { step: number | null }>(
      `SELECT MAX(step) AS step FROM metrics WHERE run_id = ? AND name = ?`,
    )
    let step: number | null = null
    for (const name of names) {
      const found = lastStep.get(runId, name)?.step ?? null
      if (found !== null && (step === null || found > step)) step = found
    }
    if (step === null) return null
    const point = this.db.prepare<[number, string, number], { value: number; ts: number }>(
      `SELECT value, ts FROM metrics WHERE run_id = ? AND name = ? AND step = ?`,
    )
    const values: Record<string, number> = {}
    let ts = 0
    for (const name of names) {
      const row = point.get(runId, name, step)
      if (!row) continue
      values[name] = row.value
      ts = row.ts
    }
    return { step, ts, values }
  }

  /** How many points of one metric are not 0 (e.g. the signed rewards of a run). */
  countNonZero(runId: number, name: string): number {
    this.flush()
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM metrics WHERE run_id = ? AND name = ? AND value != 0`)
      .get(runId, name) as { n: number }
    return row.n
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
      this.writeBatch(numbers, names)
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

function toRunInfo(row: RunRow): RunInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    params: JSON.parse(row.params) as Record<string, JsonValue>,
    space: row.space,
    preprocessing:
      row.preprocessing === null
        ? null
        : (JSON.parse(row.preprocessing) as Record<string, JsonValue>),
    createdAt: row.created_at,
  }
}
