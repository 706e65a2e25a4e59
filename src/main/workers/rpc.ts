// Typed request/response messaging with worker threads (as Signal's SQL worker does): every request
// carries a sequence number, the answer comes back with the same one, and errors cross the boundary
// as values. Nobody waits synchronously on a worker.
import {
  Worker,
  parentPort,
  receiveMessageOnPort,
  type TransferListItem,
  type WorkerOptions,
} from 'node:worker_threads'
import { errorCodeOf, UserError, type ErrorCode } from '../../shared/errors'

/** A worker protocol: each request type maps to its payload and result. */
export type Protocol = Record<string, { payload: unknown; result: unknown }>

export type WorkerRequest<P extends Protocol> = {
  [K in keyof P & string]: { seq: number; type: K; payload: P[K]['payload'] }
}[keyof P & string]

export type WorkerReply =
  | { seq: number; ok: true; result: unknown }
  | {
      seq: number
      ok: false
      /** `code`: the error's Attune code (src/shared/errors.ts), so it survives the boundary. */
      error: { message: string; code?: ErrorCode; stack?: string }
    }
  | { log: { level: 'info' | 'warn' | 'error'; message: string } }

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError'
}

export interface WorkerClientOptions {
  /** Where the worker's log lines and uncaught errors go (the main log). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  resourceLimits?: WorkerOptions['resourceLimits']
  workerData?: unknown
}

/** Starts a worker thread from a built JavaScript entry (see entries.ts: workerEntry). */
export function startWorker(entry: URL | string, options: WorkerClientOptions = {}): Worker {
  return new Worker(entry, {
    workerData: options.workerData,
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
  })
}

export class WorkerClient<P extends Protocol> {
  private seq = 0
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >()
  private exited: Error | null = null

  constructor(
    readonly worker: Worker,
    private readonly options: WorkerClientOptions = {},
  ) {
    worker.on('message', (reply: WorkerReply) => this.onReply(reply))
    worker.on('error', (error) => {
      this.options.log?.('error', `worker failed: ${error.stack ?? error.message}`)
      this.failAll(new WorkerCrashedError(`The worker failed: ${error.message}`))
    })
    worker.on('exit', (code) => {
      this.failAll(new WorkerCrashedError(`The worker stopped (exit code ${code}).`))
    })
  }

  request<K extends keyof P & string>(
    type: K,
    payload: P[K]['payload'],
    transfer: TransferListItem[] = [],
  ): Promise<P[K]['result']> {
    if (this.exited) return Promise.reject(this.exited)
    const seq = ++this.seq
    return new Promise<P[K]['result']>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject })
      this.worker.postMessage({ seq, type, payload }, transfer)
    })
  }

  get inFlight(): number {
    return this.pending.size
  }

  async terminate(): Promise<void> {
    this.failAll(new WorkerCrashedError('The worker was stopped.'))
    await this.worker.terminate()
  }

  private onReply(reply: WorkerReply): void {
    if ('log' in reply) {
      this.options.log?.(reply.log.level, reply.log.message)
      return
    }
    const waiter = this.pending.get(reply.seq)
    if (!waiter) return
    this.pending.delete(reply.seq)
    if (reply.ok) waiter.resolve(reply.result)
    else {
      const { message, code, stack } = reply.error
      const error = code ? new UserError(message, code) : new Error(message)
      if (stack) error.stack = stack
      waiter.reject(error)
    }
  }

  private failAll(error: Error): void {
    this.exited ??= error
    for (const waiter of this.pending.values()) waiter.reject(error)
    this.pending.clear()
  }
}

export type Handlers<P extends Protocol> = {
  [K in keyof P & string]: (payload: P[K]['payload']) => P[K]['result'] | Promise<P[K]['result']>
}

/** What a worker's long-running idle work asks of the request loop (see serveWorker). */
export interface ServedWorker {
  /**
   * Whether a request is waiting: a slice of idle work calls this every so often and stops when it
   * says yes. A waiting request is taken off the port at once and handled as soon as the current
   * task returns (a microtask), before any request that arrives after it.
   */
  requestWaiting: () => boolean
}

/** Inside a worker: dispatch each request to its handler and answer with the same sequence number. */
export function serveWorker<P extends Protocol>(handlers: Handlers<P>): ServedWorker {
  const port = parentPort
  if (!port) throw new Error('serveWorker must run inside a worker thread')
  let taken = false
  const dispatch = (request: WorkerRequest<P>): void => {
    const handler = handlers[request.type] as ((payload: unknown) => unknown) | undefined
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown request type '${request.type}'`)
        const result = await handler(request.payload)
        port.postMessage({ seq: request.seq, ok: true, result } satisfies WorkerReply)
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error))
        const code = errorCodeOf(e)
        port.postMessage({
          seq: request.seq,
          ok: false,
          error: {
            message: e.message,
            ...(code ? { code } : {}),
            ...(e.stack ? { stack: e.stack } : {}),
          },
        } satisfies WorkerReply)
      }
    })()
  }
  port.on('message', dispatch)
  return {
    requestWaiting: () => {
      if (taken) return true
      const waiting = receiveMessageOnPort(port)
      if (waiting === undefined) return false
      taken = true
      queueMicrotask(() => {
        taken = false
        dispatch(waiting.message as WorkerRequest<P>)
      })
      return true
    },
  }
}

/** Inside a worker: send a log line to the main log. */
export function workerLog(level: 'info' | 'warn' | 'error', message: string): void {
  parentPort?.postMessage({ log: { level, message } } satisfies WorkerReply)
}
